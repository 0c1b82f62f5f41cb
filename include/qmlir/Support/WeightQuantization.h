//===- WeightQuantization.h - Symmetric weight scales -----------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// The weight scheme of qnn-quantize, shared with the passes that must predict
// its rounding (qnn-correct-bias): symmetric scales per output channel or per
// tensor, values in [-weightMax, weightMax], optionally pair-bounded.
// Plain C++17 with the standard library only, like Requantize.h.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_SUPPORT_WEIGHTQUANTIZATION_H
#define QMLIR_SUPPORT_WEIGHTQUANTIZATION_H

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace mlir {
namespace qmlir {
namespace wq {

struct WeightScheme {
  bool perChannel = true;
  /// Symmetric bound: 127 for 8 bits, 2^(bits-1) - 1 in general.
  int64_t weightMax = 127;
  /// Each channel's two largest positive weights, and its two most negative
  /// ones, map to at most 127 together (the AVX2 vpmaddubsw bound).
  bool pairBounded = false;
};

/// The symmetric bound of `bits`-bit weights, 2^(bits-1) - 1, for 2 to 8
/// bits; std::nullopt otherwise.
std::optional<int64_t> getWeightMax(unsigned bits);

/// The magnitude that each output channel's scale maps to `weightMax`: its
/// largest |w|, raised for pair-bounded weights to (largest pair sum) *
/// weightMax / 127. `channelOf(i)` is element i's output channel.
std::vector<double>
getScaleRanges(const std::vector<double> &values, int64_t channels,
               const std::function<int64_t(int64_t)> &channelOf,
               const WeightScheme &scheme);

/// The symmetric scale that maps `range` to `weightMax` (1 for range 0).
double getWeightScale(double range, int64_t weightMax);

/// The scale of every output channel without qnn-quantize's floors for
/// degenerate channels (one shared value when per tensor).
std::vector<double> getWeightScales(const std::vector<double> &values,
                                    int64_t channels,
                                    const std::function<int64_t(int64_t)> &channelOf,
                                    const WeightScheme &scheme);

/// round(v / scale) (half to even) clamped to [-weightMax, weightMax].
int64_t quantizeWeight(double v, double scale, int64_t weightMax);

} // namespace wq
} // namespace qmlir
} // namespace mlir

#endif // QMLIR_SUPPORT_WEIGHTQUANTIZATION_H
