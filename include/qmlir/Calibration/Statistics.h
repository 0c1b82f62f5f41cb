//===- Statistics.h - Calibration statistics files --------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// The text file in which qnn-calibrate saves what it measured (save-stats)
// and from which it restores it without running anything (load-stats), so
// that a quantization can be reproduced, or its ranges edited by hand:
//
//   qmlir-calibration 1
//   method minmax
//   inputs 32
//   observers 2
//   0 tensor<1x16x16x3xf32> min 0 max 1  # loc("model.mlir":6:10)
//   1 tensor<1x8x8x16xf32> min 0 max 6 mean 0.5 1.25 ...
//
// One line per observer in the function's order: index, type, range and,
// when recorded, the per-channel means; '#' starts a comment. Values are
// printed with 9 significant digits, which restores every f32 exactly.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CALIBRATION_STATISTICS_H
#define QMLIR_CALIBRATION_STATISTICS_H

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::qmlir {

/// Writes the statistics of `observers` (all calibrated) to `path`.
/// Returns an error message, or an empty string.
std::string saveCalibrationStatistics(llvm::StringRef path,
                                      llvm::ArrayRef<qnn::ObserveOp> observers,
                                      llvm::StringRef method, int64_t inputs);

/// Sets the statistics of `observers` from the file at `path`, after
/// checking that it describes them (count and types). Returns an error
/// message naming the file and line, or an empty string.
std::string loadCalibrationStatistics(llvm::StringRef path,
                                      llvm::ArrayRef<qnn::ObserveOp> observers);

} // namespace mlir::qmlir

#endif // QMLIR_CALIBRATION_STATISTICS_H
