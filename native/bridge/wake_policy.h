// The wake-up policy for lone calls (binding.wakePolicy): how long a COM thread may spin before it
// sleeps (Apartment::setSpin) and how long the JS thread may spin for a lone call's result
// (Completions::setSpin). lib/backends/load.ts sets them from WSBAPP_COM_SPIN_US and
// WSBAPP_CALLER_SPIN_US; BENCHMARKS.md ("Wake-up policy") has the figures behind the defaults.
#pragma once

#include <chrono>
#include <cstdint>

#include <napi.h>

namespace wsb::bridge {

// The defaults (bench/wakeup-policy.js, bench/compare.js B5): the caller's spin at 50 µs took a
// lone awaited QueryStatus on the native mock from ~70 µs to ~15 µs with idle CPU unchanged, and
// never engages for calls slower than the spin. The COM threads' spin took it to ~5 µs on the
// mock, but over real COM out of process (Wine) it made a poll ~15% slower: the spinning thread
// holds a core the add-in's process needs. So it is off unless asked for.
struct WakePolicy {
  std::chrono::microseconds comSpin{0};
  std::chrono::microseconds callerSpin{50};
};

// Beyond a millisecond a spin costs more CPU than any wake-up it saves.
constexpr std::int64_t kMaxSpinUs = 1000;

// `current` with the fields `value` sets (an object with optional integer `comSpinUs` and
// `callerSpinUs`, 0..kMaxSpinUs); undefined changes nothing. TypeError (ERR_INVALID_ARG_TYPE) or
// RangeError (ERR_OUT_OF_RANGE) naming the field otherwise.
WakePolicy wakePolicyArg(const Napi::Value& value, const WakePolicy& current);
// { comSpinUs, callerSpinUs, maxSpinUs }
Napi::Object jsWakePolicy(Napi::Env env, const WakePolicy& policy);

}  // namespace wsb::bridge
