// A hint to the CPU inside a spin-wait: lets the sibling hyperthread run and saves power, without
// giving up the time slice (std::this_thread::yield would make the spin a system call).
#pragma once

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#include <immintrin.h>
#endif

namespace wsb {

inline void cpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace wsb
