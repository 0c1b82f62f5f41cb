//===- fuzz-opt.cpp - libFuzzer target: parser, verifier, lowering --------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Parses each input as MLIR (the qnn dialect, TOSA and the upstream
// dialects quant-opt accepts), verifies it and, when it verifies, runs
// `qnn-lower-to-llvm` on it, as `quant-opt --qnn-lower-to-llvm` would. A
// crash or a sanitizer report is a finding; a diagnostic (a parse error,
// a verifier error, a pass that refuses an op) is the expected answer.
// Inputs whose shaped types hold more than 2^16 elements in all are only
// parsed and verified: compiling them takes seconds, not a finding. Built by
// scripts/fuzz.sh.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "qmlir/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <memory>
#include <string>

using namespace mlir;

namespace {

/// Elements in all the shaped types of `module`'s values.
int64_t countElements(ModuleOp module) {
  int64_t total = 0;
  module.walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      if (auto shaped = dyn_cast<ShapedType>(type))
        total += shaped.hasStaticShape() ? shaped.getNumElements() : 1 << 20;
  });
  return total;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &context = qmlir_fuzz::getContext(1024);
  // MLIR's lexer reads up to a terminating NUL, as files get from
  // MemoryBuffer: a std::string has one past its end.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, ParserConfig(&context));
  if (!module || failed(verify(*module)))
    return 0;
  if (countElements(*module) > (1 << 16))
    return 0;
  PassManager pm(&context);
  qmlir::LowerToLLVMPipelineOptions options;
  options.threads = 1;
  qmlir::buildLowerToLLVMPipeline(pm, options);
  (void)pm.run(*module);
  return 0;
}
