// JS class `VssSession`: one VSS backup components object (com/vss_backup.h), made by
// runtime.createBackupComponents(). Every method returns a promise and runs its step on a COM
// thread; cancelWait() asks the wait in progress to call IVssAsync::Cancel. lib/backends/native.ts
// wraps it as lib/vss/types.ts's VssSession.
#pragma once

#include <memory>

#include <napi.h>

#include "../com/vss_held.h"
#include "addon.h"

namespace wsb::bridge {

class VssHandle final : public Napi::ObjectWrap<VssHandle> {
 public:
  static Napi::Function define(Napi::Env env);
  // On a COM thread: a new backup components object initialised for a copy backup, as a promise's settle.
  static Settle created(std::shared_ptr<Runtime> runtime, std::shared_ptr<LiveSet> live);

  explicit VssHandle(const Napi::CallbackInfo& info);
  ~VssHandle() override;

 private:
  struct Init {
    std::shared_ptr<vss::HeldBackup> held;
    std::shared_ptr<Runtime> runtime;
  };
  using Step = std::function<Settle(vss::Backup&, const vss::CancelFlag&)>;

  Napi::Value gatherWriterMetadata(const Napi::CallbackInfo& info);
  Napi::Value gatherWriterStatus(const Napi::CallbackInfo& info);
  Napi::Value volumeOf(const Napi::CallbackInfo& info);
  Napi::Value addComponent(const Napi::CallbackInfo& info);
  Napi::Value startSnapshotSet(const Napi::CallbackInfo& info);
  Napi::Value addToSnapshotSet(const Napi::CallbackInfo& info);
  Napi::Value prepareForBackup(const Napi::CallbackInfo& info);
  Napi::Value doSnapshotSet(const Napi::CallbackInfo& info);
  Napi::Value snapshotDevice(const Napi::CallbackInfo& info);
  Napi::Value backupComplete(const Napi::CallbackInfo& info);
  Napi::Value abortBackup(const Napi::CallbackInfo& info);
  Napi::Value cancelWait(const Napi::CallbackInfo& info);
  Napi::Value release(const Napi::CallbackInfo& info);

  // Runs `step` on a COM thread with the call's own reference and a new cancel flag.
  Napi::Value run(const Napi::CallbackInfo& info, Step step);
  // A wait that resolves with nothing (PrepareForBackup, DoSnapshotSet, BackupComplete).
  Napi::Value runWait(const Napi::CallbackInfo& info, Failure (vss::Backup::*wait)(const vss::CancelFlag&));

  Init held_;
  std::shared_ptr<Apartment> apartment_;
  std::shared_ptr<vss::CancelFlag> waiting_;  // the flag of the last call started: what cancelWait() sets
  bool released_ = false;
  Napi::ObjectReference releasing_;
};

}  // namespace wsb::bridge
