//===- QNNToLinalg.h - qnn to linalg conversion -----------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
#define QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"
#include "qmlir/Dialect/QNN/IR/QNNAttrs.h"

namespace mlir::qmlir {

#define GEN_PASS_DECL_CONVERTQNNTOLINALG
#include "qmlir/Conversion/Passes.h.inc"

/// Type converter mapping quantized tensors to tensors of their storage type.
class QuantStorageTypeConverter : public TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Builds the fixed-point requantization of `acc` (an i32 scalar, or a
/// vector of i32 with `m` and `t` vectors of the same shape)
/// with multiplier `m` and total right shift `t`
/// in `mode`, adds the output zero point `zp` and clamps to [lo, hi]; the
/// result is i32. Bit-exact with requant::requantize (lib/Support). Shared by
/// the CPU lowering and the GPU kernels. `mayShiftLeft` = false promises
/// that every shift is at least 31 (a multiplier below 1): double_round then
/// skips its saturating left shift. `smallAccumulator` = true promises
/// more: |acc| < 2^29 and every shift at least 32; double_round then rounds
/// its division by 2^(t-31) as one add and one shift (no overflow possible),
/// and with `zeroPointFirst` adds the zero point before the clamp (same
/// result; x86 then clamps to a full 8-bit range in the truncating store;
/// not for a masked store, which LLVM 22's x86 backend then miscompiles).
/// `shiftAtMost53` = true promises every shift at most 53 as well: on even
/// vectors the product then takes the doubled accumulator, the rounding
/// constant and (with `zeroPointFirst`) the zero point in its 64-bit sum
/// (takesShortRoundingProduct; double_round and single_round, which drops
/// the first rounding constant and the sign term). `offsetAccumulator` = true
/// (that form only) says `acc` holds the accumulator plus 2^31 (mod 2^32; the
/// bias it started from carried the offset): the product is then unsigned and
/// the accumulator is not doubled, one instruction fewer per vector.
Value createFixedPointRequantize(OpBuilder &b, Location loc, Value acc, Value m,
                                 Value t, qnn::RoundingMode mode, int64_t zp,
                                 int64_t lo, int64_t hi,
                                 bool mayShiftLeft = true,
                                 bool smallAccumulator = false,
                                 bool zeroPointFirst = false,
                                 bool shiftAtMost53 = false,
                                 bool offsetAccumulator = false);

/// Per-lane constants of the short single_round requantization of an
/// offset accumulator (u = x + 2^31, see createFixedPointRequantize) with
/// the zero point folded in: `factor` = 2m (unsigned), `add` = (2 zp + 1) *
/// 2^(t-32) - m (mod 2^32) and `shift` = t - 31, for 32 <= t <= 53.
struct ShortSingleRoundConstants {
  int32_t factor, add, shift;
};
ShortSingleRoundConstants getShortSingleRoundConstants(int32_t m, int32_t t,
                                                       int64_t zp);

/// createFixedPointRequantize's short single_round form (offset
/// accumulators, zero point folded, takesShortRoundingProduct) from
/// precomputed per-lane constants, so that a kernel loads them instead of
/// deriving them from m and t: `factor`, `add` and `shift` as
/// getShortSingleRoundConstants gives them per lane, `factorOdd` with lane
/// 2i holding lane 2i+1's factor. Clamps to [lo, hi]. Bit-exact with
/// createFixedPointRequantize.
Value createShortSingleRound(OpBuilder &b, Location loc, Value acc,
                             Value factor, Value factorOdd, Value add,
                             Value shift, int64_t lo, int64_t hi);

/// Whether createFixedPointRequantize takes its 64-bit short product (and so
/// accepts `offsetAccumulator`) for an accumulator of type `accType`.
bool takesShortRoundingProduct(Type accType, qnn::RoundingMode mode,
                               bool smallAccumulator, bool shiftAtMost53);

/// The storage integers of a constant tensor (or of a quant.scast of one),
/// sign- or zero-extended as its quantized element type says (signed for
/// plain integers), or std::nullopt if `v` is not such a constant.
std::optional<SmallVector<int64_t>> getConstantStorageValues(Value v);

/// Proves that the i32 accumulator of every qnn.conv2d and qnn.matmul in
/// `root` with constant weights and bias cannot overflow: per output
/// channel, |bias - zp_in * sum(W')| + max|a| * sum|W'| <= 2^31 - 1, where
/// W' are the weights less their zero point and max|a| is 255 (u8 input)
/// or 128 (i8): the largest partial sum either lowering forms. Emits an
/// error on the op otherwise (the result would be silently wrong); ops
/// with non-constant weights or bias are not checked (nothing to prove
/// at compile time).
LogicalResult verifyAccumulatorBounds(Operation *root);

/// The minimum (or maximum) of every element of the f32 tensor `value`, as
/// a scalar (a linalg.reduce; NaN propagates).
Value createFullReduction(OpBuilder &b, Location loc, Value value, bool isMax);

/// Patterns lowering qnn ops and quant.qcast/dcast/scast to linalg + arith.
void populateQNNToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns);

} // namespace mlir::qmlir

#endif // QMLIR_CONVERSION_QNNTOLINALG_QNNTOLINALG_H
