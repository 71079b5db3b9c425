#!/usr/bin/env bash
# Scan pipeline figures on this machine (release build):
#  1. end-to-end processing speed of a 400-page A4 batch and of its A3 variant;
#  2. the server's resident memory while a ~1 GB batch is uploaded in chunks, processed, and
#     its copies' headers read and matched.
# Usage: scripts/bench-scans.sh [MB]   (MB defaults to 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${1:-1024}"
cargo build --release --quiet
BIN="$PWD/target/release/korrigo"
export KORRIGO_LOG_FORMAT=text RUST_LOG=warn
echo "== 400-page A4 batch (JPEG pages, 150 dpi)"
"$BIN" bench scans --pages 400
echo "== 400 A4 pages as A3 copies doubles (200 scanned sheets sides)"
"$BIN" bench scans --pages 400 --a3

WORK="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
echo "== ${MB} MB upload and processing: server memory"
"$BIN" bench make-scan --out "$WORK/big.pdf" --mb "$MB"
export KORRIGO_DATA_DIR="$WORK/data" KORRIGO_ADMIN_PASSWORD="bench password 2026" \
  KORRIGO_BIND=127.0.0.1:18080 KORRIGO_SCAN_MAX_PAGES=20000
"$BIN" migrate >/dev/null
EXAM=$("$BIN" exams create --name Bench --layout a4:4 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$BIN" serve >"$WORK/serve.log" 2>&1 &
PID=$!
python3 scripts/bench_upload.py "http://127.0.0.1:18080" "$EXAM" "$WORK/big.pdf" "$PID"
