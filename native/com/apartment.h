// The addon's COM threads: a pool of threads in the multithreaded apartment (MTA).
//
// Why a growing pool and not a fixed one: a COM call can block for as long as the add-in likes
// (or forever), and one blocked call must not hold up calls to other add-ins or other operations.
// A task posted while every thread is busy gets a new thread, so a hung call costs exactly one
// thread. Threads stay for reuse once started; the pool is per Node environment.
//
// Two lanes, because of what a hung add-in does to a capped pool:
// - calls (kCall): at most `maxCalls` queued or running. Beyond that a call is refused at once
//   (Posted::kBusy) instead of queueing behind calls that may never return;
// - releases (kRelease): Release and the cancellation of calls in flight. Never counted against
//   the call cap and never refused for it, so releasing handles can always cancel the hung calls
//   that fill the pool (up to 2 x maxCalls threads in all; beyond that a release waits for a
//   thread, never for a call slot).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "abi.h"

namespace wsb {

// Identifies the pool thread that runs a call, so that another thread can cancel it.
struct CallThread {
  std::thread::id id;
#ifdef _WIN32
  DWORD win32Id = 0;
#endif
  static CallThread current();
};

class Apartment {
 public:
  using Task = std::function<void()>;
  // Starts a thread running `body` (a seam: tests make it fail as std::thread can).
  using Spawn = std::function<std::thread(std::function<void()> body)>;

  enum class Lane { kCall, kRelease };
  enum class Posted {
    kQueued,
    kBusy,      // kCall only: maxCalls calls are queued or running (hung add-ins?); nothing queued
    kNoThread,  // no thread could be started (std::system_error, out of memory); nothing queued
    kStopped,   // stop() was called; nothing queued
  };

  explicit Apartment(std::size_t maxCalls, Spawn spawn = nullptr);
  Apartment(const Apartment&) = delete;
  Apartment& operator=(const Apartment&) = delete;
  ~Apartment();

  // Queues a task; never blocks, never throws. Tasks must not throw (they report failures as
  // values). A task that is not queued is destroyed before post returns, on the calling thread.
  Posted post(Task task, Lane lane = Lane::kCall) noexcept;

  // Called by a kCall task once its result is on its way, before the task returns: the call's
  // slot is free from here, so a caller that reacts to the result at once (the next poll) is not
  // refused because this thread has not finished unwinding. No-op anywhere else.
  static void callDone() noexcept;

  // Runs what is queued, then stops the threads. A thread still inside a call after `grace`
  // (a hung out-of-process add-in that could not be cancelled) is detached: it keeps only
  // shared state alive, and the process can still exit.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Queued {
    Task task;
    Lane lane;
  };
  struct Shared {
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable exited;
    std::deque<Queued> queue;
    std::size_t calls = 0;  // kCall tasks queued or running
    std::vector<std::thread> workers;
    std::set<std::thread::id> finished;  // workers that left their loop (safe to join)
    std::size_t idle = 0;
    // Idle threads notified and not yet awake. A queued task needs an idle thread of its own,
    // but not its own notify from the poster: a thread that wakes and finds more queued wakes
    // the next idle one before it runs its task (a chain), so a burst of posts from the JS
    // thread costs it one wake-up, not one per post.
    std::size_t signalled = 0;
    std::size_t running = 0;
    bool stopping = false;
  };

  static void run(std::shared_ptr<Shared> shared);
  // The pool and call-slot state of the kCall task running on this thread (callDone()).
  static thread_local Shared* current_;
  static thread_local bool slotHeld_;
  bool startThread() noexcept;  // with shared_->mutex held

  const std::size_t maxCalls_;
  const Spawn spawn_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace wsb
