#!/usr/bin/env bash
# The Debian packages as a machine receives them: CPack builds them from this build, each is
# extracted (dpkg-deb -x) and its programs run from there with the settings files it ships; its
# systemd units pass `systemd-analyze verify`, its desktop entries `desktop-file-validate`, and
# lintian reports no error. Network: 127.0.0.1 only. Usage: check_packages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d /tmp/telemaint-packages.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "cpack"
(cd "$build" && timeout 300 cpack -G DEB --config CPackConfig.cmake -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
names=$(cd "$work/out" && ls -1 ./*.deb | sed 's#^\./##; s/_.*//' | sort | tr '\n' ' ')
[ "$names" = "telemaint-admin telemaint-audit telemaint-host telemaint-relay telemaint-viewer " ] ||
  fail "the packages are: $names"

root=$work/root
for deb in "$work"/out/*.deb; do
  pkg=$(basename "$deb" | sed 's/_.*//')
  step "$pkg: contents"
  dpkg-deb -x "$deb" "$root"
  dpkg-deb -x "$deb" "$work/$pkg"
  [ -f "$work/$pkg/usr/share/doc/$pkg/copyright" ] || fail "$pkg has no copyright file"
  # Each package holds its own program, stripped, and no other package's.
  prog=$work/$pkg/usr/bin/$pkg
  [ -x "$prog" ] || fail "$pkg lacks /usr/bin/$pkg"
  [ "$(ls "$work/$pkg/usr/bin")" = "$pkg" ] || fail "$pkg holds $(ls "$work/$pkg/usr/bin")"
  file -L "$prog" | grep -q ", stripped" || fail "$pkg: $pkg is not stripped"
  "$prog" --help >"$work/help" || fail "$pkg: --help exits $?"
  head -1 "$work/help" | grep -q "^$pkg: " || fail "$pkg: --help says $(head -1 "$work/help")"
  # Every file under /etc is a conffile, so an upgrade never overwrites what the admin wrote.
  dpkg-deb -e "$deb" "$work/$pkg.control"
  for script in postinst prerm postrm; do
    [ -f "$work/$pkg.control/$script" ] || continue
    sh -n "$work/$pkg.control/$script" || fail "$pkg: $script is not valid sh"
  done
  for f in $(cd "$work/$pkg" && find etc -type f 2>/dev/null); do
    grep -qx "/$f" "$work/$pkg.control/conffiles" || fail "$pkg: /$f is not a conffile"
  done
done

step "the relay, started with its packaged settings (paths moved to this test's directory)"
"$src/certs/make-dev-certs.sh" "$work/certs" >/dev/null
sed -e 's#^listen = .*#listen = "127.0.0.1:0"#' -e "s#/etc/telemaint/#$work/certs/#" \
    -e "s#^data-dir = .*#data-dir = \"$work/relay-data\"#" \
    "$root/etc/telemaint/relay.conf" >"$work/relay.conf"
grep -q "^cert = \"$work/certs/relay.pem\"" "$work/relay.conf" || fail "relay.conf names no cert"
"$root/usr/bin/telemaint-relay" --config "$work/relay.conf" >"$work/relay.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on port" "$work/relay.out" && break; sleep 0.1; done
port=$(sed -n "s/^telemaint-relay listening on port \([0-9]*\)$/\1/p" "$work/relay.out")
[ -n "$port" ] || { cat "$work/relay.out"; fail "the packaged relay did not start"; }
# Its web viewer comes from the package's /usr/share/telemaint/web, found next to the program.
curl -sS --max-time 10 --cacert "$work/certs/ca.pem" "https://127.0.0.1:$port/app.js" \
  -o "$work/app.js" || fail "the relay did not serve the web viewer"
cmp -s "$work/app.js" "$root/usr/share/telemaint/web/app.js" || fail "app.js differs"

step "the host: nothing set up says what to do; with host.conf set it shows a code"
set +e
env -u DISPLAY "$root/usr/bin/telemaint-host" --config "$root/etc/telemaint/host.conf" \
  >"$work/host0.out" 2>&1
rc=$?
set -e
[ $rc = 2 ] || fail "an unset host exits $rc"
grep -q "is not set up on this computer yet" "$work/host0.out" || fail "$(cat "$work/host0.out")"
sed -e "s|^# relay = .*|relay = \"wss://localhost:$port\"|" \
    -e "s|^# ca = .*|ca = \"$work/certs/ca.pem\"|" "$root/etc/telemaint/host.conf" >"$work/host.conf"
HOME=$work "$root/usr/bin/telemaint-host" --config "$work/host.conf" --ui tty \
  --vnc-server 127.0.0.1:1 --code-file "$work/code" >"$work/host.out" 2>&1 </dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/code" ] && break; sleep 0.1; done
grep -qE '^[0-9 -]{10,}$' "$work/code" 2>/dev/null || { cat "$work/host.out"; fail "no code"; }

step "the auditor's tool verifies the packaged relay's log"
key=$("$root/usr/bin/telemaint-relay" audit-key --data-dir "$work/relay-data")
HOME=$work "$root/usr/bin/telemaint-audit" --data-dir "$work/relay-data" --relay-key "$key" \
  --live --no-remember verify >"$work/verify.out" 2>&1 || { cat "$work/verify.out"; fail "verify"; }

step "the admin's tool makes an organisation key"
"$root/usr/bin/telemaint-admin" init --org "$work/org" --name "Test IT" >/dev/null
[ -s "$work/org/org.pub" ] || fail "telemaint-admin init wrote no org.pub"

step "systemd units"
mkdir -p "$root/lib/systemd/system"
cp -n /lib/systemd/system/*.target "$root/lib/systemd/system/"  # what the units' defaults name
for unit in telemaint-relay.service telemaint-host.service; do
  out=$(systemd-analyze verify --root="$root" "/lib/systemd/system/$unit" 2>&1) ||
    fail "$unit: $out"
  [ -z "$out" ] || fail "$unit: $out"
  # The documentation a unit names is in the packages.
  for doc in $(sed -n 's#^Documentation=file://##p' "$root/lib/systemd/system/$unit"); do
    [ -f "$root$doc" ] || fail "$unit names $doc, which no package holds"
  done
done

step "desktop entries"
for entry in "$root"/usr/share/applications/*.desktop; do
  desktop-file-validate "$entry" || fail "$entry"
  icon=$(sed -n 's/^Icon=//p' "$entry")
  [ -f "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "$entry: no icon $icon"
done
[ "$(ls "$root"/usr/share/applications)" = "$(printf 'telemaint-host.desktop\ntelemaint-viewer.desktop')" ] ||
  fail "desktop entries: $(ls "$root"/usr/share/applications)"

step "lintian"
lintian --fail-on error "$work"/out/*.deb 2>&1 | grep -v "running with root privileges" |
  tee "$work/lintian.out"
[ "${PIPESTATUS[0]}" = 0 ] || fail "lintian reports errors"
! grep -q "^E:" "$work/lintian.out" || fail "lintian reports errors"
echo "packages: all checks passed"
