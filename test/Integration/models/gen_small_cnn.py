#!/usr/bin/env python3
"""Deterministic generator for the small float CNN test model (pure Python).

Produces, next to this script (or under --out):
  small_cnn.mlir          float TOSA model + custom `qnn.batch_norm` ops
  calib/NNN.bin           32 calibration images, 1x16x16x3 f32 LE, NHWC
  eval/NNN.bin            32 held-out images (different seed), same format
  calib_ref/NNN.bin       float reference logits (10 x f32 LE) for calib images
  eval_ref/NNN.bin        float reference logits (10 x f32 LE) for eval images

The reference logits are computed by a straightforward float64 implementation
of the graph below, using the float32-rounded weights/inputs exactly as written
to the .mlir / .bin files, then rounded to float32.

Graph (NHWC):
  conv2d 3->16 3x3 s1 p1 (+bias) -> qnn.batch_norm -> ReLU
  -> depthwise 3x3 s2 pad [top=0,bottom=1,left=0,right=1] (+bias)  (16x16 -> 8x8)
  -> qnn.batch_norm -> ReLU6 -> conv2d 1x1 16->32 (+bias)
  -> avg_pool2d 8x8 -> reshape 1x1x32 -> matmul 1x32x10 -> add 1x1x10
  -> reshape 1x10

Usage: python3 gen_small_cnn.py [--seed N] [--out DIR]
"""

import argparse
import math
import os
import random
import struct
import sys

H = W = 16
CIN = 3
C1 = 16          # conv1 out channels == depthwise channels
C3 = 32          # pointwise out channels
NCLS = 10
H2 = W2 = 8      # after stride-2 depthwise
N_CALIB = 32
N_EVAL = 32
BN_EPS = struct.unpack("<f", struct.pack("<f", 1e-3))[0]  # f32(1e-3)
# Depthwise padding [top, bottom, left, right]. TOSA (MLIR 22) requires
# (IH - 1 + pt + pb - (KH - 1)) to be divisible by the stride, so the
# symmetric pad 1 is illegal for 16 -> 8 with k=3,s=2; use TF "SAME".
DW_PAD = (0, 1, 0, 1)


