#!/usr/bin/env bash
# Takes the README's screenshots, docs/images/{feed,details,statistics,flow-editor}.png.
#
# 1. A demo call log in a throwaway folder, written by the real programs: `switchboard-service
#    flow set` stores a team's call flow, then the real service answers a week of calls that
#    the real simulator places (Monday 16 to Friday 20 November 2026, New York time). Each call
#    runs under libfaketime at its own moment of the week, and the clock runs 20 times fast
#    inside a call, so that ringing and talking take seconds, as they would.
# 2. The team's work on the calls, through CallAnnotations (tests/support/AnnotateCall, the
#    code the desktop's details pane writes with): heard, done with a note, tags, and notes by
#    two people.
# 3. The real desktop app on Xvfb, on that log, with settings in the throwaway folder and no
#    keyring (it needs none for SQLite), on Friday at 17:40. It is driven by its keyboard
#    shortcuts with xdotool, and each window is captured with ImageMagick's import.
#
# Usage: bash scripts/screenshot.sh [OUTPUT_DIR]   (default docs/images; builds what it needs
# into build/, or $SWITCHBOARD_BUILD_DIR)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SWITCHBOARD_BUILD_DIR:-$root/build}
output=$(realpath -m "${1:-$root/docs/images}")

bash "$root/scripts/install-deps.sh"
[[ -f $build/build.ninja ]] ||
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target switchboard switchboard-service switchboard-sim annotate-call
service=$build/service/switchboard-service
sim=$build/sim/switchboard-sim
app=$build/app/switchboard
annotate=$build/tests/support/annotate-call
faketime=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n 1)

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

# Nothing of the user's: settings and runtime files stay in the throwaway folder. Times are
# New York's, where the team works.
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run TZ=America/New_York
export LANG=C.UTF-8 LC_ALL=C.UTF-8
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
# The simulator stands in for Twilio: these are its credentials, not a real account's.
export TWILIO_ACCOUNT_SID=AC5c0f2d6a8e1b4937a0c2d4e6f8a1b3c5 TWILIO_AUTH_TOKEN=screenshot-auth-token
export QT_LOGGING_RULES='switchboard.*.info=false'
database=sqlite:$work/calls.db
port=$(shuf -i 20000-40000 -n 1)
media=$((port + 1))

# Runs CMD... with the clock at MOMENT (local time), running RATE times fast from there.
at() {
    local moment=$1 rate=$2
    shift 2
    LD_PRELOAD=$faketime FAKETIME="@$moment x$rate" FAKETIME_DONT_FAKE_MONOTONIC=1 "$@"
}

wait_for_port() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$0: nothing listens on port $1" >&2
    return 1
}

# The team's call flow, stored the way its owner would (`sudo switchboard-service flow set`).
cat >"$work/flow.json" <<'EOF'
{
  "greeting": "Thank you for calling Northwind Dental. To speak to someone, press 1. To leave a message, press 2.",
  "members": [
    {"name": "Alice Martin", "number": "+15550100201"},
    {"name": "Bob Chen", "number": "+15550100202"},
    {"name": "Priya Shah", "number": "+15550100203", "active": false}
  ],
  "ring": "simultaneous",
  "ring_timeout_s": 20,
  "screening": true,
  "hours": {
    "timezone": "America/New_York",
    "weekly": {"mon": [["09:00", "17:30"]], "tue": [["09:00", "17:30"]], "wed": [["09:00", "12:00"], ["13:00", "17:30"]],
               "thu": [["09:00", "17:30"]], "fri": [["09:00", "16:00"]], "sat": [], "sun": []},
    "closed": ["2026-11-26", "2026-12-25"]
  },
  "after_hours_greeting": "We are closed right now. Please leave a message after the beep.",
  "blocked": ["+15550109999"],
  "transcribe": false
}
EOF
at "2026-11-13 16:20:00" 1 env SUDO_USER=alice "$service" flow set "$work/flow.json" \
    --database "$database" >"$work/flow.log"

# One call at MOMENT: the service runs for it alone, under that clock.
call() {
    local moment=$1
    shift
    LD_PRELOAD=$faketime FAKETIME="@$moment x20" FAKETIME_DONT_FAKE_MONOTONIC=1 \
        "$service" --listen "127.0.0.1:$port" --database "$database" \
        --forward-to +15550100201 --twilio-api "http://127.0.0.1:$media" \
        --download-retry-ms 200 >>"$work/service.log" 2>&1 &
    local pid=$!
    wait_for_port "$port"
    at "$moment" 20 "$sim" --service "http://127.0.0.1:$port" --media-listen "127.0.0.1:$media" \
        --delay-ms 100 "$@" >>"$work/sim.log" 2>&1 || { cat "$work/sim.log" >&2; exit 1; }
    kill "$pid"
    wait "$pid" || true
}

# A week of calls, from random callers (the simulator's realistic mix, one seed per call)...
seed=1
for day in 16 17 18 19 20; do
    for minute in 531 547 561 604 633 652 698 731 777 812 846 871 903 934 968 1004; do
        # Fewer calls on some days and hours than others, the same every run; on Friday the
        # afternoon's calls are the named ones below.
        (((minute * 7 + day * 13) % 5 == 0)) && continue
        ((day == 20 && minute > 840)) && continue
        call "$(printf '2026-11-%02d %02d:%02d:%02d' "$day" $((minute / 60)) $((minute % 60)) $((seed * 7 % 60)))" \
            --mix --seed "$seed"
        seed=$((seed + 1))
    done
