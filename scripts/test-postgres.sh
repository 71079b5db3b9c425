#!/usr/bin/env bash
# The same storage, job and API tests against PostgreSQL. Each test creates (and drops) its
# own database on the server named by KORRIGO_TEST_DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
# Tesseract's OpenMP threads spin while they wait: one each reads headers 7 times faster (the
# korrigo binary sets this itself; the tests run the readers in their own processes).
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"
export KORRIGO_TEST_DATABASE_URL="${KORRIGO_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"

# Start the local server if it is installed but not running (as on a fresh CI machine).
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# Test-only tools: moto's S3 server (the S3 tests start it on loopback) and nginx.
export KORRIGO_TEST_MOTO_SERVER="${KORRIGO_TEST_MOTO_SERVER:-$(scripts/setup-test-tools.sh)}"
cargo test --workspace "$@" -- --ignored pg::
