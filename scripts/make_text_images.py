#!/usr/bin/env python3
"""Renders text-line images and preprocesses them exactly as PaddleOCR's
text-direction classifier does, writing model-ready inputs.

    python3 scripts/make_text_images.py OUT_DIR [--count N] [--seed S]

For each image: ImageMagick renders a fixed string in DejaVu Sans (regular,
bold or mono) at a varied size, black-on-white or dark-on-gray, with a small
border and, for some, mild Gaussian noise; every second image is rotated
180 degrees. Then, as PaddleOCR's TextClassifier.resize_norm_img
(tools/infer/predict_cls.py; cls_image_shape 3,48,192):
  - the image is BGR uint8 (cv2.imread order),
  - resized_w = min(192, ceil(48 * w / h)); cv2.resize to (resized_w, 48)
    with INTER_LINEAR (half-pixel centres, edge clamp),
  - x / 255, then (x - 0.5) / 0.5, in float32, transposed to CHW,
  - placed at the left of a zero 3x48x192 tensor (zero = mid-gray after
    normalisation), i.e. padded on the right.
Writes OUT_DIR/<name>.bin (raw little-endian float32, NCHW 1x3x48x192),
OUT_DIR/labels.txt ("<name> 0" / "<name> 180"), OUT_DIR/manifest.tsv (what
was drawn) and OUT_DIR/png/<name>.png (the rendered image, before resizing).
Deterministic: fixed strings, fixed seed, ImageMagick noise seeded.
No numpy: pixels come from `convert IMG -depth 8 rgb:-`.
"""

import argparse
import array
import math
import os
import random
import shutil
import struct
import subprocess
import sys

