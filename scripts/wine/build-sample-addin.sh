#!/usr/bin/env bash
# Build the sample out-of-process WSB add-in (examples/sample-addin) with mingw-w64 into
# build-win32/sample-addin/, and register it in the project's Wine prefix:
#   widl        wsbapp.idl -> wsbapp.h, wsbapp_i.c, wsbapp_p.c, dlldata.c
#   proxy DLL   wsbapp-proxy.dll (marshalling for the three interfaces), regsvr32'ed
#   server EXE  wsbapp-sample-addin.exe (LocalServer32), with the scenario engine of
#               native/scenario/ (shared with the addon's native mock) and nlohmann/json
#   client EXE  wsbapp-sample-client.exe (smoke test and plain C++ baseline)
#   fake VSS    wsbapp-fake-vssapi.dll (vssapi's exports over native/mock/fake_vss.cc, which
#               the addon loads through WSBAPP_VSSAPI_PATH: Wine's own vssapi is a stub)
# Registration runs examples/sample-addin/register.js with node.exe; pass its options through,
# e.g. --scenario FILE --log FILE --watchdog SECONDS. --no-register only builds.
set -euo pipefail
# shellcheck source=scripts/wine/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SRC="$WSB_ROOT/examples/sample-addin"
OUT="$WSB_BUILD/sample-addin"
GEN="$OUT/generated"
WINE_IDL_DIR=/usr/include/wine/wine/windows  # unknwn.idl & co, from libwine-dev

register=1
register_args=()
for arg in "$@"; do
  if [[ "$arg" == --no-register ]]; then register=0; else register_args+=("$arg"); fi
done

mkdir -p "$GEN"

# Rebuild a target only when one of its inputs is newer (make-like, so a second run is instant).
stale() {
  local target="$1"; shift
  [[ -f "$target" ]] || return 0
  local input
  for input in "$@"; do [[ "$input" -nt "$target" ]] && return 0; done
  return 1
}

if stale "$GEN/wsbapp_p.c" "$SRC/wsbapp.idl"; then
  log "widl: wsbapp.idl -> ${GEN#"$WSB_ROOT"/}"
  # -Oif: stubless proxies, whose generated C needs only the public rpcproxy.h (Wine's default
  # -Os output wants Wine-internal headers).
  "$MINGW_PREFIX-widl" --win64 -Oif -I"$WINE_IDL_DIR" \
    -h -H "$GEN/wsbapp.h" -u -U "$GEN/wsbapp_i.c" -p -P "$GEN/wsbapp_p.c" "$SRC/wsbapp.idl"
  (cd "$GEN" && "$MINGW_PREFIX-widl" --dlldata-only --dlldata=dlldata.c wsbapp)
fi

CFLAGS=(-O2 -Wall -DWIN32_LEAN_AND_MEAN -DUNICODE -D_UNICODE)
LDFLAGS=(-static -static-libgcc -s)

proxy="$OUT/wsbapp-proxy.dll"
if stale "$proxy" "$GEN/wsbapp_p.c" "$SRC/proxy/"*; then
  log "build ${proxy#"$WSB_ROOT"/}"
  "$MINGW_CC" "${CFLAGS[@]}" -shared -DREGISTER_PROXY_DLL -include "$SRC/proxy/mingw-proxy-prototypes.h" -I"$GEN" \
    "$GEN/wsbapp_p.c" "$GEN/wsbapp_i.c" "$GEN/dlldata.c" "$SRC/proxy/wsbapp-proxy.def" \
    -o "$proxy" "${LDFLAGS[@]}" -lrpcrt4 -lole32 -loleaut32 -luuid
fi

# nlohmann/json is header-only (Debian's nlohmann-json3-dev, installed by setup.sh). The cross
# compiler must not see the host's /usr/include as a whole (glibc headers would shadow mingw's),
# so it gets a directory holding only a link to the nlohmann headers.
NLOHMANN_DIR=/usr/include/nlohmann
[[ -f "$NLOHMANN_DIR/json.hpp" ]] || { log "missing $NLOHMANN_DIR/json.hpp: run scripts/wine/setup.sh (nlohmann-json3-dev)"; exit 1; }
THIRD_PARTY="$OUT/include"
mkdir -p "$THIRD_PARTY"
ln -sfn "$NLOHMANN_DIR" "$THIRD_PARTY/nlohmann"
ENGINE="$WSB_ROOT/native/scenario"

CXXFLAGS=("${CFLAGS[@]}" -std=c++17 -Wextra -municode -I"$GEN" -I"$WSB_ROOT/native" -I"$THIRD_PARTY")
CXX_LDFLAGS=("${LDFLAGS[@]}" -static-libstdc++)

server="$OUT/wsbapp-sample-addin.exe"
if stale "$server" "$GEN/wsbapp_i.c" "$SRC/src/"* "$ENGINE/"*; then
  log "build ${server#"$WSB_ROOT"/}"
  "$MINGW_CC" "${CFLAGS[@]}" -c "$GEN/wsbapp_i.c" -o "$GEN/wsbapp_i.o"
  # -mwindows: a GUI-subsystem server, so activation never opens a console window.
  "$MINGW_CXX" "${CXXFLAGS[@]}" -mwindows "$SRC/src/"*.cpp "$ENGINE/"*.cc "$GEN/wsbapp_i.o" \
    -o "$server" "${CXX_LDFLAGS[@]}" -lole32 -loleaut32 -luuid -ladvapi32 -lshell32
fi

client="$OUT/wsbapp-sample-client.exe"
if stale "$client" "$GEN/wsbapp_i.c" "$SRC/client/"*; then
  log "build ${client#"$WSB_ROOT"/}"
  "$MINGW_CC" "${CFLAGS[@]}" -c "$GEN/wsbapp_i.c" -o "$GEN/wsbapp_i.o"
  "$MINGW_CXX" "${CXXFLAGS[@]}" "$SRC/client/"*.cpp "$GEN/wsbapp_i.o" \
    -o "$client" "${CXX_LDFLAGS[@]}" -lole32 -loleaut32 -luuid
fi

fake_vss="$OUT/wsbapp-fake-vssapi.dll"
FAKE_VSS_SOURCES=("$WSB_ROOT/native/mock/fake_vss.cc" "$WSB_ROOT/native/mock/fake_vssapi.cc" "$WSB_ROOT/native/com/vss_bstr.cc"
  "$WSB_ROOT/native/com/wide_string.cc")
if stale "$fake_vss" "${FAKE_VSS_SOURCES[@]}" "$WSB_ROOT/native/mock/fake_vss.h" "$WSB_ROOT/native/com/"*.h "$ENGINE/"*; then
  log "build ${fake_vss#"$WSB_ROOT"/}"
  "$MINGW_CXX" "${CXXFLAGS[@]}" -shared "${FAKE_VSS_SOURCES[@]}" "$ENGINE/"*.cc -o "$fake_vss" "${CXX_LDFLAGS[@]}" -lole32 -loleaut32
fi

if ((register)); then
  log "register the sample add-in in ${WINEPREFIX#"$WSB_ROOT"/}"
  WINE_RUN_LOG="$OUT/register.log" wine_run "$WINE_TIMEOUT" "$NODE_EXE" "$(winpath "$SRC/register.js")" \
    --exe "$(winpath "$server")" --proxy "$(winpath "$proxy")" "${register_args[@]}" \
    || { cat "$OUT/register.log" >&2; exit 1; }
  cat "$OUT/register.log" >&2
  wineserver_wait
fi
log "sample add-in ready in ${OUT#"$WSB_ROOT"/}"
