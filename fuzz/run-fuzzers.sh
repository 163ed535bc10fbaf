#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in BUILD_DIR and fuzzes each for SECONDS, starting from
# a copy of its seed corpus (the repository's corpus is never written), one target per core at
# a time. The targets are those fuzz/CMakeLists.txt defines (the build lists them). Fails when
# any target crashes or breaks a property; prints execs/s per target. Longer runs:
#   fuzz/run-fuzzers.sh build-fuzz 600
# Crashing inputs are left in BUILD_DIR/fuzz-runs/TARGET/ (crash-*, leak-*, timeout-*).
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 BUILD_DIR SECONDS" >&2
    exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
seconds=$2

if ! command -v clang++ >/dev/null; then
    echo "clang++ is missing: run scripts/install-deps.sh (packages clang, libclang-rt-14-dev)" >&2
    exit 1
fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$root" -B "$build" "${generator[@]}" \
        -DCMAKE_CXX_COMPILER=clang++ -DSWITCHBOARD_FUZZ=ON \
        -DSWITCHBOARD_BUILD_APP=OFF -DSWITCHBOARD_BUILD_TESTS=OFF -DSWITCHBOARD_BUILD_BENCH=OFF \
        >"$build/configure.log" || { cat "$build/configure.log" >&2; exit 1; }
fi
# Only the fuzz targets (target "fuzzers"): the rest of the tree is not needed here.
nice -n 10 cmake --build "$build" --target fuzzers
mapfile -t targets <"$build/fuzz/fuzz-targets.txt"
if ((${#targets[@]} == 0)); then
    echo "no fuzz targets listed in $build/fuzz/fuzz-targets.txt" >&2
    exit 1
fi

# fuzz TARGET: one run, its output in fuzz-runs/TARGET/fuzz.log, its exit status in .../status.
fuzz() {
    local target=$1 work=$build/fuzz-runs/$1 status=0
    local dict=()
    [[ -f $root/fuzz/dict/$target.dict ]] && dict=(-dict="$root/fuzz/dict/$target.dict")
    (cd "$work" && "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$work/" "${dict[@]}" corpus) \
        >"$work/fuzz.log" 2>&1 || status=$?
    echo "$status" >"$work/status"
}

# Each run is one process on one core: as many at once as there are cores.
cores=$(nproc)
for target in "${targets[@]}"; do
    work=$build/fuzz-runs/$target
    rm -rf "$work"
    mkdir -p "$work/corpus"
    cp -R "$root/fuzz/corpus/$target/." "$work/corpus/"
    while (($(jobs -rp | wc -l) >= cores)); do
        wait -n || true
    done
    echo "== $target: ${seconds}s"
    fuzz "$target" &
done
wait

failed=()
summary=()
for target in "${targets[@]}"; do
    work=$build/fuzz-runs/$target
    status=$(cat "$work/status" 2>/dev/null || echo "?")
    # libFuzzer's last status line: "#N DONE cov: ... exec/s: E rss: ..."
    execs=$(grep -o 'exec/s: [0-9]*' "$work/fuzz.log" | tail -n 1 | cut -d' ' -f2)
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/fuzz.log" | cut -d' ' -f2)
    if [[ $status != 0 ]]; then
        echo "== $target failed:"
        tail -n 60 "$work/fuzz.log"
        failed+=("$target")
        summary+=("$(printf '%-22s FAILED (exit %s), inputs in %s' "$target" "$status" "$work")")
    else
        summary+=("$(printf '%-22s %8s execs/s %10s runs' "$target" "${execs:-?}" "${runs:-?}")")
    fi
done

echo
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
