#!/usr/bin/env python3
"""Writes random inputs for resize_model.mlir (1x4x5x3 f32) to OUT/in and
the expected outputs (1x8x10x6) to OUT/ref, computed with the TOSA
nearest-neighbour index rule (floor division of o * d + offset by n, round
up when the remainder is at least half of n, clamp)."""
import os
import random
import struct
import sys

out = sys.argv[1]
os.makedirs(out + "/in", exist_ok=True)
os.makedirs(out + "/ref", exist_ok=True)
H, W, C, OH, OW = 4, 5, 3, 8, 10


def nearest(o, n, d, offset, size):
    v = o * d + offset
    index = v // n
    r = v - (v // n) * n if v >= 0 else -((-v) % n)  # remainder with v's sign
    if r / n >= 0.5:
        index += 1
    return min(max(index, 0), size - 1)


random.seed(5)
for k in range(3):
    x = [random.uniform(-4, 4) for _ in range(H * W * C)]
    x = [struct.unpack("<f", struct.pack("<f", v))[0] for v in x]
    y = []
    for oy in range(OH):
        for ox in range(OW):
            for offset in (-1, 0):
                iy = nearest(oy, 2, 1, offset, H)
                ix = nearest(ox, 2, 1, offset, W)
                y += x[(iy * W + ix) * C:(iy * W + ix + 1) * C]
    with open("%s/in/%d.bin" % (out, k), "wb") as f:
        f.write(struct.pack("<%df" % len(x), *x))
    with open("%s/ref/%d.bin" % (out, k), "wb") as f:
        f.write(struct.pack("<%df" % len(y), *y))
