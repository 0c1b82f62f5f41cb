//===- ONNX.h - ONNX model import -------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_ONNX_H
#define QMLIR_TARGET_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::qmlir {

struct ONNXImportOptions {
  /// Static shapes for graph inputs with dynamic dimensions
  /// (name -> shape), e.g. from `--input-shape x=1x3x48x192`.
  llvm::StringMap<SmallVector<int64_t>> inputShapes;
  /// Graph inputs fixed to constant values (name -> values, row-major),
  /// e.g. from `--input-value sr=16000`: they stop being inputs, and the
  /// computations and If conditions that depend only on them fold.
  llvm::StringMap<SmallVector<double>> inputValues;
  /// Name of the generated function.
  std::string functionName = "main";
};

/// Imports the ONNX model in `bytes` as one func.func of TOSA ops (float
/// graph), qnn.batch_norm and, for the quantized ONNX ops, quant casts and
/// qnn ops. The function keeps the model's NCHW interface; inside, the
/// spatial ops work on NHWC and the transposes between them cancel.
/// Diagnostics name the node, its op type and the opset.
FailureOr<OwningOpRef<ModuleOp>> importONNX(StringRef bytes,
                                            MLIRContext *context,
                                            const ONNXImportOptions &options,
                                            StringRef sourceName = "model");

/// Parses "name=1x3x48x192" into `options`. Returns false on a bad string.
bool parseInputShape(StringRef spec, ONNXImportOptions &options);

/// Parses "name=16000" or "name=1,2,3" into `options`. Returns false on a
/// bad string.
bool parseInputValue(StringRef spec, ONNXImportOptions &options);

} // namespace mlir::qmlir

#endif // QMLIR_TARGET_ONNX_H
