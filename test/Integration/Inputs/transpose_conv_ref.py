#!/usr/bin/env python3
"""Random inputs (1x4x5x6 f32) for transpose_conv_model.mlir in OUT/in and
OUT/calib, and the float model's outputs (1x16x20x1: transposed conv 2x2/2,
batch norm, ReLU, transposed conv 2x2/2 to one channel), computed in double
from the model file's constants, in OUT/ref."""
import json
import math
import os
import random
import re
import struct
import sys

model, out = sys.argv[1], sys.argv[2]
consts = {}
for name, values in re.findall(r'%(\w+) = "tosa.const"\(\) <\{values = dense<(.*?)> :',
                               open(model).read()):
    consts[name] = json.loads(values)


def flat(v):
    return [x for y in v for x in flat(y)] if isinstance(v, list) else [v]


def tconv(x, h, w, c, wt, bias):
    """TOSA transpose_conv2d, kernel = stride = 2, weights [O][2][2][C]."""
    o = len(wt)
    y = [[[0.0] * o for _ in range(2 * w)] for _ in range(2 * h)]
    for iy in range(h):
        for ix in range(w):
            for ky in range(2):
                for kx in range(2):
                    for oc in range(o):
                        y[2 * iy + ky][2 * ix + kx][oc] = bias[min(oc, len(bias) - 1)] + sum(
                            x[iy][ix][ic] * wt[oc][ky][kx][ic] for ic in range(c))
    return y


bn = [flat(consts[k]) for k in ("mean", "var", "gamma", "beta")]
random.seed(9)
for d in ("in", "calib", "ref"):
    os.makedirs(os.path.join(out, d), exist_ok=True)
for k in range(8):
    xs = [struct.unpack("<f", struct.pack("<f", random.uniform(-1, 1)))[0]
          for _ in range(4 * 5 * 6)]
    x = [[xs[(i * 5 + j) * 6:(i * 5 + j + 1) * 6] for j in range(5)] for i in range(4)]
    y = tconv(x, 4, 5, 6, consts["w1"], flat(consts["b1"]))
    for row in y:
        for px in row:
            for c in range(3):
                m, v, g, b = (t[c] for t in bn)
                px[c] = max(0.0, (px[c] - m) / math.sqrt(v + 1e-5) * g + b)
    z = tconv(y, 8, 10, 3, consts["w2"], flat(consts["b2"]))
    zs = [px[0] for row in z for px in row]
    sub = "in" if k < 3 else "calib"
    with open(os.path.join(out, sub, "%d.bin" % k), "wb") as f:
        f.write(struct.pack("<%df" % len(xs), *xs))
    if sub == "in":
        with open(os.path.join(out, "ref", "%d.bin" % k), "wb") as f:
            f.write(struct.pack("<%df" % len(zs), *zs))
