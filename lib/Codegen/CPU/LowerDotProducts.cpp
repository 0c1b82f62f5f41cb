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

/// The i8 vector of type `bytes` that `v` extends (sign extension when
/// `isSigned`, else zero extension), or, for an extension of constant bytes
/// (weights or padding) folded away, the constant's values back in bytes if
/// they fit; else null.
Value byteSource(PatternRewriter &rewriter, Location loc, Value v,
                 bool isSigned, VectorType bytes) {
  Value in;
  if (auto e = v.getDefiningOp<arith::ExtSIOp>(); e && isSigned)
    in = e.getIn();
  else if (auto e = v.getDefiningOp<arith::ExtUIOp>(); e && !isSigned)
    in = e.getIn();
  if (in && in.getType() == bytes)
    return in;
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
      rewriter, loc, bytes,
      DenseElementsAttr::get(bytes, ArrayRef<int8_t>(values)));
}

/// `parts` (a power of two of equal vectors) concatenated in halves.
Value concatenate(PatternRewriter &rewriter, Location loc,
                  SmallVector<Value> parts) {
  while (parts.size() > 1) {
    SmallVector<Value> joined;
    for (size_t i = 0; i < parts.size(); i += 2) {
      int64_t n = llvm::cast<VectorType>(parts[i].getType()).getNumElements();
      joined.push_back(vector::ShuffleOp::create(
          rewriter, loc, parts[i], parts[i + 1],
          llvm::to_vector(llvm::seq<int64_t>(0, 2 * n))));
    }
    parts = std::move(joined);
  }
  return parts.front();
}

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
    if (kind == DotProductKind::X86AVX2 &&
        op.getKind() == vector::CombiningKind::ADD && srcType.getRank() == 2 &&
        srcType.getDimSize(0) % lanes == 0 &&
        llvm::isPowerOf2_64(srcType.getDimSize(0) / lanes) &&
        srcType.getDimSize(1) == 2 && srcType.getElementType() == i32 &&
        op.getReductionMask() == ArrayRef<bool>{false, true})
      return rewriteWordPairs(op, rewriter);
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
    auto i8Source = [&](Value v, bool isSigned) {
      return byteSource(rewriter, op.getLoc(), v, isSigned, bytes);
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

  /// acc + reduce-pairs(ext(a) * ext(w)), a and w i16 (sign-extended) or u8
  /// (zero-extended; widened to i16 here) -> one vpmaddwd (pairs of i16
  /// products summed exactly into i32) per 8 result lanes, and an add.
  LogicalResult rewriteWordPairs(vector::MultiDimReductionOp op,
                                 PatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    int64_t results = op.getSourceVectorType().getDimSize(0);
    auto words = VectorType::get({2 * results}, rewriter.getI16Type());
    auto cast = op.getSource().getDefiningOp<vector::ShapeCastOp>();
    if (auto ext = cast ? cast.getSource().getDefiningOp<arith::ExtSIOp>()
                        : arith::ExtSIOp())
      if (auto inner = ext.getIn().getDefiningOp<vector::MultiDimReductionOp>())
        return rewriteBytePairs(op, inner, rewriter);
    auto mul = cast ? cast.getSource().getDefiningOp<arith::MulIOp>()
                    : arith::MulIOp();
    if (!mul)
      return rewriter.notifyMatchFailure(op, "no product");
    auto word = [&](Value v) -> Value {
      if (auto e = v.getDefiningOp<arith::ExtSIOp>();
          e && e.getIn().getType() == words)
        return e.getIn();
      if (auto e = v.getDefiningOp<arith::ExtUIOp>();
          e && e.getIn().getType() ==
                   VectorType::get({2 * results}, rewriter.getI8Type()))
        return arith::ExtUIOp::create(rewriter, loc, words, e.getIn());
      // A sign extension of constant words folded away: the constant, back
      // in i16, if it fits.
      DenseIntElementsAttr attr;
      if (!matchPattern(v, m_Constant(&attr)))
        return Value();
      SmallVector<int16_t> values;
      for (APInt x : attr.getValues<APInt>()) {
        int64_t y = x.getSExtValue();
        if (y < INT16_MIN || y > INT16_MAX)
          return Value();
        values.push_back(static_cast<int16_t>(y));
      }
      return arith::ConstantOp::create(
          rewriter, loc, words,
          DenseElementsAttr::get(words, ArrayRef<int16_t>(values)));
    };
    Value a = word(mul.getLhs()), w = word(mul.getRhs());
    if (!a || !w)
      return rewriter.notifyMatchFailure(op, "operands are not extended i16");
    auto partType = VectorType::get({lanes}, rewriter.getI32Type());
    SmallVector<Value> parts;
    for (int64_t p = 0; p < results / lanes; ++p) {
      auto slice = [&](Value v) -> Value {
        if (results == lanes)
          return v;
        return vector::ExtractStridedSliceOp::create(
            rewriter, loc, v, ArrayRef<int64_t>{2 * lanes * p},
            ArrayRef<int64_t>{2 * lanes}, ArrayRef<int64_t>{1});
      };
      parts.push_back(LLVM::CallIntrinsicOp::create(
                          rewriter, loc, partType,
                          rewriter.getStringAttr("llvm.x86.avx2.pmadd.wd"),
                          ValueRange{slice(a), slice(w)})
                          .getResult(0));
    }
    rewriter.replaceOpWithNewOp<arith::AddIOp>(
        op, op.getAcc(), concatenate(rewriter, loc, std::move(parts)));
    return success();
  }

  /// acc + reduce-pairs(extsi(reduce-pairs(extui(a) * extsi(w)) : i16)),
  /// a u8 and w s8 whose pair sums fit i16 (the kernel builder checked the
  /// weights) -> vpmaddubsw (u8 x s8 pairs into i16) and vpmaddwd by ones
  /// (pairs of those into i32) per 8 result lanes, and an add.
  LogicalResult rewriteBytePairs(vector::MultiDimReductionOp op,
                                 vector::MultiDimReductionOp inner,
                                 PatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    int64_t results = op.getSourceVectorType().getDimSize(0);
    Type i8 = rewriter.getI8Type(), i16 = rewriter.getI16Type();
    auto bytes = VectorType::get({4 * results}, i8);
    DenseIntElementsAttr zero;
    auto innerCast = inner.getSource().getDefiningOp<vector::ShapeCastOp>();
    auto mul = innerCast ? innerCast.getSource().getDefiningOp<arith::MulIOp>()
                         : arith::MulIOp();
    if (inner.getKind() != vector::CombiningKind::ADD ||
        inner.getSourceVectorType() != VectorType::get({2 * results, 2}, i16) ||
        inner.getReductionMask() != ArrayRef<bool>{false, true} ||
        !matchPattern(inner.getAcc(), m_Constant(&zero)) || !zero.isSplat() ||
        !zero.getSplatValue<APInt>().isZero() || !mul)
      return rewriter.notifyMatchFailure(op, "not a pair of byte pairs");
    Value a = byteSource(rewriter, loc, mul.getLhs(), false, bytes);
    Value w = byteSource(rewriter, loc, mul.getRhs(), true, bytes);
    if (!a || !w) {
      a = byteSource(rewriter, loc, mul.getRhs(), false, bytes);
      w = byteSource(rewriter, loc, mul.getLhs(), true, bytes);
    }
    if (!a || !w)
      return rewriter.notifyMatchFailure(op, "operands are not extended i8");
    auto partType = VectorType::get({lanes}, rewriter.getI32Type());
    auto halfType = VectorType::get({2 * lanes}, i16);
    Value ones = arith::ConstantOp::create(
        rewriter, loc, halfType,
        DenseElementsAttr::get(halfType, rewriter.getI16IntegerAttr(1)));
    SmallVector<Value> parts;
    for (int64_t p = 0; p < results / lanes; ++p) {
      auto slice = [&](Value v) -> Value {
        if (results == lanes)
          return v;
        return vector::ExtractStridedSliceOp::create(
            rewriter, loc, v, ArrayRef<int64_t>{4 * lanes * p},
            ArrayRef<int64_t>{4 * lanes}, ArrayRef<int64_t>{1});
      };
      Value halves = LLVM::CallIntrinsicOp::create(
                         rewriter, loc, halfType,
                         rewriter.getStringAttr("llvm.x86.avx2.pmadd.ub.sw"),
                         ValueRange{slice(a), slice(w)})
                         .getResult(0);
      parts.push_back(LLVM::CallIntrinsicOp::create(
                          rewriter, loc, partType,
                          rewriter.getStringAttr("llvm.x86.avx2.pmadd.wd"),
                          ValueRange{halves, ones})
                          .getResult(0));
    }
    rewriter.replaceOpWithNewOp<arith::AddIOp>(
        op, op.getAcc(), concatenate(rewriter, loc, std::move(parts)));
    return success();
  }

  DotProductKind kind;
  int64_t lanes;
};

