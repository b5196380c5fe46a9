// The VSS requester ABI this addon speaks: the vtable slots it calls on IVssBackupComponents,
// IVssAsync, IVssExamineWriterMetadata, IVssWMComponent and IVssWMFiledesc, the structures it
// reads, and the codes it tests.
//
// Calls go through explicit slot numbers, one table below (kSlot*, each with the exact function
// type), because a method declared one place off fails silently (breeze #2999): the mingw build
// checks every slot and structure offset against mingw-w64's vsbackup.h (vss_abi_check_mingw.cc),
// and the fake VSS (native/mock/mock_vss.cc) builds its vtables from the same table, so caller and
// fake cannot disagree. The interfaces themselves are opaque here: nothing calls a VSS
// method through a C++ virtual.
#pragma once

#include <cstdint>

#include "abi.h"

#ifdef _WIN32
#include <oleauto.h>
#endif

namespace wsb::vss {

// Opaque interface types, never defined: nothing is called through them as C++ (Ref releases
// through the slot), so they need no IUnknown base.
struct IVssBackupComponents;
struct IVssAsync;
struct IVssExamineWriterMetadata;
struct IVssWMComponent;
struct IVssWMFiledesc;

using VssId = GUID;

// The IIDs QueryInterface answers for (../shared/vss-reference.md; mingw's vsbackup.h agrees).
inline constexpr GUID kIID_IVssBackupComponents = {0x665C1D5F, 0xC218, 0x414D, {0xA0, 0x5D, 0x7F, 0xEF, 0x5F, 0x9D, 0x5C, 0x86}};
inline constexpr GUID kIID_IVssAsync = {0x507C37B4, 0xCF5B, 0x4E95, {0xB0, 0xAF, 0x14, 0xEB, 0x97, 0x67, 0x46, 0x7E}};
inline constexpr GUID kIID_IVssExamineWriterMetadata = {0x902FCF7F, 0xB7FD, 0x42F8, {0x81, 0xF1, 0xB2, 0xE4, 0x00, 0xB1, 0xE5, 0xBD}};
using Long = std::int32_t;      // LONG: 32 bits on Windows, whatever `long` is elsewhere
using Uint = std::uint32_t;     // UINT
using Boolean = unsigned char;  // MIDL's boolean

#ifdef _WIN32
using Bstr = BSTR;
#else
using Bstr = WChar*;  // off Windows, a length-prefixed string of the same shape (vss_bstr_posix.cc)
#endif
Bstr allocBstr(const WChar* text) noexcept;  // nullptr when out of memory
void freeBstr(Bstr text) noexcept;

// VSS_COMPONENTINFO (vsbackup.h).
struct ComponentInfo {
  std::int32_t type;  // VSS_COMPONENT_TYPE
  Bstr logicalPath;
  Bstr componentName;
  Bstr caption;
  BYTE* icon;
  Uint iconBytes;
  Boolean restoreMetadata;
  Boolean notifyOnBackupComplete;
  Boolean selectable;
  Boolean selectableForRestore;
  DWORD componentFlags;
  Uint fileCount;
  Uint databases;
  Uint logFiles;
  Uint dependencies;
};

// VSS_SNAPSHOT_PROP (vss.h). Its strings are freed by VssFreeSnapshotPropertiesInternal.
struct SnapshotProp {
  VssId snapshotId;
  VssId snapshotSetId;
  Long snapshotsCount;
  WChar* snapshotDeviceObject;
  WChar* originalVolumeName;
  WChar* originatingMachine;
  WChar* serviceMachine;
  WChar* exposedName;
  WChar* exposedPath;
  VssId providerId;
  Long snapshotAttributes;
  std::int64_t creationTimestamp;
  std::int32_t status;  // VSS_SNAPSHOT_STATE
};

// What vssapi.dll exports (or its fake): CreateVssBackupComponentsInternal and
// VssFreeSnapshotPropertiesInternal, the real names behind the SDK's inline wrappers.
using CreateBackupComponentsFn = HRESULT(STDMETHODCALLTYPE*)(IVssBackupComponents** out);
using FreeSnapshotPropertiesFn = void(STDMETHODCALLTYPE*)(SnapshotProp* properties);

// The slot table. Each entry: its index (0-2 are IUnknown) and its exact function type, the
// object first. Never change one without the mingw check agreeing.
#define WSB_VSS_SLOT(name, index, ...)      \
  inline constexpr int kSlot##name = index; \
  using name##Fn = HRESULT(STDMETHODCALLTYPE*)(__VA_ARGS__);

// IVssBackupComponents
WSB_VSS_SLOT(InitializeForBackup, 5, IVssBackupComponents*, Bstr)
WSB_VSS_SLOT(SetBackupState, 6, IVssBackupComponents*, Boolean, Boolean, std::int32_t, Boolean)
WSB_VSS_SLOT(GatherWriterMetadata, 9, IVssBackupComponents*, IVssAsync**)
WSB_VSS_SLOT(GetWriterMetadataCount, 10, IVssBackupComponents*, Uint*)
WSB_VSS_SLOT(GetWriterMetadata, 11, IVssBackupComponents*, Uint, VssId*, IVssExamineWriterMetadata**)
WSB_VSS_SLOT(FreeWriterMetadata, 12, IVssBackupComponents*)
WSB_VSS_SLOT(AddComponent, 13, IVssBackupComponents*, VssId, VssId, std::int32_t, const WChar*, const WChar*)
WSB_VSS_SLOT(PrepareForBackup, 14, IVssBackupComponents*, IVssAsync**)
WSB_VSS_SLOT(AbortBackup, 15, IVssBackupComponents*)
WSB_VSS_SLOT(GatherWriterStatus, 16, IVssBackupComponents*, IVssAsync**)
WSB_VSS_SLOT(GetWriterStatusCount, 17, IVssBackupComponents*, Uint*)
WSB_VSS_SLOT(FreeWriterStatus, 18, IVssBackupComponents*)
WSB_VSS_SLOT(GetWriterStatus, 19, IVssBackupComponents*, Uint, VssId*, VssId*, Bstr*, std::int32_t*, HRESULT*)
WSB_VSS_SLOT(SetBackupSucceeded, 20, IVssBackupComponents*, VssId, VssId, std::int32_t, const WChar*, const WChar*, Boolean)
WSB_VSS_SLOT(BackupComplete, 27, IVssBackupComponents*, IVssAsync**)
WSB_VSS_SLOT(SetContext, 35, IVssBackupComponents*, Long)
WSB_VSS_SLOT(StartSnapshotSet, 36, IVssBackupComponents*, VssId*)
WSB_VSS_SLOT(AddToSnapshotSet, 37, IVssBackupComponents*, WChar*, VssId, VssId*)
WSB_VSS_SLOT(DoSnapshotSet, 38, IVssBackupComponents*, IVssAsync**)
WSB_VSS_SLOT(GetSnapshotProperties, 42, IVssBackupComponents*, VssId, SnapshotProp*)
inline constexpr int kBackupComponentsSlots = 51;  // the whole vtable: what the fake's holds

// IVssAsync
WSB_VSS_SLOT(Cancel, 3, IVssAsync*)
WSB_VSS_SLOT(Wait, 4, IVssAsync*, DWORD)
WSB_VSS_SLOT(AsyncQueryStatus, 5, IVssAsync*, HRESULT*, std::int32_t*)
inline constexpr int kAsyncSlots = 6;

// IVssExamineWriterMetadata
WSB_VSS_SLOT(GetIdentity, 3, IVssExamineWriterMetadata*, VssId*, VssId*, Bstr*, std::int32_t*, std::int32_t*)
WSB_VSS_SLOT(GetFileCounts, 4, IVssExamineWriterMetadata*, Uint*, Uint*, Uint*)
WSB_VSS_SLOT(GetComponent, 7, IVssExamineWriterMetadata*, Uint, IVssWMComponent**)
WSB_VSS_SLOT(SaveAsXML, 12, IVssExamineWriterMetadata*, Bstr*)
inline constexpr int kExamineSlots = 14;  // through LoadFromXML [13]

// IVssWMComponent
WSB_VSS_SLOT(GetComponentInfo, 3, IVssWMComponent*, const ComponentInfo**)
WSB_VSS_SLOT(FreeComponentInfo, 4, IVssWMComponent*, const ComponentInfo*)
WSB_VSS_SLOT(GetFile, 5, IVssWMComponent*, Uint, IVssWMFiledesc**)
WSB_VSS_SLOT(GetDatabaseFile, 6, IVssWMComponent*, Uint, IVssWMFiledesc**)
WSB_VSS_SLOT(GetDatabaseLogFile, 7, IVssWMComponent*, Uint, IVssWMFiledesc**)
inline constexpr int kComponentSlots = 9;  // through GetDependency [8]

// IVssWMFiledesc
WSB_VSS_SLOT(GetPath, 3, IVssWMFiledesc*, Bstr*)
WSB_VSS_SLOT(GetFilespec, 4, IVssWMFiledesc*, Bstr*)
inline constexpr int kFiledescSlots = 8;  // through GetBackupTypeMask [7]

#undef WSB_VSS_SLOT

// The method in `slot` of `object`'s vtable, as `Fn`.
template <class Fn, class Interface>
Fn method(Interface* object, int slot) {
  return reinterpret_cast<Fn>((*reinterpret_cast<void* const* const*>(object))[slot]);
}

// IUnknown's AddRef and Release, through the slots like every VSS call.
using AddRefFn = ULONG(STDMETHODCALLTYPE*)(void*);
using ReleaseFn = ULONG(STDMETHODCALLTYPE*)(void*);
inline constexpr int kSlotAddRef = 1;
inline constexpr int kSlotRelease = 2;

// The one owner of one reference to a VSS object: ComPtr's rules (move-only, released once), with
// Release called through its slot, not as a C++ virtual, since the fake VSS's objects are plain
// vtables and not C++ objects of the interface's type.
template <class T>
class Ref {
 public:
  Ref() noexcept = default;
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  Ref(Ref&& other) noexcept : ptr_(other.ptr_) { other.ptr_ = nullptr; }
  Ref& operator=(Ref&& other) noexcept {
    if (this != &other) {
      reset();
      ptr_ = other.ptr_;
      other.ptr_ = nullptr;
    }
    return *this;
  }
  ~Ref() { reset(); }

