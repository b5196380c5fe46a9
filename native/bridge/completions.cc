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

Completions::Completions(Napi::Env env) {
  sink_->tsfn_ = Napi::ThreadSafeFunction::New(
      env, Napi::Function::New(env, [this](const Napi::CallbackInfo& info) { drain(info.Env()); }),
      "wsbapp completions", 0, 1);
  sink_->tsfn_.Unref(env);
}

Napi::Promise Completions::begin(Napi::Env env, const void* owner, KeepAlive keepAlive, std::uint64_t* ticket) {
  *ticket = nextTicket_++;
  const bool pinned = keepAlive == KeepAlive::kYes;
  const auto entry = pending_.emplace(*ticket, Pending{Napi::Promise::Deferred::New(env), owner, pinned});
  if (pinned && pinned_++ == 0) sink_->tsfn_.Ref(env);
  return entry.first->second.deferred.Promise();
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
  std::vector<std::pair<std::uint64_t, Settle>> ready;
  {
    const std::lock_guard<std::mutex> lock(sink_->mutex_);
    ready.swap(sink_->ready_);
    sink_->scheduled_ = false;
  }
  for (auto& [ticket, settle] : ready) {
    const auto entry = pending_.find(ticket);
    if (entry == pending_.end()) continue;
    const Napi::HandleScope scope(env);
    try {
      settle(env, entry->second.deferred);
    } catch (const Napi::Error& error) {
      entry->second.deferred.Reject(error.Value());
    }
    unpinOne(env, entry->second);
    pending_.erase(entry);
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
  return undelivered;
}

}  // namespace wsb::bridge
