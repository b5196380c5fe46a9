#include "operation_handle.h"

#include <utility>

#include "js_values.h"

namespace wsb::bridge {
namespace {

const Failure kReleased{kE_POINTER, "the operation was released while the call was queued"};
const char* const kAlreadyReleased = "the operation was already released";

// Marks the JS objects that wrap an OperationHandle, so that queryStatusBatch can tell one from
// any other object (another class's wrapped object would unwrap to the wrong type).
const napi_type_tag kOperationTag = {0x9a1b5c0e7d3f4e21ULL, 0xb84c2f61a0e5d397ULL};

// QueryStatus on a COM thread, as data: the status, or the failure the call's promise rejects with.
Reply statusReply(Held<IWsbApplicationAsync>& held) {
  return callHeld<IWsbApplicationAsync>(held, kReleased, [](IWsbApplicationAsync* operation) -> Reply {
    const StatusResult result = wsb::queryStatus(operation);
    if (FAILED(result.call)) return replyFailed(Failure{result.call, ""});
    if (!result.status) return replyProtocolError(result.call, "QueryStatus returned success without writing the status");
    return Reply{static_cast<std::uint32_t>(*result.status), nullptr};
  });
}

}  // namespace

Napi::Function OperationHandle::define(Napi::Env env) {
  return DefineClass(env, "Operation",
                     {InstanceMethod<&OperationHandle::queryStatus>("queryStatus"), InstanceMethod<&OperationHandle::abort>("abort"),
                      InstanceMethod<&OperationHandle::release>("release")});
}

Napi::Value OperationHandle::wrap(Napi::Env env, std::shared_ptr<Held<IWsbApplicationAsync>> held) {
  return env.GetInstanceData<WsbAddon>()->operationClass.New(
      {Napi::External<std::shared_ptr<Held<IWsbApplicationAsync>>>::New(env, &held)});
}

OperationHandle::OperationHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OperationHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "Operation cannot be constructed from JS");
  held_ = *info[0].As<Napi::External<std::shared_ptr<Held<IWsbApplicationAsync>>>>().Data();
  apartment_ = info.Env().GetInstanceData<WsbAddon>()->apartment();
  NAPI_THROW_IF_FAILED_VOID(info.Env(), napi_type_tag_object(info.Env(), info.This(), &kOperationTag));
}

OperationHandle* OperationHandle::of(const Napi::Value& value) {
  if (!value.IsObject()) return nullptr;
  bool tagged = false;
  if (napi_check_object_type_tag(value.Env(), value, &kOperationTag, &tagged) != napi_ok || !tagged) return nullptr;
  return Unwrap(value.As<Napi::Object>());
}

// The finalizer of a handle the program dropped without release(): the Release still happens,
// on a COM thread, never here on the JS thread.
OperationHandle::~OperationHandle() { scheduleRelease(); }

// queryStatus(keepAlive?: boolean): the caller chooses whether this call holds the event loop
// (see Completions); by default it does not.
Napi::Value OperationHandle::queryStatus(const Napi::CallbackInfo& info) {
  assertLive(info.Env());
  const bool holdLoop = info.Length() > 0 && !info[0].IsUndefined() && booleanArg(info[0], "keepAlive");
  const KeepAlive keepAlive = holdLoop ? KeepAlive::kYes : KeepAlive::kNo;
  return info.Env().GetInstanceData<WsbAddon>()->run(info, this, keepAlive, [held = held_]() { return settleWith(statusReply(*held)); });
}

// Validates everything before anything is posted: one bad argument posts nothing. A released
// handle is no bad argument: it fails its own index only, as its queryStatus() would throw.
Napi::Value OperationHandle::queryStatusBatch(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw invalidArgType(env, "operations must be an array of Operation handles");
  if (!info[1].IsFunction()) throw invalidArgType(env, "onResults must be a function");
  const auto operations = info[0].As<Napi::Array>();
  std::vector<BatchCall> calls;
  calls.reserve(operations.Length());
  for (std::uint32_t i = 0; i < operations.Length(); ++i) {
    const Napi::Value value = operations.Get(i);
    OperationHandle* handle = of(value);
    if (handle == nullptr) throw invalidArgType(env, "operations[" + std::to_string(i) + "] must be an Operation handle");
    BatchCall call{value.As<Napi::Object>(), nullptr, {}};
    if (handle->released_) {
      call.failed.error = [](Napi::Env e) -> Napi::Value { return Napi::Error::New(e, kAlreadyReleased).Value(); };
    } else {
      call.work = [held = handle->held_] { return statusReply(*held); };
    }
    calls.push_back(std::move(call));
  }
  env.GetInstanceData<WsbAddon>()->runBatch(env, info[1].As<Napi::Function>(), std::move(calls));
  return env.Undefined();
}

Napi::Value OperationHandle::abort(const Napi::CallbackInfo& info) {
  assertLive(info.Env());
  // Abort goes to its own COM thread, so it is delivered even while a QueryStatus on this
  // operation is hung (MTA pointers are callable from any MTA thread).
  return info.Env().GetInstanceData<WsbAddon>()->run(info, this, KeepAlive::kNo, [held = held_]() {
    return callHeld<IWsbApplicationAsync>(*held, kReleased, [](IWsbApplicationAsync* operation) -> Settle {
      const HRESULT returned = abortOperation(operation);
      return resolveWith([returned](Napi::Env env) -> Napi::Value { return jsHresult(env, returned); });
    });
  });
}

// Resolves once the final Release has returned (see WsbAddon::releaseHandle); a second call
// resolves with the first.
Napi::Value OperationHandle::release(const Napi::CallbackInfo& info) {
  if (!releasing_.IsEmpty()) return releasing_.Value();
  released_ = true;  // the finalizer, the only other release, runs once nothing can call this
  const Napi::Promise promise = info.Env().GetInstanceData<WsbAddon>()->releaseHandle(info, this, {held_});
  releasing_ = Napi::Persistent(promise.As<Napi::Object>());
  return promise;
}

void OperationHandle::assertLive(Napi::Env env) const {
  if (released_) throw Napi::Error::New(env, kAlreadyReleased);
}

void OperationHandle::scheduleRelease() {
  if (std::exchange(released_, true)) return;
  apartment_->post([held = held_] { held->release(); }, Apartment::Lane::kRelease);
}

}  // namespace wsb::bridge
