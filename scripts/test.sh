#!/usr/bin/env bash
# The test suite on the embedded SQLite default: unit tests, storage tests, API tests through
# the real router, job runtime tests and the headless Chromium end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace "$@"
