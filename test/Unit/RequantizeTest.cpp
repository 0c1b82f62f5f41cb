//===- RequantizeTest.cpp - Unit tests for fixed-point requantization -----===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Standalone test executable (no test framework) for qmlir/Support/Requantize.
//
// Every production result is compared bit-exactly against references written
// here from the *definitions* of each rounding mode, using a different
// formulation than the production code:
//
//  * an exact __int128 reference that rounds with truncating division plus an
//    explicit floor correction and a "2 * remainder vs. divisor" comparison
//    (production uses int64 shifts, masks and gemmlowp's nudges), and
//  * where long double has a 64-bit mantissa (x86), a second reference that
//    uses the FPU's rounding primitives (floorl, roundl, nearbyintl) on values
//    that are exactly representable.
//
// quantizeMultiplier is checked against a reference that decodes the IEEE-754
// bit pattern of the double directly (no frexp/ldexp/llround) and searches for
// the unique shift in [0, 62] that yields a normalized multiplier.
//
// Exits with a non-zero status if any check fails.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Support/Requantize.h"

#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace mlir::qmlir::requant;

#ifndef __SIZEOF_INT128__
#error "RequantizeTest requires __int128 support"
#endif

#if LDBL_MANT_DIG >= 64
#define QMLIR_HAVE_WIDE_LONG_DOUBLE 1
#else
#define QMLIR_HAVE_WIDE_LONG_DOUBLE 0
#endif

typedef __int128 i128;

//===----------------------------------------------------------------------===//
// Minimal check machinery
//===----------------------------------------------------------------------===//

static long long numChecks = 0;
static long long numFailures = 0;
static const long long kMaxPrintedFailures = 40;

static void reportFailure(const char *file, int line, const char *what,
                          const char *detail) {
  ++numFailures;
  if (numFailures <= kMaxPrintedFailures)
    std::fprintf(stderr, "%s:%d: CHECK failed: %s%s%s\n", file, line, what,
                 detail[0] ? " -- " : "", detail);
  else if (numFailures == kMaxPrintedFailures + 1)
    std::fprintf(stderr, "(further failures not printed)\n");
}

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++numChecks;                                                               \
    if (!(cond))                                                               \
      reportFailure(__FILE__, __LINE__, #cond, "");                            \
  } while (0)

/// Checks a == b (both convertible to long long) and prints the values plus a
/// printf-style context message on failure.
#define CHECK_EQ_CTX(a, b, ...)                                                \
  do {                                                                         \
    ++numChecks;                                                               \
    long long checkA = (long long)(a), checkB = (long long)(b);                \
    if (checkA != checkB) {                                                    \
      char ctx[256], msg[400];                                                 \
      std::snprintf(ctx, sizeof(ctx), __VA_ARGS__);                            \
      std::snprintf(msg, sizeof(msg), "%lld vs %lld; %s", checkA, checkB,      \
                    ctx);                                                      \
      reportFailure(__FILE__, __LINE__, #a " == " #b, msg);                    \
    }                                                                          \
  } while (0)

#define CHECK_EQ(a, b) CHECK_EQ_CTX(a, b, "%s", "")

//===----------------------------------------------------------------------===//
// Deterministic PRNG (splitmix64)
//===----------------------------------------------------------------------===//

namespace {

struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi] (inclusive), hi - lo < 2^63.
  int64_t range(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(next() % span);
  }
  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  int32_t anyInt32() { return static_cast<int32_t>(next() & 0xFFFFFFFFu); }
};

//===----------------------------------------------------------------------===//
// Exact reference arithmetic (__int128)
//===----------------------------------------------------------------------===//

enum class Tie { TowardPositiveInfinity, AwayFromZero, ToEven };

/// Exact round(num / 2^k) with the given tie rule, k in [0, 120]. Written with
/// truncating division and an explicit correction to the floor quotient so
/// that it shares nothing with the shift/mask code in production.
i128 roundDivPow2(i128 num, int k, Tie tie) {
  if (k == 0)
    return num;
  i128 den = static_cast<i128>(1) << k;
  i128 q = num / den; // Truncates toward zero.
  i128 r = num % den; // Same sign as num.
  if (r < 0) {        // Convert to floor quotient, r in [0, den).
    q -= 1;
    r += den;
  }
  // num / den == q + r / den with 0 <= r / den < 1.
  if (2 * r < den)
    return q;
  if (2 * r > den)
    return q + 1;
  // Exactly halfway between q and q + 1.
  switch (tie) {
  case Tie::TowardPositiveInfinity:
    return q + 1;
  case Tie::AwayFromZero:
    return num > 0 ? q + 1 : q;
  case Tie::ToEven:
    return (q % 2 == 0) ? q : q + 1;
  }
  return 0;
}

