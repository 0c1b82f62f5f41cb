//===- InterleaveChannels.cpp - NCHW -> NHWC of few channels as shuffles --===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// An NCHW model's input (an image: 3 channels) is transposed to NHWC for the
// first convolution, and quantized. Vectorized as a linalg op, the
// transpose (fused with the quantization) reads a vector along W from each
// channel plane and scatters it element by element into the interleaved
// output: a store per element, ~8 % of a small int8 classifier's time. Here
// the transpose becomes loops over (n, h, blocks of W) that read one vector
// per channel, interleave them with one shuffle and store one contiguous
// vector; a per-tensor quantization of the transposed tensor moves before
// it (on the contiguous planes), so the interleave moves bytes.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPUINTERLEAVECHANNELS
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

constexpr int64_t kMaxChannels = 4;

/// Whether `t` is an NCHW -> NHWC transpose of few channels this pass
/// lowers: static shape, whole-byte integer or float elements.
bool isChannelInterleave(tosa::TransposeOp t) {
  auto type = dyn_cast<RankedTensorType>(t.getInput1().getType());
  if (!type || !type.hasStaticShape() || type.getRank() != 4 ||
      t.getPerms() != ArrayRef<int32_t>{0, 2, 3, 1})
    return false;
  Type elem = type.getElementType();
  return elem.isIntOrFloat() && elem.getIntOrFloatBitWidth() % 8 == 0 &&
         elem.getIntOrFloatBitWidth() <= 32 && type.getDimSize(1) > 1 &&
         type.getDimSize(1) <= kMaxChannels;
}

/// qcast(T(x)) -> scast(T(scast(qcast(x)))) for a per-tensor qcast of an
/// interleave: the quantization runs on the contiguous planes, the
/// interleave on bytes.
struct QuantizeBeforeInterleave : OpRewritePattern<quant::QuantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::QuantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    auto t = op.getInput().getDefiningOp<tosa::TransposeOp>();
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!t || !t->hasOneUse() || !isChannelInterleave(t) || !resultType)
      return rewriter.notifyMatchFailure(op, "not a quantized interleave");
    auto q = dyn_cast<quant::UniformQuantizedType>(resultType.getElementType());
    if (!q)
      return rewriter.notifyMatchFailure(op, "not per-tensor");
    auto inType = cast<RankedTensorType>(t.getInput1().getType());
    Location loc = op.getLoc();
    Value quantized = quant::QuantizeCastOp::create(
        rewriter, loc, inType.clone(q), t.getInput1());
    Value stored = quant::StorageCastOp::create(
        rewriter, loc, inType.clone(q.getStorageType()), quantized);
    Value transposed = tosa::TransposeOp::create(
        rewriter, loc, resultType.clone(q.getStorageType()), stored,
        t.getPermsAttr());
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType,
                                                      transposed);
    return success();
  }
};

