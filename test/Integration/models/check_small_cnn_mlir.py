#!/usr/bin/env python3
"""Cross-check small_cnn.mlir with upstream MLIR tools (no qmlir needed).

1. Expands every `qnn.batch_norm` into plain TOSA ops
   (y = (x - mean) * rsqrt(var + eps) * gamma + beta, params reshaped to 1x1x1xC).
2. Runs `mlir-opt` (parse/verify), `--tosa-validate` and `--tosa-to-linalg-pipeline`.
3. Appends an @entry that calls @main on every calib/eval image (embedded as
   constants), lowers to LLVM, runs it with `mlir-runner` and compares the
   printed logits against calib_ref/ and eval_ref/.

Usage: python3 check_small_cnn_mlir.py [--llvm-bin /usr/lib/llvm-22/bin] [--keep DIR]
Exit status 0 on success.
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

BN_RE = re.compile(
    r"^(\s*)%(\w+) = qnn\.batch_norm %(\w+), %(\w+), %(\w+), %(\w+), %(\w+) "
    r"\{epsilon = ([^ ]+) : f32\} : \((tensor<[^>]+>), (tensor<(\d+)xf32>), [^)]*\) -> (tensor<[^>]+>)$")


def expand_bn(line):
    m = BN_RE.match(line)
    if not m:
        raise SystemExit("cannot parse qnn.batch_norm line: " + line)
    ind, res, x, mean, var, gamma, beta, eps, tx, _tc, c, ty = m.groups()
    p = "%xbn_" + res + "_"
    t4 = "tensor<1x1x1x%sxf32>" % c
    out = [
        '%s%sshape = tosa.const_shape {values = dense<[1, 1, 1, %s]> : tensor<4xindex>} : () -> !tosa.shape<4>' % (ind, p, c),
        '%s%seps = "tosa.const"() <{values = dense<%s> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>' % (ind, p, eps),
        '%s%sshift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>' % (ind, p),
    ]
    for nm, v in (("mean", mean), ("var", var), ("gamma", gamma), ("beta", beta)):
        out.append("%s%s%s = tosa.reshape %%%s, %sshape : (tensor<%sxf32>, !tosa.shape<4>) -> %s"
                   % (ind, p, nm, v, p, c, t4))
    out += [
        "%s%sve = tosa.add %svar, %seps : (%s, tensor<1x1x1x1xf32>) -> %s" % (ind, p, p, p, t4, t4),
        "%s%sinv = tosa.rsqrt %sve : (%s) -> %s" % (ind, p, p, t4, t4),
        "%s%scen = tosa.sub %%%s, %smean : (%s, %s) -> %s" % (ind, p, x, p, tx, t4, ty),
        "%s%snorm = tosa.mul %scen, %sinv, %sshift : (%s, %s, tensor<1xi8>) -> %s" % (ind, p, p, p, p, ty, t4, ty),
        "%s%sscaled = tosa.mul %snorm, %sgamma, %sshift : (%s, %s, tensor<1xi8>) -> %s" % (ind, p, p, p, p, ty, t4, ty),
        "%s%%%s = tosa.add %sscaled, %sbeta : (%s, %s) -> %s" % (ind, res, p, p, ty, t4, ty),
    ]
    return out


def read_f32(path):
    with open(path, "rb") as f:
        data = f.read()
    return list(struct.unpack("<%df" % (len(data) // 4), data))


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.stderr.write("FAILED: %s\n%s\n" % (" ".join(cmd), r.stderr[-4000:]))
        raise SystemExit(1)
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--llvm-bin", default="/usr/lib/llvm-22/bin")
    ap.add_argument("--keep", help="keep temporaries in this directory")
    ap.add_argument("--rtol", type=float, default=1e-4)
    args = ap.parse_args()
    opt = os.path.join(args.llvm_bin, "mlir-opt")
    runner = os.path.join(args.llvm_bin, "mlir-runner")
    libdir = os.path.join(os.path.dirname(args.llvm_bin), "lib")

    src = open(os.path.join(HERE, "small_cnn.mlir")).read().splitlines()
    lines, n_bn = [], 0
    for ln in src:
        if "qnn.batch_norm" in ln and not ln.lstrip().startswith("//"):
            lines += expand_bn(ln)
            n_bn += 1
        else:
            lines.append(ln)
    assert n_bn == 2, n_bn
    tmp = args.keep or tempfile.mkdtemp(prefix="small_cnn_check_")
    os.makedirs(tmp, exist_ok=True)
    plain = os.path.join(tmp, "small_cnn_plain_tosa.mlir")
    with open(plain, "w") as f:
        f.write("\n".join(lines) + "\n")

    run([opt, plain, "-o", os.devnull])
    print("parse/verify: OK")
    run([opt, plain, "--tosa-attach-target=profiles=pro_fp",
         "--tosa-validate=strict-op-spec-alignment", "-o", os.devnull])
    print("tosa-validate (pro_fp, strict-op-spec-alignment): OK")
    run([opt, plain, "--tosa-to-linalg-pipeline", "-o", os.devnull])
    print("tosa-to-linalg-pipeline: OK")

    # End-to-end execution with mlir-runner.
    sets = []
    for name in ("calib", "eval"):
        for fn in sorted(os.listdir(os.path.join(HERE, name))):
            sets.append((name, fn))
    body = lines[:-1]  # drop closing "}" of module
    body.append("  func.func private @printMemrefF32(memref<*xf32>)")
    body.append("  func.func @entry() {")
    for i, (name, fn) in enumerate(sets):
        x = read_f32(os.path.join(HERE, name, fn))
        assert len(x) == 16 * 16 * 3
        body.append("    %%x%d = arith.constant dense<\"0x%s\"> : tensor<1x16x16x3xf32>"
                    % (i, struct.pack("<%df" % len(x), *x).hex().upper()))
        body.append("    %%y%d = func.call @main(%%x%d) : (tensor<1x16x16x3xf32>) -> tensor<1x10xf32>" % (i, i))
        body.append("    %%m%d = bufferization.to_buffer %%y%d : tensor<1x10xf32> to memref<1x10xf32>" % (i, i))
        body.append("    %%u%d = memref.cast %%m%d : memref<1x10xf32> to memref<*xf32>" % (i, i))
        body.append("    func.call @printMemrefF32(%%u%d) : (memref<*xf32>) -> ()" % i)
    body.append("    return")
    body.append("  }")
    body.append("}")
    e2e = os.path.join(tmp, "small_cnn_e2e.mlir")
    with open(e2e, "w") as f:
        f.write("\n".join(body) + "\n")
    llvm = os.path.join(tmp, "small_cnn_e2e.llvm.mlir")
    run([opt, e2e, "--tosa-to-linalg-pipeline", "--tosa-to-tensor", "--tosa-to-arith",
         "--one-shot-bufferize=bufferize-function-boundaries",
         "--convert-linalg-to-loops", "--lower-affine", "--convert-scf-to-cf",
         "--expand-strided-metadata", "--finalize-memref-to-llvm",
         "--convert-math-to-llvm", "--convert-arith-to-llvm",
         "--convert-func-to-llvm", "--convert-cf-to-llvm",
         "--reconcile-unrealized-casts", "-o", llvm])
    out = run([runner, llvm, "-e", "entry", "-entry-point-result=void",
               "-shared-libs=%s,%s" % (os.path.join(libdir, "libmlir_runner_utils.so"),
                                       os.path.join(libdir, "libmlir_c_runner_utils.so"))])
    rows = re.findall(r"\[\[([^\]]*)\]\]", out)
    if len(rows) != len(sets):
        raise SystemExit("expected %d outputs, got %d" % (len(sets), len(rows)))
    worst = 0.0
    for (name, fn), row in zip(sets, rows):
        got = [float(v) for v in row.split(",")]
        ref = read_f32(os.path.join(HERE, name + "_ref", fn))
        scale = max(1.0, max(abs(v) for v in ref))
        err = max(abs(a - b) for a, b in zip(got, ref)) / scale
        worst = max(worst, err)
        if err > args.rtol:
            raise SystemExit("mismatch %s/%s: got %s ref %s" % (name, fn, got, ref))
        if max(range(10), key=lambda k: got[k]) != max(range(10), key=lambda k: ref[k]):
            raise SystemExit("top-1 mismatch %s/%s" % (name, fn))
    print("mlir-runner vs python reference: %d images OK (max scaled abs err %.2e)"
          % (len(sets), worst))
    if not args.keep:
        shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
