//===- QNNToLinalg.h - qnn to linalg conversion -----------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qmlir {

#define GEN_PASS_DECL_CONVERTQNNTOLINALG
#include "qmlir/Conversion/Passes.h.inc"

/// Type converter mapping quantized tensors to tensors of their storage type.
class QuantStorageTypeConverter : public TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Patterns lowering qnn ops and quant.qcast/dcast/scast to linalg + arith.
void populateQNNToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns);

} // namespace mlir::qmlir

#endif // QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
