// Per-environment state of the addon (one per main thread / worker_thread): the COM threads, the
// completion queue, and every live interface pointer, so that the environment's cleanup hook can
// release them all. No mutable statics anywhere: several environments load the addon at once.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <napi.h>

#include "../com/apartment.h"
#include "../com/held.h"
#include "completions.h"
#include "wake_policy.h"

namespace wsb::bridge {

// A result built on a COM thread that settles its promise on the JS thread.
Settle resolveWith(std::function<Napi::Value(Napi::Env)> value);
Settle rejectWith(Failure failure);
// The same rejections as data, for batched calls (Reply), and a Reply as a promise's settle.
Reply replyFailed(Failure failure);
Reply replyProtocolError(HRESULT call, std::string detail);
Settle settleWith(Reply reply);
// What a call that could not run produces, as a Settle or a Reply (callHeld's `unavailable`).
inline Settle failedWith(const Failure& failure, Settle* /*type*/) { return rejectWith(failure); }
inline Reply failedWith(const Failure& failure, Reply* /*type*/) { return replyFailed(failure); }

// Every live pointer holder and runtime of one environment, for cleanup. Shared, because a COM
// thread that outlives the environment (detached while hung) may still register a holder.
class LiveSet {
 public:
  void track(const std::shared_ptr<Releasable>& holder);
  void track(const std::shared_ptr<Runtime>& runtime);
  // Takes everything still alive, leaving the set empty.
  void drain(std::vector<std::shared_ptr<Releasable>>* holders, std::vector<std::shared_ptr<Runtime>>* runtimes);

 private:
  // Expired entries are swept only when a list has doubled since its last sweep: amortised O(1)
  // per track() (a sweep per insert made N concurrent checks cost O(N^2)), at most 2x the live
  // entries plus a small floor.
  template <class T>
  static void add(std::vector<std::weak_ptr<T>>* list, std::size_t* sweepAt, const std::shared_ptr<T>& item);

  std::mutex mutex_;
  std::vector<std::weak_ptr<Releasable>> holders_;
  std::vector<std::weak_ptr<Runtime>> runtimes_;
  std::size_t holdersSweepAt_ = 0;
  std::size_t runtimesSweepAt_ = 0;
};

// Runs `call` with a reference of its own to the held pointer, or fails with `unavailable`
// when the holder holds nothing (released meanwhile, or never obtained). On a COM thread.
// `call` returns a Settle (a promise's call) or a Reply (a batched call).
template <class T, class Call>
auto callHeld(Held<T>& held, const Failure& unavailable, const Call& call) -> decltype(call(static_cast<T*>(nullptr))) {
  using Result = decltype(call(static_cast<T*>(nullptr)));
  ComPtr<T> pointer = held.acquire();
  if (!pointer) return failedWith(unavailable, static_cast<Result*>(nullptr));
  Result result = call(pointer.get());
  held.finish(std::move(pointer));
  return result;
}

// One element of a batched call: the handle it is made on, and either its work (run on a COM
// thread) or, when it cannot be made at all, the Reply it fails with.
struct BatchCall {
  Napi::Object owner;
  std::function<Reply()> work;
  Reply failed;
};

class WsbAddon final : public Napi::Addon<WsbAddon> {
 public:
  WsbAddon(Napi::Env env, Napi::Object exports);
  ~WsbAddon();

  // Runs `work` on a COM thread; `work` returns how to settle the promise returned here.
  // `owner` is the handle the call is made on (info.This()); see Completions for `keepAlive`.
  // Beyond the calls the pool runs at once the call is queued (a hung add-in holds one thread, not
  // the queue); only past the queue's memory bound does the promise reject at once with
  // RPC_E_SERVERCALL_RETRYLATER, or with E_OUTOFMEMORY when no thread could be started.
  Napi::Promise run(const Napi::CallbackInfo& info, const void* owner, KeepAlive keepAlive, std::function<Settle()> work);
  // Runs every call's work on COM threads, posted at once (Apartment::postBatch); the results of
  // calls[i] reach `onResults` with index i (Completions::beginBatch), each exactly once, never
  // before this returns. Calls refused by the apartment fail as run()'s do. Never holds the
  // event loop. Nothing to do for no calls.
  void runBatch(Napi::Env env, Napi::Function onResults, std::vector<BatchCall> calls);
  // release() of the handle `owner`: its pending calls stop keeping the process alive, and
  // `holders` are released on the release lane (which cancels their calls in flight). The promise
  // resolves once every final Release has returned (Held::whenReleased), possibly later than the
  // release task when an uncancellable call still holds a reference. It never rejects and never
  // holds the event loop (a hung add-in must not keep the process alive): waiting is the caller's.
  Napi::Promise releaseHandle(const Napi::CallbackInfo& info, const void* owner, std::vector<std::shared_ptr<Releasable>> holders);
  void unpin(Napi::Env env, const void* owner) { completions_.unpin(env, owner); }
  // binding.wakePolicy([policy]): sets the fields given (wake_policy.h), returns the policy now.
  Napi::Value wakePolicy(const Napi::CallbackInfo& info);
  const std::shared_ptr<Apartment>& apartment() const { return apartment_; }
  const std::shared_ptr<LiveSet>& live() const { return live_; }

  Napi::FunctionReference runtimeClass;
  Napi::FunctionReference addinClass;
  Napi::FunctionReference operationClass;
  Napi::FunctionReference vssClass;

 private:
  void cleanup();

  std::shared_ptr<Apartment> apartment_;
  Completions completions_;
  std::shared_ptr<LiveSet> live_ = std::make_shared<LiveSet>();
  bool cleanedUp_ = false;
  WakePolicy wake_;
};

}  // namespace wsb::bridge
