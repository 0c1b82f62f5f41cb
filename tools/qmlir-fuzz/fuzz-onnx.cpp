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

#include "FuzzContext.h"
#include "qmlir/Target/ONNX.h"

#include "mlir/IR/Verifier.h"

#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &context = qmlir_fuzz::getContext(4096);
  qmlir::ONNXImportOptions options;
  auto module = qmlir::importONNX(
      StringRef(reinterpret_cast<const char *>(data), size), &context,
      options, "fuzz.onnx");
  if (succeeded(module) && *module && failed(verify(**module)))
    std::abort(); // the importer built invalid IR without saying so
  return 0;
}
