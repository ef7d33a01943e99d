#!/usr/bin/env bash
# Installs what telemaint needs from Debian 12's packages, then configures and builds it.
# Run as root on a fresh machine; safe to run again (it skips what is already there).
# Usage: scripts/setup.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}

packages=(
  # build
  cmake g++ make pkg-config
  libboost-dev libssl-dev libsodium-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev
  libvncserver-dev libfltk1.3-dev libpng-dev libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxrandr-dev libxtst-dev
  # certificates, tests and the demo: a virtual display, a real VNC server and client
  openssl curl procps iproute2 xvfb xfonts-base x11vnc x11-apps x11-utils x11-xkb-utils x11-xserver-utils xinput xdotool xterm xclip vncsnapshot netpbm
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra xauth
  tigervnc-viewer
  libnet-vnc-perl
  # telemaint-audit --tz: the time zone database
  tzdata
  # the Debian packages (scripts/package.sh) and their test: CPack's dependency list and
  # stripping, the units' and desktop entries' checkers, lintian
  dpkg-dev binutils file systemd desktop-file-utils lintian
  perl-openssl-defaults  # lintian's SSL modules need it (through a virtual package)
  # the web viewer's tests drive Debian's browser (playwright-core, no browser download)
  chromium
)
# The web viewer is bundled with Node.js and npm; a machine that has them from elsewhere
# (NodeSource) keeps its own, whose nodejs package already holds npm.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== npm ci (the web viewer's packages, from web/package-lock.json)"
(cd "$here/web" && npm ci --no-audit --no-fund --loglevel=error)

echo "== building in $build"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
