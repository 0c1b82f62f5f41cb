#!/usr/bin/env bash
# Builds qmlir with AddressSanitizer and UndefinedBehaviorSanitizer in
# build-asan/ and runs the lit suite with it (the tools under test are the
# instrumented ones; LLVM/MLIR themselves are Debian's, uninstrumented).
# Not part of scripts/test.sh: a clean build takes several minutes more.
# Usage: scripts/sanitize.sh [lit arguments, e.g. a test path]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
out="$root/build-asan"
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
if [[ ! -f "$out/build.ninja" ]]; then
  cmake -S "$root" -B "$out" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
cmake --build "$out"
# Leaks at exit and container annotations across the uninstrumented
# LLVM/MLIR libraries are not what this run looks for.
export ASAN_OPTIONS=detect_leaks=0:detect_container_overflow=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
/usr/lib/llvm-22/bin/lit -sv "${@:-$out/test}"
