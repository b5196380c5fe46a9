#include "addin_handle.h"

#include <utility>

#include "../com/guid_text.h"
#include "js_values.h"
#include "operation_handle.h"

namespace wsb::bridge {
namespace {

RestoreRequest restoreArgs(const Napi::CallbackInfo& info) {
  RestoreRequest request;
  request.writerMetadata = optionalWideArg(info[0], "args.writerMetadata", kMaxWriterMetadataChars);
  request.component = optionalWideArg(info[1], "args.component");
  request.logicalPath = optionalWideArg(info[2], "args.logicalPath");
  request.noRollForward = booleanArg(info[3], "args.noRollForward");
  return request;
}

const Failure kReleased{kE_POINTER, "the add-in was released while the call was queued"};

// Which QueryInterface failed, as facts: the interface's name and IID. The sentence around them
// (E_NOINTERFACE across processes also means no proxy/stub is registered) is lib/errors.ts's.
template <class Interface>
Failure queryFailure(HRESULT query, const char* name) {
  return Failure{query, std::string("QueryInterface(") + name + ")", name, guidText(InterfaceId<Interface>::value)};
}

void requireSameLength(Napi::Env env, std::size_t a, std::size_t b, const std::string& fields) {
  if (a != b) throw outOfRange(env, fields + " must have the same length");
}

}  // namespace

Napi::Function AddinHandle::define(Napi::Env env) {
  return DefineClass(
      env, "Addin",
      {InstanceMethod<&AddinHandle::checkConsistency>("checkConsistency"),
       InstanceMethod<&AddinHandle::checkConsistencyRaw>("checkConsistencyRaw"),
       InstanceMethod<&AddinHandle::probeIdentity>("probeIdentity"), InstanceMethod<&AddinHandle::preRestore>("preRestore"),
       InstanceMethod<&AddinHandle::postRestore>("postRestore"), InstanceMethod<&AddinHandle::orderComponents>("orderComponents"),
       InstanceMethod<&AddinHandle::isRollForwardSupported>("isRollForwardSupported"), InstanceMethod<&AddinHandle::release>("release")});
}

Settle AddinHandle::activated(std::shared_ptr<Runtime> runtime, std::shared_ptr<LiveSet> live, ComPtr<IUnknown> object) {
  HRESULT backupQuery = kS_OK;
  auto backup = object.query<IWsbApplicationBackupSupport>(&backupQuery);
  if (FAILED(backupQuery)) {
    return rejectWith(queryFailure<IWsbApplicationBackupSupport>(backupQuery, "IWsbApplicationBackupSupport"));
  }
  Init init;
  auto restore = object.query<IWsbApplicationRestoreSupport>(&init.restoreQuery);
  init.backup = std::make_shared<Held<IWsbApplicationBackupSupport>>(runtime, std::move(backup));
  init.restore = std::make_shared<Held<IWsbApplicationRestoreSupport>>(runtime, std::move(restore));
  live->track(init.backup);
  live->track(init.restore);
  return resolveWith([init = std::move(init)](Napi::Env env) mutable -> Napi::Value {
    return env.GetInstanceData<WsbAddon>()->addinClass.New({Napi::External<Init>::New(env, &init)});
  });
}

AddinHandle::AddinHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AddinHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "Addin cannot be constructed from JS");
  held_ = *info[0].As<Napi::External<Init>>().Data();
  apartment_ = info.Env().GetInstanceData<WsbAddon>()->apartment();
}

// See OperationHandle::~OperationHandle: a dropped handle's Release is scheduled, not run here.
AddinHandle::~AddinHandle() { scheduleRelease(); }

Napi::Value AddinHandle::checkConsistency(const Napi::CallbackInfo& info) { return startCheck(info, false); }

Napi::Value AddinHandle::checkConsistencyRaw(const Napi::CallbackInfo& info) { return startCheck(info, true); }

