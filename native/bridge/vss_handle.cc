#include "vss_handle.h"

#include <utility>

#include "../com/guid_text.h"
#include "js_values.h"

namespace wsb::bridge {
namespace {

const Failure kReleased{kE_POINTER, "the backup components object was released while the call was queued"};

// A step that resolves with nothing.
Settle ended(const Failure& failure) {
  if (failure.hresult != kS_OK) return rejectWith(failure);
  return resolveWith([](Napi::Env env) -> Napi::Value { return env.Undefined(); });
}

Settle settled(const Failure& failure, std::function<Napi::Value(Napi::Env)> value) {
  if (failure.hresult != kS_OK) return rejectWith(failure);
  return resolveWith(std::move(value));
}

GUID guidArg(const Napi::Value& value, const std::string& field) {
  GUID guid{};
  if (!parseGuid(utf8Arg(value, field), &guid)) throw invalidArgValue(value.Env(), field + " must be a GUID in braces");
  return guid;
}

Napi::Object jsComponent(Napi::Env env, const vss::Component& component) {
  auto object = Napi::Object::New(env);
  object.Set("name", jsString(env, component.name));
  object.Set("logicalPath", jsString(env, component.logicalPath));
  object.Set("files", jsStrings(env, component.files));
  return object;
}

Napi::Object jsWriter(Napi::Env env, const vss::WriterInfo& writer) {
  auto object = Napi::Object::New(env);
  object.Set("writerId", writer.writerId);
  object.Set("instanceId", writer.instanceId);
  object.Set("name", jsString(env, writer.name));
  auto components = Napi::Array::New(env, writer.components.size());
  for (std::size_t i = 0; i < writer.components.size(); ++i)
    components.Set(static_cast<std::uint32_t>(i), jsComponent(env, writer.components[i]));
  object.Set("components", components);
  object.Set("metadataXml", jsString(env, writer.metadataXml));
  return object;
}

Napi::Object jsStatus(Napi::Env env, const vss::WriterStatus& status) {
  auto object = Napi::Object::New(env);
  object.Set("writerId", status.writerId);
  object.Set("instanceId", status.instanceId);
  object.Set("state", Napi::Number::New(env, status.state));
  object.Set("lastError", jsHresult(env, status.lastError));
  return object;
}

}  // namespace

Napi::Function VssHandle::define(Napi::Env env) {
  return DefineClass(
      env, "VssSession",
      {InstanceMethod<&VssHandle::gatherWriterMetadata>("gatherWriterMetadata"),
       InstanceMethod<&VssHandle::gatherWriterStatus>("gatherWriterStatus"), InstanceMethod<&VssHandle::volumeOf>("volumeOf"),
       InstanceMethod<&VssHandle::addComponent>("addComponent"), InstanceMethod<&VssHandle::startSnapshotSet>("startSnapshotSet"),
       InstanceMethod<&VssHandle::addToSnapshotSet>("addToSnapshotSet"), InstanceMethod<&VssHandle::prepareForBackup>("prepareForBackup"),
       InstanceMethod<&VssHandle::doSnapshotSet>("doSnapshotSet"), InstanceMethod<&VssHandle::snapshotDevice>("snapshotDevice"),
       InstanceMethod<&VssHandle::backupComplete>("backupComplete"), InstanceMethod<&VssHandle::abortBackup>("abortBackup"),
       InstanceMethod<&VssHandle::cancelWait>("cancelWait"), InstanceMethod<&VssHandle::release>("release")});
}

Settle VssHandle::created(std::shared_ptr<Runtime> runtime, std::shared_ptr<LiveSet> live) {
  vss::Ref<vss::IVssBackupComponents> components;
  vss::FreeSnapshotPropertiesFn freeProperties = nullptr;
  const Failure made = runtime->vssCreate(&components, &freeProperties);
  if (FAILED(made.hresult)) return rejectWith(made);
  std::unique_ptr<vss::Backup> backup;
  const Failure initialised = vss::Backup::initialize(std::move(components), freeProperties, &backup);
  if (initialised.hresult != kS_OK) return rejectWith(initialised);
  Init init{std::make_shared<vss::HeldBackup>(std::move(backup)), std::move(runtime)};
  live->track(init.held);
  return resolveWith([init = std::move(init)](Napi::Env env) mutable -> Napi::Value {
    return env.GetInstanceData<WsbAddon>()->vssClass.New({Napi::External<Init>::New(env, &init)});
  });
}

VssHandle::VssHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VssHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "VssSession cannot be constructed from JS");
  held_ = *info[0].As<Napi::External<Init>>().Data();
  apartment_ = info.Env().GetInstanceData<WsbAddon>()->apartment();
}

// A dropped handle's release is scheduled on the release lane, as AddinHandle's is.
VssHandle::~VssHandle() {
  if (std::exchange(released_, true)) return;
  apartment_->post([held = held_.held] { held->release(); }, Apartment::Lane::kRelease);
}

Napi::Value VssHandle::run(const Napi::CallbackInfo& info, Step step) {
  if (released_) throw Napi::Error::New(info.Env(), "the backup components object was already released");
  waiting_ = std::make_shared<vss::CancelFlag>(false);
  WsbAddon& addon = *info.Env().GetInstanceData<WsbAddon>();
  return addon.run(info, this, KeepAlive::kNo, [held = held_.held, cancel = waiting_, step = std::move(step)]() -> Settle {
    const std::shared_ptr<vss::Backup> backup = held->acquire();
    if (!backup) return rejectWith(kReleased);
    return step(*backup, *cancel);
  });
}

