// The task allocator of the portable ABI (off Windows only: Windows has ole32's).
#ifndef _WIN32

#include <cstdlib>

#include "abi.h"

void* CoTaskMemAlloc(std::size_t bytes) noexcept { return std::malloc(bytes); }

void CoTaskMemFree(void* block) noexcept { std::free(block); }

#endif
