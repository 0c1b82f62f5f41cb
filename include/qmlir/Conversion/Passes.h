//===- Passes.h - qmlir conversion passes -----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_H
#define QMLIR_CONVERSION_PASSES_H

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"

namespace mlir::qmlir {

#define GEN_PASS_REGISTRATION
#include "qmlir/Conversion/Passes.h.inc"

} // namespace mlir::qmlir

#endif // QMLIR_CONVERSION_PASSES_H
