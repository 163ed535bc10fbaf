#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test (run as root on Debian 12).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SWITCHBOARD_BUILD_DIR:-$root/build}

bash "$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure --timeout 600 "$@"
