#!/usr/bin/env bash
# Identification figures on generated scans (release build): for several seeds, 60 copies of
# two classes of 30 (handwriting-like fonts, noise, skew up to ±1.5°, accents, hyphens,
# apostrophes, two homonyms): share identified automatically, wrong automatic
# identifications, right student in the top 3, CPU time per copy for reading and matching.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --quiet
for seed in 0 1 2 3 4 5 6; do
  echo "seed $seed: $(target/release/korrigo bench identify --seed "$seed" | tail -1)"
done
