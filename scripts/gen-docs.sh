#!/usr/bin/env bash
# Regenerates the dialect and pass reference in docs/generated/ (or in the
# directory given) from the ODS and Passes.td files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/docs/generated}
tblgen=${MLIR_TBLGEN:-/usr/lib/llvm-22/bin/mlir-tblgen}
mkdir -p "$out"
gen() {
  local td=$1 file=$2; shift 2
  "$tblgen" "$@" "$root/$td" -I "$root/include" -I /usr/lib/llvm-22/include \
    -o "$out/$file"
}
gen include/qmlir/Dialect/QNN/IR/QNNOps.td QNNDialect.md -gen-dialect-doc -dialect=qnn
gen include/qmlir/Dialect/QNN/Transforms/Passes.td QNNPasses.md -gen-pass-doc
gen include/qmlir/Conversion/Passes.td ConversionPasses.md -gen-pass-doc
gen include/qmlir/Calibration/Passes.td CalibrationPasses.md -gen-pass-doc
gen include/qmlir/Codegen/CPU/Passes.td CodegenCPUPasses.md -gen-pass-doc
