#include "completions.h"

#include <algorithm>
#include <utility>

#include "../com/cpu_relax.h"

namespace wsb::bridge {

void CompletionSink::complete(std::uint64_t ticket, Settle settle) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;  // the environment is gone; `settle` is destroyed on this worker thread
  ready_.emplace_back(ticket, std::move(settle));
  scheduleLocked();
}

void CompletionSink::complete(BatchResult result) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;  // as above
  batchReady_.push_back(std::move(result));
  scheduleLocked();
}

void CompletionSink::scheduleLocked() {
  if (scheduled_) return;
  scheduledAt_ = std::chrono::steady_clock::now();
  tsfn_.NonBlockingCall();
  scheduled_.store(true, std::memory_order_release);  // after the call: a spinning caller then finds its hop signalled
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
  if (pinned) {
    if (pinned_++ == 0) sink_->tsfn_.Ref(env);
    pinnedBy_[owner].insert(*ticket);
  }
  return entry.first->second.deferred.Promise();
}

std::uint64_t Completions::beginBatch(Napi::Env /*env*/, Napi::Function onResults, const std::vector<Napi::Object>& owners) {
  const std::uint64_t ticket = nextTicket_++;
  PendingBatch batch{Napi::Persistent(onResults), {}, owners.size()};
  batch.keep.reserve(owners.size());
  for (const Napi::Object& owner : owners) batch.keep.push_back(Napi::Persistent(owner));
  batches_.emplace(ticket, std::move(batch));
  return ticket;
}

void Completions::settleNow(Napi::Env env, std::uint64_t ticket, Settle settle) {
  Ready ready;
  ready.emplace_back(ticket, std::move(settle));
  deliver(env, ready);
}

void Completions::spinForResult() {
  if (spin_.count() == 0 || pending_.size() + batches_.size() != 1) return;
  const auto now = std::chrono::steady_clock::now();
  lonePostedAt_ = now;
  timingLone_ = true;
  // Back to back, and answered within the spin last time: a call that takes longer (real COM
  // out of process: hundreds of µs) would only burn a core its server needs.
  if (now - lastDrain_ > spin_ || lastLoneAnswer_ > spin_) return;
  const auto until = now + spin_;
  while (!sink_->scheduled_.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < until) cpuRelax();
}

void Completions::unpin(Napi::Env env, const void* owner) {
  const auto found = pinnedBy_.find(owner);
  if (found == pinnedBy_.end()) return;
  for (const std::uint64_t ticket : found->second) {
    const auto call = pending_.find(ticket);
    if (call != pending_.end()) call->second.pinned = false;
  }
  pinned_ -= found->second.size();
  pinnedBy_.erase(found);
  if (pinned_ == 0) sink_->tsfn_.Unref(env);
}

