#!/usr/bin/env python3
"""Model-ready inputs for the PP-OCRv4 detector and recognizer benchmarks.

    python3 benchmarks/make_ocr_inputs.py OUT_DIR det|rec [--count N] [--size S]

det: text pages of S x S pixels (default 320): ImageMagick draws lines of
     DejaVu Sans text at varied sizes and positions on white; normalized as
     PaddleOCR's detector does (BGR, x / 255, mean 0.485/0.456/0.406, std
     0.229/0.224/0.225), NCHW 1x3xSxS.
rec: text lines of 48 x 320 (one string each, left-aligned), normalized as
     the recognizer does ((x / 255 - 0.5) / 0.5, BGR), NCHW 1x3x48x320.
Writes OUT_DIR/calib/NN.bin and OUT_DIR/eval/NN.bin (raw little-endian f32):
the first 3/4 of the images calibrate, the rest evaluate. Deterministic.
"""
import argparse
import os
import random
import struct
import subprocess

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORDS = ["Invoice 2024", "Total: 42.50", "Hello World", "int8 compiler",
         "The quick brown fox", "jumps over", "PaddleOCR", "Zen 5 AVX-512",
         "Page 7 of 12", "Name: Alice", "hello", "3.14159"]


def render(w, h, draws):
    cmd = ["convert", "-size", "%dx%d" % (w, h), "xc:white", "-fill", "black",
           "-font", FONT]
    for size, x, y, text in draws:
        cmd += ["-pointsize", str(size), "-annotate", "+%d+%d" % (x, y), text]
    cmd += ["-depth", "8", "rgb:-"]
    return subprocess.run(cmd, capture_output=True, check=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("kind", choices=["det", "rec"])
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--size", type=int, default=320)
    args = ap.parse_args()
    rng = random.Random(7)
    for sub in ("calib", "eval"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    for i in range(args.count):
        if args.kind == "det":
            w = h = args.size
            draws, y = [], 30
            while y < h - 10:
                size = rng.randint(14, 30)
                draws.append((size, rng.randint(5, 60), y, rng.choice(WORDS)))
                y += size + rng.randint(8, 30)
            mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
        else:
            w, h = 320, 48
            size = rng.randint(26, 34)
            draws = [(size, rng.randint(2, 20), size + 4, rng.choice(WORDS))]
            mean, std = [0.5] * 3, [0.5] * 3
        px = render(w, h, draws)
        out = []
        for c in range(3):  # BGR planes
            src = 2 - c
            out += [(px[p * 3 + src] / 255.0 - mean[c]) / std[c]
                    for p in range(w * h)]
        sub = "calib" if i < args.count * 3 // 4 else "eval"
        with open(os.path.join(args.out, sub, "%02d.bin" % i), "wb") as f:
            f.write(struct.pack("<%df" % len(out), *out))


if __name__ == "__main__":
    main()
