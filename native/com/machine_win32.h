// The machine as vet and doctor read it (Windows only): registry keys and the running
// processes, through the Win32 API rather than by parsing reg.exe or tasklist.exe output (whose
// text is localised and, under Wine, slow or missing). Read-only; no COM.
#pragma once

#ifdef _WIN32

#include <windows.h>

#include <vector>

#include "wide_string.h"

namespace wsb {

// An open registry key, closed exactly once. Opened in the 64-bit view, the one WSB reads.
class RegistryKey {
 public:
  RegistryKey() = default;
  RegistryKey(const RegistryKey&) = delete;
  RegistryKey& operator=(const RegistryKey&) = delete;
  ~RegistryKey() {
    if (key_ != nullptr) RegCloseKey(key_);
  }
  LSTATUS open(HKEY parent, const wchar_t* path) { return RegOpenKeyExW(parent, path, 0, KEY_READ | KEY_WOW64_64KEY, &key_); }
  HKEY get() const { return key_; }

 private:
  HKEY key_ = nullptr;
};

// A REG_SZ value, or empty when absent or not a string.
std::wstring stringValue(HKEY key, const wchar_t* name);

// One value as reg.exe would show it: its name ("" for the default value), its type's name
// (REG_SZ, REG_DWORD, ...) and its data as text (strings unexpanded, numbers as 0x-hex, other
// data as upper-case hex bytes, multi-strings joined by a literal \0).
struct RegistryValue {
  std::wstring name;
  std::wstring type;
  std::wstring data;
};

struct RegistryListing {
  LSTATUS status = ERROR_SUCCESS;  // ERROR_FILE_NOT_FOUND: no such key
  std::vector<RegistryValue> values;
  std::vector<std::wstring> subkeys;
};

// The root of a path such as "HKLM\SOFTWARE\..." or "HKEY_CLASSES_ROOT\CLSID\...": HKLM, HKCR,
// HKCU and HKU, short or long, any case. Sets `rest` to what follows the root's backslash
// (empty for the root itself); nullptr when the path names no such root.
HKEY registryRoot(const std::wstring& path, std::wstring* rest);

// Every value and subkey name of the key at `rest` below `root`.
RegistryListing readRegistryKey(HKEY root, const std::wstring& rest);

// The image names (e.g. "node.exe") of the processes running now; false, with `error` set
// (a Win32 code), when the process list cannot be read.
bool processImages(std::vector<std::wstring>* out, DWORD* error);

}  // namespace wsb

#endif