// `raw`: resolve with { call, strayObject, operation } whatever the call returned, instead of
// rejecting a failure (what vet needs to see a pointer returned with a failure code).
Napi::Value AddinHandle::startCheck(const Napi::CallbackInfo& info, bool raw) {
  assertLive(info.Env());
  CheckRequest request;
  request.writerMetadata = optionalWideArg(info[0], "args.writerMetadata", kMaxWriterMetadataChars);
  request.component = optionalWideArg(info[1], "args.component");
  request.logicalPath = optionalWideArg(info[2], "args.logicalPath");
  request.sourceVolumes = wideArrayArg(info[3], "args.volumes[].source");
  request.snapshotVolumes = wideArrayArg(info[4], "args.volumes[].snapshot");
  requireSameLength(info.Env(), request.sourceVolumes.size(), request.snapshotVolumes.size(), "sources and snapshots");
  WsbAddon& addon = *info.Env().GetInstanceData<WsbAddon>();
  return addon.run(info, this, KeepAlive::kYes, [raw, held = held_.backup, live = addon.live(), request = std::move(request)]() mutable {
    return callHeld<IWsbApplicationBackupSupport>(*held, kReleased, [&](IWsbApplicationBackupSupport* addin) -> Settle {
      ComPtr<IWsbApplicationAsync> async;
      bool stray = false;
      const HRESULT call = wsb::checkConsistency(addin, request, &async, &stray);
      if (FAILED(call) && !raw) return rejectWith(Failure{call, ""});
      std::shared_ptr<Held<IWsbApplicationAsync>> operation;
      if (async) {
        operation = std::make_shared<Held<IWsbApplicationAsync>>(held->runtime(), std::move(async));
        live->track(operation);
      }
      return resolveWith([raw, call, stray, operation](Napi::Env env) -> Napi::Value {
        const Napi::Value handle = operation ? OperationHandle::wrap(env, operation) : env.Null();  // null: no check required
        if (!raw) return handle;
        auto result = Napi::Object::New(env);
        result.Set("call", jsHresult(env, call));
        result.Set("strayObject", Napi::Boolean::New(env, stray));
        result.Set("operation", handle);
        return result;
      });
    });
  });
}

Napi::Value AddinHandle::probeIdentity(const Napi::CallbackInfo& info) {
  assertLive(info.Env());
  return info.Env().GetInstanceData<WsbAddon>()->run(info, this, KeepAlive::kYes, [held = held_.backup]() {
    return callHeld<IWsbApplicationBackupSupport>(*held, kReleased, [](IWsbApplicationBackupSupport* addin) -> Settle {
      const IdentityProbe probe = wsb::probeIdentity(addin);
      return resolveWith([probe](Napi::Env env) -> Napi::Value {
        auto result = Napi::Object::New(env);
        result.Set("unknown", jsHresult(env, probe.unknown));
        result.Set("backup", jsHresult(env, probe.backup));
        result.Set("restore", jsHresult(env, probe.restore));
        result.Set("reflexive", Napi::Boolean::New(env, probe.reflexive));
        result.Set("symmetric", Napi::Boolean::New(env, probe.symmetric));
        result.Set("sameUnknown", Napi::Boolean::New(env, probe.sameUnknown));
        result.Set("unknownIid", jsHresult(env, probe.unknownIid));
        result.Set("unknownIidPointer", Napi::Boolean::New(env, probe.unknownIidPointer));
        return result;
      });
    });
  });
}

Napi::Value AddinHandle::preRestore(const Napi::CallbackInfo& info) { return restoreCall(info, &wsb::preRestore); }

Napi::Value AddinHandle::postRestore(const Napi::CallbackInfo& info) { return restoreCall(info, &wsb::postRestore); }

