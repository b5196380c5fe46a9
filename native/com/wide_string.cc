#include "wide_string.h"

#include <cstdint>
#include <utility>

namespace wsb {
namespace {

bool isHighSurrogate(char32_t unit) { return unit >= 0xD800 && unit <= 0xDBFF; }
bool isLowSurrogate(char32_t unit) { return unit >= 0xDC00 && unit <= 0xDFFF; }

// Decodes one UTF-8 sequence at text[*at]; returns false on any malformed, overlong or
// surrogate encoding, so that no invalid input reaches an add-in.
bool decodeUtf8(std::string_view text, std::size_t* at, char32_t* codePoint) {
  const auto lead = static_cast<unsigned char>(text[*at]);
  std::size_t extra = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    value = lead;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, value = lead & 0x07, minimum = 0x10000;
  } else {
    return false;
  }
  if (text.size() - *at <= extra) return false;
  for (std::size_t i = 1; i <= extra; ++i) {
    const auto next = static_cast<unsigned char>(text[*at + i]);
    if ((next & 0xC0) != 0x80) return false;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return false;
  *at += extra + 1;
  *codePoint = value;
  return true;
}

}  // namespace

void appendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

TextError validate(WStringView text, std::size_t maxUnits, std::size_t* nulAt) {
  if (text.size() > maxUnits) return TextError::kTooLong;
  const std::size_t nul = text.find(WChar(0));
  if (nul == WStringView::npos) return TextError::kNone;
  if (nulAt != nullptr) *nulAt = nul;
  return TextError::kEmbeddedNul;
}

TextError toWide(std::string_view utf8, WString* out, std::size_t maxUnits) {
  out->clear();
  for (std::size_t at = 0; at < utf8.size();) {
    char32_t cp = 0;
    if (!decodeUtf8(utf8, &at, &cp)) return TextError::kIllFormed;
    if (cp < 0x10000) {
      out->push_back(static_cast<WChar>(cp));
    } else {
      out->push_back(static_cast<WChar>(0xD800 + ((cp - 0x10000) >> 10)));
      out->push_back(static_cast<WChar>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    }
  }
  return validate(*out, maxUnits);
}

TextError toUtf8(WStringView wide, std::string* out, Unpaired unpaired) {
  out->clear();
  out->reserve(wide.size());
  for (std::size_t i = 0; i < wide.size(); ++i) {
    char32_t cp = static_cast<std::uint16_t>(wide[i]);
    if (isHighSurrogate(cp) && i + 1 < wide.size() && isLowSurrogate(static_cast<std::uint16_t>(wide[i + 1]))) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint16_t>(wide[++i]) - 0xDC00);
    } else if (isHighSurrogate(cp) || isLowSurrogate(cp)) {
      if (unpaired == Unpaired::kReject) return TextError::kIllFormed;
      cp = 0xFFFD;
    }
    appendUtf8(cp, out);
  }
  return TextError::kNone;
}

std::size_t boundedLength(const WChar* text, std::size_t maxUnits) {
  std::size_t length = 0;
  while (length <= maxUnits && text[length] != 0) ++length;
  return length;
}

WChar* taskMemCopy(WStringView text) noexcept {
  auto* copy = static_cast<WChar*>(CoTaskMemAlloc((text.size() + 1) * sizeof(WChar)));
  if (copy == nullptr) return nullptr;
  text.copy(copy, text.size());
  copy[text.size()] = 0;
  return copy;
}

TaskMemStringArray::TaskMemStringArray(TaskMemStringArray&& other) noexcept
    : entries_(std::exchange(other.entries_, nullptr)), count_(std::exchange(other.count_, 0)) {}

TaskMemStringArray& TaskMemStringArray::operator=(TaskMemStringArray&& other) noexcept {
  if (this != &other) {
    free();
    entries_ = std::exchange(other.entries_, nullptr);
    count_ = std::exchange(other.count_, 0);
  }
  return *this;
}

TaskMemStringArray::~TaskMemStringArray() { free(); }

TaskMemStringArray TaskMemStringArray::allocate(std::size_t count) noexcept {
  auto* block = static_cast<LPWSTR*>(CoTaskMemAlloc((count == 0 ? 1 : count) * sizeof(LPWSTR)));
  if (block == nullptr) return {};
  for (std::size_t i = 0; i < count; ++i) block[i] = nullptr;
  return {block, count};
}

LPWSTR* TaskMemStringArray::release() noexcept {
  count_ = 0;
  return std::exchange(entries_, nullptr);
}

void TaskMemStringArray::free() noexcept {
  if (entries_ == nullptr) return;
  for (std::size_t i = 0; i < count_; ++i) CoTaskMemFree(entries_[i]);
  CoTaskMemFree(std::exchange(entries_, nullptr));
  count_ = 0;
}

}  // namespace wsb
