#!/usr/bin/env bash
# The packed tarball as a user of a slim Linux CI image gets it: a fresh consumer project, a PATH
# holding only node, npm, sh and coreutils (no compiler, make or Python), installed once with
# --ignore-scripts and once with npm's default script policy. Each install must compile nothing;
# then the API (mock and native mock, the addon from the package's prebuild), and the CLI run.
# Usage: test/pack/linux.sh TARBALL WORK_DIR   (leaves WORK_DIR/consumer-default for the Wine test)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tarball="$1" work="$2"
say() { printf '[pack] %s\n' "$*" >&2; }

# The bare toolbox: node, npm and npx (their real files, so npm finds its own modules), sh, and
# every program of Debian's coreutils package.
bin="$work/bin"
mkdir -p "$bin"
for tool in node npm npx; do ln -sf "$(readlink -f "$(command -v "$tool")")" "$bin/$tool"; done
ln -sf "$(readlink -f /bin/sh)" "$bin/sh"
dpkg -L coreutils | grep -E '^/(usr/)?bin/[^/]+$' | while read -r tool; do ln -sf "$tool" "$bin/$(basename "$tool")"; done
for tool in cc gcc g++ c++ clang make python python3 node-gyp; do
  if PATH="$bin" command -v "$tool" >/dev/null; then say "$tool is on the stripped PATH"; exit 1; fi
done

# install NAME NPM_FLAGS...: a fresh consumer project WORK/NAME with the tarball installed, timed.
install() {
  local name="$1"; shift
  local dir="$work/$name"
  mkdir -p "$dir"
  printf '{ "name": "%s", "version": "1.0.0", "private": true }\n' "$name" >"$dir/package.json"
  local t0 t1
  t0="$(date +%s%N)"
  (cd "$dir" && PATH="$bin" npm install --no-audit --no-fund "$@" "$tarball" >"$dir/npm-install.log" 2>&1) \
    || { cat "$dir/npm-install.log" >&2; say "npm install $* failed"; exit 1; }
  t1="$(date +%s%N)"
  say "$name: npm install $* took $(((t1 - t0) / 1000000)) ms ($(ls "$dir/node_modules" | tr '\n' ' '))"
  # Nothing was compiled: no build folder appeared in the installed package.
  if [[ -e "$dir/node_modules/wsbapp/build" ]]; then say "$name: the install built something"; exit 1; fi
}

# run_consumer NAME: the API checks and the CLI, on the stripped PATH, from inside the project.
run_consumer() {
  local dir="$work/$1"
  cp "$here/consumer-check.js" "$dir/"
  (cd "$dir" && env -u WSBAPP_BINDING -u WSBAPP_BACKEND PATH="$bin" node consumer-check.js)
  (cd "$dir" && env -u WSBAPP_BINDING PATH="$bin" ./node_modules/.bin/wsbapp check --mock --app "Contoso Mail" --component "Mailbox Database 01" --interval 50ms >"$dir/cli.log" 2>&1) \
    || { cat "$dir/cli.log" >&2; say "$1: wsbapp check --mock failed"; exit 1; }
  (cd "$dir" && env -u WSBAPP_BINDING WSBAPP_BACKEND=native-mock PATH="$bin" ./node_modules/.bin/wsbapp check --app "Fabrikam Ledger" --component Ledger --interval 50ms >>"$dir/cli.log" 2>&1) \
    || { cat "$dir/cli.log" >&2; say "$1: wsbapp check on native-mock failed"; exit 1; }
  say "$1: wsbapp check --mock and on native-mock exit 0"
}

install consumer-ignore-scripts --ignore-scripts
run_consumer consumer-ignore-scripts
install consumer-default
run_consumer consumer-default
