#!/usr/bin/env bash
# Everything B5 (npm run bench:com) needs, idempotently: the Wine prerequisites and prefix
# (scripts/wine/setup.sh), the mingw addon, the sample add-in with its proxy DLL, and the
# bench-only plain C++ client (bench/com/client.cpp) in $WSB_BUILD/bench/.
# WSBAPP_WINEPREFIX / WSBAPP_BUILD_DIR (scripts/wine/env.sh) pick another prefix / build dir.
# WSBAPP_BENCH_REV=<git rev> builds the addon and the add-in from that commit (exported to
# $WSB_BUILD/src) instead of the work tree: a bench of a committed state while native/ is being edited.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
wine_scripts="$here/../../scripts/wine"
# shellcheck source=scripts/wine/env.sh
source "$wine_scripts/env.sh"

if [[ -n "${WSBAPP_BENCH_REV:-}" ]]; then
  src="$WSB_BUILD/src"
  tree="$(git -C "$WSB_ROOT" rev-parse "$WSBAPP_BENCH_REV^{tree}")"
  if [[ "$(cat "$src/.tree" 2>/dev/null)" != "$tree" ]]; then
    log "export $WSBAPP_BENCH_REV to ${src#"$WSB_ROOT"/}"
    rm -rf "$src" && mkdir -p "$src/.cache"
    # --touch: fresh mtimes, so the make-like scripts rebuild everything from this tree.
    git -C "$WSB_ROOT" archive "$WSBAPP_BENCH_REV" binding.gyp native examples/sample-addin scripts/wine | tar -x --touch -C "$src"
    ln -s "$WSB_ROOT/node_modules" "$src/node_modules"
    ln -s "$WSB_CACHE" "$src/.cache/wine"
    echo "$tree" >"$src/.tree"
  fi
  # The exported env.sh must use this prefix and build dir, not defaults under $src.
  export WSBAPP_WINEPREFIX="$WINEPREFIX" WSBAPP_BUILD_DIR="$WSB_BUILD"
  wine_scripts="$src/scripts/wine"
fi

"$wine_scripts/setup.sh"
"$wine_scripts/build-addon.sh"
"$wine_scripts/build-sample-addin.sh" --no-register

gen="$WSB_BUILD/sample-addin/generated"
out="$WSB_BUILD/bench"
client="$out/wsbapp-bench-client.exe"
mkdir -p "$out"
if [[ ! -f "$client" || "$here/client.cpp" -nt "$client" || "$gen/wsbapp.h" -nt "$client" ]]; then
  log "build ${client#"$WSB_ROOT"/}"
  "$MINGW_CC" -O2 -Wall -DWIN32_LEAN_AND_MEAN -DUNICODE -D_UNICODE -c "$gen/wsbapp_i.c" -o "$out/wsbapp_i.o"
  "$MINGW_CXX" -O2 -Wall -Wextra -std=c++17 -DWIN32_LEAN_AND_MEAN -DUNICODE -D_UNICODE -municode -I"$gen" \
    "$here/client.cpp" "$out/wsbapp_i.o" -o "$client" -static -static-libgcc -static-libstdc++ -s -lole32 -loleaut32 -luuid
fi
log "bench client: ${client#"$WSB_ROOT"/}"
