#!/usr/bin/env bash
# The packed package's win32-x64 prebuild under Wine: the real-COM subset of packaged.com.js, run
# from a consumer project that installed the tarball (test/pack/linux.sh made it; the package and
# node-gyp-build are plain files, the same for node.exe), in node.exe and in a copy of node.exe
# named backup-agent.exe in a folder of its own (no NODE.EXE anywhere near it).
# Usage: test/pack/wine.sh CONSUMER_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/wine/env.sh
source "$here/../../scripts/wine/env.sh"
consumer="$1"

"$WSB_ROOT/scripts/wine/setup.sh"
"$WSB_ROOT/scripts/wine/build-sample-addin.sh" --no-register
log "tsc -p tsconfig.com.json (the real-COM harness)"
(cd "$WSB_ROOT" && node node_modules/typescript/bin/tsc -p tsconfig.com.json)
cp "$here/packaged.com.js" "$consumer/"
renamed="$consumer/host/backup-agent.exe"
mkdir -p "$(dirname "$renamed")"
cp "$NODE_EXE" "$renamed"

trap 'timeout 30 wineserver -k || true' EXIT
unset WSBAPP_BINDING WSBAPP_BACKEND
export WSBAPP_ROOT WSBAPP_SAMPLE_DIR WSBAPP_HARNESS_DIR WSBAPP_EXPECTED_HOST
WSBAPP_ROOT="$(winpath "$WSB_ROOT")"
WSBAPP_SAMPLE_DIR="$(winpath "$WSB_BUILD/sample-addin")"
WSBAPP_HARNESS_DIR="$(winpath "$WSB_BUILD/com-tests/test/com/harness")"

failed=0
for host in "$NODE_EXE" "$renamed"; do
  WSBAPP_EXPECTED_HOST="$(basename "$host")"
  report="$consumer/packaged-$WSBAPP_EXPECTED_HOST.txt"
  log "packaged real-COM subset in $WSBAPP_EXPECTED_HOST"
  WINE_RUN_LOG="$report" wine_run 300 "$host" --test-reporter=spec "$(winpath "$consumer/packaged.com.js")" || failed=1
  timeout 30 wineserver -k || true
  cat "$report"
done
((failed == 0)) || { log "packaged win32-x64 prebuild FAILED under Wine"; exit 1; }
log "packaged win32-x64 prebuild passed in node.exe and backup-agent.exe"
