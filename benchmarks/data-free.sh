#!/usr/bin/env bash
# Accuracy of the data-free PTQ passes (qnn-equalize, qnn-absorb-high-bias,
# qnn-correct-bias) on real models, per-channel and per-tensor weights:
#   small  the small CNN of the tests (32 calibration, 32 held-out inputs)
#   cls    PaddleOCR text-direction classifier (24 + 24 rendered text lines)
#   det    PP-OCRv4 detector, 320x320 (9 + 3 rendered pages)
#   rec    PP-OCRv4 recognizer, 48x320 (9 + 3 rendered lines)
#   vad    Silero VAD v5 (real speech, streamed: 222 + 222 frames)
# Each variant's calibration and held-out ("evaluation") SQNR and agreement
# against the float model, as quant-compile reports them. The inputs are
# those of benchmarks/models.sh (made here if missing). Not a test; ~1 hour
# for all five on 2 cores. Usage: benchmarks/data-free.sh [small cls det rec vad]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/bench-models"
bin="$root/build/bin"
models="$root/build/models"
mkdir -p "$out"
bash "$root/scripts/build.sh" > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
bash "$root/scripts/fetch-models.sh" > "$out/fetch.log" 2>&1 || { cat "$out/fetch.log"; exit 1; }
which=("$@")
((${#which[@]})) || which=(small cls det rec vad)

variants=(
  "naive|"
  "CLE|--equalize"
  "CLE+HBA|--equalize --absorb-high-bias"
  "CLE+HBA+BC analytic|--equalize --absorb-high-bias --bias-correction analytic"
  "CLE+HBA+BC empirical|--equalize --absorb-high-bias --bias-correction empirical")

for m in "${which[@]}"; do
  case $m in
    small)
      args=("$root/test/Integration/models/small_cnn.mlir"
            --calib "$root/test/Integration/models/calib"
            --eval "$root/test/Integration/models/eval") ;;
    cls)
      [[ -d $out/cls/calib ]] || bash "$root/scripts/ppocr.sh" "$out/cls" --float-only > /dev/null 2>&1 || true
      args=("$models/ch_ppocr_mobile_v2.0_cls_infer.onnx" --input-shape x=1x3x48x192
            --calib "$out/cls/calib" --eval "$out/cls/eval") ;;
    det|rec)
      [[ -d $out/$m-data/calib ]] || python3 "$root/benchmarks/make_ocr_inputs.py" "$out/$m-data" "$m" --size 320
      shape=1x3x320x320; [[ $m == rec ]] && shape=1x3x48x320
      file=ch_PP-OCRv4_det_infer.onnx; [[ $m == rec ]] && file=ch_PP-OCRv4_rec_infer.onnx
      args=("$models/$file" --input-shape "x=$shape"
            --calib "$out/$m-data/calib" --eval "$out/$m-data/eval") ;;
    vad)
      [[ -d $out/vad-data/calib ]] || node "$root/scripts/vad_inputs.js" "$out/vad-data" > "$out/vad-data.log"
      args=("$models/silero_vad_v5.onnx" --input-shape input=1x512
            --input-shape state=2x1x128 --input-value sr=16000
            --calib "$out/vad-data/calib" --eval "$out/vad-data/eval") ;;
    *) echo "unknown model '$m' (small cls det rec vad)" >&2; exit 1 ;;
  esac
  for pc in true false; do
    for v in "${variants[@]}"; do
      name=${v%%|*}; opts=${v#*|}
      # shellcheck disable=SC2086
      result=$("$bin/quant-compile" "${args[@]}" --per-channel=$pc $opts 2>&1) \
        || { echo "$result"; exit 1; }
      echo "$m, weights per $([[ $pc == true ]] && echo channel || echo tensor), $name:"
      grep -E "^(calibration|evaluation)" <<< "$result" | sed 's/^/  /'
    done
  done
done
