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
// caller's deadline can always let the process go. The native backends (lib/backends/native.ts)
// hold the loop in TypeScript for every promise they hand out, these unpinned calls included
// (lib/backends/loop-hold.ts); this pinning is the binding's own rule for direct callers.
//
// A pending call holds a strong reference to the JS handle it was made on, as an AsyncWorker
// does: the handle cannot be collected mid-call (its finalizer would release the pointer and
// cancel the very call), and its address cannot be reused by a new handle while it still names
// pending calls. A dropped handle is collected once its calls have settled.
//
// Batches (binding.queryStatusBatch): one callback for N calls, each call still its own task.
// Each result is a Reply (data, not a promise); at each drain every batch with results in it
// gets one call of its callback with those results as typed arrays. A batch never holds the
// event loop (its caller does, with its own timer), and holds each handle until that handle's
// result is delivered.
//
// Caller spin (setSpin; off until set, the addon sets the default of wake_policy.h): right after
// posting a lone call, the JS thread may spin for a few microseconds until its result is queued,
// so that the result finds the event loop awake (its hop is already signalled when the loop
// polls) instead of waking a sleeping thread. Only for a lone call (nothing else in flight) made
// back to back (the last results were delivered less than the spin ago) whose predecessor was
// answered within the spin: a caller polling every 100 ms, thousands of checks, or calls that take
// longer than the spin (real COM out of process) never spin. Results are still delivered by the
// hop, never before the call returns.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <napi.h>

namespace wsb::bridge {

// Runs on the JS thread: resolves or rejects the promise of one call.
using Settle = std::function<void(Napi::Env, const Napi::Promise::Deferred&)>;

// One batched call's result, built on a COM thread: a 32-bit value (an HRESULT as unsigned), or
// the Error the call failed with, built on the JS thread by `error` (the same builders a
// promise of the single call rejects with).
struct Reply {
  std::uint32_t value = 0;
  std::function<Napi::Value(Napi::Env)> error;  // empty on success
};

// What a result of one batch element carries back: its batch, its index in the caller's array.
struct BatchResult {
  std::uint64_t ticket;
  std::uint32_t index;
  Reply reply;
};

// Results the environment can no longer deliver, to be destroyed where the caller decides.
struct Undelivered {
  std::vector<Settle> settles;
  std::vector<BatchResult> batched;
};

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
  void complete(BatchResult result);

 private:
  friend class Completions;
  void scheduleLocked();  // with mutex_ held: the one hop for what is queued

  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, Settle>> ready_;
  std::vector<BatchResult> batchReady_;
  std::atomic<bool> scheduled_{false};                 // written with mutex_ held; read unlocked by the caller spin
  std::chrono::steady_clock::time_point scheduledAt_;  // when scheduled_ was last set
  bool closed_ = false;
  CompletionsTsfn tsfn_;
};

class Completions {
 public:
  explicit Completions(Napi::Env env);

  // Where results that were not delivered are sent to be destroyed: they may hold the last
  // reference to a COM pointer, which must not be released on the JS thread.
  using Dispose = std::function<void(Undelivered)>;
  void setDispose(Dispose dispose) { dispose_ = std::move(dispose); }

  // JS thread: a new promise and the ticket its result will carry. `ownerObject` is the handle
  // the call is made on (kept alive until the call settles), `owner` its native identity. With
  // `keepAlive` the call holds the event loop until it settles or unpin(owner).
  Napi::Promise begin(Napi::Env env, Napi::Object ownerObject, const void* owner, KeepAlive keepAlive, std::uint64_t* ticket);
  // JS thread: a new batch of `owners.size()` calls, index i made on owners[i] (kept alive until
  // its result is delivered). Its results go to `onResults` (see the class comment); returns
  // the ticket they carry. Never holds the event loop.
  std::uint64_t beginBatch(Napi::Env env, Napi::Function onResults, const std::vector<Napi::Object>& owners);
  // JS thread: settles the call of `ticket` now (a call that could not be started).
  void settleNow(Napi::Env env, std::uint64_t ticket, Settle settle);
  // JS thread: the pending calls of `owner` no longer keep the process alive.
  void unpin(Napi::Env env, const void* owner);
  const std::shared_ptr<CompletionSink>& sink() const { return sink_; }
  // JS thread: how long the caller spin may last (see the class comment); 0 turns it off.
  void setSpin(std::chrono::microseconds spin) { spin_ = spin; }
  // JS thread, right after one call was posted: spins for its result when the policy says so
  // (nothing else in flight, and the last results were delivered less than the spin ago).
  void spinForResult();
  // JS thread, at environment cleanup: nothing is delivered any more. Returns the results that
  // were queued but not delivered, so the caller decides on which thread they are destroyed.
  Undelivered close();

 private:
  friend void onCompletionsReady(Napi::Env, Napi::Function, Completions*, void*);
  struct Pending {
    Napi::Promise::Deferred deferred;
    const void* owner;
    Napi::ObjectReference keep;  // the handle, alive until this call settles
    bool pinned;
  };
  struct PendingBatch {
    Napi::FunctionReference onResults;
    std::vector<Napi::ObjectReference> keep;  // keep[i]: the handle of index i, until delivered
    std::size_t left;                         // results not yet delivered
  };
  using Ready = std::vector<std::pair<std::uint64_t, Settle>>;
  void drain(Napi::Env env);
  // Settles ready[*next], ready[*next + 1], ...; what is left when one throws is disposed.
  void deliver(Napi::Env env, Ready& ready);
  // One onResults call per batch in `ready`. A callback that throws does not stop the others;
  // what it threw is reported as an uncaught exception once all are delivered.
  void deliverBatches(Napi::Env env, std::vector<BatchResult>& ready);
  void unpinOne(Napi::Env env, std::uint64_t ticket, Pending& pending);

  std::shared_ptr<CompletionSink> sink_ = std::make_shared<CompletionSink>();
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::unordered_map<std::uint64_t, PendingBatch> batches_;
  std::uint64_t nextTicket_ = 1;
  // The tickets of the pinned pending calls by owner: releasing a handle finds its own without a
  // scan (thousands of checks share one add-in handle, each with its CheckConsistency pinned).
  std::unordered_map<const void*, std::unordered_set<std::uint64_t>> pinnedBy_;
  std::size_t pinned_ = 0;
  Dispose dispose_;
  std::chrono::microseconds spin_{0};
  std::chrono::steady_clock::time_point lastDrain_;
  // The last lone call: when it was posted, whether its answer is still to be timed, and how long
  // its answer took to be queued (zero before the first: the first back-to-back call spins).
  std::chrono::steady_clock::time_point lonePostedAt_;
  bool timingLone_ = false;
  std::chrono::steady_clock::duration lastLoneAnswer_{0};
};

}  // namespace wsb::bridge
