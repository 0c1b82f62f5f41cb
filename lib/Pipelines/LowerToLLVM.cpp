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
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/MathExtras.h"

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

int64_t qmlir::countFloatMultiplyAdds(Operation *root) {
  uint64_t total = 0;
  auto elements = [](Value v) -> int64_t {
    auto type = dyn_cast<ShapedType>(v.getType());
    return type && type.hasStaticShape() ? type.getNumElements() : 0;
  };
  auto dim = [](Value v, int64_t i) -> int64_t {
    auto type = dyn_cast<ShapedType>(v.getType());
    return type && type.hasStaticShape() && i < type.getRank()
               ? type.getDimSize(i)
               : 0;
  };
  root->walk([&](Operation *op) {
    int64_t macs = 0;
    if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
      // Weights OHWI: each output sums KH*KW*I products.
      int64_t oc = dim(conv.getWeight(), 0);
      macs = oc ? elements(conv.getResult()) * (elements(conv.getWeight()) / oc)
                : 0;
    } else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
      // Weights HWCM: KH*KW products per output.
      macs = elements(dw.getResult()) * dim(dw.getWeight(), 0) *
             dim(dw.getWeight(), 1);
    } else if (auto tconv = dyn_cast<tosa::TransposeConv2DOp>(op)) {
      // Every input element meets every weight of its input channel.
      int64_t ic = dim(tconv.getWeight(), 3);
      macs =
          ic ? elements(tconv.getInput()) * (elements(tconv.getWeight()) / ic)
             : 0;
    } else if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
      macs = elements(matmul.getResult()) * dim(matmul.getA(), 2);
    }
    total = llvm::SaturatingAdd(total, uint64_t(macs));
  });
  return std::min<uint64_t>(total, INT64_MAX);
}

bool qmlir::preferReferenceLowering(Operation *root, int64_t calls) {
  return llvm::SaturatingMultiply(uint64_t(countFloatMultiplyAdds(root)),
                                  uint64_t(std::max<int64_t>(calls, 1))) <
         (uint64_t(1) << 31);
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
  // The NCHW input of an image model into NHWC as vector interleaves.
  if (options.vectorize)
    pm.addNestedPass<func::FuncOp>(createQNNCPUInterleaveChannels());
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
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
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  if (options.vectorize) {
    pm.addNestedPass<func::FuncOp>(createQNNCPUFuseElementwise());
    pm.addNestedPass<func::FuncOp>(createQNNCPULookupTables());
    pm.addNestedPass<func::FuncOp>(createQNNCPUTileAndVectorize());
    pm.addNestedPass<func::FuncOp>(createQNNCPUVectorMath());
    pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
    pm.addNestedPass<func::FuncOp>(createCSEPass());
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
    pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  }
  // Passes that rewrite function bodies only run nested, one function per
  // thread: each microkernel is a function of its own.
  pm.addNestedPass<func::FuncOp>(createLowerAffinePass());
  pm.addNestedPass<func::FuncOp>(memref::createExpandStridedMetadataPass());
  pm.addNestedPass<func::FuncOp>(createLowerAffinePass());
  pm.addNestedPass<func::FuncOp>(createSCFToControlFlowPass());
  // Math first: math-to-libm scalarizes vector math through vector ops.
  pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  // The rest (arith, index, memref, func, cf, omp, ub) in one dialect
  // conversion through their ConvertToLLVMPatternInterface: one walk of the
  // module instead of seven.
  ConvertToLLVMPassOptions toLLVM;
  toLLVM.allowPatternRollback = false;
  pm.addPass(createConvertToLLVMPass(toLLVM));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addNestedPass<LLVM::LLVMFuncOp>(createCanonicalizerPass());
}
