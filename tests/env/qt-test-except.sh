#!/usr/bin/env bash
# Runs a Qt Test executable with all its test functions but the ones named.
#   qt-test-except.sh EXECUTABLE FUNCTION...
set -euo pipefail
executable=$1
shift
functions=$("$executable" -functions | sed 's/()$//' | grep -vxF -f <(printf '%s\n' "$@"))
[[ -n $functions ]] || { echo "qt-test-except.sh: no test function left to run" >&2; exit 1; }
# shellcheck disable=SC2086 # one function a word
exec "$executable" $functions
