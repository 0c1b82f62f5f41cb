//===- Requantize.cpp - Scalar fixed-point requantization -----------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Scalar reference implementation of fixed-point requantization. Plain C++17
// with no MLIR/LLVM dependency; see Requantize.h for the exact semantics.
//
// Right shifts of negative signed integers are arithmetic (guaranteed since
// C++20 and by every supported compiler before that). Left shifts of
// potentially negative values are written as multiplications to avoid
// undefined behaviour.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Support/Requantize.h"

#include <cmath>
#include <cstdint>

namespace mlir {
namespace qmlir {
namespace requant {

namespace {

constexpr int64_t kInt32Min = INT32_MIN;
constexpr int64_t kInt32Max = INT32_MAX;

/// Saturates a 64-bit value to the int32 range.
int32_t saturateToInt32(int64_t v) {
  if (v < kInt32Min)
    return INT32_MIN;
  if (v > kInt32Max)
    return INT32_MAX;
  return static_cast<int32_t>(v);
}

/// gemmlowp SaturatingRoundingDoublingHighMul: (a * b * 2) / 2^32, rounded to
/// nearest. The nudge makes ties round toward +infinity.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : (1 - (int64_t(1) << 30));
  // C++ integer division truncates toward zero, as gemmlowp relies on.
  return static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));
}

/// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away
/// from zero. Computed in 64-bit so that exponent may be as large as 31.
int32_t roundingDivideByPOT(int32_t x, int exponent) {
  if (exponent == 0)
    return x;
  int64_t x64 = x;
  int64_t mask = (int64_t(1) << exponent) - 1;
  int64_t remainder = x64 & mask;
  int64_t threshold = (mask >> 1) + (x64 < 0 ? 1 : 0);
  return static_cast<int32_t>((x64 >> exponent) +
                              (remainder > threshold ? 1 : 0));
}

int32_t applyDoubleRound(int32_t x, int32_t multiplier, int shift) {
  int32_t shifted = x;
  if (shift < 31) {
    // Saturating left shift by (31 - shift) <= 31; |x| * 2^31 fits in int64.
    int64_t scale = int64_t(1) << (31 - shift);
    shifted = saturateToInt32(static_cast<int64_t>(x) * scale);
  }
  int32_t result = saturatingRoundingDoublingHighMul(shifted, multiplier);
  if (shift > 31)
    result = roundingDivideByPOT(result, shift - 31);
  return result;
}

int32_t applySingleRound(int32_t x, int32_t multiplier, int shift) {
  // |x * multiplier| <= 2^62, so adding 2^(shift - 1) <= 2^61 cannot overflow.
  int64_t p = static_cast<int64_t>(x) * static_cast<int64_t>(multiplier);
  if (shift == 0)
    return saturateToInt32(p);
  int64_t rounded = (p + (int64_t(1) << (shift - 1))) >> shift;
  return saturateToInt32(rounded);
}

int32_t applyHalfEven(int32_t x, int32_t multiplier, int shift) {
  int64_t p = static_cast<int64_t>(x) * static_cast<int64_t>(multiplier);
  if (shift == 0)
    return saturateToInt32(p);
  int64_t floorQuotient = p >> shift;
  int64_t remainder = p & ((int64_t(1) << shift) - 1); // In [0, 2^shift).
  int64_t half = int64_t(1) << (shift - 1);
  if (remainder > half || (remainder == half && (floorQuotient & 1) != 0))
    ++floorQuotient;
  return saturateToInt32(floorQuotient);
}

} // namespace

bool quantizeMultiplier(double m, FixedPointMultiplier &out) {
  if (std::isnan(m) || std::isinf(m) || m < 0.0)
    return false;
  if (m == 0.0) {
    out.multiplier = 0;
    out.shift = 0;
    return true;
  }
  int exponent = 0;
  double q = std::frexp(m, &exponent); // q in [0.5, 1).
  // q * 2^31 is exact (scaling by a power of two); llround rounds ties away
  // from zero.
  long long qFixed = std::llround(std::ldexp(q, 31));
  if (qFixed == (1LL << 31)) {
    qFixed /= 2;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift < 0 || shift > 62)
    return false;
  out.multiplier = static_cast<int32_t>(qFixed);
  out.shift = shift;
  return true;
}

int32_t applyMultiplier(int32_t x, FixedPointMultiplier fp, RoundingMode mode) {
  switch (mode) {
  case RoundingMode::DoubleRound:
    return applyDoubleRound(x, fp.multiplier, fp.shift);
  case RoundingMode::SingleRound:
    return applySingleRound(x, fp.multiplier, fp.shift);
  case RoundingMode::HalfEven:
    return applyHalfEven(x, fp.multiplier, fp.shift);
  }
  return 0;
}

int32_t requantize(int32_t acc, FixedPointMultiplier fp, RoundingMode mode,
                   int32_t outputZeroPoint, int32_t qmin, int32_t qmax) {
  int64_t v = static_cast<int64_t>(applyMultiplier(acc, fp, mode)) +
              static_cast<int64_t>(outputZeroPoint);
  if (v < qmin)
    return qmin;
  if (v > qmax)
    return qmax;
  return static_cast<int32_t>(v);
}

const char *stringifyRoundingMode(RoundingMode mode) {
  switch (mode) {
  case RoundingMode::DoubleRound:
    return "double_round";
  case RoundingMode::SingleRound:
    return "single_round";
  case RoundingMode::HalfEven:
    return "half_even";
  }
  return "unknown";
}

} // namespace requant
} // namespace qmlir
} // namespace mlir
