// UTF-16 strings as COM passes them (LPWSTR), and their conversion to and from UTF-8.
//
// Every string that crosses the COM boundary is checked: no embedded NUL (it would silently cut
// the string short on the other side), at most 32767 UTF-16 units (the longest path Windows
// accepts; nothing in this API is longer), and well-formed surrogate pairs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "abi.h"

namespace wsb {

using WString = std::basic_string<WChar>;
using WStringView = std::basic_string_view<WChar>;

constexpr std::size_t kMaxWideChars = 32767;

enum class TextError { kNone, kEmbeddedNul, kTooLong, kIllFormed };

// A short English phrase for messages ("contains a NUL character", ...).
const char* describe(TextError error);

// Checks a UTF-16 string against the rules above.
TextError validate(WStringView text);

// UTF-8 -> UTF-16; rejects invalid UTF-8 as kIllFormed. `out` is unspecified on error.
TextError toWide(std::string_view utf8, WString* out);

// Appends one code point (not a surrogate) to a UTF-8 string.
void appendUtf8(char32_t codePoint, std::string* out);

// UTF-16 -> UTF-8; rejects lone surrogates as kIllFormed.
TextError toUtf8(WStringView wide, std::string* out);

// The length of a NUL-terminated string an add-in handed us, or kMaxWideChars + 1 if it is
// longer (the scan stops there, so a missing terminator cannot run far past the limit).
std::size_t boundedLength(const WChar* text);

// A CoTaskMemAlloc'ed, NUL-terminated copy, or nullptr when out of memory.
WChar* taskMemCopy(WStringView text) noexcept;

// An array of `count` CoTaskMem strings in a CoTaskMem block, as OrderComponents returns them.
// Owns the block and every entry; frees them with CoTaskMemFree exactly once.
class TaskMemStringArray {
 public:
  TaskMemStringArray() noexcept = default;
  TaskMemStringArray(LPWSTR* adopted, std::size_t count) noexcept : entries_(adopted), count_(count) {}
  TaskMemStringArray(const TaskMemStringArray&) = delete;
  TaskMemStringArray& operator=(const TaskMemStringArray&) = delete;
  TaskMemStringArray(TaskMemStringArray&& other) noexcept;
  TaskMemStringArray& operator=(TaskMemStringArray&& other) noexcept;
  ~TaskMemStringArray();

  // An array of `count` null entries, or an empty (null) array when out of memory.
  static TaskMemStringArray allocate(std::size_t count) noexcept;

  LPWSTR* get() const noexcept { return entries_; }
  std::size_t size() const noexcept { return count_; }
  // Hands the block to a caller that takes ownership (the out-parameter of a COM method).
  LPWSTR* release() noexcept;

 private:
  void free() noexcept;
  LPWSTR* entries_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace wsb