/// T(x) NCHW -> NHWC as loops over (n, h, blocks of W) on tensors: one
/// vector read per channel, one shuffle, one contiguous write into the
/// [N, H, W * C] result, expanded to [N, H, W, C].
struct InterleaveTranspose : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!isChannelInterleave(op))
      return rewriter.notifyMatchFailure(op, "not a channel interleave");
    // A quantization of it moves before it first.
    if (op->hasOneUse())
      if (auto q = dyn_cast<quant::QuantizeCastOp>(*op->user_begin());
          q &&
          isa<quant::UniformQuantizedType>(getElementTypeOrSelf(q.getType())))
        return rewriter.notifyMatchFailure(op, "quantized after");
    auto inType = cast<RankedTensorType>(op.getInput1().getType());
    Type elem = inType.getElementType();
    int64_t N = inType.getDimSize(0), C = inType.getDimSize(1),
            H = inType.getDimSize(2), W = inType.getDimSize(3);
    // 32 bytes from each plane per block (8 floats, 32 bytes).
    int64_t block = 32 / (elem.getIntOrFloatBitWidth() / 8);
    Location loc = op.getLoc();
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };
    Value x = op.getInput1();
    auto flatType = RankedTensorType::get({N, H, W * C}, elem);
    Value init =
        tensor::EmptyOp::create(rewriter, loc, flatType.getShape(), elem);
    Value pad = arith::ConstantOp::create(rewriter, loc, elem,
                                          rewriter.getZeroAttr(elem));
    // Pieces of W: blocks, then powers of two for the rest (each in
    // bounds: no masked access).
    auto interleave = [&](OpBuilder &b, Value n, Value h, Value w0,
                          int64_t width, Value acc) -> Value {
      SmallVector<Value> planes;
      auto vt = VectorType::get({width}, elem);
      for (int64_t c = 0; c < C; ++c)
        planes.push_back(vector::TransferReadOp::create(
            b, loc, vt, x, ValueRange{n, idx(c), h, w0}, pad,
            ArrayRef<bool>{true}));
      // Concatenated pairwise (padding an odd one with itself), then one
      // permutation: element (w, c) of the result is plane c's w.
      while (planes.size() > 1) {
        SmallVector<Value> next;
        for (size_t i = 0; i < planes.size(); i += 2) {
          Value a = planes[i];
          Value other = i + 1 < planes.size() ? planes[i + 1] : a;
          int64_t na = cast<VectorType>(a.getType()).getNumElements();
          int64_t nb = cast<VectorType>(other.getType()).getNumElements();
          next.push_back(vector::ShuffleOp::create(
              b, loc, a, other,
              llvm::to_vector(llvm::seq<int64_t>(0, na + nb))));
        }
        planes = std::move(next);
      }
      SmallVector<int64_t> mask;
      for (int64_t w = 0; w < width; ++w)
        for (int64_t c = 0; c < C; ++c)
          mask.push_back(c * width + w);
      Value all = planes.front();
      Value interleaved = vector::ShuffleOp::create(b, loc, all, all, mask);
      Value col = arith::MulIOp::create(b, loc, w0, idx(C));
      return vector::TransferWriteOp::create(b, loc, interleaved, acc,
                                             ValueRange{n, h, col},
                                             ArrayRef<bool>{true})
          .getResult();
    };
    int64_t main = W / block * block;
    auto loops = scf::ForOp::create(
        rewriter, loc, idx(0), idx(N), idx(1), ValueRange{init},
        [&](OpBuilder &b, Location, Value n, ValueRange accN) {
          auto rows = scf::ForOp::create(
              b, loc, idx(0), idx(H), idx(1), accN,
              [&](OpBuilder &b, Location, Value h, ValueRange accH) {
                Value acc = accH[0];
                if (main > 0)
                  acc = scf::ForOp::create(
                            b, loc, idx(0), idx(main), idx(block),
                            ValueRange{acc},
                            [&](OpBuilder &b, Location, Value w0,
                                ValueRange accW) {
                              scf::YieldOp::create(
                                  b, loc,
                                  interleave(b, n, h, w0, block, accW[0]));
                            })
                            .getResult(0);
                for (int64_t w0 = main; w0 < W;) {
                  int64_t width = int64_t(1) << llvm::Log2_64(W - w0);
                  acc = interleave(b, n, h, idx(w0), width, acc);
                  w0 += width;
                }
                scf::YieldOp::create(b, loc, acc);
              });
          scf::YieldOp::create(b, loc, rows.getResults());
        });
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, op.getType(), loops.getResult(0),
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    return success();
  }
};

struct QNNCPUInterleaveChannelsPass
    : qmlir::impl::QNNCPUInterleaveChannelsBase<QNNCPUInterleaveChannelsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateInterleaveChannelsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void qmlir::populateInterleaveChannelsPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeBeforeInterleave, InterleaveTranspose>(
      patterns.getContext());
}
