// BSTRs as VSS hands them out: oleaut32's on Windows; elsewhere (the fake VSS of the native mock)
// the same shape, a 4-byte byte count before the first unit and a NUL after the last.
#include <cstdlib>
#include <cstring>

#include "vss_abi.h"

namespace wsb::vss {

#ifdef _WIN32

Bstr allocBstr(const WChar* text) noexcept { return SysAllocString(text); }

void freeBstr(Bstr text) noexcept { SysFreeString(text); }

#else

Bstr allocBstr(const WChar* text) noexcept {
  std::size_t units = 0;
  while (text[units] != 0) ++units;
  auto* block = static_cast<unsigned char*>(std::malloc(sizeof(std::uint32_t) + (units + 1) * sizeof(WChar)));
  if (block == nullptr) return nullptr;
  const auto bytes = static_cast<std::uint32_t>(units * sizeof(WChar));
  std::memcpy(block, &bytes, sizeof bytes);
  auto* units16 = reinterpret_cast<WChar*>(block + sizeof bytes);
  std::memcpy(units16, text, (units + 1) * sizeof(WChar));
  return units16;
}

void freeBstr(Bstr text) noexcept {
  if (text != nullptr) std::free(reinterpret_cast<unsigned char*>(text) - sizeof(std::uint32_t));
}

#endif

}  // namespace wsb::vss
