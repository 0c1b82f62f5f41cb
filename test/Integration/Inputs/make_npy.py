#!/usr/bin/env python3
"""Writes NumPy .npy files without NumPy (for the .npy input tests).

    make_npy.py SRC_DIR OUT_DIR    each SRC_DIR/NNN.bin (768 raw f32) as
                                   OUT_DIR/NNN.npy, alternating float32 /
                                   float64 and shapes (1,16,16,3) / (16,16,3)
    make_npy.py --bad OUT_DIR      one malformed file per kind of error
"""
import os
import struct
import sys


def npy(path, shape, values, descr="<f4", fortran=False, magic=b"\x93NUMPY"):
    dims = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", dims)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    code = {"<f4": "f", "<f8": "d", "<i4": "i"}[descr]
    data = struct.pack("<%d%s" % (len(values), code), *values)
    with open(path, "wb") as f:
        f.write(magic + b"\x01\x00" + struct.pack("<H", len(header)) +
                header.encode() + data)


def main():
    if sys.argv[1] == "--bad":
        out = sys.argv[2]
        for kind in ("shape", "int", "fortran", "magic", "short"):
            os.makedirs(os.path.join(out, kind), exist_ok=True)
        path = lambda kind: os.path.join(out, kind, "000.npy")
        npy(path("shape"), (1, 3, 16, 16), [0.5] * 768)
        npy(path("int"), (1, 16, 16, 3), [1] * 768, descr="<i4")
        npy(path("fortran"), (1, 16, 16, 3), [0.5] * 768, fortran=True)
        npy(path("magic"), (1, 16, 16, 3), [0.5] * 768, magic=b"\x93NUMPZ")
        npy(path("short"), (1, 16, 16, 3), [0.5] * 700)
        return
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for i, name in enumerate(sorted(os.listdir(src))):
        with open(os.path.join(src, name), "rb") as f:
            values = struct.unpack("<768f", f.read())
        npy(os.path.join(out, name[:-4] + ".npy"),
            (16, 16, 3) if i % 2 else (1, 16, 16, 3), values,
            "<f8" if i % 3 == 0 else "<f4")


if __name__ == "__main__":
    main()
