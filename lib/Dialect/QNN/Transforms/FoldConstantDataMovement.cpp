//===- FoldConstantDataMovement.cpp - Constant weights stay constant ------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Exported models often rearrange their weights at run time: an LSTM cell
// exported from PyTorch slices its stacked gate weights and concatenates
// them in another gate order, importers reshape and transpose matmul
// weights. TOSA's folders leave non-splat constants alone, so such weights
// reach the quantizer as computed tensors (it quantizes only constant
// weights) and the compiled model copies them on every inference. This pass
// evaluates tosa.slice, tosa.concat, tosa.reshape and tosa.transpose whose
// operands are all constant, on the raw bytes of the constants.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNFOLDCONSTANTDATAMOVEMENT
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// Results larger than this stay computed (a folded copy is a second
/// constant in the binary while the original has other users).
constexpr int64_t kMaxFoldedBytes = 64 << 20;

/// A constant operand as row-major bytes: its element size and data (a
/// splat expanded). Fails for non-constants and for sub-byte elements.
struct RawConstant {
  RankedTensorType type;
  int64_t bytes = 0;
  DenseElementsAttr attr;
  std::vector<char> expanded; // only for a splat
  ArrayRef<char> data() const {
    return attr.isSplat() ? ArrayRef<char>(expanded) : attr.getRawData();
  }
};

FailureOr<RawConstant> getRawConstant(DenseElementsAttr attr) {
  RawConstant c;
  c.attr = attr;
  c.type = dyn_cast<RankedTensorType>(attr.getType());
  if (!c.type || !c.type.hasStaticShape())
    return failure();
  Type elem = c.type.getElementType();
  if (!elem.isIntOrFloat() || elem.getIntOrFloatBitWidth() % 8 != 0)
    return failure();
  c.bytes = elem.getIntOrFloatBitWidth() / 8;
  if (c.attr.isSplat()) {
    ArrayRef<char> one = c.attr.getRawData();
    c.expanded.resize(c.type.getNumElements() * c.bytes);
    for (int64_t i = 0; i < c.type.getNumElements(); ++i)
      std::memcpy(c.expanded.data() + i * c.bytes, one.data(), c.bytes);
  }
  return c;
}

/// The constant `v`, within the size this pass folds.
FailureOr<RawConstant> getRawConstant(Value v) {
  DenseElementsAttr attr;
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape() ||
      !type.getElementType().isIntOrFloat() ||
      type.getNumElements() * type.getElementTypeBitWidth() / 8 >
          kMaxFoldedBytes ||
      !matchPattern(v, m_Constant(&attr)))
    return failure();
  return getRawConstant(attr);
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t a = static_cast<int64_t>(shape.size()) - 2; a >= 0; --a)
    strides[a] = strides[a + 1] * shape[a + 1];
  return strides;
}

/// Replaces `op` by a constant of its result type holding `data`.
void replaceWithConstant(PatternRewriter &rewriter, Operation *op,
                         ArrayRef<char> data) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  rewriter.replaceOpWithNewOp<tosa::ConstOp>(
      op, type, DenseElementsAttr::getFromRawBuffer(type, data));
}

/// out[i] = in[source(i)] over every result index, element by element.
std::vector<char>
gather(const RawConstant &in, ArrayRef<int64_t> outShape,
       llvm::function_ref<int64_t(ArrayRef<int64_t>)> source) {
  int64_t count = 1;
  for (int64_t d : outShape)
    count *= d;
  std::vector<char> out(count * in.bytes);
  SmallVector<int64_t> index(outShape.size(), 0);
  ArrayRef<char> data = in.data();
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(out.data() + i * in.bytes,
                data.data() + source(index) * in.bytes, in.bytes);
    for (int64_t a = static_cast<int64_t>(outShape.size()) - 1; a >= 0; --a) {
      if (++index[a] < outShape[a])
        break;
      index[a] = 0;
    }
  }
  return out;
}

