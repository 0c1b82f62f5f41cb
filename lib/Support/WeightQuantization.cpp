//===- WeightQuantization.cpp - Symmetric weight scales -------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Support/WeightQuantization.h"

#include <algorithm>
#include <array>
#include <cmath>

using namespace mlir::qmlir;

std::vector<double>
wq::getScaleRanges(const std::vector<double> &values, int64_t channels,
                   const std::function<int64_t(int64_t)> &channelOf,
                   const WeightScheme &scheme) {
  int64_t n = static_cast<int64_t>(values.size());
  std::vector<double> absMax(channels, 0.0);
  for (int64_t i = 0; i < n; ++i)
    absMax[channelOf(i)] = std::max(absMax[channelOf(i)], std::abs(values[i]));
  if (!scheme.pairBounded)
    return absMax;
  // The two largest positive and the two most negative values per channel;
  // rounded at a scale mapping either pair's sum to at most 127, any two
  // same-signed values sum to at most 128 in magnitude.
  std::vector<std::array<double, 4>> top(channels, {0, 0, 0, 0});
  for (int64_t i = 0; i < n; ++i) {
    double v = values[i], m = std::abs(v);
    std::array<double, 4> &t = top[channelOf(i)];
    int side = v > 0 ? 0 : 2;
    if (m > t[side])
      t[side + 1] = t[side], t[side] = m;
    else if (m > t[side + 1])
      t[side + 1] = m;
  }
  for (int64_t c = 0; c < channels; ++c)
    absMax[c] = std::max(absMax[c],
                         std::max(top[c][0] + top[c][1], top[c][2] + top[c][3]) *
                             double(scheme.weightMax) / 127.0);
  return absMax;
}

std::optional<int64_t> wq::getWeightMax(unsigned bits) {
  if (bits < 2 || bits > 8)
    return std::nullopt;
  return (int64_t{1} << (bits - 1)) - 1;
}

double wq::getWeightScale(double range, int64_t weightMax) {
  return range > 0.0 ? range / weightMax : 1.0;
}

std::vector<double>
wq::getWeightScales(const std::vector<double> &values, int64_t channels,
                    const std::function<int64_t(int64_t)> &channelOf,
                    const WeightScheme &scheme) {
  std::vector<double> ranges =
      getScaleRanges(values, channels, channelOf, scheme);
  if (!scheme.perChannel) {
    double tensorMax = *std::max_element(ranges.begin(), ranges.end());
    std::fill(ranges.begin(), ranges.end(), tensorMax);
  }
  std::vector<double> scales(channels);
  for (int64_t c = 0; c < channels; ++c)
    scales[c] = getWeightScale(ranges[c], scheme.weightMax);
  return scales;
}

int64_t wq::quantizeWeight(double v, double scale, int64_t weightMax) {
  return static_cast<int64_t>(std::clamp<double>(
      std::nearbyint(v / scale), -double(weightMax), double(weightMax)));
}
