#include "machine_win32.h"

#ifdef _WIN32

#include <tlhelp32.h>

#include <cstdint>
#include <cstring>
#include <cwchar>
#include <iterator>

namespace wsb {
namespace {

// The value can grow between the size query and the read (ERROR_MORE_DATA): retried this often.
constexpr int kReadAttempts = 4;

struct RootName {
  const wchar_t* shortName;
  const wchar_t* longName;
  HKEY key;
};

const RootName kRoots[] = {
    {L"HKLM", L"HKEY_LOCAL_MACHINE", HKEY_LOCAL_MACHINE},
    {L"HKCR", L"HKEY_CLASSES_ROOT", HKEY_CLASSES_ROOT},
    {L"HKCU", L"HKEY_CURRENT_USER", HKEY_CURRENT_USER},
    {L"HKU", L"HKEY_USERS", HKEY_USERS},
};

const wchar_t* typeName(DWORD type) {
  switch (type) {
    case REG_NONE: return L"REG_NONE";
    case REG_SZ: return L"REG_SZ";
    case REG_EXPAND_SZ: return L"REG_EXPAND_SZ";
    case REG_BINARY: return L"REG_BINARY";
    case REG_DWORD: return L"REG_DWORD";
    case REG_DWORD_BIG_ENDIAN: return L"REG_DWORD_BIG_ENDIAN";
    case REG_LINK: return L"REG_LINK";
    case REG_MULTI_SZ: return L"REG_MULTI_SZ";
    case REG_QWORD: return L"REG_QWORD";
    default: return L"REG_UNKNOWN";
  }
}

std::wstring hexNumber(std::uint64_t n) {
  wchar_t text[19];
  std::swprintf(text, std::size(text), L"0x%llx", static_cast<unsigned long long>(n));
  return text;
}

// UTF-16 data, without the terminators a writer may or may not have stored.
std::wstring wideData(const std::vector<BYTE>& data) {
  std::wstring text(data.size() / sizeof(wchar_t), L'\0');
  if (!text.empty()) std::memcpy(&text[0], data.data(), text.size() * sizeof(wchar_t));
  while (!text.empty() && text.back() == L'\0') text.pop_back();
  return text;
}

std::wstring dataText(DWORD type, const std::vector<BYTE>& data) {
  switch (type) {
    case REG_SZ:
    case REG_EXPAND_SZ:
    case REG_LINK: return wideData(data);
    case REG_MULTI_SZ: {
      std::wstring joined;
      for (wchar_t c : wideData(data)) {
        if (c == L'\0') {
          joined += L"\\0";
        } else {
          joined += c;
        }
      }
      return joined;
    }
    case REG_DWORD:
      if (data.size() == sizeof(DWORD)) {
        DWORD n = 0;
        std::memcpy(&n, data.data(), sizeof n);
        return hexNumber(n);
      }
      break;
    case REG_QWORD:
      if (data.size() == sizeof(std::uint64_t)) {
        std::uint64_t n = 0;
        std::memcpy(&n, data.data(), sizeof n);
        return hexNumber(n);
      }
      break;
    default: break;
  }
  static const wchar_t kDigits[] = L"0123456789ABCDEF";
  std::wstring hex;
  for (BYTE b : data) hex += {kDigits[b >> 4], kDigits[b & 15]};
  return hex;
}

// Value `index` of `key`; ERROR_NO_MORE_ITEMS past the last.
LSTATUS valueAt(HKEY key, DWORD index, DWORD maxName, DWORD maxData, RegistryValue* out) {
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    std::wstring name(maxName + 1, L'\0');
    std::vector<BYTE> data(maxData);
    DWORD nameLength = static_cast<DWORD>(name.size());
    DWORD dataBytes = static_cast<DWORD>(data.size());
    DWORD type = REG_NONE;
    const LSTATUS read = RegEnumValueW(key, index, &name[0], &nameLength, nullptr, &type, data.data(), &dataBytes);
    if (read == ERROR_MORE_DATA) {  // grown since RegQueryInfoKeyW
      maxName = maxName * 2 + 64;
      maxData = maxData * 2 + 64;
      continue;
    }
    if (read != ERROR_SUCCESS) return read;
    name.resize(nameLength);
    data.resize(dataBytes);
    *out = RegistryValue{std::move(name), typeName(type), dataText(type, data)};
    return ERROR_SUCCESS;
  }
  return ERROR_MORE_DATA;
}

bool equalsIgnoringCase(const std::wstring& text, const wchar_t* name) { return _wcsicmp(text.c_str(), name) == 0; }

}  // namespace

