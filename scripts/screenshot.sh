#!/usr/bin/env bash
# Takes docs/screenshot.png: the desktop app under Xvfb showing a call log that the real
# service filled while the real simulator placed calls, with the latest voicemail selected.
# Builds nothing. Usage: scripts/screenshot.sh BUILD_DIR [OUTPUT.png]
# Needs: xvfb, imagemagick (import), dbus (all in scripts/install-deps.sh).
set -euo pipefail

build=$(realpath "${1:?usage: $0 BUILD_DIR [OUTPUT.png]}")
root=$(cd "$(dirname "$0")/.." && pwd)
output=$(realpath -m "${2:-$root/docs/screenshot.png}")
service=$build/service/switchboard-service
sim=$build/sim/switchboard-sim
app=$build/app/switchboard
for binary in "$service" "$sim" "$app"; do
    [[ -x "$binary" ]] || { echo "$0: $binary is missing: build it first" >&2; exit 1; }
done

work=$(mktemp -d -t switchboard-screenshot.XXXXXX)
pids=()
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Nothing of the user's: settings, keyring and runtime files stay in the throwaway folder.
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
export TWILIO_ACCOUNT_SID=AC5c0f2d6a8e1b4937a0c2d4e6f8a1b3c5 TWILIO_AUTH_TOKEN=screenshot-auth-token
export QT_LOGGING_RULES='switchboard.*.info=false'
database=sqlite:$work/calls.db
port=$(shuf -i 20000-40000 -n 1)
media=$((port + 1))

wait_for_port() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$0: nothing listens on port $1" >&2
    return 1
}

"$service" --listen "127.0.0.1:$port" --database "$database" --forward-to +15550142200 \
    --twilio-api "http://127.0.0.1:$media" --download-retry-ms 200 >"$work/service.log" 2>&1 &
pids+=($!)
wait_for_port "$port"

place() { "$sim" --service "http://127.0.0.1:$port" --media-listen "127.0.0.1:$media" "$@" >>"$work/sim.log" 2>&1; }
# A morning's worth of calls of every kind, then the voicemail the screenshot shows.
place --calls 14 --mix --seed 4 --concurrency 4 --voicemail-seconds 3 || { cat "$work/sim.log" >&2; exit 1; }
place --press 2 --voicemail-seconds 12 --from +14155550187 --caller-name "DANA WHITFIELD" \
    --from-city "SAN FRANCISCO" --from-state CA --from-country US || { cat "$work/sim.log" >&2; exit 1; }

display=:$((port % 500 + 100))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    [[ -e /tmp/.X11-unix/X${display#:} ]] && break
    sleep 0.1
done

# No keyring for the screenshot: the app needs none to show the feed.
DISPLAY=$display QT_QPA_PLATFORM=xcb "$root/tests/env/without-keyring.sh" \
    "$app" --database "$database" --select-latest-voicemail -geometry 1440x900+0+0 \
    >"$work/app.log" 2>&1 &
pids+=($!)
sleep 5
mkdir -p "$(dirname "$output")"
import -display "$display" -window root "$output"
echo "wrote $output"
