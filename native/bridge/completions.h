// Completions: results of COM calls travelling back to their promises.
//
// Worker threads push plain results ("settle" closures that touch JS only when run); the first
// push after a drain makes one thread-safe-function call, and the JS thread then settles every
// result queued by then. So many polls that complete together cost one thread hop, not one each
// (shared/bench-notes.md: batching is where an addon wins).
//
// Keeping the process alive: like a pending fs call, a one-shot COM call in flight (activation,
// CheckConsistency, the restore calls) keeps the event loop alive: the thread-safe function is
// ref'd while any is pending, unref'd when idle. The polling calls (QueryStatus, Abort) never
// do: they are the ones a broken add-in hangs, and a hung add-in must not keep the process
// alive; between and during polls the poller's own timers (interval, deadline) do that job.
// Releasing a handle stops its pending calls from counting too.
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

enum class KeepAlive { kNo, kYes };

// The part worker threads see; shared, so a thread that outlives the environment (a detached,
// hung call) still has something valid to push into.
class CompletionSink {
 public:
  void complete(std::uint64_t ticket, Settle settle);

 private:
  friend class Completions;

enum class KeepAlive { kNo, kYes };
  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, Settle>> ready_;
  bool scheduled_ = false;
  bool closed_ = false;
  Napi::ThreadSafeFunction tsfn_;
};

class Completions {
 public:
  explicit Completions(Napi::Env env);

  // JS thread: a new promise and the ticket its result will carry. With `keepAlive` the call
  // holds the event loop for `owner` (the handle it was made on) until it settles or unpin(owner).
  Napi::Promise begin(Napi::Env env, const void* owner, KeepAlive keepAlive, std::uint64_t* ticket);
  // JS thread: the pending calls of `owner` no longer keep the process alive.
  void unpin(Napi::Env env, const void* owner);
  const std::shared_ptr<CompletionSink>& sink() const { return sink_; }
  // JS thread, at environment cleanup: nothing is delivered any more. Returns the results that
  // were queued but not delivered, so the caller decides on which thread they are destroyed.
  std::vector<Settle> close();

 private:
  struct Pending {
    Napi::Promise::Deferred deferred;
    const void* owner;
    bool pinned;
  };
  void drain(Napi::Env env);
  void unpinOne(Napi::Env env, Pending& pending);

  std::shared_ptr<CompletionSink> sink_ = std::make_shared<CompletionSink>();
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t nextTicket_ = 1;
  std::size_t pinned_ = 0;
};

}  // namespace wsb::bridge
