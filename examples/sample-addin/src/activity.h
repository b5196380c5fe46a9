// When the server process may register again or exit: what its main thread waits for.
#pragma once

#include <windows.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sample {

// The activations taken and the objects (and locks) still alive, under one lock, so the main
// thread can never take "the last object went away" for the end of an activation that arrived
// meanwhile. Under Wine 8, two clients can activate through one registration of this process
// (its rpcss does not pair a client with the server it launched): with an event per edge, the
// second activation's signal could be consumed by the first one's end, and the process left
// serving "idle" with the second client's objects alive.
class ServerActivity {
 public:
  // CreateInstance: an activation has begun and holds the process until its end (release()).
  void activationBegins() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++activations_;
    ++live_;
    changed_.notify_all();
  }
  // An object or a LockServer(TRUE) holds the process; CoAddRefServerProcess is the caller's.
  void hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++live_;
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (live_ > 0 && --live_ == 0) changed_.notify_all();
  }

  // True once an activation arrived since the last round ended; false after `ms`.
  bool waitForActivation(DWORD ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return activations_ > 0; });
  }
  // True once nothing is alive, and then the round's activations are used up (in the same
  // locked step, so one that begins afterwards counts for the next round); false after `ms`.
  bool waitForRoundEnd(DWORD ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return live_ == 0; })) return false;
    activations_ = 0;
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  unsigned activations_ = 0;
  unsigned live_ = 0;
};

}  // namespace sample
