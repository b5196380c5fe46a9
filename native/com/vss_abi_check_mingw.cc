// Compile-time only: every slot and structure offset of vss_abi.h against mingw-w64's
// vsbackup.h, read through its C interface (CINTERFACE gives the Vtbl structures, whose member
// offsets are the slots). mingw only (scripts/wine/build-addon.sh): the Windows SDK's vsbackup.h
// is C++ only.
#define CINTERFACE
#include <windows.h>

#include <cstddef>
#include <vsbackup.h>
#include <vss.h>

#undef CINTERFACE
#include "vss_abi.h"

namespace {

#define WSB_CHECK_SLOT(vtbl, name, ours) \
  static_assert(offsetof(vtbl, name) / sizeof(void*) == wsb::vss::ours, #vtbl "::" #name " is not slot " #ours)

WSB_CHECK_SLOT(IVssBackupComponentsVtbl, InitializeForBackup, kSlotInitializeForBackup);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, SetBackupState, kSlotSetBackupState);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, GatherWriterMetadata, kSlotGatherWriterMetadata);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, GetWriterMetadataCount, kSlotGetWriterMetadataCount);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, GetWriterMetadata, kSlotGetWriterMetadata);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, FreeWriterMetadata, kSlotFreeWriterMetadata);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, AddComponent, kSlotAddComponent);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, PrepareForBackup, kSlotPrepareForBackup);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, AbortBackup, kSlotAbortBackup);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, GatherWriterStatus, kSlotGatherWriterStatus);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, GetWriterStatusCount, kSlotGetWriterStatusCount);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, FreeWriterStatus, kSlotFreeWriterStatus);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, GetWriterStatus, kSlotGetWriterStatus);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, SetBackupSucceeded, kSlotSetBackupSucceeded);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, BackupComplete, kSlotBackupComplete);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, SetContext, kSlotSetContext);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, StartSnapshotSet, kSlotStartSnapshotSet);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, AddToSnapshotSet, kSlotAddToSnapshotSet);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, DoSnapshotSet, kSlotDoSnapshotSet);
WSB_CHECK_SLOT(IVssBackupComponentsVtbl, GetSnapshotProperties, kSlotGetSnapshotProperties);
static_assert(sizeof(IVssBackupComponentsVtbl) / sizeof(void*) == wsb::vss::kBackupComponentsSlots, "IVssBackupComponents slot count");

WSB_CHECK_SLOT(IVssAsyncVtbl, Cancel, kSlotCancel);
WSB_CHECK_SLOT(IVssAsyncVtbl, Wait, kSlotWait);
WSB_CHECK_SLOT(IVssAsyncVtbl, QueryStatus, kSlotAsyncQueryStatus);
static_assert(sizeof(IVssAsyncVtbl) / sizeof(void*) == wsb::vss::kAsyncSlots, "IVssAsync slot count");

WSB_CHECK_SLOT(IVssExamineWriterMetadataVtbl, GetIdentity, kSlotGetIdentity);
WSB_CHECK_SLOT(IVssExamineWriterMetadataVtbl, GetFileCounts, kSlotGetFileCounts);
WSB_CHECK_SLOT(IVssExamineWriterMetadataVtbl, GetComponent, kSlotGetComponent);
WSB_CHECK_SLOT(IVssExamineWriterMetadataVtbl, SaveAsXML, kSlotSaveAsXML);
static_assert(sizeof(IVssExamineWriterMetadataVtbl) / sizeof(void*) == wsb::vss::kExamineSlots, "IVssExamineWriterMetadata slot count");

WSB_CHECK_SLOT(IVssWMComponentVtbl, GetComponentInfo, kSlotGetComponentInfo);
WSB_CHECK_SLOT(IVssWMComponentVtbl, FreeComponentInfo, kSlotFreeComponentInfo);
WSB_CHECK_SLOT(IVssWMComponentVtbl, GetFile, kSlotGetFile);
WSB_CHECK_SLOT(IVssWMComponentVtbl, GetDatabaseFile, kSlotGetDatabaseFile);
WSB_CHECK_SLOT(IVssWMComponentVtbl, GetDatabaseLogFile, kSlotGetDatabaseLogFile);
static_assert(sizeof(IVssWMComponentVtbl) / sizeof(void*) == wsb::vss::kComponentSlots, "IVssWMComponent slot count");

WSB_CHECK_SLOT(IVssWMFiledescVtbl, GetPath, kSlotGetPath);
WSB_CHECK_SLOT(IVssWMFiledescVtbl, GetFilespec, kSlotGetFilespec);
static_assert(sizeof(IVssWMFiledescVtbl) / sizeof(void*) == wsb::vss::kFiledescSlots, "IVssWMFiledesc slot count");

#undef WSB_CHECK_SLOT

#define WSB_CHECK_FIELD(theirs, field, ours, mine) \
  static_assert(offsetof(theirs, field) == offsetof(wsb::vss::ours, mine), #theirs "::" #field " moved")

WSB_CHECK_FIELD(VSS_COMPONENTINFO, bstrLogicalPath, ComponentInfo, logicalPath);
WSB_CHECK_FIELD(VSS_COMPONENTINFO, bstrComponentName, ComponentInfo, componentName);
WSB_CHECK_FIELD(VSS_COMPONENTINFO, bSelectable, ComponentInfo, selectable);
WSB_CHECK_FIELD(VSS_COMPONENTINFO, cFileCount, ComponentInfo, fileCount);
WSB_CHECK_FIELD(VSS_COMPONENTINFO, cDatabases, ComponentInfo, databases);
WSB_CHECK_FIELD(VSS_COMPONENTINFO, cLogFiles, ComponentInfo, logFiles);
static_assert(sizeof(VSS_COMPONENTINFO) == sizeof(wsb::vss::ComponentInfo), "VSS_COMPONENTINFO size");
WSB_CHECK_FIELD(VSS_SNAPSHOT_PROP, m_lSnapshotsCount, SnapshotProp, snapshotsCount);
WSB_CHECK_FIELD(VSS_SNAPSHOT_PROP, m_pwszSnapshotDeviceObject, SnapshotProp, snapshotDeviceObject);
WSB_CHECK_FIELD(VSS_SNAPSHOT_PROP, m_pwszOriginalVolumeName, SnapshotProp, originalVolumeName);
WSB_CHECK_FIELD(VSS_SNAPSHOT_PROP, m_ProviderId, SnapshotProp, providerId);
WSB_CHECK_FIELD(VSS_SNAPSHOT_PROP, m_tsCreationTimestamp, SnapshotProp, creationTimestamp);
WSB_CHECK_FIELD(VSS_SNAPSHOT_PROP, m_eStatus, SnapshotProp, status);
static_assert(sizeof(VSS_SNAPSHOT_PROP) == sizeof(wsb::vss::SnapshotProp), "VSS_SNAPSHOT_PROP size");

#undef WSB_CHECK_FIELD

static_assert(VSS_CTX_BACKUP == wsb::vss::kCtxBackup && VSS_BT_COPY == wsb::vss::kBtCopy, "VSS context and backup type");
static_assert(VSS_CT_DATABASE == wsb::vss::kComponentTypeDatabase && VSS_CT_FILEGROUP == wsb::vss::kComponentTypeFilegroup,
              "VSS component types");

}  // namespace