Napi::Value AddinHandle::restoreCall(const Napi::CallbackInfo& info, HRESULT (*call)(IWsbApplicationRestoreSupport*, RestoreRequest&)) {
  assertLive(info.Env());
  auto request = std::make_shared<RestoreRequest>(restoreArgs(info));
  return withRestore(info, [call, request](IWsbApplicationRestoreSupport* addin) -> Settle {
    const HRESULT returned = call(addin, *request);
    if (FAILED(returned)) return rejectWith(Failure{returned, ""});
    return resolveWith([](Napi::Env env) -> Napi::Value { return env.Undefined(); });
  });
}

Napi::Value AddinHandle::orderComponents(const Napi::CallbackInfo& info) {
  assertLive(info.Env());
  auto names = std::make_shared<std::vector<WString>>(wideArrayArg(info[0], "components[].name"));
  auto paths = std::make_shared<std::vector<WString>>(wideArrayArg(info[1], "components[].logicalPath"));
  requireSameLength(info.Env(), names->size(), paths->size(), "names and logical paths");
  return withRestore(info, [names, paths](IWsbApplicationRestoreSupport* addin) -> Settle {
    auto result = std::make_shared<OrderResult>(wsb::orderComponents(addin, *names, *paths));
    if (FAILED(result->call)) return rejectWith(Failure{result->call, ""});
    if (*result->protocolError != '\0') {
      return [result](Napi::Env env, const Napi::Promise::Deferred& deferred) {
        deferred.Reject(protocolError(env, result->call, std::string("OrderComponents ") + result->protocolError).Value());
      };
    }
    return resolveWith([result](Napi::Env env) -> Napi::Value {
      if (!result->names) return env.Null();  // any order
      auto order = Napi::Object::New(env);
      order.Set("names", jsStrings(env, *result->names));
      order.Set("logicalPaths", jsStrings(env, result->logicalPaths));
      return order;
    });
  });
}

Napi::Value AddinHandle::isRollForwardSupported(const Napi::CallbackInfo& info) {
  assertLive(info.Env());
  return withRestore(info, [](IWsbApplicationRestoreSupport* addin) -> Settle {
    const RollForwardResult result = wsb::isRollForwardSupported(addin);
    if (FAILED(result.call)) return rejectWith(Failure{result.call, ""});
    return resolveWith([supported = result.supported](Napi::Env env) -> Napi::Value { return Napi::Boolean::New(env, supported); });
  });
}

Napi::Promise AddinHandle::withRestore(const Napi::CallbackInfo& info, std::function<Settle(IWsbApplicationRestoreSupport*)> call) {
  const Failure missing = FAILED(held_.restoreQuery)
                              ? queryFailure<IWsbApplicationRestoreSupport>(held_.restoreQuery, "IWsbApplicationRestoreSupport")
                              : kReleased;
  return info.Env().GetInstanceData<WsbAddon>()->run(
      info, this, KeepAlive::kYes,
      [held = held_.restore, missing, call = std::move(call)]() { return callHeld<IWsbApplicationRestoreSupport>(*held, missing, call); });
}

// Resolves once the final Releases of both interfaces have returned (see WsbAddon::releaseHandle);
// a second call resolves with the first.
Napi::Value AddinHandle::release(const Napi::CallbackInfo& info) {
  if (!releasing_.IsEmpty()) return releasing_.Value();
  released_ = true;  // the finalizer, the only other release, runs once nothing can call this
  const Napi::Promise promise = info.Env().GetInstanceData<WsbAddon>()->releaseHandle(info, this, {held_.backup, held_.restore});
  releasing_ = Napi::Persistent(promise.As<Napi::Object>());
  return promise;
}

void AddinHandle::assertLive(Napi::Env env) const {
  if (released_) throw Napi::Error::New(env, "the add-in was already released");
}

void AddinHandle::scheduleRelease() {
  if (std::exchange(released_, true)) return;
  apartment_->post(
      [backup = held_.backup, restore = held_.restore] {
        backup->release();
        restore->release();
      },
      Apartment::Lane::kRelease);
}

}  // namespace wsb::bridge
