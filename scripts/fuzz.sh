#!/usr/bin/env bash
# Fuzzing campaigns. Builds the whole project in build-fuzz/ with libFuzzer's
# coverage instrumentation and AddressSanitizer + UndefinedBehaviorSanitizer
# (LLVM/MLIR and libonnx themselves are Debian's, uninstrumented), makes a
# seed corpus and runs one target for a given time:
#   onnx  the ONNX importer; seeds: the ONNX backend node-test models and
#         the test textprotos
#   opt   the MLIR parser, the verifier and qnn-lower-to-llvm; seeds: the
#         lit tests' inputs, one per `// -----` split
# New inputs go to build-fuzz/corpus/TARGET (kept between runs), crashes to
# build-fuzz/crashes/TARGET/. Not part of the tests.
# Usage: scripts/fuzz.sh onnx|opt [seconds (default 60)] [libFuzzer options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: scripts/fuzz.sh onnx|opt [seconds] [libFuzzer options]}
seconds=${2:-60}
shift; (($#)) && shift
[[ $target == onnx || $target == opt ]] || { echo "unknown target '$target' (onnx, opt)" >&2; exit 1; }
bash "$root/scripts/setup.sh"
out="$root/build-fuzz"
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
if [[ ! -f "$out/build.ninja" ]]; then
  cmake -S "$root" -B "$out" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DQMLIR_BUILD_FUZZERS=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
cmake --build "$out" --target "qmlir-fuzz-$target"

seeds="$out/seeds/$target"
rm -rf "$seeds" && mkdir -p "$seeds" "$out/corpus/$target" "$out/crashes/$target"
python3 "$root/scripts/fuzz_seeds.py" "$target" "$seeds"
echo "fuzz.sh: $(ls "$seeds" | wc -l) seeds, $seconds s"
# LLVM's allocators poison and unpoison memory from code inlined into the
# instrumented objects while Debian's uninstrumented LLVM/MLIR use the same
# memory: manual poisoning is off (a use-after-poison inside the MLIR parser
# that no single input reproduces was this).
export ASAN_OPTIONS=detect_leaks=0:detect_container_overflow=0:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$out/bin/qmlir-fuzz-$target" "$out/corpus/$target" "$seeds" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=6144 -max_len=65536 \
  -artifact_prefix="$out/crashes/$target/" -print_final_stats=1 "$@"
