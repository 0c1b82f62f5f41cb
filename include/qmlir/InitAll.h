//===- InitAll.h - Register every qmlir dialect and pass --------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_INITALL_H
#define QMLIR_INITALL_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

namespace mlir::qmlir {

/// Adds the qnn dialect and every upstream dialect the flow uses (with their
/// interface implementations) to `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Adds the translations to LLVM IR of the dialects the lowering produces.
void registerAllTranslations(DialectRegistry &registry);

/// Registers every qmlir pass and pipeline with the global registry.
void registerAllPasses();

} // namespace mlir::qmlir

#endif // QMLIR_INITALL_H
