#include "log.h"

#include <cstdint>
#include <cstdio>
#include <cwchar>
#include <cwctype>

namespace sample {
namespace {

void appendEscaped(const std::string& utf8, std::string* out) {
  out->push_back('"');
  for (const char c : utf8) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
          *out += buffer;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

std::string toUtf8(const wchar_t* text) {
  if (text == nullptr || *text == L'\0') return {};
  const int bytes = WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  if (bytes <= 1) return {};
  std::string out(static_cast<std::size_t>(bytes), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, -1, &out[0], bytes, nullptr, nullptr);
  out.pop_back();  // the terminator WideCharToMultiByte wrote
  return out;
}

std::wstring toWide(const std::string& utf8) {
  if (utf8.empty()) return {};
  const int units = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(units), L'\0');
  if (units > 0) MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), &out[0], units);
  return out;
}

LogLine::LogLine(const char* event) {
  body_ = "{";
  key("pid");
  body_ += std::to_string(GetCurrentProcessId());
  key("event");
  appendEscaped(event, &body_);
  // When, in Unix ms: lets a test order this process's calls against another process's (the fake VSS's).
  FILETIME now;
  GetSystemTimeAsFileTime(&now);
  const unsigned long long ticks = (static_cast<unsigned long long>(now.dwHighDateTime) << 32) | now.dwLowDateTime;
  key("ms");
  body_ += std::to_string(ticks / 10000 - 11644473600000ull);
}

void LogLine::key(const char* name) {
  if (body_.size() > 1) body_.push_back(',');
  appendEscaped(name, &body_);
  body_.push_back(':');
}

LogLine& LogLine::text(const char* name, const wchar_t* value) {
  key(name);
  if (value == nullptr) body_ += "null";
  else appendEscaped(toUtf8(value), &body_);
  return *this;
}

LogLine& LogLine::text(const char* name, const std::string& utf8) {
  key(name);
  appendEscaped(utf8, &body_);
  return *this;
}

LogLine& LogLine::number(const char* name, unsigned long long value) {
  key(name);
  body_ += std::to_string(value);
  return *this;
}

LogLine& LogLine::boolean(const char* name, bool value) {
  key(name);
  body_ += value ? "true" : "false";
  return *this;
}

LogLine& LogLine::hresult(const char* name, HRESULT value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08lX", static_cast<unsigned long>(value));
  return text(name, std::string(buffer));
}

LogLine& LogLine::texts(const char* name, DWORD count, const LPWSTR* values) {
  key(name);
  if (values == nullptr) {
    body_ += "null";
    return *this;
  }
  body_.push_back('[');
  for (DWORD i = 0; i < count; ++i) {
    if (i > 0) body_.push_back(',');
    if (values[i] == nullptr) body_ += "null";
    else appendEscaped(toUtf8(values[i]), &body_);
  }
  body_.push_back(']');
  return *this;
}

namespace {

// "Local\wsbapp-sample-log-<FNV-1a of the lower-case path>": one name per log file.
std::wstring mutexNameOf(const std::wstring& path) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const wchar_t c : path) {
    hash ^= static_cast<std::uint64_t>(towlower(c));
    hash *= 1099511628211ull;
  }
  wchar_t name[64];
  std::swprintf(name, 64, L"Local\\wsbapp-sample-log-%016llx", static_cast<unsigned long long>(hash));
  return name;
}

}  // namespace

CallLog::CallLog(const std::wstring& path) {
  if (path.empty()) return;
  appending_ = CreateMutexW(nullptr, FALSE, mutexNameOf(path).c_str());
  if (appending_ == nullptr) return;
  file_ = CreateFileW(path.c_str(), FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                      FILE_ATTRIBUTE_NORMAL, nullptr);
}

CallLog::~CallLog() {
  if (file_ != INVALID_HANDLE_VALUE) CloseHandle(file_);
  if (appending_ != nullptr) CloseHandle(appending_);
}

void CallLog::write(const LogLine& line) noexcept {
  if (file_ == INVALID_HANDLE_VALUE) return;
  try {
    const std::string bytes = line.finish();
    // WAIT_ABANDONED (a writer crashed holding it) still gives the mutex to this thread.
    const DWORD waited = WaitForSingleObject(appending_, INFINITE);
    if (waited != WAIT_OBJECT_0 && waited != WAIT_ABANDONED) return;
    DWORD written = 0;
    WriteFile(file_, bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr);
    ReleaseMutex(appending_);
  } catch (...) {  // bad_alloc: drop the line; the call itself must still be answered
  }
}

}  // namespace sample