def f32(x):
    """Round a Python float to the nearest float32 value (as a float)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_all(seq):
    return [f32(v) for v in seq]


# ----------------------------------------------------------------------------
# Images: smooth structured images (gratings + gaussian blobs + small noise).
# Layout: flat list, NHWC with N=1: index (y*W + x)*C + c
# ----------------------------------------------------------------------------
def make_image(rng):
    img = [0.0] * (H * W * CIN)
    # Oriented sinusoidal gratings with per-channel colour weights.
    for _ in range(rng.randint(2, 4)):
        theta = rng.uniform(0.0, math.pi)
        freq = rng.uniform(0.5, 4.0) / H  # cycles per pixel
        phase = rng.uniform(0.0, 2.0 * math.pi)
        amp = rng.uniform(0.2, 1.0)
        col = [rng.uniform(-1.0, 1.0) for _ in range(CIN)]
        cx, sy = math.cos(theta), math.sin(theta)
        for y in range(H):
            for x in range(W):
                v = amp * math.sin(2.0 * math.pi * freq * (x * cx + y * sy) + phase)
                base = (y * W + x) * CIN
                for c in range(CIN):
                    img[base + c] += v * col[c]
    # Gaussian blobs.
    for _ in range(rng.randint(1, 3)):
        my, mx = rng.uniform(0, H - 1), rng.uniform(0, W - 1)
        sig = rng.uniform(1.5, 4.0)
        amp = rng.uniform(0.5, 1.5) * rng.choice((-1.0, 1.0))
        col = [rng.uniform(0.2, 1.0) for _ in range(CIN)]
        for y in range(H):
            for x in range(W):
                g = amp * math.exp(-((y - my) ** 2 + (x - mx) ** 2) / (2 * sig * sig))
                base = (y * W + x) * CIN
                for c in range(CIN):
                    img[base + c] += g * col[c]
    # Normalise into roughly [0, 1], with occasional contrast/brightness change.
    peak = max(abs(v) for v in img) or 1.0
    contrast = 1.0
    offset = 0.5
    r = rng.random()
    if r < 0.2:
        contrast = rng.uniform(0.25, 0.6)        # low contrast image
    elif r < 0.3:
        contrast = rng.uniform(1.3, 1.8)         # high contrast (clipped)
    if rng.random() < 0.25:
        offset = rng.uniform(0.3, 0.7)           # brightness shift
    out = []
    for v in img:
        v = offset + 0.5 * contrast * v / peak + rng.gauss(0.0, 0.02)
        out.append(f32(min(1.0, max(0.0, v))))
    return out


# ----------------------------------------------------------------------------
# Reference ops (float64, flat NHWC lists, batch 1).
# ----------------------------------------------------------------------------
def conv2d(x, ih, iw, ic, w, b, oc, kh, kw, stride, pad):
    """w: OHWI flat. pad = (top, bottom, left, right)."""
    pt, pb, pl, pr = pad
    oh = (ih + pt + pb - kh) // stride + 1
    ow = (iw + pl + pr - kw) // stride + 1
    out = [0.0] * (oh * ow * oc)
    for oy in range(oh):
        for ox in range(ow):
            # Gather the receptive field once.
            taps = []
            for ky in range(kh):
                y = oy * stride - pt + ky
                if y < 0 or y >= ih:
                    continue
                for kx in range(kw):
                    xx = ox * stride - pl + kx
                    if xx < 0 or xx >= iw:
                        continue
                    taps.append(((y * iw + xx) * ic, (ky * kw + kx) * ic))
            obase = (oy * ow + ox) * oc
            for o in range(oc):
                acc = b[o]
                wo = o * kh * kw * ic
                for xb, wb in taps:
                    wbase = wo + wb
                    for i in range(ic):
                        acc += x[xb + i] * w[wbase + i]
                out[obase + o] = acc
    return out, oh, ow


def depthwise_conv2d(x, ih, iw, c, w, b, kh, kw, stride, pad):
    """w: [KH, KW, C, M=1] flat. pad = (top, bottom, left, right)."""
    pt, pb, pl, pr = pad
    oh = (ih + pt + pb - kh) // stride + 1
    ow = (iw + pl + pr - kw) // stride + 1
    out = [0.0] * (oh * ow * c)
    for oy in range(oh):
        for ox in range(ow):
            obase = (oy * ow + ox) * c
            for ch in range(c):
                acc = b[ch]
                for ky in range(kh):
                    y = oy * stride - pt + ky
                    if y < 0 or y >= ih:
                        continue
                    for kx in range(kw):
                        xx = ox * stride - pl + kx
                        if xx < 0 or xx >= iw:
                            continue
                        acc += x[(y * iw + xx) * c + ch] * w[(ky * kw + kx) * c + ch]
                out[obase + ch] = acc
    return out, oh, ow


def batch_norm(x, c, mean, var, gamma, beta, eps):
    scale = [gamma[i] / math.sqrt(var[i] + eps) for i in range(c)]
    return [(v - mean[i % c]) * scale[i % c] + beta[i % c] for i, v in enumerate(x)]


def clamp(x, lo, hi):
    return [min(hi, max(lo, v)) for v in x]


def avg_pool_global(x, hw, c):
    s = [0.0] * c
    for p in range(hw):
        for ch in range(c):
            s[ch] += x[p * c + ch]
    return [v / hw for v in s]


def fc(feat, w, b):
    """w: [1, K=32, N=10] flat (k*N + n); b: [1,1,10]."""
    return [b[n] + sum(feat[k] * w[k * NCLS + n] for k in range(len(feat)))
            for n in range(NCLS)]


def channel_stats(acts, c):
    """Per-channel mean/var (population) over a list of flat NHWC activations."""
    s = [0.0] * c
    s2 = [0.0] * c
    n = 0
    for a in acts:
        for i, v in enumerate(a):
            s[i % c] += v
            s2[i % c] += v * v
        n += len(a) // c
    mean = [v / n for v in s]
    var = [max(s2[i] / n - mean[i] ** 2, 0.0) for i in range(c)]
    return mean, var


# ----------------------------------------------------------------------------
# Model construction
# ----------------------------------------------------------------------------
def he_weights(rng, count_per_out, n_out, fan_in, out_index, n_wide):
    """He-normal weights; `n_wide` randomly chosen output channels get x4."""
    std = math.sqrt(2.0 / fan_in)
    wide = set(rng.sample(range(n_out), n_wide))
    w = [rng.gauss(0.0, std) for _ in range(count_per_out * n_out)]
    for i in range(len(w)):
        if out_index(i) in wide:
            w[i] *= 4.0
    return f32_all(w), sorted(wide)


def make_bn(rng, mean_act, var_act):
    c = len(mean_act)
    mean, var, gamma, beta = [], [], [], []
    for i in range(c):
        std = math.sqrt(var_act[i] + 1e-6)
        mean.append(mean_act[i] + rng.uniform(-0.1, 0.1) * std)
        var.append(max(var_act[i], 1e-4) * rng.uniform(0.8, 1.25))
        gamma.append(rng.uniform(0.5, 1.5))
        beta.append(rng.gauss(0.1, 0.3))
    return f32_all(mean), f32_all(var), f32_all(gamma), f32_all(beta)


def build_model(rng, calib):
    m = {}
    # conv1: OHWI [16,3,3,3], fan_in 27.
    m["w1"], m["wide1"] = he_weights(rng, 27, C1, 27, lambda i: i // 27, rng.randint(1, 2))
    m["b1"] = f32_all(rng.uniform(-0.1, 0.1) for _ in range(C1))
    a1 = [conv2d(x, H, W, CIN, m["w1"], m["b1"], C1, 3, 3, 1, (1, 1, 1, 1))[0] for x in calib]
    mu, var = channel_stats(a1, C1)
    m["bn1"] = make_bn(rng, mu, var)
    r1 = [clamp(batch_norm(a, C1, *m["bn1"], BN_EPS), 0.0, float("inf")) for a in a1]

    # depthwise: [KH,KW,C,M] = [3,3,16,1], fan_in 9.
    m["w2"], m["wide2"] = he_weights(rng, 9, C1, 9, lambda i: i % C1, rng.randint(1, 2))
    m["b2"] = f32_all(rng.uniform(-0.1, 0.1) for _ in range(C1))
    a2 = [depthwise_conv2d(x, H, W, C1, m["w2"], m["b2"], 3, 3, 2, DW_PAD)[0] for x in r1]
    mu, var = channel_stats(a2, C1)
    m["bn2"] = make_bn(rng, mu, var)
    r2 = [clamp(batch_norm(a, C1, *m["bn2"], BN_EPS), 0.0, 6.0) for a in a2]

    # pointwise conv: OHWI [32,1,1,16], fan_in 16.
    m["w3"], m["wide3"] = he_weights(rng, C1, C3, C1, lambda i: i // C1, rng.randint(1, 2))
    m["b3"] = f32_all(rng.uniform(-0.1, 0.1) for _ in range(C3))
    feats = [avg_pool_global(conv2d(x, H2, W2, C1, m["w3"], m["b3"], C3, 1, 1, 1, (0, 0, 0, 0))[0],
                             H2 * W2, C3) for x in r2]

    # FC: plain init first (normal std sqrt(1/32), small bias).
    m["fc_init"] = "plain"
    m["wfc"] = f32_all(rng.gauss(0.0, math.sqrt(1.0 / C3)) for _ in range(C3 * NCLS))
    m["bfc"] = f32_all(rng.gauss(0.0, 0.05) for _ in range(NCLS))
    top = [argmax(fc(f, m["wfc"], m["bfc"])) for f in feats]
    counts = [top.count(k) for k in range(NCLS)]
    m["plain_hist"] = counts
    if sum(1 for v in counts if v) < 5 or max(counts) > len(top) // 2:
        # Degenerate logits: the pooled features carry a large per-channel
        # constant (their mean over images) that swamps the image-dependent
        # part, so every image gets the same top-1.  Re-draw the FC as a
        # random projection of the *centred* pooled features, each feature
        # scaled by 1/sqrt(sd_k * sd_all) (statistics from the calibration set
        # only), with G ~ N(0, 1/32):
        #   W[k, n] = G[k, n] / sqrt(sd_k * sd_all),  b = b0 - mu^T W.
        # The geometric mean of the per-feature and the overall std balances
        # the features without amplifying the low-variance ones too much
        # (plain 1/sd_k makes the logits fragile under int8 quantization).
        m["fc_init"] = "centred-projection"
        mu, var = channel_stats([f for f in feats], C3)
        sd_all = math.sqrt(sum(var) / C3) + 1e-6
        g = [rng.gauss(0.0, math.sqrt(1.0 / C3)) for _ in range(C3 * NCLS)]
        w = [g[k * NCLS + n] / math.sqrt((math.sqrt(var[k]) + 1e-6) * sd_all)
             for k in range(C3) for n in range(NCLS)]
        b = [rng.gauss(0.0, 0.05) - sum(mu[k] * w[k * NCLS + n] for k in range(C3))
             for n in range(NCLS)]
        m["wfc"], m["bfc"] = f32_all(w), f32_all(b)
    return m


def argmax(v):
    return max(range(len(v)), key=lambda i: v[i])


def forward(m, x):
    a, _, _ = conv2d(x, H, W, CIN, m["w1"], m["b1"], C1, 3, 3, 1, (1, 1, 1, 1))
    a = clamp(batch_norm(a, C1, *m["bn1"], BN_EPS), 0.0, f32(3.4028235e38))
    a, _, _ = depthwise_conv2d(a, H, W, C1, m["w2"], m["b2"], 3, 3, 2, DW_PAD)
    a = clamp(batch_norm(a, C1, *m["bn2"], BN_EPS), 0.0, 6.0)
    a, _, _ = conv2d(a, H2, W2, C1, m["w3"], m["b3"], C3, 1, 1, 1, (0, 0, 0, 0))
    feat = avg_pool_global(a, H2 * W2, C3)
    return fc(feat, m["wfc"], m["bfc"])


# ----------------------------------------------------------------------------
# MLIR emission
# ----------------------------------------------------------------------------
def fmt(v):
    return "%.9e" % v


def dense_literal(vals, shape):
    """Nested dense literal for a row-major flat list."""
    def rec(off, dims):
        if len(dims) == 1:
            return "[" + ", ".join(fmt(v) for v in vals[off:off + dims[0]]) + "]"
        step = 1
        for d in dims[1:]:
            step *= d
        return "[" + ", ".join(rec(off + i * step, dims[1:]) for i in range(dims[0])) + "]"
    return rec(0, list(shape))


def ttype(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def emit_mlir(m, seed):
    L = []
    ap = L.append

    def const(name, vals, shape):
        t = ttype(shape)
        ap('    %%%s = "tosa.const"() <{values = dense<%s> : %s}> : () -> %s'
           % (name, dense_literal(vals, shape), t, t))

    t_in = ttype([1, H, W, CIN])
    t_a1 = ttype([1, H, W, C1])
    t_a2 = ttype([1, H2, W2, C1])
    t_a3 = ttype([1, H2, W2, C3])
    t_c = ttype([C1])
    zp = "tensor<1xf32>"

    ap("// Generated by gen_small_cnn.py --seed %d. DO NOT EDIT." % seed)
    ap("// Float TOSA CNN (NHWC) with custom qnn.batch_norm ops; see README.md.")
    ap("// Input 1x16x16x3 f32 in [0,1]; output 1x10 f32 logits.")
    ap("module {")
    ap("  func.func @main(%%input: %s) -> tensor<1x10xf32> {" % t_in)
    ap('    %%zp = "tosa.const"() <{values = dense<0.000000e+00> : %s}> : () -> %s' % (zp, zp))
    # conv1
    const("conv1_w", m["w1"], [C1, 3, 3, CIN])
    const("conv1_b", m["b1"], [C1])
    ap("    %%conv1 = tosa.conv2d %%input, %%conv1_w, %%conv1_b, %%zp, %%zp {acc_type = f32, "
       "dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : "
       "(%s, %s, %s, %s, %s) -> %s" % (t_in, ttype([C1, 3, 3, CIN]), t_c, zp, zp, t_a1))
    # bn1
    for nm, vals in zip(("mean", "var", "gamma", "beta"), m["bn1"]):
        const("bn1_" + nm, vals, [C1])
    ap("    %%bn1 = qnn.batch_norm %%conv1, %%bn1_mean, %%bn1_var, %%bn1_gamma, %%bn1_beta "
       "{epsilon = 1.000000e-03 : f32} : (%s, %s, %s, %s, %s) -> %s"
       % (t_a1, t_c, t_c, t_c, t_c, t_a1))
    ap("    %%relu1 = tosa.clamp %%bn1 {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} "
       ": (%s) -> %s" % (t_a1, t_a1))
    # depthwise
    const("dw_w", m["w2"], [3, 3, C1, 1])
    const("dw_b", m["b2"], [C1])
    ap("    %%dw = tosa.depthwise_conv2d %%relu1, %%dw_w, %%dw_b, %%zp, %%zp {acc_type = f32, "
       "dilation = array<i64: 1, 1>, pad = array<i64: %d, %d, %d, %d>, stride = array<i64: 2, 2>} : "
       "(%s, %s, %s, %s, %s) -> %s"
       % (DW_PAD + (t_a1, ttype([3, 3, C1, 1]), t_c, zp, zp, t_a2)))
    for nm, vals in zip(("mean", "var", "gamma", "beta"), m["bn2"]):
        const("bn2_" + nm, vals, [C1])
    ap("    %%bn2 = qnn.batch_norm %%dw, %%bn2_mean, %%bn2_var, %%bn2_gamma, %%bn2_beta "
       "{epsilon = 1.000000e-03 : f32} : (%s, %s, %s, %s, %s) -> %s"
       % (t_a2, t_c, t_c, t_c, t_c, t_a2))
    ap("    %%relu6 = tosa.clamp %%bn2 {max_val = 6.000000e+00 : f32, min_val = 0.000000e+00 : f32} "
       ": (%s) -> %s" % (t_a2, t_a2))
    # pointwise
    const("pw_w", m["w3"], [C3, 1, 1, C1])
    const("pw_b", m["b3"], [C3])
    ap("    %%pw = tosa.conv2d %%relu6, %%pw_w, %%pw_b, %%zp, %%zp {acc_type = f32, "
       "dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : "
       "(%s, %s, %s, %s, %s) -> %s" % (t_a2, ttype([C3, 1, 1, C1]), ttype([C3]), zp, zp, t_a3))
    ap("    %%pool = tosa.avg_pool2d %%pw, %%zp, %%zp {acc_type = f32, kernel = array<i64: 8, 8>, "
       "pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (%s, %s, %s) -> %s"
       % (t_a3, zp, zp, ttype([1, 1, 1, C3])))
    ap("    %%shape3 = tosa.const_shape {values = dense<[1, 1, %d]> : tensor<3xindex>} : () -> !tosa.shape<3>" % C3)
    ap("    %%flat = tosa.reshape %%pool, %%shape3 : (%s, !tosa.shape<3>) -> %s"
       % (ttype([1, 1, 1, C3]), ttype([1, 1, C3])))
    const("fc_w", m["wfc"], [1, C3, NCLS])
    ap("    %%fc = tosa.matmul %%flat, %%fc_w, %%zp, %%zp : (%s, %s, %s, %s) -> %s"
       % (ttype([1, 1, C3]), ttype([1, C3, NCLS]), zp, zp, ttype([1, 1, NCLS])))
    const("fc_b", m["bfc"], [1, 1, NCLS])
    ap("    %%logits3 = tosa.add %%fc, %%fc_b : (%s, %s) -> %s"
       % (ttype([1, 1, NCLS]), ttype([1, 1, NCLS]), ttype([1, 1, NCLS])))
    ap("    %%shape2 = tosa.const_shape {values = dense<[1, %d]> : tensor<2xindex>} : () -> !tosa.shape<2>" % NCLS)
    ap("    %%logits = tosa.reshape %%logits3, %%shape2 : (%s, !tosa.shape<2>) -> tensor<1x10xf32>"
       % ttype([1, 1, NCLS]))
    ap("    return %logits : tensor<1x10xf32>")
    ap("  }")
    ap("}")
    return "\n".join(L) + "\n"


def write_f32(path, vals):
    with open(path, "wb") as f:
        f.write(struct.pack("<%df" % len(vals), *vals))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args(argv)

    calib_rng = random.Random(args.seed * 1000 + 1)
    eval_rng = random.Random(args.seed * 1000 + 2)
    model_rng = random.Random(args.seed * 1000 + 3)

    calib = [make_image(calib_rng) for _ in range(N_CALIB)]
    evals = [make_image(eval_rng) for _ in range(N_EVAL)]
    m = build_model(model_rng, calib)

    out = args.out
    for d in ("calib", "eval", "calib_ref", "eval_ref"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    with open(os.path.join(out, "small_cnn.mlir"), "w") as f:
        f.write(emit_mlir(m, args.seed))

    summary = {}
    for name, imgs in (("calib", calib), ("eval", evals)):
        tops = []
        for i, x in enumerate(imgs):
            write_f32(os.path.join(out, name, "%03d.bin" % i), x)
            logits = f32_all(forward(m, x))
            write_f32(os.path.join(out, name + "_ref", "%03d.bin" % i), logits)
            tops.append(argmax(logits))
        summary[name] = tops

    print("wide (x4) channels: conv1 %s, depthwise %s, pointwise %s"
          % (m["wide1"], m["wide2"], m["wide3"]))
    print("plain FC init, calib top-1 histogram: %s" % m["plain_hist"])
    print("fc init used: %s" % m["fc_init"])
    for name in ("calib", "eval"):
        tops = summary[name]
        hist = [tops.count(k) for k in range(NCLS)]
        print("%s top-1 per image: %s" % (name, " ".join(str(t) for t in tops)))
        print("%s top-1 histogram (class 0..9): %s  (%d distinct classes)"
              % (name, hist, sum(1 for v in hist if v)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
