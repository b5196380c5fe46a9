#!/usr/bin/env bash
# The real-COM integration suite under Wine: set up, build the addon and the sample add-in,
# register the add-in with the suite's scenario, run test/com/*.test.js with the Windows node.exe.
# Every Wine command is time-limited and writes to files; the prefix's processes (add-ins left
# by hang tests included) are killed at the end.
set -euo pipefail
# shellcheck source=scripts/wine/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
here="$(dirname "${BASH_SOURCE[0]}")"

"$here/setup.sh"
"$here/build-addon.sh"

sample="$WSB_BUILD/sample-addin"
call_log="$sample/com-test.log"
mkdir -p "$sample"
: >"$call_log"
# A short watchdog: the hang test waits for it.
"$here/build-sample-addin.sh" --scenario "$(winpath "$WSB_ROOT/test/com/sample-scenario.json")" \
  --log "$(winpath "$call_log")" --watchdog 10

trap 'timeout 30 wineserver -k || true' EXIT
export WSBAPP_SAMPLE_DIR WSBAPP_SAMPLE_LOG WSBAPP_BINDING
WSBAPP_SAMPLE_DIR="$(winpath "$sample")"
WSBAPP_SAMPLE_LOG="$(winpath "$call_log")"
WSBAPP_BINDING="$(winpath "$WSB_BUILD/wsbapp.node")"
# Wine passes the Linux environment to node.exe, so these reach the tests.

failed=0
for file in "$WSB_ROOT"/test/com/*.test.js; do
  name="$(basename "$file")"
  log "node.exe $name"
  result="$WSB_BUILD/test-com-${name%.js}.tap"
  WINE_RUN_LOG="$result" wine_run 300 "$NODE_EXE" "$(winpath "$file")" || failed=1
  cat "$result"
done
((failed == 0)) || { log "test:com FAILED"; exit 1; }
log "test:com passed"
