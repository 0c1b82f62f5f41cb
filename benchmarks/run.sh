#!/usr/bin/env bash
# Builds qmlir (with qmlir-bench when oneDNN is installed) and prints, in one
# run, qmlir's int8 GEMMs and convolutions beside oneDNN int8 (and f32
# convolutions) and the VNNI peak of one core. Single thread. Not a test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh" > /dev/null
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
OMP_NUM_THREADS=1 "$root/build/bin/qmlir-bench"
