#include "vss_win32.h"

#ifdef _WIN32

#include <mutex>
#include <vector>

namespace wsb::vss {
namespace {

struct Loaded {
  Failure failure;
  CreateBackupComponentsFn create = nullptr;
  FreeSnapshotPropertiesFn freeProperties = nullptr;
  FakeVolumeOfFn fakeVolumeOf = nullptr;
};

std::wstring environment(const wchar_t* name) {
  wchar_t value[MAX_PATH];
  const DWORD length = GetEnvironmentVariableW(name, value, MAX_PATH);
  return length == 0 || length >= MAX_PATH ? std::wstring() : std::wstring(value, length);
}

Loaded load() {
  Loaded loaded;
  BOOL wow64 = FALSE;
  if (IsWow64Process(GetCurrentProcess(), &wow64) && wow64) {
    loaded.failure = Failure{HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED), "wow64: a 32-bit process on 64-bit Windows cannot use VSS"};
    return loaded;
  }
  const std::wstring seam = environment(kVssApiPathVariable);
  const HMODULE module = seam.empty() ? LoadLibraryExW(L"vssapi.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32)
                                      : LoadLibraryExW(seam.c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
  if (module == nullptr) {
    loaded.failure =
        Failure{HRESULT_FROM_WIN32(GetLastError()), seam.empty() ? "LoadLibraryExW(vssapi.dll)" : "LoadLibraryExW(WSBAPP_VSSAPI_PATH)"};
    return loaded;
  }
  // Never freed: the snapshots and objects it made may live until the process ends.
  loaded.create =
      reinterpret_cast<CreateBackupComponentsFn>(reinterpret_cast<void*>(GetProcAddress(module, "CreateVssBackupComponentsInternal")));
  loaded.freeProperties =
      reinterpret_cast<FreeSnapshotPropertiesFn>(reinterpret_cast<void*>(GetProcAddress(module, "VssFreeSnapshotPropertiesInternal")));
  if (!seam.empty())
    loaded.fakeVolumeOf = reinterpret_cast<FakeVolumeOfFn>(reinterpret_cast<void*>(GetProcAddress(module, "WsbappFakeVolumeOf")));
  if (loaded.create == nullptr || loaded.freeProperties == nullptr) {
    loaded.failure =
        Failure{HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND), loaded.create == nullptr ? "GetProcAddress(CreateVssBackupComponentsInternal)"
                                                                                   : "GetProcAddress(VssFreeSnapshotPropertiesInternal)"};
  }
  return loaded;
}

const Loaded& loadedOnce() {
  static const Loaded loaded = load();  // once per process, thread-safe
  return loaded;
}

}  // namespace

Failure loadVssApi(CreateBackupComponentsFn* create, FreeSnapshotPropertiesFn* freeProperties) {
  const Loaded& loaded = loadedOnce();
  *create = loaded.create;
  *freeProperties = loaded.freeProperties;
  return loaded.failure;
}

void ensureRequesterSecurity() noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    if (environment(kComSecurityVariable) == L"inherit") return;
    CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr,
                         EOAC_STATIC_CLOAKING,
                         nullptr);  // RPC_E_TOO_LATE: the process chose already; VSS lives with that choice
  });
}

Failure volumeNameOf(const WString& path, WString* volume) {
  if (const FakeVolumeOfFn fake = loadedOnce().fakeVolumeOf) {
    wchar_t name[64];
    const HRESULT found = fake(path.c_str(), name, static_cast<DWORD>(std::size(name)));
    if (FAILED(found)) return Failure{found, "WsbappFakeVolumeOf"};
    *volume = WString(name);
    return Failure{};
  }
  // Writers' file descriptors may name their folders with environment variables (%SystemRoot%\...).
  const DWORD units = ExpandEnvironmentStringsW(path.c_str(), nullptr, 0);
  if (units == 0) return Failure{HRESULT_FROM_WIN32(GetLastError()), "ExpandEnvironmentStringsW"};
  std::vector<wchar_t> expanded(units);
  if (ExpandEnvironmentStringsW(path.c_str(), expanded.data(), units) == 0)
    return Failure{HRESULT_FROM_WIN32(GetLastError()), "ExpandEnvironmentStringsW"};
  std::vector<wchar_t> mount(expanded.size() + 2);
  if (!GetVolumePathNameW(expanded.data(), mount.data(), static_cast<DWORD>(mount.size())))
    return Failure{HRESULT_FROM_WIN32(GetLastError()), "GetVolumePathNameW"};
  wchar_t name[64];  // \\?\Volume{GUID}\ is 49 units
  if (!GetVolumeNameForVolumeMountPointW(mount.data(), name, static_cast<DWORD>(std::size(name))))
    return Failure{HRESULT_FROM_WIN32(GetLastError()), "GetVolumeNameForVolumeMountPointW"};
  *volume = WString(name);
  return Failure{};
}

}  // namespace wsb::vss

#endif