done
# ...and the ones the screenshots look at, with their callers' names.
call "2026-11-20 14:08:31" --press 1 --legs "Alice:no-answer,Bob:no-answer" --voicemail-seconds 26 \
    --from +16175550148 --caller-name "DANA WHITFIELD" --from-city BOSTON --from-state MA \
    --from-country US
call "2026-11-20 15:22:05" --press 1 --legs "Alice:decline,Bob:accept" --answer talk:312 \
    --from +12125550171 --caller-name "HARBOR LOGISTICS" --from-city "NEW YORK" --from-state NY \
    --from-country US
call "2026-11-20 16:47:40" --press 2 --voicemail-seconds 18 --from +13125550102 \
    --caller-name "M OKONKWO" --from-city CHICAGO --from-state IL --from-country US

# The team's work, as Bob's and Alice's desktops write it.
sid_from() {
    sqlite3 "$work/calls.db" "SELECT call_sid FROM calls WHERE from_number = '$1' ORDER BY started_at DESC LIMIT 1"
}
dana=$(sid_from +16175550148)
harbor=$(sid_from +12125550171)
at "2026-11-20 14:15:02" 1 "$annotate" --database "$database" --call "$dana" --by "Bob Chen" \
    --heard --tag "new patient" \
    --note "Wants a cleaning for herself and two kids, ideally the same afternoon. Prefers a call after 3."
at "2026-11-20 15:41:37" 1 "$annotate" --database "$database" --call "$dana" --by "Alice Martin" \
    --heard --tag insurance \
    --note "Called back: booked all three for Dec 3 at 3:30. She is asking whether Delta Dental covers the kids' sealants." \
    --done "Booked Dec 3, 3:30 pm"
at "2026-11-20 15:30:12" 1 "$annotate" --database "$database" --call "$harbor" --by "Bob Chen" \
    --tag supplier --note "New delivery window for the Tuesday order: 7 to 9 am." --done ""
# A few voicemails of the week heard and done, so the counters and the statistics show it.
while read -r sid; do
    at "2026-11-20 16:05:00" 1 "$annotate" --database "$database" --call "$sid" --by "Alice Martin" \
        --heard --done ""
done < <(sqlite3 "$work/calls.db" "SELECT call_sid FROM calls WHERE outcome = 'voicemail' AND started_at < (SELECT max(started_at) FROM calls) - 86400000 ORDER BY started_at LIMIT 12")

# Alice's desktop, on Friday at the end of the day.
mkdir -p "$XDG_CONFIG_HOME/Switchboard"
printf '[team]\ndisplayName=Alice Martin\n' >"$XDG_CONFIG_HOME/Switchboard/switchboard.conf"
display=:$((port % 500 + 100))
Xvfb "$display" -screen 0 1600x1200x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    [[ -e /tmp/.X11-unix/X${display#:} ]] && break
    sleep 0.1
done
export DISPLAY=$display
# (Started here rather than through at(), so that $! is the app's own process tree; closing
# the display ends the app too.)
LD_PRELOAD=$faketime FAKETIME="@2026-11-20 17:40:00" FAKETIME_DONT_FAKE_MONOTONIC=1 \
    QT_QPA_PLATFORM=xcb "$root/tests/env/without-keyring.sh" "$app" --database "$database" \
    >"$work/app.log" 2>&1 &
pids+=($!)

# The id of the visible top-level window titled TITLE (a regular expression).
window() {
    local id
    for _ in $(seq 100); do
        id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | tail -n 1) && [[ -n $id ]] &&
            { echo "$id"; return 0; }
        sleep 0.1
    done
    echo "$0: no window named $1" >&2
    cat "$work/app.log" >&2
    return 1
}
keys() {
    xdotool key --window "$1" --clearmodifiers "${@:2}"
    sleep 0.6
}
shoot() {
    timeout 60 import -display "$display" -window "$1" "$work/$2.png"
    convert "$work/$2.png" -strip "$output/$2.png"
    optipng -quiet -o2 "$output/$2.png"
    echo "wrote $output/$2.png"
}

mkdir -p "$output"
main=$(window '^Switchboard')
xdotool windowfocus --sync "$main"
xdotool windowsize --sync "$main" 1280 800
sleep 2
# The feed: every call of the week, without the details pane (F9).
keys "$main" F9
shoot "$main" feed
# Dana's voicemail (the third newest call): its details, the team's notes below them. Escape
# takes the focus from the search box to the feed.
keys "$main" F9
xdotool windowsize --sync "$main" 1300 1000
keys "$main" Escape Home Down Down Return
sleep 1
shoot "$main" details
# The statistics of the last 7 days (Ctrl+T); the queries run on a thread of their own.
keys "$main" ctrl+t
statistics=$(window '^Statistics')
xdotool windowsize --sync "$statistics" 1200 860
# The range box has the focus: Today, then one down, Last 7 days; then Refresh (F5), so that
# what shows is one computation of that range.
keys "$statistics" Home Down
sleep 2
keys "$statistics" F5
sleep 3
statistics=$(window '^Statistics')
shoot "$statistics" statistics
xdotool windowunmap --sync "$statistics"
# The call flow editor: File › Call Flow… (Alt+F, then its mnemonic F).
xdotool windowfocus --sync "$main"
keys "$main" alt+f
keys "$main" f
editor=$(window '^Call Flow')
xdotool windowsize --sync "$editor" 1000 760
# The weekly hours grid (its tab's mnemonic, Alt+H).
keys "$editor" alt+h
sleep 1
shoot "$editor" flow-editor
