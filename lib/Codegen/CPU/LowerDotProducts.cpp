//===- LowerDotProducts.cpp - 4-way int8 dot products to instructions -----===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPULOWERDOTPRODUCTS
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// acc + reduce-groups-of-4(ext(a) * extsi(w)) -> one dot instruction.
struct DotProductToIntrinsic
    : OpRewritePattern<vector::MultiDimReductionOp> {
  DotProductToIntrinsic(MLIRContext *ctx, const CPUTarget &target)
      : OpRewritePattern(ctx), kind(target.getDotProductKind()),
        lanes(target.getDotProductLanes()) {}

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    auto srcType = op.getSourceVectorType();
    Type i32 = rewriter.getI32Type();
    if (op.getKind() != vector::CombiningKind::ADD ||
        srcType != VectorType::get({lanes, 4}, i32) ||
        op.getReductionMask() != ArrayRef<bool>{false, true})
      return rewriter.notifyMatchFailure(op, "not a 4-way dot product");
    // Both factors constant (padding times weights): the folded products,
    // summed at compile time.
    DenseIntElementsAttr folded;
    if (matchPattern(op.getSource(), m_Constant(&folded))) {
      SmallVector<int32_t> sums(lanes, 0);
      int64_t i = 0;
      for (APInt x : folded.getValues<APInt>())
        sums[i++ / 4] += static_cast<int32_t>(x.getSExtValue());
      auto accType = VectorType::get({lanes}, i32);
      Value c = arith::ConstantOp::create(
          rewriter, op.getLoc(), accType,
          DenseElementsAttr::get(accType, ArrayRef<int32_t>(sums)));
      rewriter.replaceOpWithNewOp<arith::AddIOp>(op, op.getAcc(), c);
      return success();
    }
    auto cast = op.getSource().getDefiningOp<vector::ShapeCastOp>();
    auto mul = cast ? cast.getSource().getDefiningOp<arith::MulIOp>()
                    : arith::MulIOp();
    if (!mul)
      return rewriter.notifyMatchFailure(op, "no product");
    if (kind == DotProductKind::X86AVX2) {
      // No dot instruction: sum the groups of 4 as two rounds of even +
      // odd lanes, the form the x86 backend turns into vpmaddwd (the byte
      // products fit in i16 pairs exactly) and a horizontal add.
      Value sum = mul.getResult();
      for (int64_t width = 4 * lanes; width > lanes; width /= 2) {
        SmallVector<int64_t> even, odd;
        for (int64_t i = 0; i < width; i += 2) {
          even.push_back(i);
          odd.push_back(i + 1);
        }
        sum = arith::AddIOp::create(
            rewriter, op.getLoc(),
            vector::ShuffleOp::create(rewriter, op.getLoc(), sum, sum, even),
            vector::ShuffleOp::create(rewriter, op.getLoc(), sum, sum, odd));
      }
      rewriter.replaceOpWithNewOp<arith::AddIOp>(op, op.getAcc(), sum);
      return success();
    }
    auto bytes = VectorType::get({4 * lanes}, rewriter.getI8Type());
    auto i8Source = [&](Value v, bool isSigned) -> Value {
      Value in;
      if (auto e = v.getDefiningOp<arith::ExtSIOp>(); e && isSigned)
        in = e.getIn();
      else if (auto e = v.getDefiningOp<arith::ExtUIOp>(); e && !isSigned)
        in = e.getIn();
      if (in && in.getType() == bytes)
        return in;
      // An extension of constant bytes (weights or padding) folded away:
      // the constant's values, back in bytes, if they fit.
      DenseIntElementsAttr attr;
      if (!matchPattern(v, m_Constant(&attr)))
        return Value();
      SmallVector<int8_t> values;
      for (APInt x : attr.getValues<APInt>()) {
        int64_t y = x.getSExtValue();
        if (isSigned ? (y < -128 || y > 127) : (y < 0 || y > 255))
          return Value();
        values.push_back(static_cast<int8_t>(y));
      }
      return arith::ConstantOp::create(
          rewriter, op.getLoc(), bytes,
          DenseElementsAttr::get(bytes, ArrayRef<int8_t>(values)));
    };
    bool aSigned = kind == DotProductKind::AArch64SDot;
    // The canonicalizer may have put a folded constant on either side.
    Value a = i8Source(mul.getLhs(), aSigned);
    Value w = i8Source(mul.getRhs(), /*isSigned=*/true);
    if (!a || !w) {
      a = i8Source(mul.getRhs(), aSigned);
      w = i8Source(mul.getLhs(), /*isSigned=*/true);
    }
    if (!a || !w)
      return rewriter.notifyMatchFailure(op, "operands are not extended i8");

    Value acc = op.getAcc();
    auto accType = VectorType::get({lanes}, i32);
    StringRef name;
    switch (kind) {
    case DotProductKind::X86AVX512VNNI:
      // LLVM 22 types the byte operands as <64 x i8>.
      name = "llvm.x86.avx512.vpdpbusd.512";
      break;
    case DotProductKind::X86AVXVNNI:
      // The same intrinsic on ymm; without AVX-512 the backend selects the
      // VEX encoding of AVX-VNNI.
      name = "llvm.x86.avx512.vpdpbusd.256";
      break;
    case DotProductKind::AArch64USDot:
      name = "llvm.aarch64.neon.usdot.v4i32.v16i8";
      break;
    case DotProductKind::AArch64SDot:
      name = "llvm.aarch64.neon.sdot.v4i32.v16i8";
      break;
    case DotProductKind::X86AVX2:
    case DotProductKind::None:
      return failure();
    }
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, accType, rewriter.getStringAttr(name), ValueRange{acc, a, w});
    return success();
  }

  DotProductKind kind;
  int64_t lanes;
};

struct QNNCPULowerDotProductsPass
    : qmlir::impl::QNNCPULowerDotProductsBase<QNNCPULowerDotProductsPass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<CPUTarget> target = CPUTarget::getOrEmitError(
        getOperation(), getArgument(), targetTriple, targetCPU,
        targetFeatures);
    if (failed(target))
      return signalPassFailure();
    if (target->getDotProductKind() == DotProductKind::None)
      return;
    RewritePatternSet patterns(&getContext());
    populateLowerDotProductPatterns(patterns, *target);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void qmlir::populateLowerDotProductPatterns(RewritePatternSet &patterns,
                                            const CPUTarget &target) {
  if (target.getDotProductKind() != DotProductKind::None)
    patterns.add<DotProductToIntrinsic>(patterns.getContext(), target);
}