void Completions::unpinOne(Napi::Env env, std::uint64_t ticket, Pending& pending) {
  if (!std::exchange(pending.pinned, false)) return;
  const auto found = pinnedBy_.find(pending.owner);
  if (found != pinnedBy_.end() && found->second.erase(ticket) != 0 && found->second.empty()) pinnedBy_.erase(found);
  if (--pinned_ == 0) sink_->tsfn_.Unref(env);
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

void Completions::drain(Napi::Env env) {
  Ready ready;
  std::vector<BatchResult> batched;
  {
    const std::lock_guard<std::mutex> lock(sink_->mutex_);
    if (sink_->closed_) return;  // close() took what was queued
    ready.swap(sink_->ready_);
    batched.swap(sink_->batchReady_);
    sink_->scheduled_ = false;
    // The lone call's result was the first queued since the last drain: when it came, not when
    // the JS thread woke for it.
    if (std::exchange(timingLone_, false)) lastLoneAnswer_ = sink_->scheduledAt_ - lonePostedAt_;
  }
  lastDrain_ = std::chrono::steady_clock::now();
  // What deliverBatches leaves (no batch, or not reached when Node-API failed) goes with the rest.
  const OnExit disposeRest([&] {
    if (!batched.empty() && dispose_) dispose_(Undelivered{{}, std::move(batched)});
  });
  deliver(env, ready);
  deliverBatches(env, batched);
}

void Completions::deliver(Napi::Env env, Ready& ready) {
  // A settled result is destroyed here: what it carried now belongs to JS (a new handle owns the
  // Held). Any other result (no pending call, settling threw, or left over when an exception
  // ends the loop) may hold the last reference to a Held, and goes to a COM thread to die.
  std::vector<Settle> undelivered;
  std::size_t next = 0;
  const OnExit disposeRest([&] {
    for (; next < ready.size(); ++next) undelivered.push_back(std::move(ready[next].second));
    if (!undelivered.empty() && dispose_) dispose_(Undelivered{std::move(undelivered), {}});
  });
  for (; next < ready.size(); ++next) {
    auto& [ticket, settle] = ready[next];
    auto node = pending_.extract(ticket);
    if (node.empty()) {
      undelivered.push_back(std::move(settle));
      continue;
    }
    Pending& pending = node.mapped();
    const OnExit unpin([&] { unpinOne(env, ticket, pending); });
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

void Completions::deliverBatches(Napi::Env env, std::vector<BatchResult>& ready) {
  std::stable_sort(ready.begin(), ready.end(), [](const BatchResult& a, const BatchResult& b) { return a.ticket < b.ticket; });
  std::vector<Napi::Error> thrown;
  std::size_t kept = 0;  // ready[0, kept): results of no pending batch
  std::size_t next = 0;  // ready[next, end): not yet delivered
  // Leaves in `ready` only what was not delivered, for drain() to dispose.
  const OnExit keepUndelivered(
      [&] { ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(kept), ready.begin() + static_cast<std::ptrdiff_t>(next)); });
  while (next < ready.size()) {
    const std::uint64_t ticket = ready[next].ticket;
    std::size_t end = next;
    bool failed = false;
    for (; end < ready.size() && ready[end].ticket == ticket; ++end) failed = failed || ready[end].reply.error;
    // Looked up afresh for each batch: a callback may start new batches (the map may rehash).
    const auto found = batches_.find(ticket);
    if (found == batches_.end()) {
      for (; next < end; ++next, ++kept) {
        if (kept != next) ready[kept] = std::move(ready[next]);
      }
      continue;
    }
    PendingBatch& batch = found->second;
    const Napi::HandleScope scope(env);
    const std::size_t count = end - next;
    auto indices = Napi::Uint32Array::New(env, count);
    auto statuses = Napi::Uint32Array::New(env, count);
    Napi::Value failures = env.Undefined();
    if (failed) failures = Napi::Array::New(env, count);
    for (std::size_t k = 0; k < count; ++k) {
      const BatchResult& result = ready[next + k];
      indices[k] = result.index;
      statuses[k] = result.reply.error ? 0 : result.reply.value;
      if (failed) {
        failures.As<Napi::Array>().Set(static_cast<std::uint32_t>(k), result.reply.error ? result.reply.error(env) : env.Undefined());
      }
      if (result.index < batch.keep.size()) batch.keep[result.index].Reset();
    }
    const Napi::Function onResults = batch.onResults.Value();
    batch.left -= std::min(batch.left, count);
    if (batch.left == 0) batches_.erase(found);
    next = end;
    try {
      onResults.Call(env.Undefined(), {indices, statuses, failures});
    } catch (const Napi::Error& error) {
      thrown.push_back(error);
    }
  }
  // As a throwing timer callback: an uncaught exception (process 'uncaughtException'), raised
  // once every batch of this drain has had its results. Fails harmlessly when JS cannot run.
  for (const Napi::Error& error : thrown) napi_fatal_exception(env, error.Value());
}

Undelivered Completions::close() {
  Undelivered undelivered;
  const std::lock_guard<std::mutex> lock(sink_->mutex_);
  if (sink_->closed_) return undelivered;
  sink_->closed_ = true;
  for (auto& entry : sink_->ready_) undelivered.settles.push_back(std::move(entry.second));
  sink_->ready_.clear();
  undelivered.batched.swap(sink_->batchReady_);
  sink_->tsfn_.Release();
  // Drops the references to handles and callbacks while Node-API calls are still allowed.
  pending_.clear();
  pinnedBy_.clear();
  batches_.clear();
  return undelivered;
}

}  // namespace wsb::bridge
