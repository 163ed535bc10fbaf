#!/usr/bin/env bash
# Installs the dependencies and builds everything into build/ (or $SWITCHBOARD_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SWITCHBOARD_BUILD_DIR:-$root/build}

bash "$root/scripts/install-deps.sh"
options=()
# CI sets CI=true: there a new warning fails the build instead of scrolling past.
[[ -n ${CI:-} ]] && options+=(-DSWITCHBOARD_WERROR=ON)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${options[@]}" >/dev/null
cmake --build "$build"
