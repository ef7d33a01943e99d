#!/usr/bin/env bash
# Installs the dependencies, builds, and runs the whole test suite with ctest:
# unit tests, then end-to-end tests with a real relay on 127.0.0.1, real TLS, real SQLite,
# Xvfb with x11vnc and a real VNC client.
# Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh" "$here/build"
cd "$here/build"
# Each test is bounded by its own TIMEOUT property; the whole run stays well under 20 minutes.
ctest --output-on-failure --timeout 300 -j2 "$@"
