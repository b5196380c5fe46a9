#!/usr/bin/env bash
# Build the prebuilt addons that `npm pack` ships, from this checkout, into prebuilds/ in
# prebuildify's layout and names (node-gyp-build, the package's loader, searches exactly these):
#   linux-x64/node.napi.glibc.node  node-gyp's build/Release/wsbapp.node, the file `npm test` runs
#                                   (built here when missing or older than its sources)
#   win32-x64/node.napi.node        the mingw-w64 cross build, the file `npm run test:com` runs
# Usage: scripts/prebuild.sh [linux-x64] [win32-x64]   (no argument: both)
# prebuilds/ is git-ignored: binaries are built by this script, never committed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/wine/env.sh
source "$root/scripts/wine/env.sh"

LINUX_PREBUILD="$root/prebuilds/linux-x64/node.napi.glibc.node"
say() { printf '[prebuild] %s\n' "$*" >&2; }

# ship FILE DEST: copy FILE to DEST, the tuple folder holding nothing else.
ship() {
  rm -rf "$(dirname "$2")"
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
  say "${2#"$root"/} ($(stat -c %s "$2") bytes)"
}

prebuild_linux_x64() {
  [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || { say "linux-x64 is built on a Linux x86_64 machine"; exit 1; }
  (cd "$root" && npm run --silent build:native -- --if-stale)
  ship "$root/build/Release/wsbapp.node" "$LINUX_PREBUILD"
  # The newest glibc symbol version it needs is the oldest glibc it loads on.
  say "linux-x64 needs $(objdump -T "$LINUX_PREBUILD" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)" \
    "and $(objdump -T "$LINUX_PREBUILD" | grep -o 'GLIBCXX_[0-9.]*' | sort -uV | tail -n 1)"
}

prebuild_win32_x64() {
  "$root/scripts/wine/setup.sh"
  "$root/scripts/wine/build-addon.sh"
  ship "$WSB_BUILD/wsbapp.node" "$WSB_PREBUILD_WIN32"
  # Node-API must come from the host process (any name), never from a DLL called NODE.EXE.
  if load_time_imports "$WSB_PREBUILD_WIN32" | grep -qix 'node\.exe'; then
    say "win32-x64 imports NODE.EXE at load time: it would not load in a renamed host"
    exit 1
  fi
}

targets=("$@")
((${#targets[@]} > 0)) || targets=(linux-x64 win32-x64)
for target in "${targets[@]}"; do
  case "$target" in
    linux-x64) prebuild_linux_x64 ;;
    win32-x64) prebuild_win32_x64 ;;
    *) say "unknown prebuild target: $target (linux-x64, win32-x64)"; exit 2 ;;
  esac
done
