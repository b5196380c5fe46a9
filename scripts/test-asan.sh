#!/usr/bin/env bash
# Sanitizer run of the native code (Linux, gcc or clang). Two stages, each must report nothing:
#  1. the standalone call-layer test (apartment threads, Held, call layer, native mock; no Node)
#     under AddressSanitizer + LeakSanitizer + UBSan: a leaked, double-released or
#     use-after-free COM object is a finding;
#  2. the addon itself built with ASan + UBSan into build/asan/ (the release build in build/Release is
#     left alone) and the native jest tests run against it through WSBAPP_BINDING, with libasan
#     preloaded into node. Leak detection is off in this stage only: node itself does not free
#     everything at exit, so leaks are stage 1's job.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/build/asan"  # under build/: ignored by git, removed by `node-gyp rebuild`
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

echo "== stage 1: standalone call-layer test (ASan + LSan + UBSan)"
cmake -S "$root" -B "$out/cpp" -DWSBAPP_NATIVE_TESTS=ON -DWSBAPP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$out/cpp" --target wsbapp_native_test -- -j2 >/dev/null
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" "$out/cpp/wsbapp_native_test"

echo "== stage 2: the addon under ASan + UBSan, native jest tests (the addon's VSS on the native mock too)"
(cd "$root" && npx cmake-js compile --out "$out/addon" --CDWSBAPP_SANITIZE=ON >/dev/null)
addon="$(find "$out/addon" -name wsbapp.node | head -n 1)"
nm -D "$addon" | grep __asan_ >/dev/null || { echo "the addon in $addon is not instrumented" >&2; exit 1; }
libasan="$("${CXX:-c++}" -print-file-name=libasan.so)"
(cd "$root" && WSBAPP_BINDING="$addon" LD_PRELOAD="$libasan" ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" \
  npx jest --no-watchman --coverage=false --runInBand test/native test/vss)
echo "== sanitizers: no findings"
