// The VSS requester: one IVssBackupComponents driven step by step, each step run on an
// apartment thread and returning plain C++ (lib/vss/types.ts's VssSession, one method each).
// The call order and the cleanup rules are the TypeScript side's (lib/vss/on-demand.ts); here is
// what each step must get right on its own: the slots (vss_abi.h), every BSTR, component info,
// writer metadata and snapshot property freed, and an async waited for in slices so that a
// cancellation reaches IVssAsync::Cancel.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "com_ptr.h"
#include "failure.h"
#include "vss_abi.h"
#include "wide_string.h"

namespace wsb::vss {

struct Component {
  WString name;
  WString logicalPath;
  std::vector<WString> files;  // each file descriptor's path with its file spec joined
};

struct WriterInfo {
  std::string writerId;
  std::string instanceId;
  WString name;
  std::vector<Component> components;
  WString metadataXml;  // SaveAsXML
};

struct WriterStatus {
  std::string writerId;
  std::string instanceId;
  std::int32_t state = 0;  // VSS_WRITER_STATE
  HRESULT lastError = kS_OK;
};

// Set by the JS side when its wait is stopped: the wait in progress calls IVssAsync::Cancel once
// and goes on waiting for the cancelled (or final) status, which the caller bounds.
using CancelFlag = std::atomic<bool>;

class Backup {
 public:
  // Every step returns S_OK or what ended it (a failure, or VSS_S_ASYNC_CANCELLED).
  // InitializeForBackup, SetContext(VSS_CTX_BACKUP), SetBackupState(components, VSS_BT_COPY) on
  // a backup components object just created (Runtime::vssCreate). A failure's message names the step.
  static Failure initialize(Ref<IVssBackupComponents> components, FreeSnapshotPropertiesFn freeProperties, std::unique_ptr<Backup>* out);

  Failure gatherWriterMetadata(const CancelFlag& cancel, std::vector<WriterInfo>* out);
  Failure gatherWriterStatus(const CancelFlag& cancel, std::vector<WriterStatus>* out);
  Failure addComponent(const GUID& instanceId, const GUID& writerId, const WString& logicalPath, const WString& name);
  Failure startSnapshotSet(GUID* setId);
  Failure addToSnapshotSet(const WString& volume, GUID* snapshotId);
  Failure prepareForBackup(const CancelFlag& cancel);
  Failure doSnapshotSet(const CancelFlag& cancel);
  Failure snapshotDevice(const GUID& snapshotId, WString* device);
  // SetBackupSucceeded(false) for every component added (nothing was stored), then BackupComplete.
  Failure backupComplete(const CancelFlag& cancel);
  Failure abortBackup();

  // The backup components object is released with this (on an apartment thread): the
  // non-persistent snapshots go with it.
  ~Backup() = default;

 private:
  struct Added {
    GUID instanceId;
    GUID writerId;
    std::int32_t type;
    WString logicalPath;
    WString name;
  };
  Backup(Ref<IVssBackupComponents> components, FreeSnapshotPropertiesFn freeProperties)
      : components_(std::move(components)), freeProperties_(freeProperties) {}
  // Starts an async step (`start` writes its IVssAsync) and waits for its end.
  template <class Fn>
  Failure awaitStep(const char* name, Fn start, const CancelFlag& cancel);

  Ref<IVssBackupComponents> components_;
  FreeSnapshotPropertiesFn freeProperties_;
  std::vector<Added> gathered_;  // every component of the last GatherWriterMetadata: AddComponent's type
  std::vector<Added> added_;
};

}  // namespace wsb::vss
