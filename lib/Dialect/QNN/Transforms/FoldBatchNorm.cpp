//===- FoldBatchNorm.cpp - Fold qnn.batch_norm into convolutions ----------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "LayerChains.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNFOLDBATCHNORM
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// Folds `tosa.add(conv(x), c)` into the convolution's bias when `c` is a
/// constant per output channel ([1, ..., 1, N] or [N] broadcast; the ONNX
/// importer's form of ConvTranspose's bias), so that a batch norm after the
/// add folds too. b'[o] = b[o] + c[o], in double precision.
struct FoldBiasAddIntoConv : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::AddOp add,
                                PatternRewriter &rewriter) const override {
    auto outType = dyn_cast<RankedTensorType>(add.getType());
    if (!outType || !outType.getElementType().isF32() ||
        !outType.hasStaticShape())
      return rewriter.notifyMatchFailure(add, "only static f32 is folded");
    for (int side = 0; side < 2; ++side) {
      Value convOut = add->getOperand(side), other = add->getOperand(1 - side);
      Operation *conv = convOut.getDefiningOp();
      if (!conv ||
          !isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp,
               tosa::TransposeConv2DOp>(conv) ||
          !convOut.hasOneUse() || convOut.getType() != outType)
        continue;
      auto cType = dyn_cast<RankedTensorType>(other.getType());
      int64_t channels = outType.getDimSize(outType.getRank() - 1);
      // Constant along every dimension but the channels.
      if (!cType || !cType.hasStaticShape() ||
          !llvm::all_of(cType.getShape().drop_back(),
                        [](int64_t d) { return d == 1; }) ||
          (cType.getRank() > 0 && cType.getShape().back() != channels &&
           cType.getShape().back() != 1))
        continue;
      auto c = getF32ConstantValues(other);
      auto b = getF32ConstantValues(conv->getOperand(2));
      if (!c || !b || (b->size() != 1 && (int64_t)b->size() != channels))
        continue;
      SmallVector<double> newB(channels);
      for (int64_t o = 0; o < channels; ++o)
        newB[o] = (*b)[b->size() == 1 ? 0 : o] + (*c)[c->size() == 1 ? 0 : o];
      rewriter.setInsertionPoint(conv);
      Value bConst =
          createF32Constant(rewriter, add.getLoc(), {channels}, newB);
      Operation *folded = rewriter.clone(*conv);
      folded->setOperand(2, bConst);
      folded->setLoc(rewriter.getFusedLoc({conv->getLoc(), add.getLoc()}));
      rewriter.replaceOp(add, folded->getResults());
      rewriter.eraseOp(conv);
      return success();
    }
    return rewriter.notifyMatchFailure(
        add, "not a single-use convolution plus a per-channel constant");
  }
};

/// Folds `qnn.batch_norm(conv(x))` into the convolution's weight and bias.
struct FoldBatchNormIntoConv : OpRewritePattern<qnn::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(qnn::BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    Operation *conv = bn.getInput().getDefiningOp();
    if (!conv || !isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp,
                      tosa::TransposeConv2DOp>(conv))
      return rewriter.notifyMatchFailure(bn, "producer is not a convolution");
    if (!conv->getResult(0).hasOneUse())
      return rewriter.notifyMatchFailure(bn, "convolution has other users");
    auto outType = cast<RankedTensorType>(bn.getType());
    if (!outType.getElementType().isF32() || !outType.hasStaticShape())
      return rewriter.notifyMatchFailure(bn, "only static f32 is folded");

    Value weight = conv->getOperand(1), bias = conv->getOperand(2);
    auto w = getF32ConstantValues(weight);
    auto b = getF32ConstantValues(bias);
    auto mean = getF32ConstantValues(bn.getMean());
    auto var = getF32ConstantValues(bn.getVariance());
    auto gamma = getF32ConstantValues(bn.getGamma());
    auto beta = getF32ConstantValues(bn.getBeta());
    if (!w || !b || !mean || !var || !gamma || !beta)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");

    int64_t channels = outType.getDimSize(outType.getRank() - 1);
    auto wType = cast<RankedTensorType>(weight.getType());
    if ((int64_t)mean->size() != channels || (b->size() != 1 &&
                                              (int64_t)b->size() != channels))
      return rewriter.notifyMatchFailure(bn, "parameter sizes differ");

    double eps = bn.getEpsilon().convertToDouble();
    SmallVector<double> g(channels);
    for (int64_t c = 0; c < channels; ++c) {
      if ((*var)[c] + eps <= 0.0)
        return rewriter.notifyMatchFailure(bn, "non-positive variance");
      g[c] = (*gamma)[c] / std::sqrt((*var)[c] + eps);
    }

    // tosa.conv2d and tosa.transpose_conv2d weights are OHWI: the channel is
    // the outermost index.
    // tosa.depthwise_conv2d weights are [KH, KW, C, M]: channel c * M + m is
    // the innermost C*M block.
    SmallVector<double> newW = *w;
    if (isa<tosa::Conv2DOp, tosa::TransposeConv2DOp>(conv)) {
      int64_t inner = newW.size() / channels;
      for (int64_t i = 0, e = newW.size(); i < e; ++i)
        newW[i] *= g[i / inner];
    } else {
      for (int64_t i = 0, e = newW.size(); i < e; ++i)
        newW[i] *= g[i % channels];
    }
    SmallVector<double> newB(channels);
    for (int64_t c = 0; c < channels; ++c)
      newB[c] = ((*b)[b->size() == 1 ? 0 : c] - (*mean)[c]) * g[c] +
                (*beta)[c];

    Location loc = bn.getLoc();
    rewriter.setInsertionPoint(conv);
    Value wConst = createF32Constant(rewriter, loc, wType.getShape(), newW);
    Value bConst = createF32Constant(rewriter, loc, {channels}, newB);
    Operation *folded = rewriter.clone(*conv);
    folded->setOperand(1, wConst);
    folded->setOperand(2, bConst);
    folded->setLoc(rewriter.getFusedLoc({conv->getLoc(), loc}));

    SmallVector<float> betaF(beta->begin(), beta->end());
    SmallVector<float> gammaF(gamma->begin(), gamma->end());
    folded->setAttr(
        qnn::FoldedBatchNormAttr::getAttrName(),
        qnn::FoldedBatchNormAttr::get(rewriter.getContext(),
                                      rewriter.getDenseF32ArrayAttr(betaF),
                                      rewriter.getDenseF32ArrayAttr(gammaF)));
    rewriter.replaceOp(bn, folded->getResults());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct QNNFoldBatchNormPass
    : qmlir::impl::QNNFoldBatchNormBase<QNNFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk([](qnn::BatchNormOp bn) {
      bn.emitRemark("batch norm not folded: it needs a single-use "
                    "tosa.conv2d/depthwise_conv2d/transpose_conv2d producer "
                    "with constant f32 "
                    "weight, bias and statistics; it stays as a float op");
    });
  }
};

} // namespace

void qmlir::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBiasAddIntoConv, FoldBatchNormIntoConv>(
      patterns.getContext());
}
