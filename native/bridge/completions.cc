#include "completions.h"

#include <utility>

namespace wsb::bridge {

void CompletionSink::complete(std::uint64_t ticket, Settle settle) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;  // the environment is gone; `settle` is destroyed on this worker thread
  ready_.emplace_back(ticket, std::move(settle));
  if (scheduled_) return;
  scheduled_ = true;
  tsfn_.NonBlockingCall();
}

void onCompletionsReady(Napi::Env env, Napi::Function /*unused*/, Completions* completions, void* /*data*/) {
  if (env == nullptr || completions == nullptr) return;  // finalized with this call still queued
  try {
    completions->drain(env);
  } catch (...) {
    // Only when Node-API itself fails (JS can no longer run: the environment is being torn
    // down). deliver() has already sent what was not settled to a COM thread to be destroyed.
  }
}

Completions::Completions(Napi::Env env) {
  sink_->tsfn_ = CompletionsTsfn::New(env, "wsbapp completions", 0, 1, this);
  sink_->tsfn_.Unref(env);
}

Napi::Promise Completions::begin(Napi::Env env, Napi::Object ownerObject, const void* owner, KeepAlive keepAlive, std::uint64_t* ticket) {
  *ticket = nextTicket_++;
  const bool pinned = keepAlive == KeepAlive::kYes;
  const auto entry = pending_.emplace(*ticket, Pending{Napi::Promise::Deferred::New(env), owner, Napi::Persistent(ownerObject), pinned});
  if (pinned && pinned_++ == 0) sink_->tsfn_.Ref(env);
  return entry.first->second.deferred.Promise();
}

void Completions::settleNow(Napi::Env env, std::uint64_t ticket, Settle settle) {
  Ready ready;
  ready.emplace_back(ticket, std::move(settle));
  deliver(env, ready);
}

void Completions::unpin(Napi::Env env, const void* owner) {
  for (auto& entry : pending_) {
    if (entry.second.owner == owner) unpinOne(env, entry.second);
  }
}

void Completions::unpinOne(Napi::Env env, Pending& pending) {
  if (!std::exchange(pending.pinned, false)) return;
  if (--pinned_ == 0) sink_->tsfn_.Unref(env);
}

void Completions::drain(Napi::Env env) {
  Ready ready;
  {
    const std::lock_guard<std::mutex> lock(sink_->mutex_);
    if (sink_->closed_) return;  // close() took what was queued
    ready.swap(sink_->ready_);
    sink_->scheduled_ = false;
  }
  deliver(env, ready);
}

namespace {

// Runs `action` when the scope is left, normally or by an exception.
template <class Action>
class OnExit {
 public:
  explicit OnExit(Action action) : action_(std::move(action)) {}
  OnExit(const OnExit&) = delete;
  OnExit& operator=(const OnExit&) = delete;
  ~OnExit() { action_(); }

 private:
  Action action_;
};

}  // namespace

void Completions::deliver(Napi::Env env, Ready& ready) {
  // A settled result is destroyed here: what it carried now belongs to JS (a new handle owns the
  // Held). Any other result (no pending call, settling threw, or left over when an exception
  // ends the loop) may hold the last reference to a Held, and goes to a COM thread to die.
  std::vector<Settle> undelivered;
  std::size_t next = 0;
  const OnExit disposeRest([&] {
    for (; next < ready.size(); ++next) undelivered.push_back(std::move(ready[next].second));
    if (!undelivered.empty() && dispose_) dispose_(std::move(undelivered));
  });
  for (; next < ready.size(); ++next) {
    auto& [ticket, settle] = ready[next];
    auto node = pending_.extract(ticket);
    if (node.empty()) {
      undelivered.push_back(std::move(settle));
      continue;
    }
    Pending& pending = node.mapped();
    const OnExit unpin([&] { unpinOne(env, pending); });
    const Napi::HandleScope scope(env);
    try {
      settle(env, pending.deferred);
      continue;
    } catch (const Napi::Error& error) {
      undelivered.push_back(std::move(settle));  // leaves an empty one, harmless if Reject throws
      pending.deferred.Reject(error.Value());
    }
  }
}

std::vector<Settle> Completions::close() {
  std::vector<Settle> undelivered;
  const std::lock_guard<std::mutex> lock(sink_->mutex_);
  if (sink_->closed_) return undelivered;
  sink_->closed_ = true;
  for (auto& entry : sink_->ready_) undelivered.push_back(std::move(entry.second));
  sink_->ready_.clear();
  sink_->tsfn_.Release();
  pending_.clear();  // drops the references to handles while Node-API calls are still allowed
  return undelivered;
}

}  // namespace wsb::bridge
