#include "operation_handle.h"

#include <utility>

#include "js_values.h"

namespace wsb::bridge {
namespace {

const Failure kReleased{kE_POINTER, "the operation was released while the call was queued"};

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
  return info.Env().GetInstanceData<WsbAddon>()->run(info, this, keepAlive, [held = held_]() {
    return callHeld<IWsbApplicationAsync>(*held, kReleased, [](IWsbApplicationAsync* operation) -> Settle {
      const StatusResult result = wsb::queryStatus(operation);
      if (FAILED(result.call)) return rejectWith(Failure{result.call, ""});
      if (!result.status) {
        return [call = result.call](Napi::Env env, const Napi::Promise::Deferred& deferred) {
          deferred.Reject(protocolError(env, call, "QueryStatus returned success without writing the status").Value());
        };
      }
      return resolveWith([status = *result.status](Napi::Env env) -> Napi::Value { return jsHresult(env, status); });
    });
  });
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
  if (released_) throw Napi::Error::New(env, "the operation was already released");
}

void OperationHandle::scheduleRelease() {
  if (std::exchange(released_, true)) return;
  apartment_->post([held = held_] { held->release(); }, Apartment::Lane::kRelease);
}

}  // namespace wsb::bridge
