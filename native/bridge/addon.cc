#include "addon.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <utility>

#include "../com/system_message.h"
#include "addin_handle.h"
#include "js_values.h"
#include "machine.h"
#include "operation_handle.h"
#include "vss_handle.h"
#include "runtime_handle.h"

namespace wsb::bridge {
namespace {

// Calls running at once (threads a hung add-in can pin): beyond it a call queues until a running
// call finishes or is cancelled. Only a call queue of Apartment::kMaxQueuedCalls (a memory bound)
// refuses a call (RPC_E_SERVERCALL_RETRYLATER). Releases do not count (apartment.h).
constexpr std::size_t kMaxComCalls = 64;
// How long environment cleanup waits for calls to come back after cancelling them. The mock
// always returns at once; a real add-in that cannot be cancelled (no CoCancelCall, e.g. under
// Wine) is abandoned after this: its thread is detached and finishes on its own.
constexpr std::chrono::milliseconds kShutdownGrace{2000};

constexpr std::size_t kMinSweep = 64;

// binding.systemMessage(hresult): the system's text for a code (FormatMessageW), "" where there is none
// (always, off Windows). Runs on the JS thread: FormatMessage reads message tables, no COM.
Napi::Value systemMessageOf(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), systemMessage(hresultArg(info[0], "hresult")));
}

// Why the apartment did not take a call (anything but kQueued), as the call's failure.
Failure refusal(Apartment::Posted posted) {
  switch (posted) {
    case Apartment::Posted::kBusy:
      return Failure{kRPC_E_SERVERCALL_RETRYLATER, std::to_string(Apartment::kMaxQueuedCalls) +
                                                       " COM calls are already queued behind the " + std::to_string(kMaxComCalls) +
                                                       " the addon runs at once (hung add-ins?); "
                                                       "release the handles whose calls hang, which cancels them, then retry"};
    case Apartment::Posted::kNoThread: return Failure{kE_OUTOFMEMORY, "no thread could be started for the COM call"};
    case Apartment::Posted::kStopped:
    case Apartment::Posted::kQueued:  // not a refusal: never asked
      break;
  }
  return Failure{kE_ABORT, "the environment is shutting down"};
}

}  // namespace

Settle resolveWith(std::function<Napi::Value(Napi::Env)> value) {
  return [value = std::move(value)](Napi::Env env, const Napi::Promise::Deferred& deferred) { deferred.Resolve(value(env)); };
}

Settle rejectWith(Failure failure) { return settleWith(replyFailed(std::move(failure))); }

Reply replyFailed(Failure failure) {
  return Reply{0, [failure = std::move(failure)](Napi::Env env) -> Napi::Value { return callError(env, failure).Value(); }};
}

Reply replyProtocolError(HRESULT call, std::string detail) {
  return Reply{0, [call, detail = std::move(detail)](Napi::Env env) -> Napi::Value { return protocolError(env, call, detail).Value(); }};
}

Settle settleWith(Reply reply) {
  return [reply = std::move(reply)](Napi::Env env, const Napi::Promise::Deferred& deferred) {
    if (reply.error) {
      deferred.Reject(reply.error(env));
    } else {
      deferred.Resolve(jsHresult(env, static_cast<HRESULT>(reply.value)));
    }
  };
}

WsbAddon::WsbAddon(Napi::Env env, Napi::Object exports) : apartment_(std::make_shared<Apartment>(kMaxComCalls)), completions_(env) {
  completions_.setDispose([apartment = std::weak_ptr<Apartment>(apartment_)](Undelivered results) {
    auto owned = std::make_shared<Undelivered>(std::move(results));
    if (auto pool = apartment.lock()) pool->post([owned] { *owned = Undelivered{}; }, Apartment::Lane::kRelease);
  });
  runtimeClass = Napi::Persistent(RuntimeHandle::define(env));
  addinClass = Napi::Persistent(AddinHandle::define(env));
  operationClass = Napi::Persistent(OperationHandle::define(env));
  vssClass = Napi::Persistent(VssHandle::define(env));
  RuntimeHandle::exportFactories(env, exports);
  exports.Set("systemMessage", Napi::Function::New<&systemMessageOf>(env, "systemMessage"));
  exportMachine(env, exports);
  exports.Set("queryStatusBatch", Napi::Function::New<&OperationHandle::queryStatusBatch>(env, "queryStatusBatch"));
  DefineAddon(exports, {InstanceMethod<&WsbAddon::wakePolicy>("wakePolicy")});
  apartment_->setSpin(wake_.comSpin);
  completions_.setSpin(wake_.callerSpin);
  env.AddCleanupHook([this] { cleanup(); });
}

WsbAddon::~WsbAddon() { cleanup(); }

Napi::Promise WsbAddon::run(const Napi::CallbackInfo& info, const void* owner, KeepAlive keepAlive, std::function<Settle()> work) {
  const Napi::Env env = info.Env();
  std::uint64_t ticket = 0;
  Napi::Promise promise = completions_.begin(env, info.This().As<Napi::Object>(), owner, keepAlive, &ticket);
  const Apartment::Posted posted = apartment_->post([sink = completions_.sink(), ticket, work = std::move(work)] {
    Settle settle = work();
    Apartment::callDone();  // before the result can reach JS and post the next call
    sink->complete(ticket, std::move(settle));
  });
  if (posted != Apartment::Posted::kQueued) completions_.settleNow(env, ticket, rejectWith(refusal(posted)));
  completions_.spinForResult();
  return promise;
}

Napi::Value WsbAddon::wakePolicy(const Napi::CallbackInfo& info) {
  wake_ = wakePolicyArg(info[0], wake_);
  apartment_->setSpin(wake_.comSpin);
  completions_.setSpin(wake_.callerSpin);
  return jsWakePolicy(info.Env(), wake_);
}

