#!/usr/bin/env bash
# The real-COM integration suite under Wine (npm run test:com): set up (idempotent), build the
# win32-x64 prebuild (scripts/prebuild.sh: the very file the package ships) and the sample
# add-in, compile the TypeScript tests for node.exe, then run with the
# Windows node.exe, each file in its own process:
#   test/com/sample-addin.test.js  the sample add-in driven by the plain C++ client
#   test/com/*.com.ts              wsbapp itself (createNativeBackend) against the sample add-in,
#                                  the Backend contract suite included; each file registers its
#                                  own scenario with the add-in
# Every Wine command is time-limited and writes to files; the prefix's processes (add-ins left
# by hang tests included) are killed at the end.
# Usage: test-com.sh [NAME...]   only these files (sample-addin, vet, machine, ...); default all.
set -euo pipefail
# shellcheck source=scripts/wine/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
here="$(dirname "${BASH_SOURCE[0]}")"
started=$SECONDS

"$WSB_ROOT/scripts/prebuild.sh" win32-x64
"$here/build-sample-addin.sh" --no-register
rm -rf "$WSB_BUILD/com-tests"  # no stale test file from a renamed source
log "tsc -p tsconfig.com.json; npm run build:ts (the CLI the vet tables run is dist/)"
(cd "$WSB_ROOT" && node node_modules/typescript/bin/tsc -p tsconfig.com.json && npm run -s build:ts)

trap 'timeout 30 wineserver -k || true' EXIT
sample="$WSB_BUILD/sample-addin"
# Wine passes the Linux environment to node.exe, so these reach the tests (as Windows paths).
export WSBAPP_ROOT WSBAPP_SAMPLE_DIR WSBAPP_SAMPLE_LOG WSBAPP_BINDING
WSBAPP_ROOT="$(winpath "$WSB_ROOT")"
WSBAPP_SAMPLE_DIR="$(winpath "$sample")"
WSBAPP_BINDING="$(winpath "$WSB_PREBUILD_WIN32")"

failed=0
only=("$@")
# wanted NAME: whether this run includes the test file NAME.
wanted() { ((${#only[@]} == 0)) || [[ " ${only[*]} " == *" $1 "* ]]; }
# run_node NAME FILE [NODE OPTIONS...]: one test file under node.exe, its report in build-win32/.
run_node() {
  local name="$1" file="$2"; shift 2
  local report="$WSB_BUILD/test-com-$name.txt" t0=$SECONDS
  log "node.exe $name"
  WINE_RUN_LOG="$report" wine_run 600 "$NODE_EXE" --test-reporter=spec "$@" "$(winpath "$file")" || failed=1
  # End what the file left running: add-in processes waiting to serve again (IdleSeconds) read
  # this file's scenario at start-up, and hung ones wait for their watchdog.
  timeout 30 wineserver -k || true
  cat "$report"
  log "$name: $((SECONDS - t0)) s"
}

# The C++ client's tests read the log of the add-in registered here; a short watchdog, because
# its hang test waits for it.
if wanted sample-addin; then
  call_log="$sample/sample-client.log"
  : >"$call_log"
  WSBAPP_SAMPLE_LOG="$(winpath "$call_log")"
  "$here/build-sample-addin.sh" --scenario "$(winpath "$WSB_ROOT/test/com/sample-scenario.json")" \
    --log "$WSBAPP_SAMPLE_LOG" --watchdog 10 --replace
  run_node sample-addin "$WSB_ROOT/test/com/sample-addin.test.js"
fi

for file in "$WSB_BUILD"/com-tests/test/com/*.com.js; do
  name="$(basename "$file" .com.js)"
  wanted "$name" && run_node "$name" "$file"
done

((failed == 0)) || { log "test:com FAILED ($((SECONDS - started)) s)"; exit 1; }
log "test:com passed ($((SECONDS - started)) s)"
