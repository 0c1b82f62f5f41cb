//===- SinkTransposes.cpp - Move layout transposes through elementwise ops ===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// An NCHW model imported onto NHWC convolutions has a transpose pair around
// every stretch of elementwise ops (activations, residual adds, the
// squeeze-excite scale). An elementwise op commutes with a transpose of all
// its operands: op(T(x), T(y)) = T(op(x, y)), and a scalar-like constant
// (all dimensions 1) is its own transpose. Moving each transpose below the
// op it feeds walks it down the chain until it meets the inverse transpose
// in front of the next convolution, where the two fold away.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNSINKTRANSPOSES
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// A constant whose every dimension is 1: the same under any permutation.
bool isScalarLike(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && llvm::all_of(type.getShape(), [](int64_t d) { return d == 1; }) &&
         v.getDefiningOp() && v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>();
}

/// Elementwise ops whose operands and result share one layout.
bool isElementwise(Operation *op) {
  if (isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
          tosa::MinimumOp, tosa::ClampOp, tosa::SigmoidOp, tosa::TanhOp,
          tosa::ExpOp, tosa::AbsOp, tosa::NegateOp, tosa::ReciprocalOp,
          tosa::RsqrtOp, tosa::LogOp, tosa::ErfOp, tosa::PowOp,
          tosa::CastOp>(op))
    return true;
  // Per-tensor quantization casts (a per-axis type names a dimension).
  if (isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(op))
    return llvm::all_of(
        llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()),
        [](Type t) {
          return !isa<quant::UniformQuantizedPerAxisType>(
              getElementTypeOrSelf(t));
        });
  // A linalg.generic on tensors: all loops parallel, identity maps except
  // for operands that are scalar-like constants.
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumResults() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return false;
  for (OpOperand &operand : generic->getOpOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(&operand);
    if (map.isIdentity())
      continue;
    if (generic.isDpsInput(&operand) && isScalarLike(operand.get()))
      continue;
    return false;
  }
  // The init must be a plain tensor.empty: its value is not read.
  return llvm::all_of(generic.getDpsInits(), [](Value init) {
    return init.getDefiningOp<tensor::EmptyOp>() != nullptr;
  });
}

struct SinkTransposeThroughElementwise : RewritePattern {
  SinkTransposeThroughElementwise(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1 || !isElementwise(op))
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    // The lowering has no transpose of quantized tensors: do not make one.
    if (!resultType || !resultType.hasStaticShape() ||
        isa<quant::QuantizedType>(resultType.getElementType()))
      return failure();
    int64_t rank = resultType.getRank();
    // Every operand of the result's rank is a transpose with one perms, or
    // a scalar-like constant; at least one is a transpose.
    ArrayRef<int32_t> perms;
    auto generic = dyn_cast<linalg::GenericOp>(op);
    for (OpOperand &operand : op->getOpOperands()) {
      if (generic && generic.isDpsInit(&operand))
        continue;
      auto type = dyn_cast<RankedTensorType>(operand.get().getType());
      if (!type || type.getRank() != rank)
        continue; // e.g. tosa.mul's shift
      if (auto t = operand.get().getDefiningOp<tosa::TransposeOp>()) {
        if (!perms.empty() && t.getPerms() != perms)
          return failure();
        perms = t.getPerms();
        continue;
      }
      if (!isScalarLike(operand.get()))
        return failure();
    }
    if (perms.empty())
      return failure();

    // The result in the transposes' input layout: dim perms[i] of it is
    // dim i of the current result.
    SmallVector<int64_t> shape(rank);
    for (int64_t i = 0; i < rank; ++i)
      shape[perms[i]] = resultType.getDimSize(i);
    auto innerType = resultType.clone(shape);

    IRMapping mapping;
    for (OpOperand &operand : op->getOpOperands())
      if (auto t = operand.get().getDefiningOp<tosa::TransposeOp>();
          t && (!generic || !generic.isDpsInit(&operand)))
        mapping.map(operand.get(), t.getInput1());
    if (generic) {
      for (Value init : generic.getDpsInits())
        mapping.map(init, tensor::EmptyOp::create(rewriter, op->getLoc(),
                                                  shape,
                                                  innerType.getElementType()));
    }
    Operation *inner = rewriter.clone(*op, mapping);
    inner->getResult(0).setType(innerType);
    auto transposed = tosa::TransposeOp::create(
        rewriter, op->getLoc(), resultType, inner->getResult(0),
        rewriter.getDenseI32ArrayAttr(perms));
    rewriter.replaceOp(op, transposed.getResult());
    return success();
  }
};

