#!/usr/bin/env bash
# The local demo: installs and builds, makes development certificates, starts a relay, a host
# sharing a virtual display (Xvfb + x11vnc), and a viewer, and shows a session working by
# taking a picture of the customer's screen through the end-to-end encrypted channel.
# Usage: scripts/demo.sh [--keep]   (--keep: leave it running so you can connect your own
#                                    VNC viewer to the printed port; Ctrl+C ends it)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
keep=false
[ "${1:-}" = "--keep" ] && keep=true

"$here/scripts/setup.sh" "$here/build"
bin=$here/build/bin
run=$here/demo-run
rm -rf "$run"
mkdir -p "$run"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for() {  # FILE PATTERN SECONDS
  for _ in $(seq $(($3 * 10))); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: timed out waiting for '$2' in $1" >&2
  cat "$1" >&2 || true
  exit 1
}

echo "== development certificates and a technician account"
"$here/certs/make-dev-certs.sh" "$run/certs" >/dev/null
password=$(openssl rand -hex 12)
echo "$password" | "$bin/telemaint-relay" user add demo-tech --role technician \
  --display-name "Demo Technician" --organisation "Demo IT" --password-stdin \
  --data-dir "$run/relay-data"

echo "== the customer's screen: Xvfb with a clock and a logo, shared by x11vnc"
display=""
for n in $(seq 90 120); do
  [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { display=":$n"; break; }
done
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >"$run/xvfb.log" 2>&1 & pids+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
DISPLAY=$display xclock -geometry 300x300+40+40 -update 1 >/dev/null 2>&1 & pids+=($!)
DISPLAY=$display xlogo -geometry 300x300+400+200 >/dev/null 2>&1 & pids+=($!)
x11vnc -display "$display" -localhost -autoport 5950 -nopw -forever -shared \
  >"$run/x11vnc.log" 2>&1 & pids+=($!)
wait_for "$run/x11vnc.log" '^PORT=' 20
vnc_port=$(grep -oE '^PORT=[0-9]+' "$run/x11vnc.log" | cut -d= -f2)

echo "== relay on 127.0.0.1 (TLS 1.3)"
"$bin/telemaint-relay" --listen 127.0.0.1:0 --cert "$run/certs/relay.pem" \
  --key "$run/certs/relay.key" --data-dir "$run/relay-data" --log-file "$run/relay.log" \
  >"$run/relay.out" 2>/dev/null & pids+=($!)
wait_for "$run/relay.out" 'listening on port' 20
relay_port=$(grep -oE 'port [0-9]+' "$run/relay.out" | cut -d' ' -f2)

echo "== host (customer side): dials out and shows a session code"
"$bin/telemaint-host" --relay "wss://localhost:$relay_port" --ca "$run/certs/ca.pem" \
  --vnc-server "127.0.0.1:$vnc_port" --code-file "$run/code.txt" --log-file "$run/host.log" \
  >"$run/host.out" 2>/dev/null & pids+=($!)
wait_for "$run/host.out" 'Session code' 20
grep 'Session code' "$run/host.out" | head -1 | sed 's/^/   customer sees: /'
code=$(cat "$run/code.txt")

echo "== viewer (technician side): joins with the code, serves the session on a local port"
TELEMAINT_PASSWORD=$password "$bin/telemaint-viewer" --relay "wss://localhost:$relay_port" \
  --ca "$run/certs/ca.pem" --user demo-tech --code "$code" --listen 127.0.0.1:0 \
  --ticket DEMO-1 --log-file "$run/viewer.log" >"$run/viewer.out" 2>/dev/null & pids+=($!)
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

echo "== a real VNC client (vncsnapshot) reads the customer's screen through the viewer"
timeout 30 vncsnapshot -quiet "127.0.0.1::$viewer_port" "$run/snapshot.jpg" >/dev/null 2>&1
sleep 1
echo "   picture of the customer's screen: $run/snapshot.jpg ($(stat -c %s "$run/snapshot.jpg") bytes)"
grep -E 'session .* ended' "$run/relay.log" | sed 's/^.*info: /   relay log: /'
echo
echo "Demo finished: the relay forwarded the session without being able to read it."
echo "Logs: $run/{relay,host,viewer}.log"