/// trunci(concat(a, b, c, d)) of four vector<16xi32> whose values lie in
/// the byte range [0, 255] (or [-128, 127]), to vector<64xi8>: the x86
/// saturating packs (vpackssdw twice, vpackuswb or vpacksswb) and one dword
/// permutation, instead of four vpmovdb and three inserts. The packs
/// saturate at the byte range themselves, so a clamp to exactly that range
/// (max then min with constant splats) is dropped; a narrower clamp stays.
struct PackedTruncationToX86 : OpRewritePattern<arith::TruncIOp> {
  using OpRewritePattern::OpRewritePattern;

  /// `lo` and `hi` of v = minsi(maxsi(x, lo), hi), and x; else failure.
  static bool matchClamp(Value v, Value &x, int64_t &lo, int64_t &hi) {
    auto min = v.getDefiningOp<arith::MinSIOp>();
    auto max =
        min ? min.getLhs().getDefiningOp<arith::MaxSIOp>() : arith::MaxSIOp();
    APInt l, h;
    if (!max || !matchPattern(min.getRhs(), m_ConstantInt(&h)) ||
        !matchPattern(max.getRhs(), m_ConstantInt(&l)))
      return false;
    x = max.getLhs();
    lo = l.getSExtValue();
    hi = h.getSExtValue();
    return true;
  }