/// concat(T(x), T(y), ...) along axis a = T(concat(x, y, ...) along
/// perms[a]): the concatenation of the feature maps of an FPN neck happens
/// in the layout they were computed in.
struct SinkTransposeThroughConcat : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || !resultType.hasStaticShape() ||
        isa<quant::QuantizedType>(resultType.getElementType()))
      return failure();
    ArrayRef<int32_t> perms;
    SmallVector<Value> inputs;
    for (Value operand : op.getInput1()) {
      auto t = operand.getDefiningOp<tosa::TransposeOp>();
      if (!t || (!perms.empty() && t.getPerms() != perms))
        return failure();
      perms = t.getPerms();
      inputs.push_back(t.getInput1());
    }
    if (perms.empty())
      return failure();
    int64_t rank = resultType.getRank();
    SmallVector<int64_t> shape(rank);
    for (int64_t i = 0; i < rank; ++i)
      shape[perms[i]] = resultType.getDimSize(i);
    int32_t axis = perms[op.getAxis()];
    Value inner = tosa::ConcatOp::create(rewriter, op.getLoc(),
                                         resultType.clone(shape), inputs,
                                         rewriter.getI32IntegerAttr(axis));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(
        op, resultType, inner, rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};

/// A reshape that only moves dimensions of size 1 (e.g. [1, 1, 1, C] to
/// [1, C, 1, 1]) keeps the data in place: it is the transpose that moves
/// those dimensions, and as a transpose it can sink and cancel.
struct ReshapeAsTranspose : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inType = dyn_cast<RankedTensorType>(op.getInput1().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getType());
    if (!inType || !outType || !inType.hasStaticShape() ||
        !outType.hasStaticShape() || inType.getRank() != outType.getRank() ||
        inType == outType)
      return failure();
    SmallVector<int64_t> inBig, outBig, inOnes;
    for (int64_t i = 0; i < inType.getRank(); ++i) {
      if (inType.getDimSize(i) != 1)
        inBig.push_back(i);
      else
        inOnes.push_back(i);
      if (outType.getDimSize(i) != 1)
        outBig.push_back(i);
    }
    if (inBig.size() != outBig.size())
      return failure();
    // Output dim i takes input dim perms[i]: the big dimensions in order,
    // the unit ones in order.
    SmallVector<int32_t> perms(outType.getRank());
    size_t big = 0, one = 0;
    for (int64_t i = 0; i < outType.getRank(); ++i) {
      if (outType.getDimSize(i) != 1) {
        if (inType.getDimSize(inBig[big]) != outType.getDimSize(i))
          return failure();
        perms[i] = inBig[big++];
      } else {
        perms[i] = inOnes[one++];
      }
    }
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(
        op, outType, op.getInput1(), rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};

/// transpose(transpose(x, p), q) with q . p the identity: x. (TOSA's own
/// canonicalization also folds this, but it comes with TransposeIsReshape,
/// which would undo ReshapeAsTranspose in the same greedy run; the
/// canonicalizer after this pass turns unit-dim transposes that did not
/// cancel back into reshapes.)
struct FoldInverseTransposes : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput1().getDefiningOp<tosa::TransposeOp>();
    if (!inner)
      return failure();
    ArrayRef<int32_t> p = inner.getPerms(), q = op.getPerms();
    for (size_t i = 0; i < q.size(); ++i)
      if (p[q[i]] != static_cast<int32_t>(i))
        return failure();
    if (inner.getInput1().getType() != op.getType())
      return failure();
    rewriter.replaceOp(op, inner.getInput1());
    return success();
  }
};

struct QNNSinkTransposesPass
    : qmlir::impl::QNNSinkTransposesBase<QNNSinkTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSinkTransposesPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void qmlir::populateSinkTransposesPatterns(RewritePatternSet &patterns) {
  patterns.add<SinkTransposeThroughElementwise, SinkTransposeThroughConcat,
               FoldInverseTransposes, ReshapeAsTranspose>(
      patterns.getContext());
}
