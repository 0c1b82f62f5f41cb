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
#include "qmlir/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

int main(int argc, char **argv) {
  // A crash prints a stack trace (and the command line).
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  mlir::qmlir::registerAllDialects(registry);
  mlir::qmlir::registerAllTranslations(registry);
  mlir::qmlir::registerAllPasses();
  auto [inputFile, outputFile] =
      mlir::registerAndParseCLIOptions(argc, argv, "qmlir optimizer driver\n",
                                       registry);
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  // Keep the pipeline from the command line; add the failing-pass report.
  mlir::MlirOptMainConfig cliConfig = config;
  config.setPassPipelineSetupFn([cliConfig](mlir::PassManager &pm) {
    // Under -verify-diagnostics the tests list exactly the expected errors.
    if (!cliConfig.shouldVerifyDiagnostics())
      mlir::qmlir::reportFailingPasses(pm);
    return cliConfig.setupPassPipeline(pm);
  });
  std::string error;
  auto input = mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                                     config)))
    return 1;
  output->keep();
  return 0;
}
