//===- TileAndVectorize.cpp - Tile and vectorize linalg kernels -----------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPUTILEANDVECTORIZE
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// Largest number of vector elements one op may be vectorized into.
constexpr int64_t kMaxVectorElements = 4096;

/// Largest divisor of `n` not above `cap`, so that every tile is full and
/// keeps a static shape.
int64_t divisorTile(int64_t n, int64_t cap) {
  for (int64_t t = std::min(n, cap); t > 1; --t)
    if (n % t == 0)
      return t;
  return 1;
}

/// Tile sizes (0 = untiled) for `op`, or an empty vector to leave it alone.
/// `peelInnermost`: the innermost tiled loop does not divide its range; its
/// last, partial iteration is to be peeled off.
SmallVector<int64_t> getTileSizes(linalg::LinalgOp op, bool &peelInnermost) {
  peelInnermost = false;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return {};
  // 2-D convolutions and poolings: output height and kernel height become 1
  // so that the 1-D decomposition applies.
  if (isa<linalg::Conv2DNhwcHwcfOp>(op)) // n, oh, ow, f, kh, kw, c
    return {1, 1, divisorTile(ranges[2], 8), divisorTile(ranges[3], 16), 1, 0,
            divisorTile(ranges[6], 16)};
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp, linalg::PoolingNhwcSumOp,
          linalg::PoolingNhwcMaxOp>(op)) // n, oh, ow, c, kh, kw
    return {1, 1, divisorTile(ranges[2], 8), divisorTile(ranges[3], 16), 1, 0};
  if (isa<linalg::MatmulOp>(op)) // m, n, k
    return {divisorTile(ranges[0], 8), divisorTile(ranges[1], 16),
            divisorTile(ranges[2], 32)};
  if (op.getNumLoops() == 0 || linalg::isaConvolutionOpInterface(op))
    return {};
  // Everything else: one innermost row of up to 16 elements per tile, the
  // reduction dimensions whole.
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> sizes(ranges.size(), 0);
  int64_t innermost = -1;
  for (int64_t i = 0, e = ranges.size(); i < e; ++i)
    if (linalg::isParallelIterator(iterators[i])) {
      sizes[i] = 1;
      innermost = i;
    }
  if (innermost >= 0) {
    // Byte table lookups: one 64-byte register per step.
    int64_t cap = op->hasAttr(kLookupTableAttrName) ? 64 : 16;
    sizes[innermost] = divisorTile(ranges[innermost], cap);
    // A row that is not a multiple of the vector (40, 120 or 200 channels):
    // full vectors and one peeled remainder rather than a small divisor
    // (10, 15 lanes) for every step.
    if (ranges[innermost] > cap && ranges[innermost] % cap != 0) {
      sizes[innermost] = cap;
      peelInnermost = true;
    }
    // A short innermost dimension (3 channels) gets the next parallel
    // dimension too, so that a vector holds at least 16 elements.
    if (ranges[innermost] < 16) {
      for (int64_t i = innermost - 1; i >= 0; --i) {
        if (!linalg::isParallelIterator(iterators[i]) || ranges[i] == 1)
          continue;
        sizes[i] = divisorTile(ranges[i], 16);
        break;
      }
    }
  }
  return sizes;
}

/// The iteration space's size, INT64_MAX for a dynamic or huge one.
int64_t getVectorElements(linalg::LinalgOp op) {
  int64_t n = 1;
  for (int64_t r : op.getStaticLoopRanges())
    if (ShapedType::isDynamic(r) || r < 0 || llvm::MulOverflow(n, r, n))
      return std::numeric_limits<int64_t>::max();
  return n;
}

struct QNNCPUTileAndVectorizePass
    : qmlir::impl::QNNCPUTileAndVectorizeBase<QNNCPUTileAndVectorizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Generated microkernels are already vector code.
    if (func->hasAttr(kMicrokernelAttrName))
      return;
    MLIRContext *ctx = &getContext();
    IRRewriter rewriter(ctx);

    // 1. Tile.
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      bool peel = false;
      SmallVector<int64_t> sizes = getTileSizes(op, peel);
      if (sizes.empty() || llvm::all_of(sizes, [](int64_t s) { return !s; }))
        continue;
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(ctx, sizes));
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled))
        continue;
      rewriter.replaceOp(op, tiled->replacements);
      // The loops run outer to inner; the innermost is the partial one.
      if (peel && !tiled->loops.empty())
        if (auto loop =
                dyn_cast<scf::ForOp>(tiled->loops.back().getOperation())) {
          scf::ForOp partial;
          (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, partial);
        }
    }

    // 2. Decompose 2-D convolutions with unit height into 1-D ones.
    {
      RewritePatternSet patterns(ctx);
      linalg::populateDecomposeConvolutionPatterns(patterns);
      tensor::populateFoldTensorEmptyPatterns(patterns);
      scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
      tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, ctx);
      // Peeled loops: constant tile sizes, then static linalg operands.
      affine::AffineMinOp::getCanonicalizationPatterns(patterns, ctx);
      tensor::CastOp::getCanonicalizationPatterns(patterns, ctx);
      ctx->getLoadedDialect<linalg::LinalgDialect>()
          ->getCanonicalizationPatterns(patterns);
      ctx->getLoadedDialect<tensor::TensorDialect>()
          ->getCanonicalizationPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }

    // 3. Vectorize what the vectorizer accepts; the rest lowers to loops.
    ops.clear();
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          getVectorElements(op) <= kMaxVectorElements)
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      if (failed(linalg::vectorizeOpPrecondition(op)))
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op);
      if (succeeded(result))
        rewriter.replaceOp(op, result->replacements);
    }

    // 4. Clean up the vector code.
    RewritePatternSet patterns(ctx);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();

    // 5. Lower n-D vector ops that convert-vector-to-llvm does not handle.
    RewritePatternSet lowering(ctx);
    vector::populateVectorMultiReductionLoweringPatterns(
        lowering, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateVectorContractLoweringPatterns(
        lowering, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorTransposeLoweringPatterns(
        lowering, vector::VectorTransposeLowering::EltWise);
    if (failed(applyPatternsGreedily(func, std::move(lowering))))
      return signalPassFailure();
  }
};

} // namespace
