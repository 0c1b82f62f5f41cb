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
# Five interleaved rounds (this machine's speed drifts); the median of the
# five per-round medians is printed.
declare -A runs
for round in 1 2 3 4 5; do
  runs[int8]+=" $("$out/ppocr.int8" 1 3 48 192 1 | cut -d' ' -f1)"
  runs[f32]+=" $("$out/ppocr.f32" 1 3 48 192 1 | cut -d' ' -f1)"
  for t in 1 2; do
    runs[ort$t]+=" $(node "$root/benchmarks/ort_bench.js" "$model" 1x3x48x192 $t 1 | cut -d' ' -f1)"
  done
done
median() { tr ' ' '\n' <<< "$1" | grep . | sort -g | sed -n 3p; }
mallocs=$("$out/ppocr.int8" 1 3 48 192 0.2 | sed 's/.*), //')
echo "PaddleOCR classifier 1x3x48x192, ms per inference (median of 5 rounds):"
printf '  qmlir int8:              %s  (%s)\n' "$(median "${runs[int8]}")" "$mallocs"
printf '  qmlir float:             %s\n' "$(median "${runs[f32]}")"
printf '  onnxruntime fp32, 1 thread:  %s\n' "$(median "${runs[ort1]}")"
printf '  onnxruntime fp32, 2 threads: %s\n' "$(median "${runs[ort2]}")"
