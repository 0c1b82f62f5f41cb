//===- QNNDialect.h - QNN dialect -------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNDIALECT_H
#define QMLIR_DIALECT_QNN_IR_QNNDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "qmlir/Dialect/QNN/IR/QNNOpsDialect.h.inc"

#endif // QMLIR_DIALECT_QNN_IR_QNNDIALECT_H
