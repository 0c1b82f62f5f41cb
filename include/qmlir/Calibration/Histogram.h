//===- Histogram.h - Activation histograms and range choices ----*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// The histogram calibration methods of qnn-calibrate: percentile, MSE and
// entropy (KL) ranges from a histogram over fixed edges. The edges are the
// observer's min-max range from a first pass over the calibration data, so a
// histogram is integer counts over known bins: merging is exact and the
// result does not depend on the order or batching of the inputs (unlike
// calibrators whose histogram range grows as data arrives).
// Plain C++17, no MLIR (like qmlir/Support/Requantize.h).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CALIBRATION_HISTOGRAM_H
#define QMLIR_CALIBRATION_HISTOGRAM_H

#include <cstdint>
#include <utility>
#include <vector>

namespace mlir {
namespace qmlir {
namespace calibration {

/// Counts of values in `bins` equal bins over [lo, hi] (values outside are
/// clamped into the end bins).
class Histogram {
public:
  Histogram(double lo, double hi, int64_t bins);
  void add(const float *values, int64_t count);
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  double binWidth() const { return width_; }
  const std::vector<int64_t> &counts() const { return counts_; }
  int64_t total() const;

private:
  double lo_, hi_, width_;
  std::vector<int64_t> counts_;
};

/// The range [a, b] that keeps the central `percent` of the values: a is the
/// lower edge of the bin where the cumulative count first exceeds
/// (100 - percent)% of the total, b the upper edge of the bin where it
/// reaches percent%. The range always contains 0 (the activation scheme's
/// zero point).
std::pair<double, double> percentileRange(const Histogram &h, double percent);

/// The range, among [lo, hi] shrunk towards 0 by factors 1, 0.99, ..., 0.2
/// (each end separately), whose asymmetric 8-bit quantization (256 levels,
/// integer zero point) of the bin centers has the least squared error
/// weighted by the counts.
std::pair<double, double> mseRange(const Histogram &h);

/// TensorRT's entropy calibration: `absHist` is a histogram of |x| over
/// [0, max|x|]. For each candidate count of bins i >= levels, P is the first
/// i bins with the tail summed into bin i - 1, and Q is P merged into
/// `levels` levels and spread back evenly over each level's nonzero bins;
/// the threshold is the upper edge of the kept bins (i * width) for the i
/// that minimizes KL(P || Q). Bin 0 counts as much as bin 1 (the exact zeros
/// of a ReLU would otherwise favour ever smaller thresholds; NVIDIA's
/// calibrator does the same). `levels`: 128 for a signed range, 256 for a
/// non-negative one. Returns the histogram's upper end when it has at most
/// `levels` bins or no values.
double entropyThreshold(const Histogram &absHist, int64_t levels = 128);

} // namespace calibration
} // namespace qmlir
} // namespace mlir

#endif // QMLIR_CALIBRATION_HISTOGRAM_H
