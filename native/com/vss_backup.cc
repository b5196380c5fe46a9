#include "vss_backup.h"

#include <chrono>
#include <utility>

#include "guid_text.h"
#include "wsb_calls.h"

namespace wsb::vss {
namespace {

using Clock = std::chrono::steady_clock;

// A BSTR a callee wrote: freed exactly once, whatever happens next.
class OwnedBstr {
 public:
  OwnedBstr() = default;
  OwnedBstr(const OwnedBstr&) = delete;
  OwnedBstr& operator=(const OwnedBstr&) = delete;
  ~OwnedBstr() { freeBstr(text_); }
  Bstr* put() {
    freeBstr(std::exchange(text_, nullptr));
    return &text_;
  }
  WString text() const { return text_ == nullptr ? WString() : WString(text_, boundedLength(text_, kMaxWriterMetadataChars)); }

 private:
  Bstr text_ = nullptr;
};

Failure failed(HRESULT result, const char* step) { return Failure{result, step}; }

// Anything but S_OK ends a step: VSS_S_ASYNC_CANCELLED is a success code and still no result.
bool isFailure(const Failure& failure) { return failure.hresult != kS_OK; }

const Failure kOk{kS_OK, ""};

// A file descriptor's path and file spec as one path ("C:\Mail\db01\" + "*.edb").
Failure fileOf(IVssWMFiledesc* file, WString* out) {
  OwnedBstr path;
  OwnedBstr spec;
  HRESULT result = method<GetPathFn>(file, kSlotGetPath)(file, path.put());
  if (FAILED(result)) return failed(result, "IVssWMFiledesc::GetPath");
  result = method<GetFilespecFn>(file, kSlotGetFilespec)(file, spec.put());
  if (FAILED(result)) return failed(result, "IVssWMFiledesc::GetFilespec");
  WString joined = path.text();
  if (!joined.empty() && joined.back() != u'\\' && joined.back() != u'/') joined.push_back(u'\\');
  *out = joined + spec.text();
  return kOk;
}

// Every file descriptor of one kind (GetFile, GetDatabaseFile, GetDatabaseLogFile).
template <class Fn>
Failure filesOf(IVssWMComponent* component, int slot, Uint count, const char* step, std::vector<WString>* out) {
  for (Uint i = 0; i < count; ++i) {
    Ref<IVssWMFiledesc> file;
    const HRESULT result = method<Fn>(component, slot)(component, i, file.put());
    if (FAILED(result)) return failed(result, step);
    WString path;
    const Failure read = fileOf(file.get(), &path);
    if (isFailure(read)) return read;
    out->push_back(std::move(path));
  }
  return kOk;
}

// The component's info (freed with FreeComponentInfo) and its files.
Failure componentOf(IVssWMComponent* wm, Component* out, std::int32_t* type) {
  const ComponentInfo* info = nullptr;
  HRESULT result = method<GetComponentInfoFn>(wm, kSlotGetComponentInfo)(wm, &info);
  if (FAILED(result)) return failed(result, "IVssWMComponent::GetComponentInfo");
  if (info == nullptr) return failed(kE_POINTER, "IVssWMComponent::GetComponentInfo wrote no info");
  out->name = info->componentName == nullptr ? WString() : WString(info->componentName);
  out->logicalPath = info->logicalPath == nullptr ? WString() : WString(info->logicalPath);
  *type = info->type;
  const Uint files = info->fileCount;
  const Uint databases = info->databases;
  const Uint logs = info->logFiles;
  method<FreeComponentInfoFn>(wm, kSlotFreeComponentInfo)(wm, info);
  Failure read = filesOf<GetFileFn>(wm, kSlotGetFile, files, "IVssWMComponent::GetFile", &out->files);
  if (!isFailure(read))
    read = filesOf<GetDatabaseFileFn>(wm, kSlotGetDatabaseFile, databases, "IVssWMComponent::GetDatabaseFile", &out->files);
  if (!isFailure(read))
    read = filesOf<GetDatabaseLogFileFn>(wm, kSlotGetDatabaseLogFile, logs, "IVssWMComponent::GetDatabaseLogFile", &out->files);
  return read;
}

}  // namespace

Failure Backup::initialize(Ref<IVssBackupComponents> components, FreeSnapshotPropertiesFn freeProperties, std::unique_ptr<Backup>* out) {
  if (!components) return failed(kE_POINTER, "CreateVssBackupComponentsInternal wrote no object");
  IVssBackupComponents* bc = components.get();
  HRESULT result = method<InitializeForBackupFn>(bc, kSlotInitializeForBackup)(bc, nullptr);
  if (FAILED(result)) return failed(result, "InitializeForBackup");
  result = method<SetContextFn>(bc, kSlotSetContext)(bc, kCtxBackup);
  if (FAILED(result)) return failed(result, "SetContext(VSS_CTX_BACKUP)");
  result = method<SetBackupStateFn>(bc, kSlotSetBackupState)(bc, 1, 0, kBtCopy, 0);
  if (FAILED(result)) return failed(result, "SetBackupState(VSS_BT_COPY)");
  out->reset(new Backup(std::move(components), freeProperties));
  return kOk;
}

// Waits in slices of kWaitSliceMs, looking at `cancel` between them: IVssAsync::Cancel once, then
// on to the final status (VSS_S_ASYNC_CANCELLED, or the step's own end if it finished anyway).
template <class Fn>
Failure Backup::awaitStep(const char* name, Fn start, const CancelFlag& cancel) {
  Ref<IVssAsync> async;
  HRESULT result = start(async.put());
  if (FAILED(result)) return failed(result, name);
  if (!async) return failed(kE_POINTER, name);
  IVssAsync* a = async.get();
  bool cancelled = false;
  Clock::time_point giveUp{};
  for (;;) {
    method<WaitFn>(a, kSlotWait)(a, kWaitSliceMs);  // its own result says only "not yet" or "done"
    HRESULT status = kStatusSentinel;
    result = method<AsyncQueryStatusFn>(a, kSlotAsyncQueryStatus)(a, &status, nullptr);
    if (FAILED(result)) return failed(result, "IVssAsync::QueryStatus");
    if (status == kStatusSentinel) return failed(kE_UNEXPECTED, "IVssAsync::QueryStatus returned S_OK without writing the status");
    if (status == kVSS_S_ASYNC_FINISHED || status == kS_OK) return kOk;
    if (status != kVSS_S_ASYNC_PENDING) return failed(status, name);  // a failure, or VSS_S_ASYNC_CANCELLED
    if (cancel.load() && !cancelled) {
      cancelled = true;
      giveUp = Clock::now() + std::chrono::milliseconds(kCancelledWaitMs);
      method<CancelFn>(a, kSlotCancel)(a);
    }
    if (cancelled && Clock::now() >= giveUp) return failed(kERROR_TIMEOUT, "the wait ignored IVssAsync::Cancel");
  }
}

Failure Backup::gatherWriterMetadata(const CancelFlag& cancel, std::vector<WriterInfo>* out) {
  IVssBackupComponents* bc = components_.get();
  Failure waited = awaitStep(
      "GatherWriterMetadata", [&](IVssAsync** async) { return method<GatherWriterMetadataFn>(bc, kSlotGatherWriterMetadata)(bc, async); },
      cancel);
  if (isFailure(waited)) return waited;
  Uint count = 0;
  HRESULT result = method<GetWriterMetadataCountFn>(bc, kSlotGetWriterMetadataCount)(bc, &count);
  if (FAILED(result)) return failed(result, "GetWriterMetadataCount");
  gathered_.clear();
  Failure read = kOk;
  for (Uint i = 0; i < count && !isFailure(read); ++i) {
    GUID instance{};
    Ref<IVssExamineWriterMetadata> examine;
    result = method<GetWriterMetadataFn>(bc, kSlotGetWriterMetadata)(bc, i, &instance, examine.put());
    if (FAILED(result) || !examine) {
      read = failed(FAILED(result) ? result : kE_POINTER, "GetWriterMetadata");
      break;
    }
    IVssExamineWriterMetadata* em = examine.get();
    WriterInfo writer;
    GUID identityInstance{};
    GUID writerId{};
    OwnedBstr name;
    std::int32_t usage = 0;
    std::int32_t source = 0;
    result = method<GetIdentityFn>(em, kSlotGetIdentity)(em, &identityInstance, &writerId, name.put(), &usage, &source);
    if (FAILED(result)) {
      read = failed(result, "IVssExamineWriterMetadata::GetIdentity");
      break;
    }
    writer.writerId = guidText(writerId);
    writer.instanceId = guidText(instance);
    writer.name = name.text();
    Uint includes = 0;
    Uint excludes = 0;
    Uint componentCount = 0;
    result = method<GetFileCountsFn>(em, kSlotGetFileCounts)(em, &includes, &excludes, &componentCount);
    if (FAILED(result)) {
      read = failed(result, "IVssExamineWriterMetadata::GetFileCounts");
      break;
    }
    for (Uint c = 0; c < componentCount && !isFailure(read); ++c) {
      Ref<IVssWMComponent> wm;
      result = method<GetComponentFn>(em, kSlotGetComponent)(em, c, wm.put());
      if (FAILED(result) || !wm) {
        read = failed(FAILED(result) ? result : kE_POINTER, "IVssExamineWriterMetadata::GetComponent");
        break;
      }
      Component component;
      std::int32_t type = kComponentTypeFilegroup;
      read = componentOf(wm.get(), &component, &type);
      gathered_.push_back(Added{instance, writerId, type, component.logicalPath, component.name});
      writer.components.push_back(std::move(component));
    }
    if (isFailure(read)) break;
    OwnedBstr xml;
    result = method<SaveAsXMLFn>(em, kSlotSaveAsXML)(em, xml.put());
    if (FAILED(result)) {
      read = failed(result, "IVssExamineWriterMetadata::SaveAsXML");
      break;
    }
    writer.metadataXml = xml.text();
    out->push_back(std::move(writer));
  }
  method<FreeWriterMetadataFn>(bc, kSlotFreeWriterMetadata)(bc);
  return read;
}

Failure Backup::gatherWriterStatus(const CancelFlag& cancel, std::vector<WriterStatus>* out) {
  IVssBackupComponents* bc = components_.get();
  Failure waited = awaitStep(
      "GatherWriterStatus", [&](IVssAsync** async) { return method<GatherWriterStatusFn>(bc, kSlotGatherWriterStatus)(bc, async); },
      cancel);
  if (isFailure(waited)) return waited;
  Uint count = 0;
  HRESULT result = method<GetWriterStatusCountFn>(bc, kSlotGetWriterStatusCount)(bc, &count);
  Failure read = FAILED(result) ? failed(result, "GetWriterStatusCount") : kOk;
  for (Uint i = 0; i < count && !isFailure(read); ++i) {
    GUID instance{};
    GUID writer{};
    OwnedBstr name;
    WriterStatus status;
    HRESULT failure = kS_OK;
    result = method<GetWriterStatusFn>(bc, kSlotGetWriterStatus)(bc, i, &instance, &writer, name.put(), &status.state, &failure);
    if (FAILED(result)) {
      read = failed(result, "GetWriterStatus");
      break;
    }
    status.writerId = guidText(writer);
    status.instanceId = guidText(instance);
    status.lastError = failure;
    out->push_back(std::move(status));
  }
  method<FreeWriterStatusFn>(bc, kSlotFreeWriterStatus)(bc);
  return read;
}

Failure Backup::addComponent(const GUID& instanceId, const GUID& writerId, const WString& logicalPath, const WString& name) {
  std::int32_t type = kComponentTypeFilegroup;
  for (const Added& known : gathered_)
    if (IsEqualGUID(known.instanceId, instanceId) && known.logicalPath == logicalPath && known.name == name) type = known.type;
  IVssBackupComponents* bc = components_.get();
  const WChar* path = logicalPath.empty() ? nullptr : logicalPath.c_str();
  const HRESULT result = method<AddComponentFn>(bc, kSlotAddComponent)(bc, instanceId, writerId, type, path, name.c_str());
  if (FAILED(result)) return failed(result, "AddComponent");
  added_.push_back(Added{instanceId, writerId, type, logicalPath, name});
  return kOk;
}

Failure Backup::startSnapshotSet(GUID* setId) {
  IVssBackupComponents* bc = components_.get();
  const HRESULT result = method<StartSnapshotSetFn>(bc, kSlotStartSnapshotSet)(bc, setId);
  return FAILED(result) ? failed(result, "StartSnapshotSet") : kOk;
}

Failure Backup::addToSnapshotSet(const WString& volume, GUID* snapshotId) {
  IVssBackupComponents* bc = components_.get();
  WString name = volume;  // the slot takes a non-const VSS_PWSZ
  const HRESULT result = method<AddToSnapshotSetFn>(bc, kSlotAddToSnapshotSet)(bc, name.data(), GUID{}, snapshotId);
  return FAILED(result) ? failed(result, "AddToSnapshotSet") : kOk;
}

Failure Backup::prepareForBackup(const CancelFlag& cancel) {
  IVssBackupComponents* bc = components_.get();
  return awaitStep(
      "PrepareForBackup", [&](IVssAsync** async) { return method<PrepareForBackupFn>(bc, kSlotPrepareForBackup)(bc, async); }, cancel);
}

Failure Backup::doSnapshotSet(const CancelFlag& cancel) {
  IVssBackupComponents* bc = components_.get();
  return awaitStep(
      "DoSnapshotSet", [&](IVssAsync** async) { return method<DoSnapshotSetFn>(bc, kSlotDoSnapshotSet)(bc, async); }, cancel);
}

Failure Backup::snapshotDevice(const GUID& snapshotId, WString* device) {
  IVssBackupComponents* bc = components_.get();
  SnapshotProp properties{};
  const HRESULT result = method<GetSnapshotPropertiesFn>(bc, kSlotGetSnapshotProperties)(bc, snapshotId, &properties);
  if (FAILED(result)) return failed(result, "GetSnapshotProperties");
  *device = properties.snapshotDeviceObject == nullptr ? WString() : WString(properties.snapshotDeviceObject);
  freeProperties_(&properties);
  return kOk;
}

Failure Backup::backupComplete(const CancelFlag& cancel) {
  IVssBackupComponents* bc = components_.get();
  for (const Added& component : added_) {
    const WChar* path = component.logicalPath.empty() ? nullptr : component.logicalPath.c_str();
    const HRESULT result = method<SetBackupSucceededFn>(bc, kSlotSetBackupSucceeded)(bc, component.instanceId, component.writerId,
                                                                                     component.type, path, component.name.c_str(), 0);
    if (FAILED(result)) return failed(result, "SetBackupSucceeded");
  }
  return awaitStep(
      "BackupComplete", [&](IVssAsync** async) { return method<BackupCompleteFn>(bc, kSlotBackupComplete)(bc, async); }, cancel);
}

Failure Backup::abortBackup() {
  IVssBackupComponents* bc = components_.get();
  const HRESULT result = method<AbortBackupFn>(bc, kSlotAbortBackup)(bc);
  return FAILED(result) ? failed(result, "AbortBackup") : kOk;
}

}  // namespace wsb::vss
