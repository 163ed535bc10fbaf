#!/usr/bin/env bash
# Runs CMD... against a real Secret Service: a private D-Bus session bus with an unlocked
# GNOME Keyring in a throwaway home, so that the user's own keyring is never touched.
# Works as root (CI). Usage: with-keyring.sh CMD [ARGS...]
set -euo pipefail

if [[ ${1:-} != --on-private-bus ]]; then
    exec dbus-run-session -- "$0" --on-private-bus "$@"
fi
shift
# Tests that touch a keyring refuse to run on any other bus than this one (KeyringGuard.h).
export SWITCHBOARD_TEST_BUS=$DBUS_SESSION_BUS_ADDRESS

home=$(mktemp -d -t switchboard-keyring.XXXXXX)
daemon=
cleanup() {
    [[ -n "$daemon" ]] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    rm -rf "$home"
}
trap cleanup EXIT
export HOME=$home XDG_DATA_HOME=$home/.local/share XDG_RUNTIME_DIR=$home/run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

# In the foreground, as our child, so that we can stop it and reap it ourselves. --unlock
# creates the login keyring with the password on stdin and makes it the default collection.
printf 'switchboard-test' | gnome-keyring-daemon --foreground --unlock --components=secrets \
    >"$home/daemon.log" 2>&1 &
daemon=$!

# Ask the bus whether our daemon owns the name before talking to it: a message to an unowned
# name would have the bus activate another gnome-keyring, one that inherited the real $HOME
# (dbus-run-session started before we changed it) and waits on a prompt for its locked keyring.
for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true' &&
        dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
            org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null | grep -q /collection/; then
        break
    fi
    kill -0 "$daemon" 2>/dev/null || { cat "$home/daemon.log" >&2; exit 1; }
    sleep 0.1
done

"$@"
