#!/usr/bin/env bash
# Builds bench/build/wsbbench.node (see wsbbench.cc) from the addon's own sources without Node-API
# (the call layer and the mock, with the rest of native/com/), with the flags node-gyp uses for the addon's Release build, so B1's sync path and
# koffi's calls run the same compiled mock code as wsbapp.node. Skips work when up to date.
# Linux/macOS only: B1's koffi rows are a Linux measurement (B5 covers Windows).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/bench/build"
target="$out/wsbbench.node"
# wsbbench.cc, the addon's sources without Node-API as binding.gyp lists them, and the scenario
# file reader (the bench reads its scenario as JSON text; the addon takes JS objects instead).
sources=("$root/bench/native/wsbbench.cc" "$root/native/scenario/json.cc")
while read -r source; do sources+=("$root/$source"); done < <(node "$root/scripts/native-sources.js" --core)

newest=$(ls -t "${sources[@]}" "$root"/native/com/*.h "$root"/native/mock/*.h "$root"/native/scenario/*.h "$root/binding.gyp" "$0" | head -1)
if [[ -f "$target" && "$target" -nt "$newest" ]]; then exit 0; fi

# The running node's own headers (Debian/NodeSource: /usr/include/node; tarballs: <prefix>/include/node),
# else node-gyp's download cache.
headers="$(dirname "$(dirname "$(command -v node)")")/include/node"
[[ -f "$headers/node_api.h" ]] || headers="$HOME/.cache/node-gyp/$(node -p 'process.versions.node')/include/node"
if [[ ! -f "$headers/node_api.h" ]]; then
  echo "bench: no Node headers found (tried <node prefix>/include/node and ~/.cache/node-gyp); run npm install first" >&2
  exit 1
fi
addon_api="$(cd "$root" && node -p "require('path').resolve(require('node-addon-api').include_dir)")"

mkdir -p "$out/obj"
echo "bench: building $target" >&2
flags=(-std=c++17 -O3 -fPIC -pthread -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter
       -DNAPI_VERSION=8 -DNODE_ADDON_API_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED
       -I"$headers" -I"$addon_api")
pids=()
for source in "${sources[@]}"; do
  g++ "${flags[@]}" -c "$source" -o "$out/obj/$(basename "$source" .cc).o" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
# Node-API symbols resolve against the node binary at load time.
link_flags=(-shared -pthread)
[[ "$(uname)" == Darwin ]] && link_flags+=(-undefined dynamic_lookup)
g++ "${link_flags[@]}" "$out"/obj/*.o -o "$target"