IMG_C, IMG_H, IMG_W = 3, 48, 192
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ["DejaVuSans.ttf", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"]

# Not rotation-symmetric (no "SOS", "NOON", "pod"), mixed case, digits,
# punctuation, short and long, so aspect ratios range from ~1.5 to >10.
STRINGS = [
    "Hello world", "Invoice No. 2024-0815", "Total: $1,249.99", "Quantization",
    "The quick brown fox", "jumps over the lazy dog", "Receipt", "Date: 12/03/2023",
    "MLIR int8", "Please keep this side up", "Tel. +44 20 7946 0958", "Apple",
    "Street 42", "Chapter 7: Results", "Delivery address", "Keep refrigerated",
    "Batch normalization", "Gradient", "Sample text line", "Order #A-77341",
    "Thank you!", "Exit", "Monday, July 4th", "Convolution kernel",
    "Lorem ipsum dolor sit amet", "Width 192 px", "Reading order", "Paid in full",
    "Serial: XK-2291-B", "Fragile", "Qty 3 x 4.50", "Open 9am - 5pm",
    "Warning: hot surface", "Page 17 of 240", "Subtotal", "Bank transfer",
    "Engine v2.0", "Lightweight", "Amount due", "Signature",
    "Customer ID 88213", "Handle with care", "Printed in Germany", "Yes",
    "Best before 2025-01-31", "Station", "Welcome back", "Flight LH 4021",
    "Table 3", "Kilogram", "Photograph", "Mixed Case Text",
]


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


# PaddleOCR normalises in float32: x/255 (float32), -= 0.5, /= 0.5.
# Only 256 input values exist, so tabulate the exact float32 results.
NORM = [f32(f32(f32(v / 255.0) - 0.5) / 0.5) for v in range(256)]


def find_convert():
    # /usr/local/bin/convert may be a PNG-only stand-in; prefer the real binary.
    for c in ("/usr/bin/convert", shutil.which("convert")):
        if c and os.access(c, os.X_OK):
            return c
    sys.exit("make_text_images: ImageMagick convert not found (run scripts/fetch-models.sh)")


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("make_text_images: %s failed:\n%s" % (" ".join(cmd), r.stderr.decode(errors="replace")))
    return r.stdout


def cv2_linear_taps(src, dst):
    """cv2.resize INTER_LINEAR source index / weight per destination index."""
    scale = src / dst
    taps = []
    for d in range(dst):
        fx = (d + 0.5) * scale - 0.5
        sx = math.floor(fx)
        fx -= sx
        if sx < 0:
            sx, fx = 0, 0.0
        if sx >= src - 1:
            sx, fx = src - 1, 0.0
        taps.append((sx, min(sx + 1, src - 1), fx))
    return taps


def resize_norm(rgb, w, h):
    """PaddleOCR cls resize_norm_img on an RGB byte buffer -> float32 CHW list."""
    ratio = w / float(h)
    rw = IMG_W if math.ceil(IMG_H * ratio) > IMG_W else int(math.ceil(IMG_H * ratio))
    xt = cv2_linear_taps(w, rw)
    yt = cv2_linear_taps(h, IMG_H)
    out = array.array("f", bytes(4 * IMG_C * IMG_H * IMG_W))  # zeros = right padding
    for c in range(IMG_C):
        src_c = 2 - c  # BGR, as cv2.imread gives: channel 0 is blue
        for y, (y0, y1, fy) in enumerate(yt):
            r0 = y0 * w * 3
            r1 = y1 * w * 3
            base = (c * IMG_H + y) * IMG_W
            for x, (x0, x1, fx) in enumerate(xt):
                a = rgb[r0 + 3 * x0 + src_c] * (1 - fx) + rgb[r0 + 3 * x1 + src_c] * fx
                b = rgb[r1 + 3 * x0 + src_c] * (1 - fx) + rgb[r1 + 3 * x1 + src_c] * fx
                v = int(math.floor(a * (1 - fy) + b * fy + 0.5))  # back to uint8
                out[base + x] = NORM[min(255, max(0, v))]
    return out, rw


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--seed", type=int, default=20240607)
    args = ap.parse_args()

    convert = find_convert()
    for f in set(FONTS):
        if not os.path.exists(os.path.join(FONT_DIR, f)):
            sys.exit("make_text_images: font %s missing (apt-get install fonts-dejavu-core)" % f)

    rng = random.Random(args.seed)
    png_dir = os.path.join(args.out_dir, "png")
    os.makedirs(png_dir, exist_ok=True)
    for f in os.listdir(args.out_dir):  # stale inputs from a larger run
        if f.endswith(".bin"):
            os.remove(os.path.join(args.out_dir, f))

    labels, manifest = [], ["name\tlabel\ttext\tfont\tpointsize\tfg\tbg\tnoise\tsrc_wxh\tresized_w"]
    for i in range(args.count):
        name = "img%03d" % i
        text = STRINGS[(i * 7) % len(STRINGS)] if i >= len(STRINGS) else STRINGS[i]
        rotated = i % 2 == 1
        font = rng.choice(FONTS)
        size = rng.choice([14, 18, 22, 28, 36, 48, 64])
        style = rng.random()
        if style < 0.6:  # black on white
            fg, bg = "#000000", "#ffffff"
        else:  # dark text on a light gray
            g = rng.randint(170, 225)
            t = rng.randint(0, 70)
            fg, bg = "#%02x%02x%02x" % (t, t, t), "#%02x%02x%02x" % (g, g, g)
        bx, by = rng.randint(2, 12), rng.randint(1, 6)
        noise = rng.random() < 0.3
        cmd = [convert, "-background", bg, "-fill", fg,
               "-font", os.path.join(FONT_DIR, font), "-pointsize", str(size),
               "label:" + text, "-bordercolor", bg, "-border", "%dx%d" % (bx, by)]
        if noise:
            cmd += ["-seed", str(args.seed + i), "-attenuate", "0.4", "+noise", "Gaussian"]
        if rotated:
            cmd += ["-rotate", "180"]
        png = os.path.join(png_dir, name + ".png")
        run(cmd + ["-type", "TrueColor", "-depth", "8", "PNG24:" + png])

        w, h = map(int, run([convert, png, "-format", "%w %h", "info:"]).split())
        rgb = run([convert, png, "-depth", "8", "rgb:-"])
        if len(rgb) != w * h * 3:
            sys.exit("make_text_images: %s: got %d bytes for %dx%d" % (png, len(rgb), w, h))
        data, rw = resize_norm(rgb, w, h)
        if sys.byteorder != "little":
            data.byteswap()
        with open(os.path.join(args.out_dir, name + ".bin"), "wb") as fh:
            data.tofile(fh)

        label = "180" if rotated else "0"
        labels.append("%s %s" % (name, label))
        manifest.append("\t".join([name, label, text, font, str(size), fg, bg,
                                   "yes" if noise else "no", "%dx%d" % (w, h), str(rw)]))

    with open(os.path.join(args.out_dir, "labels.txt"), "w") as fh:
        fh.write("\n".join(labels) + "\n")
    with open(os.path.join(args.out_dir, "manifest.tsv"), "w") as fh:
        fh.write("\n".join(manifest) + "\n")
    print("make_text_images: wrote %d inputs (1x%dx%dx%d float32) + labels.txt to %s"
          % (args.count, IMG_C, IMG_H, IMG_W, args.out_dir))


if __name__ == "__main__":
    main()