struct FoldConstantSlice : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SliceOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RawConstant> in = getRawConstant(op.getInput1());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> start;
    if (failed(in) || !outType || !outType.hasStaticShape() ||
        !tosa::getConstShapeValues(op.getStart().getDefiningOp(), start) ||
        static_cast<int64_t>(start.size()) != in->type.getRank())
      return rewriter.notifyMatchFailure(op, "not a static constant slice");
    for (auto [s, n, d] :
         llvm::zip(start, outType.getShape(), in->type.getShape()))
      if (s < 0 || s + n > d)
        return rewriter.notifyMatchFailure(op, "slice out of bounds");
    SmallVector<int64_t> strides = stridesOf(in->type.getShape());
    replaceWithConstant(
        rewriter, op,
        gather(*in, outType.getShape(), [&](ArrayRef<int64_t> index) {
          int64_t src = 0;
          for (auto [i, s, st] : llvm::zip(index, start, strides))
            src += (i + s) * st;
          return src;
        }));
    return success();
  }
};

struct FoldConstantConcat : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!outType || !outType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result");
    SmallVector<RawConstant> ins;
    for (Value v : op.getInput1()) {
      FailureOr<RawConstant> c = getRawConstant(v);
      if (failed(c))
        return rewriter.notifyMatchFailure(op, "an operand is not constant");
      ins.push_back(std::move(*c));
    }
    int64_t axis = op.getAxis();
    // Each input contributes blocks of (its axis size x inner) elements, one
    // per index of the outer dimensions, in turn.
    int64_t outer = 1, inner = 1;
    for (int64_t a = 0; a < axis; ++a)
      outer *= outType.getDimSize(a);
    for (int64_t a = axis + 1; a < outType.getRank(); ++a)
      inner *= outType.getDimSize(a);
    int64_t bytes = ins.front().bytes;
    std::vector<char> out;
    out.reserve(outType.getNumElements() * bytes);
    for (int64_t o = 0; o < outer; ++o)
      for (const RawConstant &c : ins) {
        int64_t block = c.type.getDimSize(axis) * inner * bytes;
        ArrayRef<char> part = c.data().slice(o * block, block);
        out.insert(out.end(), part.begin(), part.end());
      }
    replaceWithConstant(rewriter, op, out);
    return success();
  }
};

struct FoldConstantReshape : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RawConstant> in = getRawConstant(op.getInput1());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (failed(in) || !outType || !outType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not a static constant reshape");
    if (in->attr.isSplat()) {
      rewriter.replaceOpWithNewOp<tosa::ConstOp>(op, outType,
                                                 in->attr.resizeSplat(outType));
      return success();
    }
    replaceWithConstant(rewriter, op, in->data());
    return success();
  }
};

struct FoldConstantTranspose : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RawConstant> in = getRawConstant(op.getInput1());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (failed(in) || !outType || !outType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not a static constant transpose");
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(
        op, outType, transposeConstant(in->attr, op.getPerms()));
    return success();
  }
};

struct QNNFoldConstantDataMovementPass
    : qmlir::impl::QNNFoldConstantDataMovementBase<
          QNNFoldConstantDataMovementPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldConstantDataMovementPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

DenseElementsAttr qmlir::transposeConstant(DenseElementsAttr attr,
                                           ArrayRef<int32_t> perms) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || static_cast<int64_t>(perms.size()) != type.getRank())
    return {};
  SmallVector<int64_t> shape;
  for (int32_t p : perms)
    shape.push_back(type.getDimSize(p));
  auto outType = type.clone(shape);
  if (attr.isSplat())
    return attr.resizeSplat(outType);
  FailureOr<RawConstant> in = getRawConstant(attr);
  if (failed(in))
    return {};
  SmallVector<int64_t> strides = stridesOf(type.getShape());
  std::vector<char> out = gather(*in, shape, [&](ArrayRef<int64_t> index) {
    int64_t src = 0;
    for (auto [i, p] : llvm::zip(index, perms))
      src += i * strides[p];
    return src;
  });
  return DenseElementsAttr::getFromRawBuffer(outType, out);
}

void qmlir::populateFoldConstantDataMovementPatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldConstantSlice, FoldConstantConcat, FoldConstantReshape,
               FoldConstantTranspose>(patterns.getContext());
}
