#!/usr/bin/env bash
# Makes a development CA (ECDSA P-256) and a relay certificate for localhost and 127.0.0.1 in DIR.
# For development and tests only: see docs/operations.md for a real certificate.
# Usage: certs/make-dev-certs.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
cd "$dir"
umask 077
days=825

openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=telemaint development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca.pem 2>/dev/null

openssl ecparam -name prime256v1 -genkey -noout -out relay.key
openssl req -new -key relay.key -subj "/CN=localhost" -out relay.csr 2>/dev/null
cat > relay.ext <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT
openssl x509 -req -in relay.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" \
  -sha256 -extfile relay.ext -out relay.pem 2>/dev/null
rm -f relay.csr relay.ext ca.srl
chmod 644 ca.pem relay.pem
echo "Made in $dir: ca.pem (give to hosts and viewers), relay.pem + relay.key (the relay's)."
echo "ca.key signs relay certificates: keep it away from the relay in production."
