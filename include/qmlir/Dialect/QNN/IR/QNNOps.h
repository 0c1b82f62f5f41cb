//===- QNNOps.h - QNN operations --------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNOPS_H
#define QMLIR_DIALECT_QNN_IR_QNNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qmlir/Dialect/QNN/IR/QNNAttrs.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#define GET_OP_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNOps.h.inc"

namespace mlir::qmlir::qnn {

/// Checks the parameters of a quantized element type: finite positive scales,
/// zero points inside the storage range, a per-axis dimension inside `rank`
/// whose size matches the number of scales. Reports through `emitError`.
LogicalResult verifyQuantizedType(function_ref<InFlightDiagnostic()> emitError,
                                  ShapedType type, StringRef what);

/// Scale of output channel `channel` of a per-tensor or per-axis type.
double getChannelScale(quant::QuantizedType type, int64_t channel);

/// Zero point of a per-tensor type (or channel `channel` of a per-axis one).
int64_t getChannelZeroPoint(quant::QuantizedType type, int64_t channel);

} // namespace mlir::qmlir::qnn

#endif // QMLIR_DIALECT_QNN_IR_QNNOPS_H
