//===- quant-opt.cpp - qmlir optimizer driver -----------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// mlir-opt with the qnn dialect, the qmlir passes and pipelines, and the
// upstream dialects and passes the flow uses.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::qmlir::registerAllDialects(registry);
  mlir::qmlir::registerAllTranslations(registry);
  mlir::qmlir::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qmlir optimizer driver\n", registry));
}
