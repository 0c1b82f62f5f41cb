//===- InitAllDialects.cpp - Register every qmlir dialect -----------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

void qmlir::registerAllDialects(DialectRegistry &registry) {
  // The flow uses func, arith, math, tensor, linalg, tosa, quant, memref,
  // bufferization, scf, vector, x86vector, arm_neon, gpu, nvgpu, nvvm, llvm
  // and transform with their interface models; registering them all (lazily
  // loaded) keeps quant-opt a superset of mlir-opt for the same IR.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qnn::QNNDialect>();
}

void qmlir::registerAllTranslations(DialectRegistry &registry) {
  mlir::registerAllToLLVMIRTranslations(registry);
}
