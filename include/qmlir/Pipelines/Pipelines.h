//===- Pipelines.h - qmlir pass pipelines -----------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_PIPELINES_PIPELINES_H
#define QMLIR_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::qmlir {

/// Options of `qnn-lower-to-llvm`.
struct LowerToLLVMPipelineOptions
    : public PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<bool> vectorize{*this, "vectorize",
                         llvm::cl::desc("Tile and vectorize the linalg ops "
                                        "(else plain loops: the reference)"),
                         llvm::cl::init(true)};
  Option<bool> microkernels{
      *this, "microkernels",
      llvm::cl::desc("Lower constant-weight matmuls and convolutions to "
                     "dot-product microkernels (with vectorize)"),
      llvm::cl::init(true)};
  Option<bool> planMemory{
      *this, "plan-memory",
      llvm::cl::desc("Place static intermediates in one arena"),
      llvm::cl::init(true)};
  Option<std::string> targetTriple{
      *this, "target-triple",
      llvm::cl::desc("Target triple, or \"host\""), llvm::cl::init("host")};
  Option<std::string> targetCPU{*this, "target-cpu",
                                llvm::cl::desc("LLVM CPU of a non-host target"),
                                llvm::cl::init("")};
  Option<std::string> targetFeatures{
      *this, "target-features",
      llvm::cl::desc("LLVM features of a non-host target"),
      llvm::cl::init("")};
  Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("Threads of the large microkernels (OpenMP, libomp); "
                     "0: the host's hardware threads for a host target, "
                     "else 1"),
      llvm::cl::init(0)};
  Option<int64_t> parallelMacs{
      *this, "parallel-macs",
      llvm::cl::desc("Smallest microkernel (multiply-adds) that uses the "
                     "threads"),
      llvm::cl::init(int64_t(1) << 22)};
  Option<bool> resultsAsOutParams{
      *this, "results-as-out-params",
      llvm::cl::desc("Functions write their results into buffers the caller "
                     "passes as trailing arguments (no allocation per call)"),
      llvm::cl::init(false)};
};

/// The thread count `options` asks for, with 0 resolved.
unsigned getEffectiveThreads(const LowerToLLVMPipelineOptions &options);

/// The multiply-adds of one call of `root`'s float contractions (TOSA
/// convolutions, depthwise and transposed convolutions, matmuls): a measure
/// of its run time.
int64_t countFloatMultiplyAdds(Operation *root);

/// Whether a float model run `calls` times in process (calibration, the
/// float reference of a report) is best compiled with the reference
/// lowering (`vectorize=false`, JitOptimization::Quick): it compiles in a
/// third of the time of the vectorized lowering but runs ~15x slower, so it
/// is chosen while calls x multiply-adds stays below 2^31.
bool preferReferenceLowering(Operation *root, int64_t calls);

/// Lowers a module of TOSA float ops, qnn ops and quant casts on tensors to
/// the LLVM dialect: convert-qnn-to-linalg, TOSA to linalg, tiling and
/// vectorization, bufferization, then the standard conversions to LLVM.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMPipelineOptions &options);

/// Options of `qnn-ptq`, the post-training quantization pipeline.
struct PTQPipelineOptions : public PassPipelineOptions<PTQPipelineOptions> {
  Option<std::string> calibDir{
      *this, "calib-dir",
      llvm::cl::desc("Directory of calibration inputs (*.bin, raw f32)")};
  Option<std::string> calibrationMethod{
      *this, "calibration-method",
      llvm::cl::desc("Activation ranges: minmax, percentile, mse or entropy "
                     "(qnn-calibrate method)"),
      llvm::cl::init("minmax")};
  Option<std::string> saveStats{
      *this, "save-stats",
      llvm::cl::desc("Write the calibration statistics to this file")};
  Option<std::string> loadStats{
      *this, "load-stats",
      llvm::cl::desc("Take the calibration statistics from this file "
                     "instead of running calib-dir")};
  Option<double> percentile{
      *this, "percentile",
      llvm::cl::desc("Central percentage kept by calibration-method="
                     "percentile"),
      llvm::cl::init(99.99)};
  Option<bool> perChannel{*this, "per-channel",
                          llvm::cl::desc("Per-output-channel weight scales"),
                          llvm::cl::init(true)};
  Option<std::string> rounding{
      *this, "rounding",
      llvm::cl::desc("Requantization rounding: single_round (x*M rounded "
                     "once, ties up), double_round (gemmlowp/TFLite) or "
                     "half_even"),
      llvm::cl::init("single_round")};
  Option<unsigned> weightBits{
      *this, "weight-bits",
      llvm::cl::desc("Weight precision, 2 to 8 bits (7: exact vpmaddubsw "
                     "kernels on AVX2)"),
      llvm::cl::init(8)};
  Option<bool> pairBounded{
      *this, "pair-bounded",
      llvm::cl::desc("Pair-bounded weight scales (exact vpmaddubsw kernels "
                     "on AVX2 at nearly 8-bit accuracy)"),
      llvm::cl::init(false)};
  Option<bool> equalize{
      *this, "equalize",
      llvm::cl::desc("Cross-layer equalization (qnn-equalize) before "
                     "calibration"),
      llvm::cl::init(true)};
  Option<bool> absorbHighBias{
      *this, "absorb-high-bias",
      llvm::cl::desc("High-bias absorption (qnn-absorb-high-bias) before "
                     "calibration"),
      llvm::cl::init(true)};
  Option<std::string> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("Bias correction (qnn-correct-bias): none, analytic "
                     "(batch-norm statistics) or empirical (calibration "
                     "means)"),
      llvm::cl::init("none")};
};

/// fold batch norm -> [equalize -> absorb high bias] -> insert observers ->
/// calibrate (JIT) -> [correct bias] -> quantize.
void buildPTQPipeline(OpPassManager &pm, const PTQPipelineOptions &options);

/// Makes `pm` report, as an error at the failing operation, the name of a
/// pass that fails, so that a diagnostic about an unsupported op also says
/// which pass could not handle it.
void reportFailingPasses(PassManager &pm);

/// Registers `qnn-lower-to-llvm` and `qnn-ptq`.
void registerPipelines();

} // namespace mlir::qmlir

#endif // QMLIR_PIPELINES_PIPELINES_H