/// floor(num / 2^k) via truncating division.
i128 floorDivPow2(i128 num, int k) {
  i128 den = static_cast<i128>(1) << k;
  i128 q = num / den;
  if (q * den != num && num < 0)
    q -= 1;
  return q;
}

i128 clampInt32(i128 v) {
  if (v < INT32_MIN)
    return INT32_MIN;
  if (v > INT32_MAX)
    return INT32_MAX;
  return v;
}

/// DoubleRound reference straight from the gemmlowp definitions.
///
/// SaturatingRoundingDoublingHighMul(a, b) computes ab = a * b and returns
/// trunc((ab + nudge) / 2^31) with nudge = 2^30 for ab >= 0 and 1 - 2^30 for
/// ab < 0. For ab >= 0 that is floor(ab / 2^31 + 1/2). For ab < 0, writing
/// ab = -k (k > 0), it is -floor((k + 2^30 - 1) / 2^31), which rounds |ab| /
/// 2^31 to nearest with ties toward zero, i.e. ab / 2^31 with ties toward
/// +infinity. So in both cases it is the "doubled high half" 2ab / 2^32
/// rounded to nearest with ties toward +infinity (except the single overflow
/// case INT32_MIN * INT32_MIN, which saturates to INT32_MAX).
///
/// RoundingDivideByPOT(r, k) returns floor(r / 2^k) plus one iff the remainder
/// exceeds (2^(k-1) - 1) for r >= 0 or 2^(k-1) for r < 0: r / 2^k rounded to
/// nearest with ties away from zero.
i128 refDoubleRoundI128(int32_t x, int32_t multiplier, int shift) {
  i128 a = x;
  if (shift < 31)
    a = clampInt32(a * (static_cast<i128>(1) << (31 - shift)));
  i128 r;
  if (a == INT32_MIN && multiplier == INT32_MIN)
    r = INT32_MAX;
  else
    r = roundDivPow2(2 * a * multiplier, 32, Tie::TowardPositiveInfinity);
  if (shift > 31)
    r = roundDivPow2(r, shift - 31, Tie::AwayFromZero);
  CHECK(r == clampInt32(r)); // Can never leave the int32 range.
  return r;
}

/// SingleRound reference: floor((p + 2^(t-1)) / 2^t), then saturate.
i128 refSingleRoundI128(int32_t x, int32_t multiplier, int shift) {
  i128 p = static_cast<i128>(x) * multiplier;
  if (shift == 0)
    return clampInt32(p);
  return clampInt32(
      floorDivPow2(p + (static_cast<i128>(1) << (shift - 1)), shift));
}

/// HalfEven reference: exact p / 2^t rounded to nearest, ties to even.
i128 refHalfEvenI128(int32_t x, int32_t multiplier, int shift) {
  i128 p = static_cast<i128>(x) * multiplier;
  return clampInt32(roundDivPow2(p, shift, Tie::ToEven));
}