  void reset() noexcept {
    T* old = ptr_;
    ptr_ = nullptr;
    if (old != nullptr) method<ReleaseFn>(old, kSlotRelease)(old);
  }
  // For out-parameters: releases what is held and hands the slot to the callee.
  T** put() noexcept {
    reset();
    return &ptr_;
  }
  T* get() const noexcept { return ptr_; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }

 private:
  T* ptr_ = nullptr;
};

inline constexpr std::int32_t kCtxBackup = 0;               // VSS_CTX_BACKUP: non-persistent, auto-release
inline constexpr std::int32_t kBtCopy = 5;                  // VSS_BT_COPY: leaves backup history and logs alone
inline constexpr std::int32_t kComponentTypeDatabase = 1;   // VSS_CT_DATABASE
inline constexpr std::int32_t kComponentTypeFilegroup = 2;  // VSS_CT_FILEGROUP
inline constexpr DWORD kWaitSliceMs = 100;                  // IVssAsync::Wait between looks at a cancellation
// How long a wait goes on after IVssAsync::Cancel before its thread gives up on it: lib/vss/run.ts's
// VSS_CANCEL_WAIT_MS (test/unit/cpp-constants.test.ts compares them).
inline constexpr std::uint32_t kCancelledWaitMs = 5000;

}  // namespace wsb::vss
