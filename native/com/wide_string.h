// UTF-16 strings as COM passes them (LPWSTR), and their conversion to and from UTF-8.
//
// Every string that crosses the COM boundary is checked for what would break it on the way:
// no embedded NUL (it would silently cut the string short on the other side) and a length limit
// (32767 UTF-16 units, the longest path Windows accepts, for names and paths; 16 Mi units for
// writer metadata XML, which routinely exceeds 32767). Unpaired surrogates are NOT rejected on
// that path: a JS string carries them losslessly to an LPWSTR (NTFS names may contain them), so
// UTF-16 goes straight through. Only where text becomes UTF-8 (registry reads, the mock's call
// log, system messages) do they matter, and there the caller chooses: reject or replace.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "abi.h"

namespace wsb {

using WString = std::basic_string<WChar>;
using WStringView = std::basic_string_view<WChar>;

constexpr std::size_t kMaxWideChars = 32767;
// Writer metadata (lib/validate.ts MAX_WRITER_METADATA_UNITS).
constexpr std::size_t kMaxWriterMetadataChars = 16 * 1024 * 1024;

enum class TextError { kNone, kEmbeddedNul, kTooLong, kIllFormed };

// Checks a UTF-16 string for the COM boundary: at most `maxUnits` units and no NUL. When it
// finds a NUL and `nulAt` is given, stores the NUL's index there.
TextError validate(WStringView text, std::size_t maxUnits = kMaxWideChars, std::size_t* nulAt = nullptr);

// UTF-8 -> UTF-16; rejects invalid UTF-8 as kIllFormed. `out` is unspecified on error.
TextError toWide(std::string_view utf8, WString* out, std::size_t maxUnits = kMaxWideChars);

// Appends one code point (not a surrogate) to a UTF-8 string.
void appendUtf8(char32_t codePoint, std::string* out);

// What toUtf8 does with an unpaired surrogate, which UTF-8 cannot encode.
enum class Unpaired { kReject, kReplace /* with U+FFFD */ };

// UTF-16 -> UTF-8 (no length or NUL rule here). Unpaired surrogates are rejected as kIllFormed,
// or replaced with U+FFFD.
TextError toUtf8(WStringView wide, std::string* out, Unpaired unpaired = Unpaired::kReject);

// The length of a NUL-terminated string an add-in handed us, or maxUnits + 1 if it is longer
// (the scan stops there, so a missing terminator cannot run far past the limit).
std::size_t boundedLength(const WChar* text, std::size_t maxUnits = kMaxWideChars);

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
