#!/usr/bin/env bash
# Builds telemaint's Debian packages: telemaint-relay, telemaint-host, telemaint-viewer,
# telemaint-audit and telemaint-admin, in BUILD_DIR/packages/*.deb (CPack, from the install
# rules; packaging/CMakeLists.txt says what each holds). Installs what the build needs first,
# as scripts/setup.sh does. Then, as root: apt-get install ./build/packages/telemaint-host_*.deb
# Usage: scripts/package.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
"$here/scripts/setup.sh" "$build"
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB --config CPackConfig.cmake >/dev/null)
ls -1 "$build"/packages/*.deb
