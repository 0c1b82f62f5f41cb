//===- Passes.h - Calibration passes ----------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CALIBRATION_PASSES_H
#define QMLIR_CALIBRATION_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qmlir {

#define GEN_PASS_DECL
#include "qmlir/Calibration/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qmlir/Calibration/Passes.h.inc"

} // namespace mlir::qmlir

#endif // QMLIR_CALIBRATION_PASSES_H
