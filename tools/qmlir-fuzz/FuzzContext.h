//===- FuzzContext.h - The MLIR context of a fuzz target --------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TOOLS_FUZZ_FUZZCONTEXT_H
#define QMLIR_TOOLS_FUZZ_FUZZCONTEXT_H

#include "qmlir/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <memory>

namespace qmlir_fuzz {

/// The context with every qmlir dialect loaded, renewed every `renewEvery`
/// inputs: it keeps every attribute (every input's tensors) until it is
/// destroyed. Diagnostics are the expected answer to most inputs: they are
/// not printed.
inline mlir::MLIRContext &getContext(unsigned renewEvery) {
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % renewEvery == 0) {
    mlir::DialectRegistry registry;
    mlir::qmlir::registerAllDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    context->loadAllAvailableDialects();
    context->disableMultithreading();
    context->getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  }
  return *context;
}

} // namespace qmlir_fuzz

#endif // QMLIR_TOOLS_FUZZ_FUZZCONTEXT_H
