//===- QNNAttrs.h - QNN attributes ------------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNATTRS_H
#define QMLIR_DIALECT_QNN_IR_QNNATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "qmlir/Dialect/QNN/IR/QNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNAttrs.h.inc"

#endif // QMLIR_DIALECT_QNN_IR_QNNATTRS_H