void WsbAddon::runBatch(Napi::Env env, Napi::Function onResults, std::vector<BatchCall> calls) {
  if (calls.empty()) return;
  std::vector<Napi::Object> owners;
  owners.reserve(calls.size());
  for (const BatchCall& call : calls) owners.push_back(call.owner);
  const std::uint64_t ticket = completions_.beginBatch(env, onResults, owners);
  const std::shared_ptr<CompletionSink>& sink = completions_.sink();
  std::vector<Apartment::Task> tasks;
  std::vector<std::uint32_t> taskIndex;  // tasks[k] is the call of index taskIndex[k]
  tasks.reserve(calls.size());
  taskIndex.reserve(calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto index = static_cast<std::uint32_t>(i);
    if (!calls[i].work) {
      // Reported through the sink like any result: never before runBatch returns.
      sink->complete(BatchResult{ticket, index, std::move(calls[i].failed)});
      continue;
    }
    tasks.push_back([sink, ticket, index, work = std::move(calls[i].work)] {
      Reply reply = work();
      Apartment::callDone();  // before the result can reach JS and post the next call
      sink->complete(BatchResult{ticket, index, std::move(reply)});
    });
    taskIndex.push_back(index);
  }
  const Apartment::BatchPosted posted = apartment_->postBatch(std::move(tasks));
  for (std::size_t k = posted.queued; k < taskIndex.size(); ++k) {
    sink->complete(BatchResult{ticket, taskIndex[k], replyFailed(refusal(posted.rest))});
  }
  if (calls.size() == 1) completions_.spinForResult();  // a lone call: a batch of many never spins
}

Napi::Promise WsbAddon::releaseHandle(const Napi::CallbackInfo& info, const void* owner, std::vector<std::shared_ptr<Releasable>> holders) {
  const Napi::Env env = info.Env();
  completions_.unpin(env, owner);
  std::uint64_t ticket = 0;
  Napi::Promise promise = completions_.begin(env, info.This().As<Napi::Object>(), owner, KeepAlive::kNo, &ticket);
  const auto returned = [] { return resolveWith([](Napi::Env e) -> Napi::Value { return e.Undefined(); }); };
  const Apartment::Posted posted = apartment_->post(
      [sink = completions_.sink(), ticket, holders = std::move(holders), returned] {
        for (const auto& holder : holders) holder->release();
        try {
          auto left = std::make_shared<std::atomic<std::size_t>>(holders.size());
          const auto oneReturned = [sink, ticket, returned, left] {
            if (--*left != 0) return;
            try {
              sink->complete(ticket, returned());
            } catch (...) {  // std::bad_alloc: this promise stays pending; the Releases are done
            }
          };
          for (const auto& holder : holders) holder->whenReleased(oneReturned);
        } catch (...) {  // std::bad_alloc: as above (tasks must not throw)
        }
      },
      Apartment::Lane::kRelease);
  // Stopped: the environment's cleanup releases every pointer. No thread: nothing more can be
  // done now, and cleanup will release it. Either way no task will report, so resolve now.
  if (posted != Apartment::Posted::kQueued) completions_.settleNow(env, ticket, returned());
  return promise;
}

template <class T>
void LiveSet::add(std::vector<std::weak_ptr<T>>* list, std::size_t* sweepAt, const std::shared_ptr<T>& item) {
  if (list->size() >= *sweepAt) {
    list->erase(std::remove_if(list->begin(), list->end(), [](const std::weak_ptr<T>& w) { return w.expired(); }), list->end());
    *sweepAt = std::max(kMinSweep, 2 * list->size());
  }
  list->push_back(item);
}

void LiveSet::track(const std::shared_ptr<Releasable>& holder) {
  const std::lock_guard<std::mutex> lock(mutex_);
  add(&holders_, &holdersSweepAt_, holder);
}

void LiveSet::track(const std::shared_ptr<Runtime>& runtime) {
  const std::lock_guard<std::mutex> lock(mutex_);
  add(&runtimes_, &runtimesSweepAt_, runtime);
}

void LiveSet::drain(std::vector<std::shared_ptr<Releasable>>* holders, std::vector<std::shared_ptr<Runtime>>* runtimes) {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& weak : holders_) {
    if (auto holder = weak.lock()) holders->push_back(std::move(holder));
  }
  for (const auto& weak : runtimes_) {
    if (auto runtime = weak.lock()) runtimes->push_back(std::move(runtime));
  }
  holders_.clear();
  runtimes_.clear();
  holdersSweepAt_ = runtimesSweepAt_ = 0;
}

// The environment is going away (process exit, worker terminated): stop delivering, unblock
// hung calls, release every pointer on a COM thread, then stop the threads.
void WsbAddon::cleanup() {
  if (cleanedUp_) return;
  cleanedUp_ = true;
  auto undelivered = std::make_shared<Undelivered>(completions_.close());
  std::vector<std::shared_ptr<Releasable>> holders;
  std::vector<std::shared_ptr<Runtime>> runtimes;
  live_->drain(&holders, &runtimes);
  for (const auto& runtime : runtimes) runtime->shutdown();
  // Undelivered results may carry holders; they are dropped on a COM thread too.
  apartment_->post(
      [holders = std::move(holders), undelivered]() mutable {
        for (const auto& holder : holders) holder->release();
        holders.clear();
        *undelivered = Undelivered{};
      },
      Apartment::Lane::kRelease);
  apartment_->stop(kShutdownGrace);
}

}  // namespace wsb::bridge

// The macro pastes its argument into identifiers, so it needs an unqualified name.
using WsbAppAddon = wsb::bridge::WsbAddon;
NODE_API_ADDON(WsbAppAddon)
