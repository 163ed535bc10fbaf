#!/usr/bin/env bash
# Builds the Debian packages from a build tree, checks their contents and metadata, runs
# lintian, installs them on this machine with apt, checks the installed service and its unit,
# then removes everything it added. Needs root, Debian, and the build tree built. It never
# skips: run where it cannot do its work, it refuses and fails. Packages of Switchboard already
# installed are purged first under CI (CI=true: a throwaway machine), refused otherwise.
# Usage: check-packages.sh BUILD_DIR   (CTest: `ctest -L packaging`)
set -euo pipefail

build=$(realpath "${1:?build directory}")

if [[ $(id -u) -ne 0 ]]; then
    echo "REFUSED: this check installs the packages it builds with apt and purges them: run it as root"
    exit 1
fi
for tool in cpack dpkg-deb lintian apt-get systemd-analyze desktop-file-validate appstreamcli; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (run scripts/install-deps.sh)"; exit 1; }
done
# Two runs on one machine (two build trees) would install and purge under each other.
exec 9>/var/lock/switchboard-check-packages.lock
flock 9
for package in switchboard-service switchboard; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || continue
    if [[ ${CI:-} != true ]]; then
        echo "REFUSED: $package is installed on this machine, and this check installs the packages" \
            "it builds, then purges them. Remove it first (apt-get purge $package), or run with" \
            "CI=true on a throwaway machine to have the check purge it."
        exit 1
    fi
    echo "note: $package is installed here (left by an earlier run?); CI=true: purging it first"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$package" >/dev/null
done

work=$(mktemp -d)
user_existed=$(getent passwd switchboard >/dev/null && echo yes || echo no)
state_existed=$([[ -e /var/lib/switchboard ]] && echo yes || echo no)
installed=()
export DEBIAN_FRONTEND=noninteractive

