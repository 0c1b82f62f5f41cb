//===- Histogram.cpp - Activation histograms and range choices ------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Calibration/Histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir::qmlir::calibration;

Histogram::Histogram(double lo, double hi, int64_t bins)
    : lo_(lo), hi_(std::max(hi, lo)), counts_(std::max<int64_t>(bins, 1), 0) {
  width_ = (hi_ - lo_) / counts_.size();
}

void Histogram::add(const float *values, int64_t count) {
  int64_t last = counts_.size() - 1;
  for (int64_t i = 0; i < count; ++i) {
    double v = values[i];
    int64_t bin = width_ > 0.0 ? static_cast<int64_t>(std::floor((v - lo_) / width_))
                               : 0;
    ++counts_[std::clamp<int64_t>(bin, 0, last)];
  }
}

int64_t Histogram::total() const {
  int64_t sum = 0;
  for (int64_t c : counts_)
    sum += c;
  return sum;
}

std::pair<double, double>
mlir::qmlir::calibration::percentileRange(const Histogram &h, double percent) {
  const std::vector<int64_t> &counts = h.counts();
  int64_t total = h.total();
  double lo = h.lo(), hi = h.hi();
  if (total > 0) {
    double tail = total * (1.0 - percent / 100.0);
    // Lower end: the first bin whose cumulative count exceeds the tail.
    int64_t cumulative = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      cumulative += counts[i];
      if (cumulative > tail) {
        lo = h.lo() + i * h.binWidth();
        break;
      }
    }
    // Upper end: the last bin whose reverse cumulative count exceeds it.
    cumulative = 0;
    for (size_t i = counts.size(); i-- > 0;) {
      cumulative += counts[i];
      if (cumulative > tail) {
        hi = h.lo() + (i + 1) * h.binWidth();
        break;
      }
    }
  }
  return {std::min(lo, 0.0), std::max(hi, 0.0)};
}

namespace {
/// Weighted squared error of quantizing the bin centers of `h` to 256
/// asymmetric levels over [a, b] (which contains 0).
double quantizationError(const Histogram &h, double a, double b) {
  double scale = (b - a) / 255.0;
  if (!(scale > 0.0))
    return std::numeric_limits<double>::infinity();
  double zp = std::clamp(std::nearbyint(-a / scale), 0.0, 255.0);
  double error = 0.0;
  const std::vector<int64_t> &counts = h.counts();
  for (size_t i = 0; i < counts.size(); ++i) {
    if (!counts[i])
      continue;
    double x = h.lo() + (i + 0.5) * h.binWidth();
    double q = std::clamp(std::nearbyint(x / scale) + zp, 0.0, 255.0);
    double d = (q - zp) * scale - x;
    error += counts[i] * d * d;
  }
  return error;
}
} // namespace

std::pair<double, double>
mlir::qmlir::calibration::mseRange(const Histogram &h) {
  double lo = std::min(h.lo(), 0.0), hi = std::max(h.hi(), 0.0);
  std::pair<double, double> best = {lo, hi};
  double bestError = quantizationError(h, lo, hi);
  // Each end shrinks towards 0 on its own grid: 81 x 81 candidates.
  for (int i = 0; i <= 80; ++i) {
    double a = lo * (1.0 - 0.01 * i);
    for (int j = 0; j <= 80; ++j) {
      double b = hi * (1.0 - 0.01 * j);
      double error = quantizationError(h, a, b);
      if (error < bestError) {
        bestError = error;
        best = {a, b};
      }
    }
  }
  return best;
}

double mlir::qmlir::calibration::entropyThreshold(const Histogram &absHist,
                                                  int64_t levels) {
  std::vector<int64_t> counts = absHist.counts();
  int64_t bins = counts.size();
  // The spike of exact zeros after a ReLU would dominate the first level and
  // favour ever smaller thresholds; like NVIDIA's calibrator, bin 0 counts
  // as much as bin 1.
  if (bins > 1)
    counts[0] = counts[1];
  if (bins <= levels || absHist.total() == 0)
    return absHist.hi();
  double bestKL = std::numeric_limits<double>::infinity();
  int64_t bestBins = bins;
  std::vector<double> p, q;
  for (int64_t i = levels; i <= bins; ++i) {
    p.assign(counts.begin(), counts.begin() + i);
    for (int64_t k = i; k < bins; ++k)
      p[i - 1] += counts[k];
    // Q: P merged into `levels` levels of (nearly) equal numbers of bins,
    // each level's mass spread evenly over its nonzero bins.
    q.assign(i, 0.0);
    for (int64_t level = 0; level < levels; ++level) {
      int64_t begin = level * i / levels, end = (level + 1) * i / levels;
      double mass = 0.0;
      int64_t nonzero = 0;
      for (int64_t k = begin; k < end; ++k) {
        mass += counts[k];
        nonzero += counts[k] != 0;
      }
      for (int64_t k = begin; k < end; ++k)
        if (counts[k] != 0)
          q[k] = mass / nonzero;
    }
    double pSum = 0.0, qSum = 0.0;
    for (int64_t k = 0; k < i; ++k) {
      pSum += p[k];
      qSum += q[k];
    }
    if (pSum == 0.0 || qSum == 0.0)
      continue;
    double kl = 0.0;
    for (int64_t k = 0; k < i; ++k) {
      if (p[k] == 0.0)
        continue;
      double pk = p[k] / pSum, qk = q[k] / qSum;
      // A bin of P that Q leaves empty (the tail bin's outliers) costs as
      // if Q had a tiny mass there.
      kl += pk * std::log(pk / std::max(qk, 1e-12));
    }
    if (kl < bestKL) {
      bestKL = kl;
      bestBins = i;
    }
  }
  return absHist.lo() + bestBins * absHist.binWidth();
}
