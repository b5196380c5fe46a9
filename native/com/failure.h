// What a failed step reports: its HRESULT and, for the TypeScript side's sentence, the facts.
#pragma once

#include <string>

#include "abi.h"

namespace wsb {

struct Failure {
  HRESULT hresult = kS_OK;
  std::string message;  // extra detail in UTF-8, may be empty
  // A failed QueryInterface: which interface (name, IID in braces). Facts only: the sentence is
  // the TypeScript side's (lib/errors.ts).
  std::string interfaceName = {};
  std::string interfaceId = {};
};

}  // namespace wsb