Napi::Value VssHandle::runWait(const Napi::CallbackInfo& info, Failure (vss::Backup::*wait)(const vss::CancelFlag&)) {
  return run(info, [wait](vss::Backup& backup, const vss::CancelFlag& cancel) { return ended((backup.*wait)(cancel)); });
}

Napi::Value VssHandle::gatherWriterMetadata(const Napi::CallbackInfo& info) {
  return run(info, [](vss::Backup& backup, const vss::CancelFlag& cancel) {
    auto writers = std::make_shared<std::vector<vss::WriterInfo>>();
    const Failure failure = backup.gatherWriterMetadata(cancel, writers.get());
    return settled(failure, [writers](Napi::Env env) -> Napi::Value { return jsArray(env, *writers, jsWriter); });
  });
}

Napi::Value VssHandle::gatherWriterStatus(const Napi::CallbackInfo& info) {
  return run(info, [](vss::Backup& backup, const vss::CancelFlag& cancel) {
    auto statuses = std::make_shared<std::vector<vss::WriterStatus>>();
    const Failure failure = backup.gatherWriterStatus(cancel, statuses.get());
    return settled(failure, [statuses](Napi::Env env) -> Napi::Value { return jsArray(env, *statuses, jsStatus); });
  });
}

Napi::Value VssHandle::volumeOf(const Napi::CallbackInfo& info) {
  WString path = wideArg(info[0], "path");
  return run(info, [runtime = held_.runtime, path = std::move(path)](vss::Backup&, const vss::CancelFlag&) {
    auto volume = std::make_shared<WString>();
    const Failure failure = runtime->vssVolumeOf(path, volume.get());
    return settled(failure, [volume](Napi::Env env) -> Napi::Value { return jsString(env, *volume); });
  });
}

Napi::Value VssHandle::addComponent(const Napi::CallbackInfo& info) {
  const GUID instance = guidArg(info[0], "writer.instanceId");
  const GUID writer = guidArg(info[1], "writer.writerId");
  WString logicalPath = wideArg(info[2], "component.logicalPath");
  WString name = wideArg(info[3], "component.name");
  return run(info,
             [=](vss::Backup& backup, const vss::CancelFlag&) { return ended(backup.addComponent(instance, writer, logicalPath, name)); });
}

Napi::Value VssHandle::startSnapshotSet(const Napi::CallbackInfo& info) {
  return run(info, [](vss::Backup& backup, const vss::CancelFlag&) {
    GUID set{};
    const Failure failure = backup.startSnapshotSet(&set);
    return settled(failure, [text = guidText(set)](Napi::Env env) -> Napi::Value { return Napi::String::New(env, text); });
  });
}

Napi::Value VssHandle::addToSnapshotSet(const Napi::CallbackInfo& info) {
  WString volume = wideArg(info[0], "volume");
  return run(info, [volume = std::move(volume)](vss::Backup& backup, const vss::CancelFlag&) {
    GUID snapshot{};
    const Failure failure = backup.addToSnapshotSet(volume, &snapshot);
    return settled(failure, [text = guidText(snapshot)](Napi::Env env) -> Napi::Value { return Napi::String::New(env, text); });
  });
}

Napi::Value VssHandle::prepareForBackup(const Napi::CallbackInfo& info) { return runWait(info, &vss::Backup::prepareForBackup); }

Napi::Value VssHandle::doSnapshotSet(const Napi::CallbackInfo& info) { return runWait(info, &vss::Backup::doSnapshotSet); }

Napi::Value VssHandle::snapshotDevice(const Napi::CallbackInfo& info) {
  const GUID snapshot = guidArg(info[0], "snapshotId");
  return run(info, [snapshot](vss::Backup& backup, const vss::CancelFlag&) {
    auto device = std::make_shared<WString>();
    const Failure failure = backup.snapshotDevice(snapshot, device.get());
    return settled(failure, [device](Napi::Env env) -> Napi::Value { return jsString(env, *device); });
  });
}

Napi::Value VssHandle::backupComplete(const Napi::CallbackInfo& info) { return runWait(info, &vss::Backup::backupComplete); }

Napi::Value VssHandle::abortBackup(const Napi::CallbackInfo& info) {
  return run(info, [](vss::Backup& backup, const vss::CancelFlag&) { return ended(backup.abortBackup()); });
}

Napi::Value VssHandle::cancelWait(const Napi::CallbackInfo& info) {
  if (waiting_) waiting_->store(true);
  return info.Env().Undefined();
}

// Resolves once the backup components object's final Release has returned; a second call
// resolves with the first.
Napi::Value VssHandle::release(const Napi::CallbackInfo& info) {
  if (!releasing_.IsEmpty()) return releasing_.Value();
  released_ = true;
  if (waiting_) waiting_->store(true);  // a wait still running ends sooner
  const Napi::Promise promise = info.Env().GetInstanceData<WsbAddon>()->releaseHandle(info, this, {held_.held});
  releasing_ = Napi::Persistent(promise.As<Napi::Object>());
  return promise;
}

}  // namespace wsb::bridge
