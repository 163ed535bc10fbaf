#!/usr/bin/env bash
# Runs CMD... on a private D-Bus session bus where no Secret Service runs or can be activated
# (the stock session config would start gnome-keyring on demand), as on a desktop without one.
set -euo pipefail
if [[ ${1:-} != --on-private-bus ]]; then
    exec dbus-run-session --config-file="$(dirname "$0")/no-keyring-bus.conf" -- "$0" --on-private-bus "$@"
fi
shift
# Tests that touch a keyring refuse to run on any other bus than this one (KeyringGuard.h).
export SWITCHBOARD_TEST_BUS=$DBUS_SESSION_BUS_ADDRESS
exec "$@"