cleanup() {
    local status=$?
    set +e # clean up as much as possible, whatever fails
    if ((${#installed[@]})); then
        apt-get purge -y -qq "${installed[@]}" >/dev/null || status=1
    fi
    # postrm keeps the call log and the user on purge (they are data): drop what this run made.
    [[ $state_existed == no ]] && rm -rf /var/lib/switchboard
    [[ $user_existed == no ]] && getent passwd switchboard >/dev/null && deluser --system --quiet switchboard >/dev/null 2>&1
    [[ $user_existed == no ]] && getent group switchboard >/dev/null && delgroup --system --quiet switchboard
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() { # expect DESCRIPTION TEXT PATTERN (extended regex)
    grep -Eq -- "$3" <<<"$2" || fail "$1: no match for '$3'"
}

echo "== cpack"
(cd "$work" && cpack -G DEB -B "$work" --config "$build/CPackConfig.cmake") >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log"; fail "cpack"; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
service_deb=$(ls "$work"/switchboard-service_"$version"_*.deb)
desktop_deb=$(ls "$work"/switchboard_"$version"_*.deb 2>/dev/null || true)
debs=("$service_deb")
if [[ -n $desktop_deb ]]; then
    debs+=("$desktop_deb")
else
    echo "note: no desktop package (configured with SWITCHBOARD_BUILD_APP=OFF?)"
fi

echo "== contents and metadata"
# Each package is one named install component; a rule without one would land in no package.
# This tree's rules only: a build tree nested in it (the fuzzers' clang build) has its own.
unnamed=$(find "$build" -mindepth 1 -type d -exec test -e '{}/CMakeCache.txt' \; -prune \
    -o -name cmake_install.cmake -exec grep -l '"Unspecified"' {} + || true)
[[ -z $unnamed ]] || fail "install rules without a COMPONENT in: $unnamed"
contents=$(dpkg-deb -c "$service_deb")
for path in ./usr/bin/switchboard-service ./lib/systemd/system/switchboard-service.service \
    ./usr/share/man/man1/switchboard-service.1.gz ./usr/share/doc/switchboard-service/copyright \
    ./usr/share/doc/switchboard-service/changelog.gz ./usr/share/doc/switchboard-service/README.md \
    ./usr/share/doc/switchboard-service/examples/nginx-switchboard.conf \
    ./usr/share/doc/switchboard-service/examples/call-flow.json; do
    expect "switchboard-service contents" "$contents" " $path\$"
done
expect "service.conf mode" "$contents" "^-rw-r----- root/root .* ./etc/switchboard/service.conf$"
expect "conffiles" "$(dpkg-deb -I "$service_deb" conffiles)" "^/etc/switchboard/service.conf$"
fields=$(dpkg-deb -f "$service_deb")
expect "switchboard-service control" "$fields" "^Package: switchboard-service$"
expect "switchboard-service control" "$fields" "^Version: $version$"
expect "switchboard-service control" "$fields" "^Section: net$"
for dependency in libqt6httpserver6 libqt6network6 libqt6sql6 libqt6sql6-sqlite adduser ca-certificates; do
    expect "switchboard-service Depends" "$(dpkg-deb -f "$service_deb" Depends)" "(^|, )$dependency( |,|$)"
done
if [[ -n $desktop_deb ]]; then
    contents=$(dpkg-deb -c "$desktop_deb")
    for path in ./usr/bin/switchboard ./usr/bin/switchboard-sim ./usr/share/applications/switchboard.desktop \
        ./usr/share/icons/hicolor/scalable/apps/switchboard.svg ./usr/share/metainfo/.*\.metainfo\.xml \
        ./usr/share/man/man1/switchboard.1.gz ./usr/share/man/man1/switchboard-sim.1.gz \
        ./usr/share/doc/switchboard/copyright; do
        expect "switchboard contents" "$contents" " $path\$"
    done
    depends=$(dpkg-deb -f "$desktop_deb" Depends)
    for dependency in libqt6widgets6 libqt6multimedia6 libqt6charts6 libqt6keychain1 libqt6sql6-sqlite \
        libqt6svg6 gstreamer1.0-plugins-base gstreamer1.0-plugins-good; do
        expect "switchboard Depends" "$depends" "(^|, )$dependency( |,|$)"
    done
    # The two packages must not ship the same file: dpkg would refuse the second.
    shared=$(comm -12 <(dpkg-deb -c "$service_deb" | awk '$1 !~ /^d/ {print $NF}' | sort) \
        <(dpkg-deb -c "$desktop_deb" | awk '$1 !~ /^d/ {print $NF}' | sort))
    [[ -z $shared ]] || fail "files in both packages: $shared"
fi

echo "== lintian"
# Errors fail; warnings are printed. Overrides, each with its reason, live in installer/lintian/.
lintian --fail-on error --info "${debs[@]}" || fail "lintian reported errors"

echo "== apt-get install"
apt-get install -y -qq --no-install-recommends "${debs[@]}" >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; fail "apt-get install"; exit 1; }
installed=(switchboard-service)
[[ -n $desktop_deb ]] && installed+=(switchboard)

expect "--version" "$(/usr/bin/switchboard-service --version)" "^switchboard-service $version$"
[[ -n $desktop_deb ]] && expect "sim --version" "$(/usr/bin/switchboard-sim --version)" "$version"
getent passwd switchboard >/dev/null || fail "no switchboard user"
[[ $(stat -c '%U:%G %a' /etc/switchboard/service.conf) == "root:switchboard 640" ]] \
    || fail "service.conf is $(stat -c '%U:%G %a' /etc/switchboard/service.conf)"
[[ $(stat -c '%U:%G %a' /var/lib/switchboard) == "switchboard:switchboard 750" ]] \
    || fail "/var/lib/switchboard is $(stat -c '%U:%G %a' /var/lib/switchboard)"
# The installed config parses: given the staff phone it leaves for the operator to set, the
# service stops only for the credentials not installed yet, and says exactly that.
if output=$(runuser -u switchboard -- /usr/bin/switchboard-service --config /etc/switchboard/service.conf \
    --forward-to +14155550100 2>&1); then
    fail "service started without credentials"
else
    expect "installed config" "$output" "no Twilio auth token"
fi

echo "== systemd-analyze verify"
# Works without systemd as PID 1: it loads the unit file and checks it, its binary included.
verify=$(systemd-analyze verify /lib/systemd/system/switchboard-service.service 2>&1) || fail "systemd-analyze verify: $verify"
if grep -v -E "^$" <<<"$verify"; then
    fail "systemd-analyze verify complained"
fi

if [[ -n $desktop_deb ]]; then
    echo "== desktop entry and AppStream metadata"
    desktop-file-validate /usr/share/applications/switchboard.desktop || fail "desktop-file-validate"
    metainfo=$(dpkg -L switchboard | grep '^/usr/share/metainfo/.*\.metainfo\.xml$')
    appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate"
fi

if ((failures)); then
    echo "$failures check(s) failed"
    exit 1
fi
echo "packages OK: ${debs[*]##*/}"
