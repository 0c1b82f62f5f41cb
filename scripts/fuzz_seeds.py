#!/usr/bin/env python3
"""Writes the seed inputs of a fuzz target into OUT (scripts/fuzz.sh, the
test/Fuzz replay test).

  onnx  the ONNX backend node-test models (libonnx-testdata) and the test
        textprotos of test/ONNX/Inputs, encoded with protoc
  opt   the MLIR inputs of the lit tests, one file per `// -----` split

Usage: fuzz_seeds.py onnx|opt OUT"""
import glob
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
count = 0
if target == "onnx":
    for model in sorted(glob.glob("/usr/share/libonnx-testdata/data/node/*/model.onnx")):
        name = os.path.basename(os.path.dirname(model))
        with open(model, "rb") as src, open(os.path.join(out, name + ".onnx"), "wb") as dst:
            dst.write(src.read())
        count += 1
    for text in sorted(glob.glob(os.path.join(root, "test/ONNX/Inputs/*.textproto"))):
        with open(text, "rb") as src:
            encoded = subprocess.run(
                ["protoc", "--encode=onnx.ModelProto", "-I", "/usr/include/onnx",
                 "/usr/include/onnx/onnx.proto"], stdin=src, capture_output=True)
        if encoded.returncode == 0:
            name = os.path.basename(text)[: -len(".textproto")]
            with open(os.path.join(out, name + ".onnx"), "wb") as dst:
                dst.write(encoded.stdout)
            count += 1
elif target == "opt":
    for path in sorted(glob.glob(os.path.join(root, "test/**/*.mlir"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        stem = os.path.relpath(path, os.path.join(root, "test"))[:-5].replace("/", "_")
        for i, part in enumerate(re.split(r"^// -----\s*$", text, flags=re.M)):
            if part.strip():
                with open(os.path.join(out, "%s.%d.mlir" % (stem, i)), "w", encoding="utf-8") as f:
                    f.write(part)
                count += 1
else:
    sys.exit("unknown target '%s' (onnx, opt)" % target)
print("fuzz_seeds: %d %s seeds" % (count, target))
