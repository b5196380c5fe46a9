#!/usr/bin/env bash
# The tests that run what ships (npm run test:pack; .ci/run): build the prebuilds from this
# checkout, `npm pack`, check the tarball's contents, then install it as users do on Linux
# (linux.sh) and run its win32-x64 prebuild against real COM under Wine (wine.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/wsbapp-pack.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$root/scripts/prebuild.sh"
(cd "$root" && npm pack --silent --json --pack-destination "$work" >"$work/pack.json")
tarball="$work/$(node -p 'require(process.argv[1])[0].filename' "$work/pack.json")"
mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked" --strip-components=1
node "$here/check-tarball.js" "$work/pack.json" "$work/unpacked"
"$here/linux.sh" "$tarball" "$work"
"$here/wine.sh" "$work/consumer-default"
echo "[pack] the packed package passed on Linux and under Wine" >&2
