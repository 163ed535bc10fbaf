#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test (run as root on Debian 12); then
# builds the service, the simulator and their tests again with AddressSanitizer, LeakSanitizer
# and UBSan (build-asan/) and runs those tests there (CTest label "sanitize").
# Fails when a test fails, skips or does not run, when no test ran, or when a sanitizer
# reported anything, in a test or in a service or simulator that a test started.
#   test.sh [CTEST ARGS...]        e.g. -R Name: picks tests in both runs
#   test.sh --reliability-report   runs the reliability tests again and rewrites docs/reliability.md
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SWITCHBOARD_BUILD_DIR:-$root/build}
asan_build=${SWITCHBOARD_ASAN_BUILD_DIR:-$root/build-asan}

if [[ ${1:-} == --reliability-report ]]; then
    bash "$root/scripts/build.sh"
    cmake --build "$build" --target reliability-report
    exit
fi

# SWITCHBOARD_TEST_JOBS=2 runs two tests at a time: most of them wait on sockets, processes and
# timeouts rather than compute. Those that load the machine or judge timing under load still
# run alone (RUN_SERIAL in tests/CMakeLists.txt), the PostgreSQL ones one after another
# (RESOURCE_LOCK postgres). One at a time by default until whole runs have shown it green.
jobs=${SWITCHBOARD_TEST_JOBS:-1}

# run_ctest BUILD_DIR [CTEST ARGS...]: ctest, then fails unless every test it picked ran and
# passed: CTest counts a skipped or disabled test apart from failures (status in its JUnit file).
run_ctest() {
    local dir=$1
    shift
    local junit status=0
    junit=$(realpath "$dir")/ctest-junit.xml
    rm -f "$junit"
    ctest --test-dir "$dir" --output-on-failure --timeout 600 --no-tests=error \
        --parallel "$jobs" --output-junit "$junit" "$@" || status=$?
    [[ -f $junit ]] || { echo "test.sh: ctest wrote no results in $dir"; return 1; }
    local ran notrun
    ran=$(grep -c '<testcase ' "$junit" || true)
    notrun=$(grep -o '<testcase name="[^"]*" [^>]*status="\(notrun\|disabled\)"' "$junit" || true)
    if [[ $ran -eq 0 || -n $notrun ]]; then
        echo "test.sh: $dir: $ran test(s); skipped, disabled or not run:"
        echo "${notrun:-(no test ran)}"
        echo "test.sh: a green run means every test ran and did its work"
        return 1
    fi
    return $status
}

start=$SECONDS
bash "$root/scripts/build.sh"
build_seconds=$((SECONDS - start))
status=0
start=$SECONDS
run_ctest "$build" "$@" || status=$?
test_seconds=$((SECONDS - start))

# The sanitized run: only the tests labelled "sanitize" (tests/CMakeLists.txt), and of those
# only what the arguments pick. Clang, because GCC's UBSan ignores log_path and would print
# a finding in the service only to the service's own log, which the tests delete.
if [[ $(ctest --test-dir "$build" -N -L sanitize "$@" | sed -n 's/^Total Tests: //p') == 0 ]]; then
    echo "test.sh: the arguments pick none of the sanitized tests; no sanitizer run"
    exit $status
fi
start=$SECONDS
cmake -S "$root" -B "$asan_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSWITCHBOARD_SANITIZE=ON \
    -DSWITCHBOARD_BUILD_APP=OFF -DSWITCHBOARD_BUILD_BENCH=OFF >/dev/null
cmake --build "$asan_build" --target sanitize-tests
asan_build_seconds=$((SECONDS - start))

# Every report goes to a file in $reports, from whichever process, test or child: the test
# harness keeps a service's output in a folder it deletes. Each finding aborts its process.
reports=$asan_build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
start=$SECONDS
(
    stop=halt_on_error=1:abort_on_error=1:print_stacktrace=1
    export ASAN_OPTIONS=$stop:detect_leaks=1:log_path=$reports/asan
    export UBSAN_OPTIONS=$stop:log_path=$reports/ubsan
    export LSAN_OPTIONS=suppressions=$root/tests/env/lsan.supp:print_suppressions=0
    run_ctest "$asan_build" -L sanitize "$@"
) || status=$?
asan_test_seconds=$((SECONDS - start))
if [[ -n $(ls -A "$reports") ]]; then
    for report in "$reports"/*; do
        echo "== $report"
        cat "$report"
    done
    echo "test.sh: sanitizer reports above"
    status=1
fi
echo "test.sh: build ${build_seconds}s, tests ${test_seconds}s;" \
    "sanitized build ${asan_build_seconds}s, sanitized tests ${asan_test_seconds}s"
exit $status
