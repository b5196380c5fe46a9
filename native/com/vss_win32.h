// VSS on Windows: vssapi.dll loaded at run time, COM security for a requester, volume names.
#pragma once

#ifdef _WIN32

#include "failure.h"
#include "vss_abi.h"
#include "wide_string.h"

namespace wsb::vss {

// The test seam: a full path to a DLL with vssapi's two exports (the fake under Wine), used
// instead of System32's vssapi.dll. A DLL of another base name needs no Wine DLL override.
inline constexpr const wchar_t* kVssApiPathVariable = L"WSBAPP_VSSAPI_PATH";
// "inherit": leave COM security to the host process (see docs/on-demand.md, "COM security").
inline constexpr const wchar_t* kComSecurityVariable = L"WSBAPP_COM_SECURITY";

// The test seam's volume lookup: a fake vssapi (WSBAPP_VSSAPI_PATH only) may export
// WsbappFakeVolumeOf, so that the volumes of its scripted writers' files are its own too. Writes
// at most `units` units with the NUL.
using FakeVolumeOfFn = HRESULT(STDMETHODCALLTYPE*)(const WChar* path, WChar* volume, DWORD units);

// vssapi's exports, loaded once per process (LoadLibraryExW from System32 only, never the
// application's folder; GetProcAddress, so a missing DLL or export is a Failure, not a load
// error of the addon). A 32-bit process on 64-bit Windows is refused: VSS does not support it.
Failure loadVssApi(CreateBackupComponentsFn* create, FreeSnapshotPropertiesFn* freeProperties);

// The volume (\\?\Volume{GUID}\) `path` lives on: the fake's answer under the test seam,
// else GetVolumePathNameW, then GetVolumeNameForVolumeMountPointW.

// CoInitializeSecurity as a VSS requester needs it (packet privacy, impersonate, static cloaking),
// once per process and before any marshalling. RPC_E_TOO_LATE (the host process, or an earlier
// COM call, already chose) is not a failure: VSS then works as that choice lets it.
void ensureRequesterSecurity() noexcept;
Failure volumeNameOf(const WString& path, WString* volume);

}  // namespace wsb::vss

#endif
