#!/usr/bin/env bash
# The local demo: installs what it needs, builds the Debian packages and installs them, makes development certificates, starts a relay, a host
# serving a virtual display (Xvfb) itself, and viewers, and shows sessions working: telemaint's
# own picture of the customer's screen, a third-party VNC client through a local port, and
# telemaint's own window on a second virtual display, typing into the customer's terminal.
# Usage: scripts/demo.sh [--keep]   (--keep: leave it running so you can connect your own
#                                    VNC viewer to the printed port; Ctrl+C ends it)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
keep=false
[ "${1:-}" = "--keep" ] && keep=true

# Builds the Debian packages (scripts/package.sh, which installs what the build needs and
# builds first) and installs them, as a provider would: the programs below are /usr/bin's.
# A machine that already has telemaint installed keeps it as it is: the demo would replace the
# host's settings and remove the packages at its end.
if dpkg-query -W -f='${Status}\n' telemaint-relay telemaint-host telemaint-viewer telemaint-audit \
     telemaint-admin 2>/dev/null | grep -q "install ok installed"; then
  echo "demo: telemaint's packages are already installed here; the demo installs and removes" \
    "its own, so run it on a machine without them (or remove them first)." >&2
  exit 1
fi
"$here/scripts/package.sh" "$here/build" >/dev/null
echo "== installing the packages it built: $(cd "$here/build/packages" && echo ./*.deb)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$here"/build/packages/*.deb >/dev/null 2>&1
bin=/usr/bin
run=$here/demo-run
rm -rf "$run"
mkdir -p "$run"
pids=()
host_conf=/etc/telemaint/host.conf
cp "$host_conf" "$run/host.conf.packaged"
cleanup() {
  for p in "${pids[@]}" $(cat "$run/xvfb.pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # The machine as it was: the packaged settings back, and the packages removed.
  cp "$run/host.conf.packaged" "$host_conf" 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive dpkg --purge telemaint-relay telemaint-host telemaint-viewer \
    telemaint-audit telemaint-admin >/dev/null 2>&1 || true
}
trap cleanup EXIT

wait_code_change() {  # OLD_CODE -> prints the host's next code
  for _ in $(seq 200); do
    local c
    c=$(cat "$run/code.txt" 2>/dev/null || true)
    [ -n "$c" ] && [ "$c" != "$1" ] && { echo "$c"; return 0; }
    sleep 0.1
  done
  echo "demo: the host showed no new code" >&2
  exit 1
}

wait_for() {  # FILE PATTERN SECONDS
  for _ in $(seq $(($3 * 10))); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: timed out waiting for '$2' in $1" >&2
  cat "$1" >&2 || true
  exit 1
}

start_xvfb() {  # FIRST_NUMBER GEOMETRY LOG -> prints ":N" once the display is up
  local n=$1
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 "$2" -nolisten tcp -noreset >"$3" 2>&1 &
  echo $! >>"$run/xvfb.pids"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  echo ":$n"
}

echo "== development certificates and a technician account"
"$here/certs/make-dev-certs.sh" "$run/certs" >/dev/null
password=$(openssl rand -hex 12)
echo "$password" | "$bin/telemaint-relay" user add demo-tech --role technician \
  --display-name "Demo Technician" --organisation "Demo IT" --password-stdin \
  --data-dir "$run/relay-data"

echo "== the provider's organisation key (telemaint-admin init) and an admin account"
"$bin/telemaint-admin" init --org "$run/org" --name "Demo IT" | sed -n 2,3p | sed 's/^/   /'
admin_password=$(openssl rand -hex 12)
echo "$admin_password" | "$bin/telemaint-relay" user add demo-admin --role admin \
  --password-stdin --data-dir "$run/relay-data"

echo "== the customer's screen: a virtual display (Xvfb) with a clock, a logo and a terminal"
display=$(start_xvfb 90 1024x768x24 "$run/xvfb.log")
DISPLAY=$display xclock -geometry 300x300+40+40 -update 1 >/dev/null 2>&1 & pids+=($!)
DISPLAY=$display xlogo -geometry 300x300+400+60 -fg '#d02060' -bg '#20a0f0' >/dev/null 2>&1 & pids+=($!)
DISPLAY=$display xterm -geometry 80x12+40+420 -e sh -c 'echo "The customer'"'"'s terminal"; exec sh -i' \
  >/dev/null 2>&1 & pids+=($!)

echo "== relay on 127.0.0.1 (TLS 1.3)"
"$bin/telemaint-relay" --listen 127.0.0.1:0 --cert "$run/certs/relay.pem" \
  --key "$run/certs/relay.key" --data-dir "$run/relay-data" --log-file "$run/relay.log" \
  --org-key "$run/org/org.pub" >"$run/relay.out" 2>/dev/null & pids+=($!)
relay_pid=$!
wait_for "$run/relay.out" 'listening on port' 20
relay_port=$(grep -oE 'port [0-9]+' "$run/relay.out" | cut -d' ' -f2)

echo "== host (customer side): dials out, shows a session code, serves its own screen"
# The provider's settings in /etc/telemaint/host.conf, so the customer runs telemaint-host with
# no arguments. The demo's answers come on the terminal (ui = "tty"); the window is the default.
cat >"$host_conf" <<CONF
relay = "wss://localhost:$relay_port"
ca = "$run/certs/ca.pem"
customer = "Demo SA"
display = "$display"
ui = "tty"
code-file = "$run/code.txt"
log-file = "$run/host.log"
history-file = "$run/host-history.log"
key-file = "$run/host.key"
CONF
sed 's/^/   host.conf: /' "$host_conf"
# The customer answers on the host's terminal; here a stand-in types "a" (allow control) to
# each question, through a pipe held open on descriptor 3.
mkfifo "$run/host-input"
exec 3<>"$run/host-input"
"$bin/telemaint-host" <"$run/host-input" >"$run/host.out" 2>/dev/null & pids+=($!)
(answered=0
 while :; do
   asked=$(grep -c 'or deny \[d\]?' "$run/host.out" 2>/dev/null || true)
   while [ "${asked:-0}" -gt "$answered" ]; do echo a >&3; answered=$((answered + 1)); done
   sleep 0.2
 done) >/dev/null 2>&1 & pids+=($!)
wait_for "$run/host.out" 'Session code' 20
grep 'Session code' "$run/host.out" | head -1 | sed 's/^/   customer sees: /'
code=$(cat "$run/code.txt")

echo "== viewer (technician side): joins with the code and takes a picture of the screen"
TELEMAINT_PASSWORD=$password "$bin/telemaint-viewer" --key-file "$run/technician.key" --relay "wss://localhost:$relay_port" \
  --ca "$run/certs/ca.pem" --user demo-tech --code "$code" --snapshot "$run/customer-screen.png" \
  --ticket DEMO-1 --log-file "$run/viewer.log" | sed 's/^/   technician sees: /'

echo "== a second session with the next code, for any VNC viewer on a local port"
code=$(wait_code_change "$code")
TELEMAINT_PASSWORD=$password "$bin/telemaint-viewer" --key-file "$run/technician.key" --relay "wss://localhost:$relay_port" \
  --ca "$run/certs/ca.pem" --user demo-tech --code "$code" --listen 127.0.0.1:0 \
  --ticket DEMO-2 --log-file "$run/viewer2.log" >"$run/viewer.out" 2>/dev/null & pids+=($!)
wait_for "$run/viewer.out" 'Listening on' 30
sed 's/^/   technician sees: /' "$run/viewer.out"
viewer_port=$(grep -oE 'Listening on 127.0.0.1:[0-9]+' "$run/viewer.out" | cut -d: -f2)

if $keep; then
  echo
  echo "Connect your VNC viewer to 127.0.0.1::$viewer_port (e.g. vncviewer 127.0.0.1::$viewer_port)."
  echo "Press Ctrl+C to end the demo."
  wait "${pids[-1]}" || true
  exit 0
fi

echo "== a third-party VNC client (vncsnapshot) reads the customer's screen through that port"
timeout 30 vncsnapshot -quiet "127.0.0.1::$viewer_port" "$run/snapshot.jpg" >/dev/null 2>&1
sleep 1
echo "   telemaint's own picture: $run/customer-screen.png"
echo "   vncsnapshot's picture:   $run/snapshot.jpg ($(stat -c %s "$run/snapshot.jpg") bytes)"
grep -E 'session .* ended' "$run/relay.log" | sed 's/^.*info: /   relay log: /'

echo "== a third session in telemaint's own window, on the technician's screen (a second Xvfb)"
tech_display=$(start_xvfb 121 1280x1024x24 "$run/xvfb-tech.log")
code=$(wait_code_change "$code")
DISPLAY=$tech_display TELEMAINT_PASSWORD=$password "$bin/telemaint-viewer" --key-file "$run/technician.key" \
  --relay "wss://localhost:$relay_port" --ca "$run/certs/ca.pem" --user demo-tech --code "$code" \
  --ticket DEMO-3 --log-file "$run/viewer3.log" >"$run/viewer3.out" 2>/dev/null & pids+=($!)
window_viewer=$!
window=$(DISPLAY=$tech_display timeout 30 xdotool search --sync --onlyvisible --name telemaint | head -1)
wait_for "$run/viewer3.out" 'allowed control' 30
sleep 0.5  # the window shows the answer
eval "$(DISPLAY=$tech_display xdotool getwindowgeometry --shell "$window")"
# The customer's screen is shown at actual size below the 25-pixel menu bar: click into the
# customer's terminal (at 100,500 on their screen) and type a command there.
DISPLAY=$tech_display xdotool mousemove $((X + 100)) $((Y + 25 + 500)) click 1 sleep 0.3 \
  type --delay 30 'echo Hello from the technician'
DISPLAY=$tech_display xdotool key Return
sleep 1.5
DISPLAY=$tech_display xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$run/technician-screen.png"
DISPLAY=$display xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$run/customer-after.png"
kill -INT "$window_viewer"
wait "$window_viewer" 2>/dev/null || true
sed 's/^/   technician sees: /' "$run/viewer3.out"
echo "   the technician's screen with the window: $run/technician-screen.png"
echo "   the customer's screen after typing:      $run/customer-after.png"

echo "== a fourth session in the browser: the relay serves the web viewer at https://localhost:$relay_port/"
# Headless chromium through the tests' driver (web/test/drive.mjs): it trusts the demo relay's
# key only, logs in, types the next code, and takes a picture of the page once the customer
# (the stand-in) allowed control.
code=$(wait_code_change "$code")
{ echo '{"id":1,"cmd":"launch","cert":"'"$run/certs/relay.pem"'"}'
  echo '{"id":2,"cmd":"open","url":"https://localhost:'"$relay_port"'/"}'
  echo '{"id":3,"cmd":"login","account":"demo-tech","password":"'"$password"'","code":"'"$code"'"}'
  echo '{"id":4,"cmd":"waitStatus","state":"control"}'
  echo '{"id":5,"cmd":"canvas","out":"'"$run/web-canvas.ppm"'"}'
  echo '{"id":9,"cmd":"screenshot","out":"'"$run/web-viewer.png"'"}'
  echo '{"id":6,"cmd":"click","selector":"#disconnect"}'
  echo '{"id":7,"cmd":"waitEnding"}'
  echo '{"id":8,"cmd":"quit"}'; } | timeout 120 node "$here/web/test/drive.mjs" >"$run/web.out" 2>&1 || true
grep -E '^#(4|7) ' "$run/web.out" | sed 's/^/   page: /'
echo "   the technician's browser: $run/web-viewer.png"
"$bin/telemaint-relay" web-loader --relay "wss://localhost:$relay_port" \
  --output "$run/telemaint-web.html" | sed 's/^/   /'

echo "== what the customer saw, and their own log of the sessions (telemaint-host log)"
grep -m1 -A2 "asks to connect" "$run/host.out" | sed 's/^/   customer sees: /'
"$bin/telemaint-host" log --history-file "$run/host-history.log" | sed 's/^/   /'

echo "== unattended access: a server enrolled with a token, approved, reached with nobody there"
server_display=$(start_xvfb 131 800x600x24 "$run/xvfb-server.log")
DISPLAY=$server_display xterm -geometry 70x10+20+20 -e sh -c 'echo "DEMO-SRV console"; exec sh -i' \
  >/dev/null 2>&1 & pids+=($!)
relay_url="wss://localhost:$relay_port"
"$bin/telemaint-admin" token --org "$run/org" --relay "$relay_url" --ca "$run/certs/ca.pem" \
  --customer "Demo SA" --unattended allow --out "$run/token.json" | head -1 | sed 's/^/   /'
"$bin/telemaint-host" enroll --token "$run/token.json" --ca "$run/certs/ca.pem" \
  --state-dir "$run/server-state" --machine DEMO-SRV | sed 's/^/   /'
admin() { TELEMAINT_PASSWORD=$admin_password "$bin/telemaint-admin" "$@" --org "$run/org" \
  --relay "$relay_url" --ca "$run/certs/ca.pem" --user demo-admin; }
admin pending | sed 's/^/   pending: /'
admin approve --all | sed 's/^/   /'
tech_key=$("$bin/telemaint-viewer" --show-key --key-file "$run/technician.key" | sed -n 2p)
"$bin/telemaint-admin" certify --org "$run/org" --account demo-tech --key "$tech_key" \
  --out "$run/technician.cert" | head -1 | sed 's/^/   /'
"$bin/telemaint-host" service --state-dir "$run/server-state" --display "$server_display" \
  --ui tty --log-file "$run/server.log" </dev/null >"$run/server.out" 2>/dev/null & pids+=($!)
wait_for "$run/server.out" 'Online:' 30
sed 's/^/   server says: /' "$run/server.out"
viewer_args=(--key-file "$run/technician.key" --relay "$relay_url" --ca "$run/certs/ca.pem" --user demo-tech)
sleep 6  # the server's first inventory (apt takes a few seconds)
TELEMAINT_PASSWORD=$password "$bin/telemaint-viewer" machines "${viewer_args[@]}" | sed 's/^/   /'
TELEMAINT_PASSWORD=$password "$bin/telemaint-viewer" "${viewer_args[@]}" --machine DEMO-SRV \
  --snapshot "$run/server-screen.png" --ticket DEMO-4 --log-file "$run/viewer4.log" 2>/dev/null |
  sed 's/^/   /'
echo "   the server's screen, taken with nobody there: $run/server-screen.png"

echo "== the auditor's view: the relay stops (signing its closing checkpoint), telemaint-audit checks"
echo "   the log against the relay's key and lists the sessions with their signed receipts"
relay_key=$("$bin/telemaint-relay" audit-key --data-dir "$run/relay-data")
kill -TERM "$relay_pid" 2>/dev/null || true
wait "$relay_pid" 2>/dev/null || true
"$bin/telemaint-audit" --data-dir "$run/relay-data" --relay-key "$relay_key" verify | sed 's/^/   /'
"$bin/telemaint-audit" --data-dir "$run/relay-data" --relay-key "$relay_key" sessions | sed 's/^/   /'
first=$("$bin/telemaint-audit" --data-dir "$run/relay-data" --relay-key "$relay_key" sessions | head -1 | cut -d' ' -f1)
"$bin/telemaint-audit" --data-dir "$run/relay-data" --relay-key "$relay_key" show "$first" | head -7 | sed 's/^/   /'
"$bin/telemaint-audit" --data-dir "$run/relay-data" --relay-key "$relay_key" hours --customer "Demo SA" \
  --month "$(date -u +%Y-%m)" | tail -1 | sed 's/^/   /'

echo
echo "Demo finished: the relay forwarded four sessions (three attended, one unattended) without"
echo "being able to read them."
echo "Logs: $run/{relay,host,viewer,viewer2,viewer3}.log"
