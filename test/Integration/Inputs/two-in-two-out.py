# Writes samples of two-in-two-out.mlir: DIR/{calib,eval}/S.x.bin and
# S.state.bin, and the float outputs DIR/ref/S.y.bin and S.p.bin.
import math, os, random, struct, sys

W = [[0.5, -0.25, 0.125, 1.0], [-1.0, 0.75, 0.25, -0.5],
     [0.25, 0.5, -0.75, 0.125], [1.0, 0.125, 0.5, -0.25],
     [-0.5, -1.0, 0.25, 0.75], [0.75, 0.25, -0.125, 0.5],
     [-0.25, 0.5, 1.0, -1.0], [0.125, -0.75, 0.5, 0.25]]
out = sys.argv[1]
rng = random.Random(7)
for d in ("calib", "eval", "ref"):
    os.makedirs(os.path.join(out, d), exist_ok=True)
def write(path, values):
    with open(path, "wb") as f:
        f.write(struct.pack("<%df" % len(values), *values))
for split, n in (("calib", 16), ("eval", 8)):
    for k in range(n):
        x = [rng.uniform(-1, 1) for _ in range(8)]
        s = [rng.uniform(-0.5, 0.5) for _ in range(4)]
        y = [sum(x[i] * W[i][j] for i in range(8)) + s[j] for j in range(4)]
        p = 1 / (1 + math.exp(-sum(y)))
        name = "s%02d" % k
        write(os.path.join(out, split, name + ".x.bin"), x)
        write(os.path.join(out, split, name + ".state.bin"), s)
        if split == "eval":
            write(os.path.join(out, "ref", name + ".y.bin"), y)
            write(os.path.join(out, "ref", name + ".p.bin"), [p])
