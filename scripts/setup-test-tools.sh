#!/usr/bin/env bash
# Installs what only the tests use, beside scripts/setup.sh's packages:
#   - moto's S3 server (PyPI `moto[server]`, pinned) in its own virtualenv: the tests of the S3
#     file store and of several instances start it on loopback, a real S3-compatible HTTP
#     server (not an in-process mock);
#   - nginx (Debian's nginx-light), not started as a service, with openssl and curl: a test
#     runs it with deploy/nginx.conf in front of Korrigo.
# Idempotent. Prints the moto server's path (scripts/test.sh exports it as
# KORRIGO_TEST_MOTO_SERVER).
set -euo pipefail
venv="${KORRIGO_MOTO_VENV:-$HOME/.local/share/korrigo/moto}"
if [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==5.2.6" >&2
fi
if [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null || ! command -v curl >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  # Installed without starting the service (the test starts its own, on free ports).
  $SUDO sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  $SUDO apt-get update -qq >&2
  status=0
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light openssl curl >&2 || status=$?
  $SUDO rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || exit "$status"
fi
echo "$venv/bin/moto_server"
