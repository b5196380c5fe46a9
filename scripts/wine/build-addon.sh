#!/usr/bin/env bash
# Cross-compile the Node-API addon for win32-x64 with mingw-w64, from the same native/ sources
# and defines as binding.gyp (read from it, so the two builds cannot drift apart), into
# build-win32/wsbapp.node. Its Node-API calls link against the delay-import library setup.sh
# made from node-api-headers' def file, resolved in the host process by
# native/bridge/mingw_delay_load_hook.cc (mingw only: binding.gyp leaves it out, MSVC builds get
# node-gyp's own hook), so the addon loads in node.exe under any name. libstdc++ is linked
# statically: the .node imports only KERNEL32, msvcrt and ole32/oleaut32/advapi32 at load time.
set -euo pipefail
# shellcheck source=scripts/wine/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

[[ -f "$NODE_API_DELAYLIB" ]] || { log "run scripts/wine/setup.sh first"; exit 1; }
cd "$WSB_ROOT"

# binding.gyp is JSON apart from gyp's "<!(...)" command strings, which stay plain strings here.
gyp_list() {
  node -e '
    const gyp = JSON.parse(require("fs").readFileSync("binding.gyp", "utf8"));
    const target = gyp.targets.find((t) => t.target_name === "wsbapp");
    const win = (target.conditions || []).filter(([cond]) => cond === "OS==\"win\"" || cond === "OS=='"'"'win'"'"'").map(([, s]) => s);
    const key = process.argv[1];
    for (const item of [target, ...win].flatMap((s) => s[key] || [])) console.log(item);
  ' "$1"
}
mapfile -t sources < <(gyp_list sources)
# mingw only: its delay-load hook, and the compile-time check of the VSS slots against its vsbackup.h.
sources+=(native/bridge/mingw_delay_load_hook.cc native/com/vss_abi_check_mingw.cc)
mapfile -t defines < <(gyp_list defines)
((${#sources[@]} > 0)) || { log "no sources found in binding.gyp"; exit 1; }

out="$WSB_BUILD/wsbapp.node"
obj_dir="$WSB_BUILD/obj"
mkdir -p "$obj_dir"

CXXFLAGS=(-std=c++17 -O2 -Wall -Wextra
  "${defines[@]/#/-D}"
  -I"$WSB_ROOT/node_modules/node-addon-api" -I"$NODE_API_DIR/include")

# One object per source, rebuilt when the source or any native header is newer: quick
# incremental builds without a second build system.
newest_header="$(find native -name '*.h' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)"
objects=()
for src in "${sources[@]}"; do
  obj="$obj_dir/$(echo "${src%.*}" | tr '/' '_').o"
  objects+=("$obj")
  if [[ ! -f "$obj" || "$src" -nt "$obj" || ( -n "$newest_header" && "$newest_header" -nt "$obj" ) ]]; then
    log "c++ $src"
    "$MINGW_CXX" "${CXXFLAGS[@]}" -c "$src" -o "$obj"
  fi
done

needs_link=0
[[ -f "$out" ]] || needs_link=1
for obj in "${objects[@]}"; do [[ "$obj" -nt "$out" ]] && needs_link=1; done
if ((needs_link)); then
  log "link ${out#"$WSB_ROOT"/}"
  "$MINGW_CXX" -shared -o "$out" "${objects[@]}" "$NODE_API_DELAYLIB" \
    -static -static-libgcc -static-libstdc++ -s -lole32 -loleaut32 -luuid -ladvapi32
fi
log "addon: ${out#"$WSB_ROOT"/} (load-time imports: $(load_time_imports "$out" | tr '\n' ' '))"
