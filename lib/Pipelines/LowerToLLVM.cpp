//===- LowerToLLVM.cpp - qnn-lower-to-llvm pipeline -----------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Pipelines/Pipelines.h"

#include "qmlir/Codegen/CPU/Passes.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

#include <thread>

using namespace mlir;
using namespace mlir::qmlir;

unsigned qmlir::getEffectiveThreads(const LowerToLLVMPipelineOptions &options) {
  if (options.threads)
    return options.threads;
  // Host code is JIT-compiled: threads only where libomp can be loaded.
  if (options.targetTriple != "host" || !loadOpenMPRuntime())
    return 1;
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Copies the target of `options` into a CPU codegen pass's options.
template <typename PassOptions>
static PassOptions withTarget(const LowerToLLVMPipelineOptions &options) {
  PassOptions passOptions;
  passOptions.targetTriple = options.targetTriple;
  passOptions.targetCPU = options.targetCPU;
  passOptions.targetFeatures = options.targetFeatures;
  return passOptions;
}

void qmlir::buildLowerToLLVMPipeline(
    OpPassManager &pm, const LowerToLLVMPipelineOptions &options) {
  unsigned threads = options.vectorize ? getEffectiveThreads(options) : 1;
  // Upsampling as copies; NHWC elementwise stretches (a float model
  // compiled as it is).
  pm.addNestedPass<func::FuncOp>(createQNNResizeAsTile());
  pm.addNestedPass<func::FuncOp>(createQNNTransposeConvAsConv());
  pm.addNestedPass<func::FuncOp>(createQNNSinkTransposes());
  pm.addPass(createCanonicalizerPass());
  // Contractions the target has a microkernel for; then the remaining
  // quantized ops and casts to integer linalg, the float graph from TOSA.
  if (options.vectorize && options.microkernels) {
    auto kernels = withTarget<QNNCPUMicrokernelsOptions>(options);
    kernels.threads = threads;
    kernels.parallelMacs = options.parallelMacs;
    pm.addPass(createQNNCPUMicrokernels(kernels));
  }
  pm.addPass(createConvertQNNToLinalg());
  TosaToLinalgNamedOptions named;
  named.preferConv2DKernelLayoutHWCF = true;
  // No TOSA validation: it would reject what its own decompositions create
  // (e.g. the rank-8 pad shape of a transpose_conv2d); the importer and the
  // verifiers already restrict the element types.
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions{}, named,
                              /*validationOptions=*/std::nullopt);
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  pm.addPass(createCanonicalizerPass());
  if (options.vectorize) {
    pm.addNestedPass<func::FuncOp>(createQNNCPUFuseElementwise());
    pm.addNestedPass<func::FuncOp>(createQNNCPULookupTables());
    pm.addNestedPass<func::FuncOp>(createQNNCPUTileAndVectorize());
    pm.addNestedPass<func::FuncOp>(createQNNCPUVectorMath());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }

  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  if (options.resultsAsOutParams) {
    // The result's allocation becomes the caller's buffer (static shapes;
    // a result that is not a fresh allocation is copied into it).
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  }
  if (options.planMemory)
    pm.addPass(createQNNCPUPlanMemory());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createConvertBufferizationToMemRefPass());
  if (options.vectorize && options.microkernels)
    pm.addPass(createQNNCPULowerDotProducts(
        withTarget<QNNCPULowerDotProductsOptions>(options)));
  if (options.vectorize)
    pm.addPass(createQNNCPULowerTableLookups(
        withTarget<QNNCPULowerTableLookupsOptions>(options)));

  pm.addNestedPass<func::FuncOp>(createQNNCPUExpandStridedCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Fully unrolled n-D transfers need no scratch buffer: with loops,
  // convert-vector-to-scf puts a memref.alloca in every loop body, and the
  // stack grows with the trip count.
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  // The parallel row loops of large kernels become OpenMP regions.
  if (threads > 1) {
    ConvertSCFToOpenMPPassOptions openmp;
    openmp.numThreads = threads;
    pm.addPass(createConvertSCFToOpenMPPass(openmp));
    // It wraps each parallel body in a memref.alloca_scope, which cannot
    // hold the blocks of the loops inside once they lower to control flow;
    // the kernels allocate nothing there, so the canonicalizer inlines it.
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createLowerAffinePass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // Math first: math-to-libm scalarizes vector math through vector ops.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  // The rest (arith, index, memref, func, cf, omp, ub) in one dialect
  // conversion through their ConvertToLLVMPatternInterface: one walk of the
  // module instead of seven.
  ConvertToLLVMPassOptions toLLVM;
  toLLVM.allowPatternRollback = false;
  pm.addPass(createConvertToLLVMPass(toLLVM));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}
