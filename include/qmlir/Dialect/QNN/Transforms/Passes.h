//===- Passes.h - QNN transformation passes ---------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

namespace mlir::qmlir {

#define GEN_PASS_DECL
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"

/// Patterns folding qnn.batch_norm into the producing convolution.
void populateFoldBatchNormPatterns(RewritePatternSet &patterns);

/// Patterns moving tosa.transpose below elementwise ops and folding
/// inverse transpose pairs (qnn-sink-transposes).
void populateSinkTransposesPatterns(RewritePatternSet &patterns);

/// Patterns rewriting nearest-neighbour integer upsampling (tosa.resize) as
/// reshape + tile (qnn-resize-as-tile).
void populateResizeAsTilePatterns(RewritePatternSet &patterns);

/// Patterns evaluating tosa.slice / concat / reshape / transpose of
/// constants (qnn-fold-constant-data-movement).
void populateFoldConstantDataMovementPatterns(RewritePatternSet &patterns);

/// `attr` (static shape) transposed by `perms`: a splat resized, whole-byte
/// elements moved; null for sub-byte elements.
DenseElementsAttr transposeConstant(DenseElementsAttr attr,
                                    ArrayRef<int32_t> perms);

#define GEN_PASS_REGISTRATION
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"

} // namespace mlir::qmlir

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_H
