#!/usr/bin/env bash
# Whole-model latency, side by side in one run: the PaddleOCR classifier
# (1x3x48x192) compiled by qmlir to an x86-64 object in int8 and in float,
# and onnxruntime fp32 with 1 and 2 threads. Also prints the mallocs each
# inference of the qmlir objects makes. Not a test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/bench-models"
mkdir -p "$out"
bash "$root/scripts/build.sh" > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
model="$root/build/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
# Prepares the images, checks the float model against onnxruntime and the
# int8 model against the float one, and writes both objects.
bash "$root/scripts/ppocr.sh" "$out/ppocr" --target x86_64 \
  -o "$out/ppocr.int8.o" --float-object "$out/ppocr.f32.o" | sed 's/^/  /'
for kind in int8 f32; do
  clang-22 -O2 "$root/benchmarks/model_bench.c" "$out/ppocr.$kind.o" \
    -Wl,--wrap=malloc -lm -o "$out/ppocr.$kind"
done
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "PaddleOCR classifier 1x3x48x192:"
printf '  qmlir int8:           %s\n' "$("$out/ppocr.int8" 1 3 48 192)"
printf '  qmlir float:          %s\n' "$("$out/ppocr.f32" 1 3 48 192)"
for t in 1 2; do
  printf '  onnxruntime fp32:     %s\n' \
    "$(node "$root/benchmarks/ort_bench.js" "$model" 1x3x48x192 $t)"
done
