#!/usr/bin/env bash
# Regenerates the pictures in docs/images/ from the real windows: runs the end-to-end tests
# that save them on virtual displays (the customer's code window, question, banner, the window
# after a session and the "not set up" window; the technician's connect dialog and session
# window), then converts them to PNG. Run it after changing a window, and commit the pictures.
# Usage: scripts/screenshots.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
"$here/scripts/setup.sh" "$build" >/dev/null
pictures=(code-window consent-dialog session-banner code-window-ended-fr host-not-set-up
          viewer-connect-dialog viewer-window-waiting file-question session-panel)
for name in "${pictures[@]}"; do rm -f "$build/test-artifacts/$name.ppm"; done
"$build/bin/e2e_tests" --gtest_brief=1 --gtest_filter='HostWindowTest.AllowLets*:HostWindowTest.TheQuestionShows*:HostWindowTest.NewCode*:CustomerWindowTest.AfterASession*:CustomerWindowTest.FromTheMenu*:ViewerDialogTest.*:BesideScreenTest.TheCustomerAccepts*'
mkdir -p "$here/docs/images"
for name in "${pictures[@]}"; do
  pnmtopng "$build/test-artifacts/$name.ppm" >"$here/docs/images/$name.png" 2>/dev/null
  echo "docs/images/$name.png"
done
