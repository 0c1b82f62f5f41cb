//===- Requantize.h - Scalar fixed-point requantization ---------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Scalar reference implementation of int32 -> intN requantization using a
// fixed-point multiplier, i.e. computing round(x * M) for a real multiplier
// M >= 0 encoded as an integer multiplier and a right shift.
//
// This header is deliberately free of MLIR/LLVM dependencies (plain C++17,
// <cstdint> only) so that it can be compiled standalone, e.g. for unit tests
// or for host-side golden models.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_REQUANTIZE_H
#define QMLIR_SUPPORT_REQUANTIZE_H

#include <cstdint>

namespace mlir {
namespace qmlir {
namespace requant {

/// Rounding behaviour of the fixed-point multiplication x * M.
enum class RoundingMode {
  /// gemmlowp / TFLite (non single-rounding) semantics: a saturating left
  /// shift when shift < 31, SaturatingRoundingDoublingHighMul (which rounds
  /// ties toward +infinity) and, when shift > 31, RoundingDivideByPOT (which
  /// rounds ties away from zero). For shift > 31 two roundings happen, so the
  /// result may differ by one from the correctly rounded value.
  DoubleRound,
  /// TOSA apply_scale_32 with double_round = false: a single rounding of the
  /// exact product, ties toward +infinity.
  SingleRound,
  /// A single rounding of the exact product, ties to even.
  HalfEven,
};

/// A real multiplier M ~= multiplier * 2^-shift.
///
/// `shift` is the total right shift and lies in [0, 62]. For M > 0 as produced
/// by quantizeMultiplier, `multiplier` lies in [2^30, 2^31 - 1]; M == 0 is
/// encoded as {0, 0}.
struct FixedPointMultiplier {
  int32_t multiplier;
  int32_t shift;
};

/// Decomposes the real multiplier \p m into a fixed-point multiplier using the
/// TFLite QuantizeMultiplier scheme: q = frexp(m, &e) with q in [0.5, 1),
/// multiplier = llround(q * 2^31) (renormalized if it rounds up to 2^31) and
/// shift = 31 - e.
///
/// Returns false, leaving \p out unspecified, if \p m is negative, NaN or
/// infinite, or if the resulting shift falls outside [0, 62] (i.e. m is too
/// large, >= ~2^31, or too small, below ~2^-32). m == 0 yields {0, 0}.
bool quantizeMultiplier(double m, FixedPointMultiplier &out);

/// Returns round(x * M), with M = fp.multiplier * 2^-fp.shift, rounded and
/// saturated to int32 as specified by \p mode.
///
/// Preconditions: fp.shift in [0, 62]. All int32 values of fp.multiplier are
/// accepted (the formulas of each mode are applied as-is), although only
/// {0, 0} and multipliers in [2^30, 2^31 - 1] are produced by
/// quantizeMultiplier.
///
/// Note for DoubleRound with shift < 31: x is first shifted left with int32
/// saturation. If that saturates, the result is ~ +-multiplier (at least 2^30
/// in magnitude, with the correct sign) rather than INT32_MAX / INT32_MIN,
/// matching ARM's vqshl + vqrdmulh sequence used by TFLite's optimized
/// kernels.
int32_t applyMultiplier(int32_t x, FixedPointMultiplier fp, RoundingMode mode);

/// Requantizes an int32 accumulator:
///   clamp(applyMultiplier(acc, fp, mode) + outputZeroPoint, qmin, qmax)
/// where the zero point addition is carried out in 64-bit (no wrap around).
/// Precondition: qmin <= qmax.
int32_t requantize(int32_t acc, FixedPointMultiplier fp, RoundingMode mode,
                   int32_t outputZeroPoint, int32_t qmin, int32_t qmax);

/// Returns "double_round", "single_round" or "half_even".
const char *stringifyRoundingMode(RoundingMode mode);

} // namespace requant
} // namespace qmlir
} // namespace mlir

#endif // QMLIR_SUPPORT_REQUANTIZE_H
