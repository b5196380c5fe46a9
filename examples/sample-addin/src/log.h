// One JSON object per line for every call the add-in receives, so a test can read back exactly
// what crossed the process boundary (and prove it did: the line carries the add-in's own pid).
#pragma once

#include <windows.h>

#include <string>

namespace sample {

// Builds one log line: {"pid", "event", "ms" (Unix ms), then the event's fields}. Strings from COM are UTF-16 and may be NULL (unique
// pointers): NULL is logged as JSON null, so a test can tell "not passed" from "empty".
class LogLine {
 public:
  explicit LogLine(const char* event);
  LogLine& text(const char* name, const wchar_t* value);
  LogLine& text(const char* name, const std::string& utf8);
  LogLine& number(const char* name, unsigned long long value);
  LogLine& boolean(const char* name, bool value);
  LogLine& hresult(const char* name, HRESULT value);  // "0x807A0001": readable, and exact
  // An array of `count` strings; a NULL array is logged as null.
  LogLine& texts(const char* name, DWORD count, const LPWSTR* values);
  std::string finish() const { return body_ + "}\n"; }

 private:
  void key(const char* name);
  std::string body_;
};

// Appends lines to a file shared by every add-in process a test starts. Each line is one
// WriteFile on a handle opened for FILE_APPEND_DATA (no user-mode buffer, so a line written just
// before a deliberate crash is not lost), under a mutex named after the file that every process
// logging there takes: Wine 8 does not make such appends atomic across processes (6 processes
// of 3,000 lines each left 12,032 lines, 973 of them torn), Windows does. An empty path, or a
// file that cannot be opened, disables logging: it is a diagnostic and never fails a call.
class CallLog {
 public:
  explicit CallLog(const std::wstring& path);
  ~CallLog();
  CallLog(const CallLog&) = delete;
  CallLog& operator=(const CallLog&) = delete;

  void write(const LogLine& line) noexcept;

 private:
  HANDLE file_ = INVALID_HANDLE_VALUE;
  HANDLE appending_ = nullptr;  // the named mutex of this file's writers
};

std::string toUtf8(const wchar_t* text);
std::wstring toWide(const std::string& utf8);

}  // namespace sample
