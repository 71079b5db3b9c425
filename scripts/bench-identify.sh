#!/usr/bin/env bash
# Identification figures on generated scans (release build): for seeds 0 to 20, 60 copies of
# two classes of 30 (handwriting-like fonts, noise, skew up to ±1.5°, accents, hyphens,
# apostrophes, two homonyms): share identified automatically, wrong automatic
# identifications, right student in the top 3, birth-date digits read right, CPU time per copy
# for reading and matching; then the lowest and mean shares over the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --quiet
out=$(mktemp)
for seed in $(seq 0 20); do
  line=$(target/release/korrigo bench identify --seed "$seed" | tail -1)
  echo "seed $seed: $line" | tee -a "$out"
done
awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "%" && $(i+2) == "identified") a[NR] = $i;
       for (i = 1; i <= NF; i++) if ($i == "wrong") w += $(i-1) }
     END { min = 101; for (k in a) { s += a[k]; if (a[k] < min) min = a[k] }
           printf "over %d seeds: automatic %.1f %% lowest, %.1f %% mean; %d wrong automatic identifications\n", NR, min, s / NR, w }' "$out"
rm -f "$out"
