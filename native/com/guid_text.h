// A GUID as the registry writes it: {1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}. Lets messages name an
// interface by the IID of abi.h instead of a second copy of it as text.
#pragma once

#include <cstdio>
#include <string>

#include "abi.h"

namespace wsb {

inline std::string guidText(const GUID& guid) {
  char text[39];
  std::snprintf(text, sizeof text, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", static_cast<unsigned>(guid.Data1),
                static_cast<unsigned>(guid.Data2), static_cast<unsigned>(guid.Data3), guid.Data4[0], guid.Data4[1], guid.Data4[2],
                guid.Data4[3], guid.Data4[4], guid.Data4[5], guid.Data4[6], guid.Data4[7]);
  return text;
}

}  // namespace wsb
