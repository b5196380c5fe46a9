// Completions: results of COM calls travelling back to their promises.
//
// Worker threads push plain results ("settle" closures that touch JS only when run); the first
// push after a drain makes one thread-safe-function call, and the JS thread then settles every
// result queued by then. So many polls that complete together cost one thread hop, not one each.
//
// Keeping the process alive: like a pending fs call, a one-shot COM call in flight keeps the event
// loop alive (the thread-safe function is ref'd while any is pending, unref'd when idle):
// CheckConsistency, the restore calls, and an activation unless its caller opts out (there is no
// handle to release yet: a caller with a deadline holds the loop with its own timer instead).
// Abort and releases never count, and QueryStatus only when its caller asks (lib/backends/native.ts
// does, so that awaiting one status keeps the process up): they are the calls a broken add-in
// hangs. Releasing a handle stops its pending calls from counting (and cancels them), so a
// caller's deadline can always let the process go.
//
// A pending call holds a strong reference to the JS handle it was made on, as an AsyncWorker
// does: the handle cannot be collected mid-call (its finalizer would release the pointer and
// cancel the very call), and its address cannot be reused by a new handle while it still names
// pending calls. A dropped handle is collected once its calls have settled.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <napi.h>

namespace wsb::bridge {

// Runs on the JS thread: resolves or rejects the promise of one call.
using Settle = std::function<void(Napi::Env, const Napi::Promise::Deferred&)>;

class Completions;

// The thread-safe function's callback, on the JS thread: settles what is queued. Native, not a
// JS function: during environment teardown Node runs it while JS can no longer run (every
// Node-API call fails, so node-addon-api would throw), or with a null env for calls still queued
// when the function is finalized. It then does nothing, and no C++ exception ever leaves it.
void onCompletionsReady(Napi::Env env, Napi::Function unused, Completions* completions, void* data);
using CompletionsTsfn = Napi::TypedThreadSafeFunction<Completions, void, onCompletionsReady>;

enum class KeepAlive { kNo, kYes };

// The part worker threads see; shared, so a thread that outlives the environment (a detached,
// hung call) still has something valid to push into.
class CompletionSink {
 public:
  void complete(std::uint64_t ticket, Settle settle);

 private:
  friend class Completions;

  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, Settle>> ready_;
  bool scheduled_ = false;
  bool closed_ = false;
  CompletionsTsfn tsfn_;
};

class Completions {
 public:
  explicit Completions(Napi::Env env);

  // Where results that were not delivered are sent to be destroyed: they may hold the last
  // reference to a COM pointer, which must not be released on the JS thread.
  using Dispose = std::function<void(std::vector<Settle>)>;
  void setDispose(Dispose dispose) { dispose_ = std::move(dispose); }

  // JS thread: a new promise and the ticket its result will carry. `ownerObject` is the handle
  // the call is made on (kept alive until the call settles), `owner` its native identity. With
  // `keepAlive` the call holds the event loop until it settles or unpin(owner).
  Napi::Promise begin(Napi::Env env, Napi::Object ownerObject, const void* owner, KeepAlive keepAlive, std::uint64_t* ticket);
  // JS thread: settles the call of `ticket` now (a call that could not be started).
  void settleNow(Napi::Env env, std::uint64_t ticket, Settle settle);
  // JS thread: the pending calls of `owner` no longer keep the process alive.
  void unpin(Napi::Env env, const void* owner);
  const std::shared_ptr<CompletionSink>& sink() const { return sink_; }
  // JS thread, at environment cleanup: nothing is delivered any more. Returns the results that
  // were queued but not delivered, so the caller decides on which thread they are destroyed.
  std::vector<Settle> close();

 private:
  friend void onCompletionsReady(Napi::Env, Napi::Function, Completions*, void*);
  struct Pending {
    Napi::Promise::Deferred deferred;
    const void* owner;
    Napi::ObjectReference keep;  // the handle, alive until this call settles
    bool pinned;
  };
  using Ready = std::vector<std::pair<std::uint64_t, Settle>>;
  void drain(Napi::Env env);
  // Settles ready[*next], ready[*next + 1], ...; what is left when one throws is disposed.
  void deliver(Napi::Env env, Ready& ready);
  void unpinOne(Napi::Env env, Pending& pending);

  std::shared_ptr<CompletionSink> sink_ = std::make_shared<CompletionSink>();
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t nextTicket_ = 1;
  std::size_t pinned_ = 0;
  Dispose dispose_;
};

}  // namespace wsb::bridge
