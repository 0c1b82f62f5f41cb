#!/usr/bin/env bash
# Installs every package qmlir needs on a fresh Debian 12 machine. Idempotent.
set -euo pipefail

PKGS=(
  # Toolchain and MLIR 22.
  cmake ninja-build ccache clang-22 lld-22 llvm-22-dev llvm-22-tools
  libmlir-22-dev mlir-22-tools
  # OpenMP runtime of the parallel kernels (JIT and objects, -lomp).
  libomp-22-dev
  # ONNX import and conformance data.
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  # Real-model inputs (text lines rendered by scripts/make_text_images.py).
  imagemagick fonts-dejavu-core
  # Real speech for the voice-activity detector (/usr/share/sounds/alsa/*.wav).
  alsa-utils
  # AArch64 cross toolchain and user-mode emulator.
  qemu-user gcc-aarch64-linux-gnu libc6-arm64-cross libc6-dev-arm64-cross
  # Speed baselines (benchmarks only).
  libdnnl-dev
  # Sanitizer runtimes (scripts/sanitize.sh).
  libclang-rt-22-dev
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