std::wstring stringValue(HKEY key, const wchar_t* name) {
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    DWORD bytes = 0;
    if (RegGetValueW(key, nullptr, name, RRF_RT_REG_SZ, nullptr, nullptr, &bytes) != ERROR_SUCCESS) return {};
    std::wstring value(bytes / sizeof(wchar_t) + 1, L'\0');
    bytes = static_cast<DWORD>(value.size() * sizeof(wchar_t));
    const LSTATUS read = RegGetValueW(key, nullptr, name, RRF_RT_REG_SZ, nullptr, value.data(), &bytes);
    if (read == ERROR_MORE_DATA) continue;
    if (read != ERROR_SUCCESS) return {};
    value.resize(std::wcslen(value.c_str()));
    return value;
  }
  return {};
}

HKEY registryRoot(const std::wstring& path, std::wstring* rest) {
  const std::size_t slash = path.find(L'\\');
  const std::wstring root = path.substr(0, slash);
  for (const RootName& known : kRoots) {
    if (equalsIgnoringCase(root, known.shortName) || equalsIgnoringCase(root, known.longName)) {
      *rest = slash == std::wstring::npos ? std::wstring() : path.substr(slash + 1);
      return known.key;
    }
  }
  return nullptr;
}

RegistryListing readRegistryKey(HKEY root, const std::wstring& rest) {
  RegistryListing listing;
  RegistryKey key;
  listing.status = key.open(root, rest.c_str());
  if (listing.status != ERROR_SUCCESS) return listing;
  DWORD subkeys = 0, maxSubkey = 0, values = 0, maxName = 0, maxData = 0;
  listing.status =
      RegQueryInfoKeyW(key.get(), nullptr, nullptr, nullptr, &subkeys, &maxSubkey, nullptr, &values, &maxName, &maxData, nullptr, nullptr);
  if (listing.status != ERROR_SUCCESS) return listing;
  for (DWORD index = 0;; ++index) {
    RegistryValue value;
    const LSTATUS read = valueAt(key.get(), index, maxName, maxData, &value);
    if (read == ERROR_NO_MORE_ITEMS) break;
    if (read != ERROR_SUCCESS) return RegistryListing{read, {}, {}};
    listing.values.push_back(std::move(value));
  }
  wchar_t name[256];  // the longest key name the registry allows, and its terminator
  for (DWORD index = 0;; ++index) {
    DWORD length = static_cast<DWORD>(std::size(name));
    const LSTATUS next = RegEnumKeyExW(key.get(), index, name, &length, nullptr, nullptr, nullptr, nullptr);
    if (next == ERROR_NO_MORE_ITEMS) break;
    if (next != ERROR_SUCCESS) return RegistryListing{next, {}, {}};
    listing.subkeys.emplace_back(name, length);
  }
  return listing;
}

bool processImages(std::vector<std::wstring>* out, DWORD* error) {
  const HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) {
    *error = GetLastError();
    return false;
  }
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snapshot, &entry); more; more = Process32NextW(snapshot, &entry)) out->emplace_back(entry.szExeFile);
  *error = GetLastError();
  CloseHandle(snapshot);
  if (*error != ERROR_NO_MORE_FILES) return false;
  *error = ERROR_SUCCESS;
  return true;
}

}  // namespace wsb

#endif