  /// The two halves of `v` = an identity-mask concatenation shuffle.
  static bool matchConcat(Value v, Value &x, Value &y) {
    auto shuffle = v.getDefiningOp<vector::ShuffleOp>();
    if (!shuffle || shuffle.getV1().getType() != shuffle.getV2().getType())
      return false;
    ArrayRef<int64_t> mask = shuffle.getMask();
    for (auto [i, m] : llvm::enumerate(mask))
      if (m != static_cast<int64_t>(i))
        return false;
    if (static_cast<int64_t>(mask.size()) !=
        2 * shuffle.getV1VectorType().getNumElements())
      return false;
    x = shuffle.getV1();
    y = shuffle.getV2();
    return true;
  }

  LogicalResult matchAndRewrite(arith::TruncIOp op,
                                PatternRewriter &rewriter) const override {
    Type i8 = rewriter.getI8Type(), i16 = rewriter.getI16Type(),
         i32 = rewriter.getI32Type();
    auto in16 = VectorType::get({16}, i32);
    if (op.getIn().getType() != VectorType::get({64}, i32) ||
        op.getType() != VectorType::get({64}, i8))
      return rewriter.notifyMatchFailure(op, "not 64 x i32 -> 64 x i8");
    Value ab, cd, parts[4];
    if (!matchConcat(op.getIn(), ab, cd) ||
        !matchConcat(ab, parts[0], parts[1]) ||
        !matchConcat(cd, parts[2], parts[3]) || parts[0].getType() != in16)
      return rewriter.notifyMatchFailure(op, "not four concatenated vectors");
    // Every part clamped into one byte range: [0, 255] (unsigned packs)
    // or else [-128, 127] (signed).
    Value raw[4];
    int64_t lo[4], hi[4];
    bool allU8 = true, allS8 = true;
    for (int64_t k = 0; k < 4; ++k) {
      if (!matchClamp(parts[k], raw[k], lo[k], hi[k]) || lo[k] > hi[k])
        return rewriter.notifyMatchFailure(op, "a part is not clamped");
      allU8 &= lo[k] >= 0 && hi[k] <= 255;
      allS8 &= lo[k] >= -128 && hi[k] <= 127;
    }
    if (!allU8 && !allS8)
      return rewriter.notifyMatchFailure(op, "not in one byte range");
    bool isSigned = !allU8;
    int64_t typeLo = isSigned ? -128 : 0, typeHi = isSigned ? 127 : 255;
    for (int64_t k = 0; k < 4; ++k)
      if (lo[k] == typeLo && hi[k] == typeHi)
        parts[k] = raw[k]; // the packs saturate to exactly this range
    Location loc = op.getLoc();
    auto words = VectorType::get({32}, i16);
    auto pack = [&](StringRef name, Type type, Value x, Value y) -> Value {
      return LLVM::CallIntrinsicOp::create(rewriter, loc, type,
                                           rewriter.getStringAttr(name),
                                           ValueRange{x, y})
          .getResult(0);
    };
    Value low = pack("llvm.x86.avx512.packssdw.512", words, parts[0], parts[1]);
    Value high =
        pack("llvm.x86.avx512.packssdw.512", words, parts[2], parts[3]);
    Value packed = pack(isSigned ? "llvm.x86.avx512.packsswb.512"
                                 : "llvm.x86.avx512.packuswb.512",
                        op.getType(), low, high);
    // Dword 4i + k of the packs holds elements 4i..4i+3 of part k (per
    // 128-bit lane i); in order they are dword 4k + i.
    SmallVector<int64_t> order;
    for (int64_t k = 0; k < 4; ++k)
      for (int64_t i = 0; i < 4; ++i)
        order.push_back(4 * i + k);
    Value dwords = vector::BitCastOp::create(rewriter, loc, in16, packed);
    Value ordered =
        vector::ShuffleOp::create(rewriter, loc, dwords, dwords, order);
    rewriter.replaceOpWithNewOp<vector::BitCastOp>(op, op.getType(), ordered);
    return success();
  }
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
  if (target.getDotProductKind() == DotProductKind::X86AVX512VNNI)
    patterns.add<PackedTruncationToX86>(patterns.getContext());
}
