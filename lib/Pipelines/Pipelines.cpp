//===- Pipelines.cpp - qnn-ptq pipeline and registration ------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Pipelines/Pipelines.h"

#include "qmlir/Calibration/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::qmlir;

void qmlir::buildPTQPipeline(OpPassManager &pm,
                             const PTQPipelineOptions &options) {
  // Elementwise stretches in the convolutions' NHWC layout first: fewer
  // ops to observe and quantize, no transposes between quantized ops.
  pm.addNestedPass<func::FuncOp>(createQNNResizeAsTile());
  pm.addNestedPass<func::FuncOp>(createQNNSinkTransposes());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQNNFoldBatchNorm());
  // After the fold (a batch norm folds into the transposed convolution).
  pm.addNestedPass<func::FuncOp>(createQNNTransposeConvAsConv());
  // Data-free rescaling on the float graph, before the ranges are measured.
  if (options.equalize)
    pm.addNestedPass<func::FuncOp>(createQNNEqualize());
  if (options.absorbHighBias)
    pm.addNestedPass<func::FuncOp>(createQNNAbsorbHighBias());
  pm.addNestedPass<func::FuncOp>(createQNNInsertObservers());
  QNNCalibrateOptions calibrate;
  calibrate.calibDir = options.calibDir;
  calibrate.means = options.biasCorrection == "empirical";
  calibrate.method = options.calibrationMethod;
  calibrate.percentile = options.percentile;
  calibrate.saveStats = options.saveStats;
  calibrate.loadStats = options.loadStats;
  pm.addPass(createQNNCalibrate(calibrate));
  // With the quantizer's own weight scheme, which it predicts.
  if (options.biasCorrection != "none") {
    QNNCorrectBiasOptions correct;
    correct.mode = options.biasCorrection;
    correct.perChannel = options.perChannel;
    correct.weightBits = options.weightBits;
    correct.pairBounded = options.pairBounded;
    pm.addNestedPass<func::FuncOp>(createQNNCorrectBias(correct));
  }
  QNNQuantizeOptions quantize;
  quantize.perChannel = options.perChannel;
  quantize.rounding = options.rounding;
  quantize.weightBits = options.weightBits;
  quantize.pairBounded = options.pairBounded;
  pm.addNestedPass<func::FuncOp>(createQNNQuantize(quantize));
  pm.addPass(createCanonicalizerPass());
}

namespace {
struct FailingPassReporter : public PassInstrumentation {
  void runAfterPassFailed(Pass *pass, Operation *op) override {
    // Pipelines and adaptors fail when a nested pass fails; name the leaf.
    if (pass->getArgument().empty())
      return;
    emitError(op->getLoc()) << "pass '" << pass->getArgument()
                            << "' failed on '" << op->getName() << "'";
  }
};
} // namespace

void qmlir::reportFailingPasses(PassManager &pm) {
  pm.addInstrumentation(std::make_unique<FailingPassReporter>());
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
