#!/usr/bin/env bash
# Times a 20,000-row roster import (and its idempotent re-import) with the CLI, on a fresh
# SQLite data folder. Usage: scripts/bench-import.sh [rows]   (builds in release mode)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$rows" "$work/roster.csv" <<'PY'
import sys
rows, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", encoding="utf-8") as f:
    f.write("Nom;Prénom;Né(e) le;Classe;Groupe;Adresse E-mail\n")
    for i in range(rows):
        f.write(f"NOM{i:05d};Prénom{i % 97};{1 + i % 28:02d}/{1 + i % 12:02d}/{2006 + i % 4};C{i % 700};G{i % 3};\n")
PY
cargo build --release -q
export KORRIGO_DATA_DIR="$work/data"
./target/release/korrigo migrate >/dev/null 2>&1
for run in first again; do
  start=$(date +%s.%N)
  ./target/release/korrigo students import "$work/roster.csv" 2>/dev/null | head -1
  end=$(date +%s.%N)
  echo "import ($run) of $rows rows: $(echo "$end - $start" | bc) s"
done
