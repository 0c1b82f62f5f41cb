#!/usr/bin/env python3
"""Writes inputs for math_model.mlir (1x4x4x16 f32 in [-4, 4], the ends
included) to OUT/in and the expected outputs (1x4x4x64: sigmoid, tanh,
exp, erf per pixel) in double precision, rounded to f32, to OUT/ref."""
import math
import os
import random
import struct
import sys

out = sys.argv[1]
os.makedirs(out + "/in", exist_ok=True)
os.makedirs(out + "/ref", exist_ok=True)
f32 = lambda v: struct.unpack("<f", struct.pack("<f", v))[0]
random.seed(3)
for k in range(3):
    x = [f32(random.uniform(-4, 4)) for _ in range(4 * 4 * 16)]
    x[0], x[1], x[2] = -4.0, 4.0, 0.0
    y = []
    for p in range(16):
        v = x[p * 16:(p + 1) * 16]
        y += [1 / (1 + math.exp(-a)) for a in v]
        y += [math.tanh(a) for a in v]
        y += [math.exp(a) for a in v]
        y += [math.erf(a) for a in v]
    with open("%s/in/%d.bin" % (out, k), "wb") as f:
        f.write(struct.pack("<%df" % len(x), *x))
    with open("%s/ref/%d.bin" % (out, k), "wb") as f:
        f.write(struct.pack("<%df" % len(y), *y))
