// Held<T>: one interface pointer shared by a JS handle and the calls in flight on it.
//
// Ownership rules it enforces:
// - the pointer is released exactly once, on an apartment thread (release() is only ever run
//   there, and the in-flight copies taken by acquire() are dropped there too);
// - a call takes its own reference for its duration, so releasing the handle while a call is
//   running never frees the object under that call;
// - release() cancels the calls still in flight (a hung QueryStatus must not pin the object).
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "com_ptr.h"
#include "runtime.h"

namespace wsb {

// What the environment's cleanup hook can release without knowing the interface type.
class Releasable {
 public:
  virtual ~Releasable() = default;
  virtual void release() noexcept = 0;  // on an apartment thread
};

template <class T>
class Held final : public Releasable {
 public:
  Held(std::shared_ptr<Runtime> runtime, ComPtr<T> pointer) : runtime_(std::move(runtime)), pointer_(std::move(pointer)) {}

  // A call's own reference, registered as in flight on this thread; empty once released.
  ComPtr<T> acquire() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!pointer_) return {};
    inFlight_.push_back(CallThread::current());
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
      }
    }
    call.reset();
  }

  void release() noexcept override {
    ComPtr<T> last;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      last = std::move(pointer_);
      for (const CallThread& thread : inFlight_) runtime_->cancel(thread);
    }
    last.reset();
  }

  const std::shared_ptr<Runtime>& runtime() const { return runtime_; }

 private:
  const std::shared_ptr<Runtime> runtime_;
  mutable std::mutex mutex_;
  ComPtr<T> pointer_;
  std::vector<CallThread> inFlight_;
};

}  // namespace wsb
