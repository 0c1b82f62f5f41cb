//===- Equalize.cpp - Cross-layer equalization ----------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "LayerChains.h"

#include <cfloat>
#include <cmath>

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNEQUALIZE
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// Why the path between two layers does not commute with a positive
/// per-channel scale; empty when it does.
std::string whyNotHomogeneous(const LayerLink &link) {
  for (Operation *op : link.between) {
    auto clamp = dyn_cast<tosa::ClampOp>(op);
    if (!clamp)
      continue; // max pool, observer
    auto [lo, hi] = getClampBounds(clamp);
    if ((lo == 0.0 || lo <= -FLT_MAX) && hi >= FLT_MAX)
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "its activation clamps to [" << lo << ", " << hi
       << "]: a bound other than 0 or infinity would become a per-channel "
          "bound (ReLU6 is not replaced by ReLU)";
    return text;
  }
  return "";
}

/// Scales output channel i of `first` by 1 / s_i and input channel i of
/// `second` by s_i, s_i = sqrt(r1_i / r2_i). Returns the largest
/// |log(s_i)|.
double equalizePair(FloatLayer &first, FloatLayer &second) {
  SmallVector<double> r1 = first.outChannelRanges();
  SmallVector<double> r2 = second.inChannelRanges();
  SmallVector<double> s(r1.size(), 1.0);
  double change = 0.0;
  // A dead channel on either side (all-zero or ~0 weights next to live
  // ones, common in pretrained networks) keeps its scale: there is nothing
  // to balance, and its ratio would scale the live side's bias into
  // overflow. So does a pair whose ranges differ by more than 10^12.
  double max1 = *llvm::max_element(r1), max2 = *llvm::max_element(r2);
  for (size_t i = 0; i < s.size(); ++i) {
    double ratio = r1[i] / r2[i];
    if (r1[i] > 1e-8 * max1 && r2[i] > 1e-8 * max2 && r1[i] > 0.0 &&
        r2[i] > 0.0 && ratio > 1e-12 && ratio < 1e12) {
      s[i] = std::sqrt(ratio);
      change = std::max(change, std::abs(std::log(s[i])));
    }
  }
  for (auto [i, w] : llvm::enumerate(first.weights))
    w /= s[first.outChannelOf(i)];
  for (int64_t c = 0; c < first.outChannels; ++c) {
    first.bias[c] /= s[c];
    if (!first.bnBeta.empty()) {
      first.bnBeta[c] /= s[c];
      first.bnGamma[c] /= s[c];
    }
  }
  for (auto [i, w] : llvm::enumerate(second.weights))
    w *= s[second.inChannelOf(i)];
  return change;
}

struct QNNEqualizePass : qmlir::impl::QNNEqualizeBase<QNNEqualizePass> {
  using Base::Base;

  void runOnOperation() override {
    std::vector<FloatLayer> layers;
    DenseMap<Operation *, size_t> index;
    getOperation().walk([&](Operation *op) {
      if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
        return;
      std::string why;
      if (auto layer = FloatLayer::get(op, why)) {
        index[op] = layers.size();
        layers.push_back(std::move(*layer));
      }
    });

    SmallVector<std::pair<size_t, size_t>> pairs;
    for (size_t a = 0, e = layers.size(); a < e; ++a) {
      Operation *op = layers[a].op;
      LayerLink link = followLayer(op);
      std::string why = link.why;
      if (why.empty() && link.next) {
        why = whyNotHomogeneous(link);
        if (why.empty() && !index.count(link.next)) {
          std::string nextWhy;
          (void)FloatLayer::get(link.next, nextWhy);
          why = "the next layer is not handled: " + nextWhy;
        }
      }
      if (!why.empty()) {
        op->emitRemark("not equalized with a following layer: ") << why;
        continue;
      }
      if (link.next)
        pairs.push_back({a, index[link.next]});
    }
    numPairs = pairs.size();
    if (pairs.empty())
      return;

    unsigned sweeps = 0;
    while (sweeps < iterations) {
      ++sweeps;
      double change = 0.0;
      for (auto [a, b] : pairs)
        change = std::max(change, equalizePair(layers[a], layers[b]));
      // |log s| <= threshold: every scale within ~threshold of 1.
      if (change <= threshold)
        break;
    }
    numSweeps = sweeps;

    OpBuilder builder(&getContext());
    SmallVector<bool> touched(layers.size(), false);
    for (auto [a, b] : pairs)
      touched[a] = touched[b] = true;
    for (auto [i, layer] : llvm::enumerate(layers))
      if (touched[i])
        layer.write(builder);
  }
};

} // namespace
