//===- ResizeAsTile.cpp - Nearest integer upsampling as reshape + tile ----===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// The upsampling layers of detection and segmentation necks (FPN, DBNet) are
// nearest-neighbour resizes by 2, 4 or 8. tosa-to-linalg lowers every
// tosa.resize to a gather: each output element computes its source index
// (a division, a remainder, a rounding compare and a clamp per axis) and
// loads one scalar. When every output row/column o reads input o / s, the
// resize is a repetition: reshape [N, H, W, C] to [N, H, 1, W, 1, C], tile
// by [1, 1, s, 1, t, 1], reshape to [N, H*s, W*t, C] - plain copies that
// vectorize along C.
//
// Whether a resize is such a repetition is decided by evaluating, at compile
// time and for every output index, the index computation of the lowering it
// replaces (upstream TosaToLinalg's, which implements the TOSA
// specification), so the rewrite is exact by construction.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNRESIZEASTILE
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// The input index that nearest-neighbour output index `o` reads along an
/// axis of `inSize` elements, as tosa-to-linalg computes it: the float path
/// (floor division, remainder as a fraction >= 0.5 rounds up) for float
/// tensors, the integer path (truncating division, 2 * remainder >= n) for
/// integer ones; then clamped to the axis.
int64_t nearestIndex(int64_t o, int64_t scaleN, int64_t scaleD, int64_t offset,
                     int64_t inSize, bool isFloat) {
  if (inSize == 1)
    return 0;
  int64_t v = o * scaleD + offset;
  int64_t index;
  bool roundUp;
  if (isFloat) {
    index = floorDiv(v, scaleN);
    int64_t r = v % scaleN; // remsi: the sign of v
    roundUp = static_cast<float>(r) / static_cast<float>(scaleN) >= 0.5f;
  } else {
    index = v / scaleN;
    int64_t d = v - index * scaleN;
    roundUp = 2 * d >= scaleN;
  }
  index += roundUp ? 1 : 0;
  return std::clamp<int64_t>(index, 0, inSize - 1);
}

/// The repetition factor s with output o reading input o / s for every o,
/// or 0 when the axis is not such a repetition.
int64_t getRepeatFactor(int64_t inSize, int64_t outSize, int64_t scaleN,
                        int64_t scaleD, int64_t offset, bool isFloat) {
  if (inSize <= 0 || outSize % inSize != 0)
    return 0;
  int64_t s = outSize / inSize;
  for (int64_t o = 0; o < outSize; ++o)
    if (nearestIndex(o, scaleN, scaleD, offset, inSize, isFloat) != o / s)
      return 0;
  return s;
}

struct NearestResizeAsTile : OpRewritePattern<tosa::ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ResizeOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getMode() != tosa::ResizeMode::NEAREST_NEIGHBOR)
      return rewriter.notifyMatchFailure(op, "not nearest-neighbour");
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!inType || !outType || !inType.hasStaticShape() ||
        !outType.hasStaticShape() || inType.getRank() != 4 ||
        inType.getElementType() != outType.getElementType())
      return rewriter.notifyMatchFailure(op, "not a static rank-4 resize");
    SmallVector<int64_t> scale, offset, border;
    if (!tosa::getConstShapeValues(op.getScale().getDefiningOp(), scale) ||
        !tosa::getConstShapeValues(op.getOffset().getDefiningOp(), offset) ||
        !tosa::getConstShapeValues(op.getBorder().getDefiningOp(), border) ||
        scale.size() != 4 || offset.size() != 2 || scale[0] <= 0 ||
        scale[2] <= 0)
      return rewriter.notifyMatchFailure(op, "non-constant parameters");
    bool isFloat = isa<FloatType>(inType.getElementType());
    ArrayRef<int64_t> in = inType.getShape(), out = outType.getShape();
    if (in[0] != out[0] || in[3] != out[3])
      return rewriter.notifyMatchFailure(op, "batch or channels change");
    int64_t sy = getRepeatFactor(in[1], out[1], scale[0], scale[1], offset[0],
                                 isFloat);
    int64_t sx = getRepeatFactor(in[2], out[2], scale[2], scale[3], offset[1],
                                 isFloat);
    if (sy == 0 || sx == 0)
      return rewriter.notifyMatchFailure(op, "not an integer repetition");

    Location loc = op.getLoc();
    Type elementType = inType.getElementType();
    auto shape6 = [&](int64_t a, int64_t b) {
      return SmallVector<int64_t>{in[0], in[1], a, in[2], b, in[3]};
    };
    Value expanded = tosa::ReshapeOp::create(
        rewriter, loc, RankedTensorType::get(shape6(1, 1), elementType),
        op.getInput(), tosa::getTosaConstShape(rewriter, loc, shape6(1, 1)));
    Value tiled = tosa::TileOp::create(
        rewriter, loc, RankedTensorType::get(shape6(sy, sx), elementType),
        expanded,
        tosa::getTosaConstShape(rewriter, loc, {1, 1, sy, 1, sx, 1}));
    rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(
        op, outType, tiled, tosa::getTosaConstShape(rewriter, loc, out));
    return success();
  }
};

struct QNNResizeAsTilePass
    : qmlir::impl::QNNResizeAsTileBase<QNNResizeAsTilePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateResizeAsTilePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void qmlir::populateResizeAsTilePatterns(RewritePatternSet &patterns) {
  patterns.add<NearestResizeAsTile>(patterns.getContext());
}