i128 refApplyI128(int32_t x, int32_t multiplier, int shift, RoundingMode mode) {
  switch (mode) {
  case RoundingMode::DoubleRound:
    return refDoubleRoundI128(x, multiplier, shift);
  case RoundingMode::SingleRound:
    return refSingleRoundI128(x, multiplier, shift);
  case RoundingMode::HalfEven:
    return refHalfEvenI128(x, multiplier, shift);
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// Second reference using the FPU's rounding (64-bit mantissa long double)
//===----------------------------------------------------------------------===//

#if QMLIR_HAVE_WIDE_LONG_DOUBLE
long double clampLd(long double v) {
  if (v < static_cast<long double>(INT32_MIN))
    return INT32_MIN;
  if (v > static_cast<long double>(INT32_MAX))
    return INT32_MAX;
  return v;
}

// All values below are exact in a 64-bit mantissa: |x * multiplier| <= 2^62,
// scaling by powers of two is exact, and adding 1/2 to a value whose bits span
// at most 63 positions needs at most 64 bits.
long double refApplyLd(int32_t x, int32_t multiplier, int shift,
                       RoundingMode mode) {
  long double xl = x, ml = multiplier;
  switch (mode) {
  case RoundingMode::DoubleRound: {
    long double a = xl;
    if (shift < 31)
      a = clampLd(std::ldexp(xl, 31 - shift));
    long double r;
    if (a == static_cast<long double>(INT32_MIN) && multiplier == INT32_MIN)
      r = INT32_MAX;
    else
      r = std::floor(std::ldexp(a * ml, -31) + 0.5L);
    if (shift > 31)
      r = std::round(std::ldexp(r, -(shift - 31))); // Ties away from zero.
    return r;
  }
  case RoundingMode::SingleRound:
    return clampLd(std::floor(std::ldexp(xl * ml, -shift) + 0.5L));
  case RoundingMode::HalfEven:
    // Default FP environment: round to nearest, ties to even.
    return clampLd(std::nearbyint(std::ldexp(xl * ml, -shift)));
  }
  return 0;
}
#endif

const RoundingMode kAllModes[] = {RoundingMode::DoubleRound,
                                  RoundingMode::SingleRound,
                                  RoundingMode::HalfEven};

/// Compares applyMultiplier (and requantize with a full int32 range) against
/// both references.
void checkApply(int32_t x, int32_t multiplier, int shift, RoundingMode mode) {
  FixedPointMultiplier fp{multiplier, shift};
  int32_t got = applyMultiplier(x, fp, mode);
  i128 want = refApplyI128(x, multiplier, shift, mode);
  CHECK_EQ_CTX(got, want, "x=%d multiplier=%d shift=%d mode=%s", x, multiplier,
               shift, stringifyRoundingMode(mode));
#if QMLIR_HAVE_WIDE_LONG_DOUBLE
  long double wantLd = refApplyLd(x, multiplier, shift, mode);
  CHECK_EQ_CTX(got, wantLd,
               "(long double ref) x=%d multiplier=%d shift=%d "
               "mode=%s",
               x, multiplier, shift, stringifyRoundingMode(mode));
#endif
}

//===----------------------------------------------------------------------===//
// quantizeMultiplier reference
//===----------------------------------------------------------------------===//

/// Reference for quantizeMultiplier from the IEEE-754 bit pattern (no
/// frexp/ldexp/llround): m = mant * 2^exp exactly.
///
/// A shift s is a candidate if round-half-up(m * 2^s) lies in [2^30, 2^31 - 1].
/// Candidates are at most two adjacent shifts (when m * 2^s lies in
/// [2^31 - 1, 2^31 - 1/2), both s and s - 1 work). TFLite's QuantizeMultiplier
/// picks the largest one: frexp normalizes m * 2^s into [2^30, 2^31) and only
/// steps down to s - 1 if the rounded mantissa reaches 2^31. The result is
/// valid only if that largest candidate is <= 62, so e.g. m = (2^31 - 1) *
/// 2^-63 is rejected even though {2^30, 62} would approximate it well.
bool refQuantizeMultiplier(double m, int32_t &multiplier, int &shift) {
  uint64_t bits;
  std::memcpy(&bits, &m, sizeof(bits));
  bool negative = (bits >> 63) != 0;
  int biasedExp = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t fraction = bits & ((uint64_t(1) << 52) - 1);
  if (biasedExp == 0x7FF) // Inf or NaN.
    return false;
  if (biasedExp == 0 && fraction == 0) { // +-0.
    multiplier = 0;
    shift = 0;
    return true;
  }
  if (negative)
    return false;
  i128 mant;
  int exp;
  if (biasedExp == 0) { // Subnormal.
    mant = fraction;
    exp = -1074;
  } else {
    mant = fraction | (uint64_t(1) << 52);
    exp = biasedExp - 1075;
  }
  for (int s = 64; s >= 0; --s) {
    int k = exp + s; // m * 2^s == mant * 2^k.
    i128 v;
    if (k >= 0)
      v = k > 40 ? (static_cast<i128>(1) << 100) : mant << k;
    else
      v = -k > 110 ? 0 : roundDivPow2(mant, -k, Tie::AwayFromZero);
    if (v >= (i128(1) << 30) && v <= INT32_MAX) {
      if (s > 62)
        return false;
      multiplier = static_cast<int32_t>(v);
      shift = s;
      return true;
    }
  }
  return false;
}

void checkQuantize(double m) {
  FixedPointMultiplier fp{-1, -1};
  bool ok = quantizeMultiplier(m, fp);
  int32_t wantMultiplier = 0;
  int wantShift = 0;
  bool wantOk = refQuantizeMultiplier(m, wantMultiplier, wantShift);
  CHECK_EQ_CTX(ok, wantOk, "m=%a", m);
  if (!ok || !wantOk)
    return;
  CHECK_EQ_CTX(fp.multiplier, wantMultiplier, "m=%a", m);
  CHECK_EQ_CTX(fp.shift, wantShift, "m=%a", m);
  // Property checks, exact in long double (Sterbenz: both values are within a
  // factor of two of each other).
  CHECK(fp.multiplier >= (1 << 30));
  CHECK(fp.shift >= 0 && fp.shift <= 62);
  long double approx =
      std::ldexp(static_cast<long double>(fp.multiplier), -fp.shift);
  long double err = std::fabs(approx - static_cast<long double>(m));
  CHECK(err <= std::ldexp(static_cast<long double>(m), -31));
  // Nearest representable on the 2^-shift grid.
  CHECK(err <= std::ldexp(1.0L, -fp.shift - 1));
}

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

void testQuantizeMultiplierEdgeCases() {
  FixedPointMultiplier fp{};
  // Zero (both signs) encodes as {0, 0}.
  CHECK(quantizeMultiplier(0.0, fp) && fp.multiplier == 0 && fp.shift == 0);
  fp = {7, 7};
  CHECK(quantizeMultiplier(-0.0, fp) && fp.multiplier == 0 && fp.shift == 0);

  // Rejected inputs.
  const double rejected[] = {
      -1.0,
      -0x1.0p-40,
      -std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::quiet_NaN(),
      -std::numeric_limits<double>::quiet_NaN(),
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::min(),
      0x1.0p31, // shift would be -1.
      0x1.0p40,
      0x1.fffffffep30, // 2^31 - 0.5 rounds up to 2^31.
      0x1.0p-33,       // shift would be 63.
      0x1.fffffffp-33, // 2^-32 - 2^-61: 2^30 - 2 at shift 62.
      // (2^31 - 1) * 2^-63 and (2^31 - 3/4) * 2^-63 normalize to shift 63
      // without rounding up, so they are rejected.
      0x1.fffffffcp-33,
      0x1.fffffffdp-33,
      std::nextafter(0x1.fffffffep-33, 0.0),
      1e-12,
  };
  for (double m : rejected) {
    CHECK(!quantizeMultiplier(m, fp));
    checkQuantize(m); // Reference must agree on non-negative finite ones.
  }

  struct Expected {
    double m;
    int32_t multiplier;
    int shift;
  };
  const Expected expected[] = {
      {1.0, 1 << 30, 30},
      {0.5, 1 << 30, 31},
      {0.25, 1 << 30, 32},
      {2.0, 1 << 30, 29},
      {0x1.0p30, 1 << 30, 0},
      {0x1.0p-32, 1 << 30, 62},
      {0.75, 3 << 29, 31},
      // Largest accepted value: 2^31 - 1 exactly, and just below 2^31 - 1/2.
      {0x1.fffffffcp30, INT32_MAX, 0},
      {0x1.fffffffdp30, INT32_MAX, 0},
      // Mantissa rounds up to 2^31 and is renormalized.
      {0.99999999999, 1 << 30, 30},
      {std::nextafter(1.0, 0.0), 1 << 30, 30},
      {0x1.fffffffep-1, 1 << 30, 30},   // 1 - 2^-32: exact tie, rounds up.
      {0x1.fffffffdp-1, INT32_MAX, 31}, // q * 2^31 == 2^31 - 3/4.
      // Smallest accepted value: (2^31 - 1/2) * 2^-63 is an exact tie that
      // rounds up to 2^31 and is renormalized to {2^30, 62}.
      {0x1.fffffffep-33, 1 << 30, 62},
      {std::nextafter(0x1.0p-32, 0.0), 1 << 30, 62},
      // Tie in the middle: q * 2^31 == 2^30 + 1/2 rounds away from zero.
      {0x1.00000002p-1, (1 << 30) + 1, 31},
      {std::nextafter(0x1.00000002p-1, 0.0), 1 << 30, 31},
  };
  for (const Expected &e : expected) {
    fp = {-1, -1};
    CHECK_EQ_CTX(quantizeMultiplier(e.m, fp), true, "m=%a", e.m);
    CHECK_EQ_CTX(fp.multiplier, e.multiplier, "m=%a", e.m);
    CHECK_EQ_CTX(fp.shift, e.shift, "m=%a", e.m);
    checkQuantize(e.m);
  }

  // Exact powers of two over the whole accepted range, and their neighbours.
  for (int e = -40; e <= 40; ++e) {
    double p = std::ldexp(1.0, e);
    checkQuantize(p);
    checkQuantize(std::nextafter(p, 0.0));
    checkQuantize(std::nextafter(p, 1e300));
    bool ok = quantizeMultiplier(p, fp);
    CHECK_EQ_CTX(ok, e >= -32 && e <= 30, "2^%d", e);
    if (ok) {
      CHECK_EQ_CTX(fp.multiplier, 1 << 30, "2^%d", e);
      CHECK_EQ_CTX(fp.shift, 30 - e, "2^%d", e);
    }
  }
}

void testQuantizeMultiplierRandom(Rng &rng) {
  for (int i = 0; i < 150000; ++i)
    checkQuantize(std::exp2(rng.unit() * 60.0 - 30.0)); // [2^-30, 2^30].
  // Random bit patterns around the accepted range's boundaries.
  for (int i = 0; i < 50000; ++i) {
    int e = static_cast<int>(rng.range(-36, 34));
    double mant = 1.0 + static_cast<double>(rng.next() >> 12) * 0x1.0p-52;
    checkQuantize(std::ldexp(mant, e));
  }
  // Mantissas close to 1 (exercises the rounds-up-to-2^31 renormalization).
  for (int i = 0; i < 20000; ++i) {
    double below = 1.0 - static_cast<double>(rng.range(1, 1 << 24)) * 0x1.0p-53;
    checkQuantize(std::ldexp(below, static_cast<int>(rng.range(-33, 32))));
  }
}

void testApplyMultiplierHandDerived() {
  const RoundingMode DR = RoundingMode::DoubleRound;
  const RoundingMode SR = RoundingMode::SingleRound;
  const RoundingMode HE = RoundingMode::HalfEven;
  struct Case {
    int32_t x, multiplier;
    int shift;
    int32_t dr, sr, he;
  };
  const int32_t h = 1 << 30;
  const Case cases[] = {
      // M = 0.5 (2^30, 31). DoubleRound is a single SRDHM rounding, ties
      // toward +inf; SingleRound ties toward +inf; HalfEven ties to even.
      {-5, h, 31, -2, -2, -2}, // -2.5
      {5, h, 31, 3, 3, 2},     // 2.5
      {-1, h, 31, 0, 0, 0},    // -0.5
      {1, h, 31, 1, 1, 0},     // 0.5
      {-3, h, 31, -1, -1, -2}, // -1.5
      {3, h, 31, 2, 2, 2},     // 1.5
      {-7, h, 31, -3, -3, -4}, // -3.5
      // M = 0.25 (2^30, 32). DoubleRound: SRDHM gives x/2 (tie toward +inf),
      // then RoundingDivideByPOT(., 1) rounds ties away from zero.
      {-10, h, 32, -3, -2, -2}, // -2.5: SRDHM -5 -> -5/2 -> -3.
      {-2, h, 32, -1, 0, 0},    // -0.5: SRDHM -1 -> -1/2 -> -1.
      {2, h, 32, 1, 1, 0},      // 0.5
      {10, h, 32, 3, 3, 2},     // 2.5
      {-6, h, 32, -2, -1, -2},  // -1.5: SRDHM -3 -> -2.
      {9, h, 32, 3, 2, 2},      // 2.25: SRDHM 4.5 -> 5 -> 2.5 -> 3 (double!)
      {-9, h, 32, -2, -2, -2},  // -2.25: SRDHM -4.5 -> -4 -> -2.
      // M = 2^-32 (2^30, 62): RoundingDivideByPOT by 31.
      {INT32_MIN, h, 62, -1, 0, 0}, // -0.5: SRDHM -2^30 -> -1 (away).
      {INT32_MAX, h, 62, 1, 0, 0},  // 0.49999..: SRDHM 2^30 - 1/2 -> 2^30
                                    // -> 1/2 -> 1 (double rounding).
      {-1, h, 62, 0, 0, 0},
      {1, h, 62, 0, 0, 0},
      {0, h, 62, 0, 0, 0},
      // M = (2^31 - 1) * 2^-62, x = INT32_MIN: -(2^31 - 1) / 2^31 -> -1.
      {INT32_MIN, INT32_MAX, 62, -1, -1, -1},
      {INT32_MAX, INT32_MAX, 62, 1, 1, 1},
      // M = (2^31 - 1) / 2^31.
      {INT32_MIN, INT32_MAX, 31, -INT32_MAX, -INT32_MAX, -INT32_MAX},
      {INT32_MAX, INT32_MAX, 31, INT32_MAX - 1, INT32_MAX - 1, INT32_MAX - 1},
      // M = 1 (2^30, 30): x' = 2x saturates for |x| >= 2^30 in DoubleRound,
      // giving +-2^30 instead of x.
      {INT32_MAX, h, 30, h, INT32_MAX, INT32_MAX},
      {INT32_MIN, h, 30, -h, INT32_MIN, INT32_MIN},
      {h - 1, h, 30, h - 1, h - 1, h - 1},
      {-h, h, 30, -h, -h, -h},
      {12345, h, 30, 12345, 12345, 12345},
      // M = 2^29 (2^30, 1): x = 3 -> 3 * 2^29 fits, but DoubleRound's
      // saturating left shift caps it at round((2^31 - 1) / 2) = 2^30.
      {3, h, 1, h, 3 * (1 << 29), 3 * (1 << 29)},
      {-3, h, 1, -h, -3 * (1 << 29), -3 * (1 << 29)},
      // M = 2^30 (2^30, 0).
      {1, h, 0, h, h, h},
      {-1, h, 0, -h, -h, -h},
      {2, h, 0, h, INT32_MAX, INT32_MAX},
      {-2, h, 0, -h, INT32_MIN, INT32_MIN},
      {INT32_MAX, INT32_MAX, 0, INT32_MAX - 1, INT32_MAX, INT32_MAX},
      {INT32_MIN, INT32_MAX, 0, -INT32_MAX, INT32_MIN, INT32_MIN},
      // M = 0.
      {INT32_MAX, 0, 0, 0, 0, 0},
      {INT32_MIN, 0, 0, 0, 0, 0},
      // SRDHM overflow special case (outside quantizeMultiplier's range).
      {INT32_MIN, INT32_MIN, 31, INT32_MAX, INT32_MAX, INT32_MAX},
  };
  for (const Case &c : cases) {
    FixedPointMultiplier fp{c.multiplier, c.shift};
    CHECK_EQ_CTX(applyMultiplier(c.x, fp, DR), c.dr, "x=%d m=%d s=%d", c.x,
                 c.multiplier, c.shift);
    CHECK_EQ_CTX(applyMultiplier(c.x, fp, SR), c.sr, "x=%d m=%d s=%d", c.x,
                 c.multiplier, c.shift);
    CHECK_EQ_CTX(applyMultiplier(c.x, fp, HE), c.he, "x=%d m=%d s=%d", c.x,
                 c.multiplier, c.shift);
    for (RoundingMode mode : kAllModes)
      checkApply(c.x, c.multiplier, c.shift, mode);
  }

  // The same ties reached through quantizeMultiplier.
  FixedPointMultiplier half{}, quarter{};
  CHECK(quantizeMultiplier(0.5, half));
  CHECK(quantizeMultiplier(0.25, quarter));
  CHECK_EQ(applyMultiplier(-5, half, DR), -2);
  CHECK_EQ(applyMultiplier(-5, half, SR), -2);
  CHECK_EQ(applyMultiplier(-5, half, HE), -2);
  CHECK_EQ(applyMultiplier(-10, quarter, DR), -3);
  CHECK_EQ(applyMultiplier(-2, quarter, DR), -1);
  CHECK_EQ(applyMultiplier(-2, quarter, SR), 0);
  CHECK_EQ(applyMultiplier(-2, quarter, HE), 0);

  CHECK(std::strcmp(stringifyRoundingMode(DR), "double_round") == 0);
  CHECK(std::strcmp(stringifyRoundingMode(SR), "single_round") == 0);
  CHECK(std::strcmp(stringifyRoundingMode(HE), "half_even") == 0);
}

/// Exhaustive cross product of edge values.
void testApplyMultiplierEdgeGrid() {
  const int32_t xs[] = {INT32_MIN,
                        INT32_MIN + 1,
                        -(1 << 30) - 1,
                        -(1 << 30),
                        -(1 << 30) + 1,
                        -65536,
                        -1000,
                        -255,
                        -128,
                        -5,
                        -3,
                        -2,
                        -1,
                        0,
                        1,
                        2,
                        3,
                        5,
                        127,
                        255,
                        1000,
                        65535,
                        (1 << 30) - 1,
                        1 << 30,
                        (1 << 30) + 1,
                        INT32_MAX - 1,
                        INT32_MAX};
  const int32_t multipliers[] = {0,
                                 1,
                                 3,
                                 1 << 29,
                                 1 << 30,
                                 (1 << 30) + 1,
                                 (1 << 30) + (1 << 29),
                                 1518500250, // ~ 2^30.5
                                 INT32_MAX - 1,
                                 INT32_MAX,
                                 -1,
                                 -(1 << 30),
                                 INT32_MIN};
  for (int32_t x : xs)
    for (int32_t m : multipliers)
      for (int shift = 0; shift <= 62; ++shift)
        for (RoundingMode mode : kAllModes)
          checkApply(x, m, shift, mode);
}

int32_t randomX(Rng &rng) {
  switch (rng.next() % 4) {
  case 0:
  case 1:
    return rng.anyInt32();
  case 2:
    return static_cast<int32_t>(rng.range(-1000, 1000));
  default: {
    // Log-uniform magnitude with random sign.
    int bits = static_cast<int>(rng.range(0, 31));
    int64_t mag =
        static_cast<int64_t>(rng.next() & ((uint64_t(1) << bits) - 1));
    int64_t v = (rng.next() & 1) ? -mag : mag;
    return static_cast<int32_t>(v < INT32_MIN ? INT32_MIN : v);
  }
  }
}

/// A random fixed-point multiplier: mostly from quantizeMultiplier on a
/// log-uniform M in [2^-32, 2^31), otherwise raw normalized (multiplier,
/// shift) pairs over the whole shift range, or arbitrary int32 multipliers.
FixedPointMultiplier randomMultiplier(Rng &rng) {
  uint64_t kind = rng.next() % 10;
  if (kind < 6) {
    FixedPointMultiplier fp{};
    while (!quantizeMultiplier(std::exp2(rng.unit() * 63.0 - 32.0), fp)) {
    }
    return fp;
  }
  int shift = static_cast<int>(rng.range(0, 62));
  if (kind < 9)
    return {static_cast<int32_t>(rng.range(1 << 30, INT32_MAX)), shift};
  return {rng.anyInt32(), shift};
}

void testApplyMultiplierRandom(Rng &rng) {
  for (int i = 0; i < 300000; ++i) {
    int32_t x = randomX(rng);
    FixedPointMultiplier fp = randomMultiplier(rng);
    for (RoundingMode mode : kAllModes)
      checkApply(x, fp.multiplier, fp.shift, mode);
  }
}

/// Random inputs constructed so that x * multiplier has exactly `a + b`
/// trailing zero bits, paired with shifts that make the final result (or, for
/// DoubleRound, the SRDHM intermediate) an exact tie.
void testApplyMultiplierTies(Rng &rng) {
  for (int i = 0; i < 200000; ++i) {
    int a = static_cast<int>(rng.range(0, 31));
    int b = static_cast<int>(rng.range(0, 30));
    uint32_t xb = static_cast<uint32_t>(rng.next());
    xb = (xb & ~((uint32_t(1) << a) - 1)) | (uint32_t(1) << a);
    int32_t x = static_cast<int32_t>(xb);
    uint32_t mb = static_cast<uint32_t>(rng.next()) & 0x7FFFFFFFu;
    mb |= uint32_t(1) << 30;
    mb = (mb & ~((uint32_t(1) << b) - 1)) | (uint32_t(1) << b);
    int32_t m = static_cast<int32_t>(mb);
    int shift;
    switch (i % 3) {
    case 0: // Final tie: x * m / 2^shift == odd / 2.
      shift = a + b + 1;
      break;
    case 1: // Any shift with this product.
      shift = static_cast<int>(rng.range(0, 62));
      break;
    default: // SRDHM tie (a + b == 30) followed by a division by 2^k.
      b = 30 - (a > 30 ? 30 : a);
      a = 30 - b;
      xb = static_cast<uint32_t>(rng.next());
      xb = (xb & ~((uint32_t(1) << a) - 1)) | (uint32_t(1) << a);
      x = static_cast<int32_t>(xb);
      mb = (static_cast<uint32_t>(rng.next()) & 0x7FFFFFFFu) | (1u << 30);
      mb = (mb & ~((uint32_t(1) << b) - 1)) | (uint32_t(1) << b);
      m = static_cast<int32_t>(mb);
      shift = static_cast<int>(rng.range(32, 62));
      break;
    }
    if (shift > 62)
      shift = 62;
    for (RoundingMode mode : kAllModes)
      checkApply(x, m, shift, mode);
  }
}

void testRequantize(Rng &rng) {
  const RoundingMode DR = RoundingMode::DoubleRound;
  const RoundingMode SR = RoundingMode::SingleRound;
  const RoundingMode HE = RoundingMode::HalfEven;
  FixedPointMultiplier half{}, one{};
  CHECK(quantizeMultiplier(0.5, half));
  CHECK(quantizeMultiplier(1.0, one));

  // -2.5 + 3 in each mode.
  CHECK_EQ(requantize(-5, half, DR, 3, -128, 127), 1);
  CHECK_EQ(requantize(-5, half, SR, 3, -128, 127), 1);
  CHECK_EQ(requantize(-5, half, HE, 3, -128, 127), 1);
  // 2.5 - 1.
  CHECK_EQ(requantize(5, half, DR, -1, -128, 127), 2);
  CHECK_EQ(requantize(5, half, HE, -1, -128, 127), 1);
  // Clamping to int8 / uint8.
  CHECK_EQ(requantize(1000, half, SR, 0, -128, 127), 127);
  CHECK_EQ(requantize(-1000, half, SR, 0, -128, 127), -128);
  CHECK_EQ(requantize(0, half, SR, -128, -128, 127), -128);
  CHECK_EQ(requantize(-100, half, HE, 128, 0, 255), 78);
  CHECK_EQ(requantize(-300, half, HE, 128, 0, 255), 0);
  CHECK_EQ(requantize(300, half, HE, 128, 0, 255), 255);
  // The zero point addition must not wrap around in 32-bit.
  for (RoundingMode mode : kAllModes) {
    CHECK_EQ(
        requantize(INT32_MAX - 1, one, mode, INT32_MAX, INT32_MIN, INT32_MAX),
        INT32_MAX);
    CHECK_EQ(requantize(INT32_MIN, one, mode, INT32_MIN, INT32_MIN, INT32_MAX),
             INT32_MIN);
    CHECK_EQ(requantize(-(1 << 30), one, mode, INT32_MAX, INT32_MIN, INT32_MAX),
             (1 << 30) - 1);
  }
  // M = 1 with a huge accumulator: SingleRound/HalfEven give INT32_MAX +
  // INT32_MIN = -1, while DoubleRound's saturating left shift yields 2^30 and
  // 2^30 + INT32_MIN clamps to -128.
  CHECK_EQ(requantize(INT32_MAX, one, SR, INT32_MIN, -128, 127), -1);
  CHECK_EQ(requantize(INT32_MAX, one, HE, INT32_MIN, -128, 127), -1);
  CHECK_EQ(requantize(INT32_MAX, one, DR, INT32_MIN, -128, 127), -128);

  struct Range {
    int32_t lo, hi;
  };
  const Range ranges[] = {{-128, 127},     {-127, 127}, {0, 255},
                          {-32768, 32767}, {0, 65535},  {INT32_MIN, INT32_MAX},
                          {-8, 7},         {0, 0}};
  for (int i = 0; i < 200000; ++i) {
    int32_t acc = randomX(rng);
    FixedPointMultiplier fp = randomMultiplier(rng);
    RoundingMode mode = kAllModes[rng.next() % 3];
    int32_t zp;
    switch (rng.next() % 4) {
    case 0:
      zp = 0;
      break;
    case 1:
      zp = static_cast<int32_t>(rng.range(-128, 255));
      break;
    case 2:
      zp = static_cast<int32_t>(rng.range(-32768, 65535));
      break;
    default:
      zp = rng.anyInt32();
      break;
    }
    Range r;
    if (rng.next() % 4 == 0) {
      int32_t p = rng.anyInt32(), q = rng.anyInt32();
      r = p <= q ? Range{p, q} : Range{q, p};
    } else {
      r = ranges[rng.next() % (sizeof(ranges) / sizeof(ranges[0]))];
    }
    i128 want = refApplyI128(acc, fp.multiplier, fp.shift, mode) + zp;
    if (want < r.lo)
      want = r.lo;
    if (want > r.hi)
      want = r.hi;
    CHECK_EQ_CTX(requantize(acc, fp, mode, zp, r.lo, r.hi), want,
                 "acc=%d m=%d s=%d mode=%s zp=%d range=[%d,%d]", acc,
                 fp.multiplier, fp.shift, stringifyRoundingMode(mode), zp, r.lo,
                 r.hi);
  }
}

} // namespace

int main() {
  Rng rng(0x51A7E5EEDULL);
  testQuantizeMultiplierEdgeCases();
  testQuantizeMultiplierRandom(rng);
  testApplyMultiplierHandDerived();
  testApplyMultiplierEdgeGrid();
  testApplyMultiplierRandom(rng);
  testApplyMultiplierTies(rng);
  testRequantize(rng);
  std::printf("requantize-unit: %lld checks, %lld failures\n", numChecks,
              numFailures);
  return numFailures == 0 ? 0 : 1;
}
