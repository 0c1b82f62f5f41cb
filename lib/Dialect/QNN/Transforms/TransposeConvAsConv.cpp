//===- TransposeConvAsConv.cpp - Stride-sized transpose convs as 1x1 convs ===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// The learned upsampling of segmentation heads (DBNet's probability map,
// U-Net decoders) is a tosa.transpose_conv2d whose kernel equals its stride
// and has no output padding: every input pixel writes its own sy x sx block
// of outputs,
//   out[n, iy*sy + ky, ix*sx + kx, oc] = bias[oc] + sum_ic in[n, iy, ix, ic] *
//                                        W[oc, ky, kx, ic].
// That is a 1x1 tosa.conv2d with sy*sx*OC output channels (channel
// (ky*sx + kx)*OC + oc holds W[oc, ky, kx, :], bias tiled), followed by a
// depth-to-space (reshape, transpose, reshape). The 1x1 convolution is a
// quantizable group and runs on the int8 microkernels; the transposed
// convolution stayed float.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNTRANSPOSECONVASCONV
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

bool isZero(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return false;
  auto f = dyn_cast<FloatAttr>(attr.getSplatValue<Attribute>());
  return f && f.getValue().isZero();
}

struct TransposeConvAsConv : OpRewritePattern<tosa::TransposeConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeConv2DOp op,
                                PatternRewriter &rewriter) const override {
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    auto wType = dyn_cast<RankedTensorType>(op.getWeight().getType());
    if (!inType || !outType || !wType || !inType.hasStaticShape() ||
        !outType.hasStaticShape() || !wType.hasStaticShape() ||
        !inType.getElementType().isF32() || !outType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a static f32 op");
    ArrayRef<int64_t> stride = op.getStride();
    int64_t oc = wType.getDimSize(0), kh = wType.getDimSize(1),
            kw = wType.getDimSize(2), ic = wType.getDimSize(3);
    if (kh != stride[0] || kw != stride[1] ||
        llvm::any_of(op.getOutPad(), [](int64_t p) { return p != 0; }))
      return rewriter.notifyMatchFailure(op, "kernel is not the stride");
    if (!isZero(op.getInputZp()) || !isZero(op.getWeightZp()))
      return rewriter.notifyMatchFailure(op, "non-zero zero points");
    DenseElementsAttr wAttr, bAttr;
    if (!matchPattern(op.getWeight(), m_Constant(&wAttr)) ||
        !matchPattern(op.getBias(), m_Constant(&bAttr)))
      return rewriter.notifyMatchFailure(op, "non-constant weights or bias");
    SmallVector<float> w(wAttr.getValues<float>());
    SmallVector<float> bias(bAttr.getValues<float>());
    if (bias.size() != 1 && static_cast<int64_t>(bias.size()) != oc)
      return rewriter.notifyMatchFailure(op, "bias size");
    int64_t n = inType.getDimSize(0), h = inType.getDimSize(1),
            wd = inType.getDimSize(2);

    // W'[(ky*kw + kx)*OC + o][0][0][c] = W[o][ky][kx][c].
    int64_t channels = kh * kw * oc;
    SmallVector<float> w2(channels * ic), b2(channels);
    for (int64_t ky = 0; ky < kh; ++ky)
      for (int64_t kx = 0; kx < kw; ++kx)
        for (int64_t o = 0; o < oc; ++o) {
          int64_t c2 = (ky * kw + kx) * oc + o;
          b2[c2] = bias[bias.size() == 1 ? 0 : o];
          for (int64_t c = 0; c < ic; ++c)
            w2[c2 * ic + c] = w[((o * kh + ky) * kw + kx) * ic + c];
        }
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    auto w2Type = RankedTensorType::get({channels, 1, 1, ic}, f32);
    auto b2Type = RankedTensorType::get({channels}, f32);
    Value w2Const = tosa::ConstOp::create(
        rewriter, loc, w2Type, DenseElementsAttr::get(w2Type, ArrayRef(w2)));
    Value b2Const = tosa::ConstOp::create(
        rewriter, loc, b2Type, DenseElementsAttr::get(b2Type, ArrayRef(b2)));
    auto convType = RankedTensorType::get({n, h, wd, channels}, f32);
    Value conv = tosa::Conv2DOp::create(
        rewriter, loc, convType, op.getInput(), w2Const, b2Const,
        op.getInputZp(), op.getWeightZp(), ArrayRef<int64_t>{0, 0, 0, 0},
        ArrayRef<int64_t>{1, 1}, ArrayRef<int64_t>{1, 1}, f32);
    // A clamp (ReLU) that is the only user moves before the depth to space
    // (elementwise, it commutes with moving data), next to the convolution
    // whose quantization fuses it.
    tosa::ClampOp clamp;
    if (op->hasOneUse())
      clamp = dyn_cast<tosa::ClampOp>(*op->getUsers().begin());
    if (clamp) {
      Operation *moved = rewriter.clone(*clamp);
      moved->setOperand(0, conv);
      moved->getResult(0).setType(convType);
      conv = moved->getResult(0);
    }
    // Depth to space: [N, H, W, sy, sx, OC] -> [N, H, sy, W, sx, OC].
    SmallVector<int64_t> s6 = {n, h, wd, kh, kw, oc};
    SmallVector<int64_t> t6 = {n, h, kh, wd, kw, oc};
    Value split = tosa::ReshapeOp::create(
        rewriter, loc, RankedTensorType::get(s6, f32), conv,
        tosa::getTosaConstShape(rewriter, loc, s6));
    Value moved = tosa::TransposeOp::create(
        rewriter, loc, RankedTensorType::get(t6, f32), split,
        rewriter.getDenseI32ArrayAttr({0, 1, 3, 2, 4, 5}));
    Value result = tosa::ReshapeOp::create(
        rewriter, loc, outType, moved,
        tosa::getTosaConstShape(rewriter, loc, outType.getShape()));
    if (clamp) {
      rewriter.replaceOp(clamp, result);
      rewriter.eraseOp(op);
    } else {
      rewriter.replaceOp(op, result);
    }
    return success();
  }
};

struct QNNTransposeConvAsConvPass
    : qmlir::impl::QNNTransposeConvAsConvBase<QNNTransposeConvAsConvPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TransposeConvAsConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
