// Real COM (Windows only): applications from the WSB registry key, CoCreateInstance, CoCancelCall.
#pragma once

#ifdef _WIN32

#include <memory>

#include "runtime.h"

namespace wsb {

struct ComRuntimeOptions {
  // CLSCTX_INPROC_SERVER as well as CLSCTX_LOCAL_SERVER (add-ins are EXE servers; in-process is
  // for testing an add-in DLL).
  bool inProcess = false;
  // Allow a CLSID that no application registered under the WSB key names. Off by default:
  // activating an arbitrary class runs arbitrary code with the caller's rights.
  bool allowUnregisteredClsid = false;
};

std::unique_ptr<Runtime> createComRuntime(const ComRuntimeOptions& options);

}  // namespace wsb

#endif
