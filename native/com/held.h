// Held<T>: one interface pointer shared by a JS handle and the calls in flight on it.
//
// Ownership rules it enforces:
// - the pointer is released exactly once, on an apartment thread (release() is only ever run
//   there, and the in-flight copies taken by acquire() are dropped there too);
// - a call takes its own reference for its duration, so releasing the handle while a call is
//   running never frees the object under that call;
// - release() cancels the calls still in flight (a hung QueryStatus must not pin the object),
//   and asks again while they are still running: CoCancelCall is not remembered, so a release
//   that lands between acquire() and the start of the COM call would otherwise cancel nothing;
// - whenReleased() tells when the last of those references is gone (the final Release returned),
//   which is later than release() when a call the add-in does not let go of still holds its own.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "com_ptr.h"
#include "runtime.h"

namespace wsb {

// How long release() keeps re-issuing the cancellation of calls still in flight (the same bound
// as the environment's shutdown grace): long enough for any call that was about to start, short
// enough that a call the add-in never lets go of costs one release thread only this long.
constexpr std::chrono::milliseconds kCancelRetryWindow{2000};

// What the environment's cleanup hook can release without knowing the interface type.
class Releasable {
 public:
  virtual ~Releasable() = default;
  virtual void release() noexcept = 0;  // on an apartment thread
  virtual void whenReleased(std::function<void()> done) = 0;
};

template <class T>
class Held final : public Releasable {
 public:
  Held(std::shared_ptr<Runtime> runtime, ComPtr<T> pointer)
      : runtime_(std::move(runtime)), pointer_(std::move(pointer)), references_(pointer_ ? 1 : 0) {}

  // A call's own reference, registered as in flight on this thread; empty once released.
  ComPtr<T> acquire() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!pointer_) return {};
    inFlight_.push_back(CallThread::current());
    ++references_;
    return pointer_.share();
  }

  // Ends what acquire() began; `call` is dropped here so its Release runs on this thread.
  void finish(ComPtr<T> call) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      const auto self = std::this_thread::get_id();
      const auto entry = std::find_if(inFlight_.begin(), inFlight_.end(), [&](const CallThread& t) { return t.id == self; });
      if (entry != inFlight_.end()) {
        runtime_->callFinished(*entry);
        inFlight_.erase(entry);
        if (inFlight_.empty()) idle_.notify_all();
      }
    }
    call.reset();
    dropped(1);
  }

  // On a release-lane thread of the apartment (never refused for the call cap, see apartment.h).
  void release() noexcept override {
    ComPtr<T> last;
    std::unique_lock<std::mutex> lock(mutex_);
    last = std::move(pointer_);  // from here on acquire() hands out nothing: inFlight_ only shrinks
    releasing_ = true;
    const bool canCancel = cancelInFlight();
    lock.unlock();
    const std::size_t held = last ? 1 : 0;
    last.reset();  // the final Release, unless a call in flight still holds its own reference
    dropped(held);
    if (!canCancel) return;
    lock.lock();
    const auto deadline = std::chrono::steady_clock::now() + kCancelRetryWindow;
    for (auto pause = std::chrono::milliseconds(1); !inFlight_.empty(); pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
      if (idle_.wait_for(lock, pause, [&] { return inFlight_.empty(); })) break;
      if (std::chrono::steady_clock::now() >= deadline) break;
      cancelInFlight();
    }
  }

  // Runs `done` once release() has run and every reference this holder handed out is dropped
  // (the final Release has returned): at once if that is so already, else on the thread that
  // drops the last one. `done` must not throw.
  void whenReleased(std::function<void()> done) override {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!releasing_ || references_ != 0) {
      whenReleased_.push_back(std::move(done));
      return;
    }
    lock.unlock();
    done();
  }

  const std::shared_ptr<Runtime>& runtime() const { return runtime_; }

 private:
  // `count` references (0 or 1) were just dropped; runs the whenReleased() waiters at the last.
  void dropped(std::size_t count) noexcept {
    std::vector<std::function<void()>> ready;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      references_ -= count;
      if (releasing_ && references_ == 0) ready.swap(whenReleased_);
    }
    for (auto& done : ready) done();
  }

  // With mutex_ held. False when the platform cannot cancel.
  bool cancelInFlight() noexcept {
    bool canCancel = true;
    for (const CallThread& thread : inFlight_) canCancel = runtime_->cancel(thread) && canCancel;
    return canCancel;
  }

  const std::shared_ptr<Runtime> runtime_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;  // inFlight_ became empty
  ComPtr<T> pointer_;
  std::size_t references_;  // pointer_ while held, plus every acquire() not yet finished
  bool releasing_ = false;  // release() has run
  std::vector<std::function<void()>> whenReleased_;
  std::vector<CallThread> inFlight_;
};

}  // namespace wsb
