#!/usr/bin/env bash
# npm run format: Prettier over the TypeScript and JavaScript, clang-format over the C++ of native/
# and examples/ (.prettierrc.json, .clang-format). With --check (npm run format:check): change
# nothing, list what is not formatted, exit 1 if anything is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

check=false
[[ "${1:-}" == "--check" ]] && check=true

clang_format="$(bash scripts/ensure-clang-format.sh)"
mapfile -t cpp < <(git ls-files -- 'native/*.h' 'native/*.cc' 'native/*.cpp' 'examples/*.h' 'examples/*.cc' 'examples/*.cpp')

status=0
if $check; then
  npx --no-install prettier --check --log-level warn '**/*.{ts,js,mjs,cjs}' || status=1
  "$clang_format" --dry-run -Werror "${cpp[@]}" || status=1
else
  npx --no-install prettier --write --log-level warn '**/*.{ts,js,mjs,cjs}'
  "$clang_format" -i "${cpp[@]}"
fi
exit "$status"
