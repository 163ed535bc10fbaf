#!/usr/bin/env bash
# Runs CMD... with a private PulseAudio server whose only sink is a null sink, so that media
# really plays (through GStreamer's pulsesink) on a machine without a sound card.
# Works as root (CI). Usage: with-audio.sh CMD [ARGS...]
set -euo pipefail

runtime=$(mktemp -d -t switchboard-audio.XXXXXX)
cleanup() {
    pactl exit 2>/dev/null || true
    # pactl exit asks politely; the pid file covers a server that does not listen any more.
    if [[ -f "$runtime/pulse/pid" ]]; then
        kill "$(cat "$runtime/pulse/pid")" 2>/dev/null || true
    fi
    rm -rf "$runtime"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR=$runtime HOME=$runtime
unset PULSE_SERVER
export PULSE_RUNTIME_PATH=$runtime/pulse

# As root PulseAudio warns that it is meant for --system, but a per-user daemon works fine.
pulseaudio --daemonize=yes --exit-idle-time=-1 -n --system=false \
    --load=module-null-sink --load=module-native-protocol-unix 2>"$runtime/pulseaudio.log" || {
    cat "$runtime/pulseaudio.log" >&2
    exit 1
}
for _ in $(seq 50); do
    pactl info >/dev/null 2>&1 && break
    sleep 0.1
done
pactl info >/dev/null
export SWITCHBOARD_TEST_PULSE=1

"$@"
