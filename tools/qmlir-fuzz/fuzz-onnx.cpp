//===- fuzz-onnx.cpp - libFuzzer target: the ONNX importer ----------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Feeds each input to importONNX as the bytes of a model file (no input
// shapes given) and verifies what it returns. A crash, a sanitizer report or
// a verifier failure after a successful import is a finding; a diagnostic
// is the expected answer to a bad file. Built by scripts/fuzz.sh.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Target/ONNX.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace mlir;

namespace {

/// The context, renewed every few thousand inputs: it keeps every attribute
/// (the tensors of every model) until it is destroyed.
MLIRContext &getContext() {
  static std::unique_ptr<MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 4096 == 0) {
    DialectRegistry registry;
    qmlir::registerAllDialects(registry);
    context = std::make_unique<MLIRContext>(registry);
    context->loadAllAvailableDialects();
    context->disableMultithreading();
    // Diagnostics are the expected outcome of most inputs: not printed.
    context->getDiagEngine().registerHandler([](Diagnostic &) {});
  }
  return *context;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &context = getContext();
  qmlir::ONNXImportOptions options;
  auto module = qmlir::importONNX(
      StringRef(reinterpret_cast<const char *>(data), size), &context,
      options, "fuzz.onnx");
  if (succeeded(module) && *module && failed(verify(**module)))
    std::abort(); // the importer built invalid IR without saying so
  return 0;
}
