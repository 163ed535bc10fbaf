#!/usr/bin/env bash
# The main job: builds Switchboard, starts the service on a SQLite call log, places a few
# simulated calls through it (one of each branch), prints the log, and opens the desktop
# app next to the service where a display exists.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SWITCHBOARD_BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"

data=${SWITCHBOARD_DEMO_DIR:-$build/demo}
mkdir -p "$data"
database="sqlite:$data/calls.db"
port=${SWITCHBOARD_DEMO_PORT:-8080}
media_port=$((port + 10))

# The simulator stands in for Twilio: these are its credentials, not a real account's.
export TWILIO_ACCOUNT_SID=AC5a1ab0a2d0000000000000000000cafe
export TWILIO_AUTH_TOKEN=demo-auth-token

"$build/service/switchboard-service" --listen "127.0.0.1:$port" --database "$database" \
    --forward-to +15550100200 --twilio-api "http://127.0.0.1:$media_port" \
    --download-retry-ms 500 >"$data/service.log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$service" 2>/dev/null || { cat "$data/service.log"; exit 1; }
    sleep 0.1
done
echo "Service running on http://127.0.0.1:$port, call log $database"

sim() {
    echo
    echo "\$ switchboard-sim $*"
    "$build/sim/switchboard-sim" --service "http://127.0.0.1:$port" \
        --media-listen "127.0.0.1:$media_port" "$@" 2>&1 | grep -E '^(\[call|---|call |every)' || true
}
sim --press 1 --answer talk:45 --from +442079460123 --caller-name "Ada Lovelace" --from-city London --from-country GB
sim --press 1 --answer no-answer --voicemail-seconds 9 --from +14155550143 --caller-name "Grace Hopper" --from-city "San Francisco" --from-country US
sim --press 2 --voicemail-seconds 14 --from +33142685300 --caller-name "Marie Curie" --from-city Paris --from-country FR
sim --press 9,2 --voicemail-seconds 6 --from +4930901820 --from-city Berlin --from-country DE
sim --hangup-in-menu --from +81312345678 --from-city Tokyo --from-country JP

echo
echo "The call log (switchboard-service export --format csv):"
"$build/service/switchboard-service" export --database "$database" --format csv

if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
    echo
    echo "Opening the desktop app; the service keeps running until you close it."
    "$build/app/switchboard" --database "$database"
else
    echo
    echo "No display here, so the desktop app was not opened. On a desktop, run:"
    echo "  $build/app/switchboard --database $database"
fi
