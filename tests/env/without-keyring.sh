#!/usr/bin/env bash
# Runs CMD... on a private D-Bus session bus where no Secret Service runs or can be activated
# (the stock session config would start gnome-keyring on demand), as on a desktop without one.
set -euo pipefail
exec dbus-run-session --config-file="$(dirname "$0")/no-keyring-bus.conf" -- "$@"
