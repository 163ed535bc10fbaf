#!/usr/bin/env bash
# Installs what Switchboard needs to build, run and test on Debian 12 (run as root).
set -euo pipefail

packages=(
    # build
    cmake ninja-build g++ pkgconf
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-multimedia-dev qtkeychain-qt6-dev
    # the desktop app's statistics charts (Qt Charts' CMake package needs Qt OpenGL's, which
    # Debian 12's qt6-charts-dev does not pull in)
    qt6-charts-dev libqt6opengl6-dev
    libqt6sql6-sqlite libqt6sql6-psql libgl-dev
    # desktop app at run time: audio through GStreamer, a keyring over D-Bus
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good qt6-qpa-plugins
    # desktop app: the SVG icon engine and image format plugins (outcome icons, app icon)
    libqt6svg6
    # tests: a display, an audio sink, a Secret Service, the database shell
    xvfb xauth dbus dbus-x11 gnome-keyring libsecret-1-0 pulseaudio sqlite3 imagemagick curl
    postgresql
    # tests: the service under a faked clock (TestAfterHours)
    libfaketime
    # fuzzing and the sanitized test build: clang with its libFuzzer and sanitizer runtimes
    # (fuzz/run-fuzzers.sh, the FuzzBounded test; build-asan/ in scripts/test.sh)
    clang libclang-rt-14-dev
    # the README's screenshots (scripts/screenshot.sh): the app driven by its keyboard under
    # Xvfb, the images made smaller
    xdotool optipng
    # packaging: man pages from --help, building and checking the .debs (tests/packaging)
    help2man dpkg-dev fakeroot file lintian systemd adduser desktop-file-utils appstream
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
