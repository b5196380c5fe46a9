// A GUID as the registry writes it: {1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}. Lets messages name an
// interface by the IID of abi.h instead of a second copy of it as text.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "abi.h"

namespace wsb {

inline std::string guidText(const GUID& guid) {
  char text[39];
  std::snprintf(text, sizeof text, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", static_cast<unsigned>(guid.Data1),
                static_cast<unsigned>(guid.Data2), static_cast<unsigned>(guid.Data3), guid.Data4[0], guid.Data4[1], guid.Data4[2],
                guid.Data4[3], guid.Data4[4], guid.Data4[5], guid.Data4[6], guid.Data4[7]);
  return text;
}

// The inverse, for exactly that form (braces, upper or lower case); false for anything else.
inline bool parseGuid(std::string_view text, GUID* out) {
  constexpr std::string_view kShape = "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
  if (text.size() != kShape.size()) return false;
  std::uint8_t bytes[16];
  std::size_t n = 0;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] != 'X') {
      if (text[i] != kShape[i]) return false;
      continue;
    }
    const char c = text[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return false;
    if (n % 2 == 0) bytes[n / 2] = static_cast<std::uint8_t>(digit << 4);
    else bytes[n / 2] = static_cast<std::uint8_t>(bytes[n / 2] | digit);
    ++n;
  }
  out->Data1 = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) | bytes[3];
  out->Data2 = static_cast<std::uint16_t>((bytes[4] << 8) | bytes[5]);
  out->Data3 = static_cast<std::uint16_t>((bytes[6] << 8) | bytes[7]);
  for (int i = 0; i < 8; ++i) out->Data4[i] = bytes[8 + i];
  return true;
}

}  // namespace wsb
