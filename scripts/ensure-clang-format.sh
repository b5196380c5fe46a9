#!/usr/bin/env bash
# Print the path of the clang-format the project formats C++ with, installing it first when
# missing (idempotent): Debian 12's clang-format-14 (1:14.0.6-12 when this was written). One major
# version for everyone, since another version formats the same file differently and format:check
# would fail on it.
set -euo pipefail

CLANG_FORMAT_PACKAGE=clang-format-14
CLANG_FORMAT=/usr/bin/clang-format-14

if [[ ! -x "$CLANG_FORMAT" ]]; then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  # A fresh image may have empty package lists: refresh only then.
  if ! apt-cache show "$CLANG_FORMAT_PACKAGE" >/dev/null 2>&1; then
    echo "ensure-clang-format: apt-get update" >&2
    "${sudo[@]}" apt-get update -qq >&2
  fi
  echo "ensure-clang-format: apt-get install $CLANG_FORMAT_PACKAGE" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$CLANG_FORMAT_PACKAGE" >&2
fi
echo "$CLANG_FORMAT"
