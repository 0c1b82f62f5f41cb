//===- Pipelines.cpp - qnn-ptq pipeline and registration ------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Pipelines/Pipelines.h"

#include "qmlir/Calibration/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::qmlir;

void qmlir::buildPTQPipeline(OpPassManager &pm,
                             const PTQPipelineOptions &options) {
  pm.addNestedPass<func::FuncOp>(createQNNFoldBatchNorm());
  pm.addNestedPass<func::FuncOp>(createQNNInsertObservers());
  QNNCalibrateOptions calibrate;
  calibrate.calibDir = options.calibDir;
  pm.addPass(createQNNCalibrate(calibrate));
  QNNQuantizeOptions quantize;
  quantize.perChannel = options.perChannel;
  quantize.rounding = options.rounding;
  pm.addNestedPass<func::FuncOp>(createQNNQuantize(quantize));
  pm.addPass(createCanonicalizerPass());
}

void qmlir::registerPipelines() {
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "qnn-lower-to-llvm",
      "Lower TOSA float ops, qnn ops and quant casts to the LLVM dialect",
      buildLowerToLLVMPipeline);
  PassPipelineRegistration<PTQPipelineOptions>(
      "qnn-ptq",
      "Post-training quantization: fold batch norm, insert observers, "
      "calibrate (JIT, min-max) and quantize",
      buildPTQPipeline);
}
