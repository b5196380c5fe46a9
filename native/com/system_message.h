// The system's own text for an HRESULT (FormatMessageW), in UTF-8; empty where there is none
// (always, off Windows).
#pragma once

#include <string>

#include "abi.h"

namespace wsb {

std::string systemMessage(HRESULT hresult);

}  // namespace wsb
