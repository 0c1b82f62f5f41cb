//===- CorrectBias.cpp - Bias correction for weight quantization ----------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "LayerChains.h"
#include "qmlir/Support/WeightQuantization.h"

#include <cfloat>
#include <cmath>

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCORRECTBIAS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

double normalPdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// E[clamp(y, lo, hi)] for y ~ N(mu, sigma^2); lo, hi may be infinite.
double clampedNormalMean(double mu, double sigma, double lo, double hi) {
  if (sigma == 0.0)
    return std::clamp(mu, lo, hi);
  // E = sigma (phi(a) - phi(b)) + mu (Phi(b) - Phi(a)) + lo Phi(a)
  //     + hi (1 - Phi(b)), a = (lo - mu) / sigma, b = (hi - mu) / sigma;
  // an infinite bound's terms vanish.
  double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
  double phiA = std::isfinite(lo) ? normalPdf(a) : 0.0;
  double phiB = std::isfinite(hi) ? normalPdf(b) : 0.0;
  double cdfA = std::isfinite(lo) ? normalCdf(a) : 0.0;
  double cdfB = std::isfinite(hi) ? normalCdf(b) : 1.0;
  double mean = sigma * (phiA - phiB) + mu * (cdfB - cdfA);
  if (std::isfinite(lo))
    mean += lo * cdfA;
  if (std::isfinite(hi))
    mean += hi * (1.0 - cdfB);
  return mean;
}

struct QNNCorrectBiasPass
    : qmlir::impl::QNNCorrectBiasBase<QNNCorrectBiasPass> {
  using Base::Base;

  /// The mean of each channel of `layer`'s input from the batch norm of the
  /// convolution producing it (through observers and one clamp), or
  /// std::nullopt with the reason in `why`.
  std::optional<SmallVector<double>> getAnalyticMeans(const FloatLayer &layer,
                                                      std::string &why) {
    Value input = layer.op->getOperand(0);
    double lo = -INFINITY, hi = INFINITY;
    bool clamped = false;
    while (Operation *def = input.getDefiningOp()) {
      if (isa<qnn::ObserveOp>(def)) {
        input = def->getOperand(0);
        continue;
      }
      if (auto clamp = dyn_cast<tosa::ClampOp>(def); clamp && !clamped) {
        std::tie(lo, hi) = getClampBounds(clamp);
        if (hi >= FLT_MAX)
          hi = INFINITY;
        if (lo <= -FLT_MAX)
          lo = -INFINITY;
        clamped = true;
        input = clamp.getInput();
        continue;
      }
      break;
    }
    Operation *producer = input.getDefiningOp();
    auto bn = producer ? producer->getAttrOfType<qnn::FoldedBatchNormAttr>(
                             qnn::FoldedBatchNormAttr::getAttrName())
                       : qnn::FoldedBatchNormAttr();
    if (!bn) {
      why = "its input is not the output of a convolution with a folded "
            "batch norm (through a clamp)";
      return std::nullopt;
    }
    ArrayRef<float> beta = bn.getBeta().asArrayRef();
    ArrayRef<float> gamma = bn.getGamma().asArrayRef();
    if (static_cast<int64_t>(beta.size()) != layer.inChannels) {
      why = "the batch norm's channels differ from the input's";
      return std::nullopt;
    }
    SmallVector<double> means(layer.inChannels);
    for (int64_t i = 0; i < layer.inChannels; ++i)
      means[i] = clampedNormalMean(beta[i], std::abs(gamma[i]), lo, hi);
    return means;
  }

  /// The calibrated mean of each channel of `layer`'s input.
  std::optional<SmallVector<double>>
  getEmpiricalMeans(const FloatLayer &layer, std::string &why) {
    auto observer = layer.op->getOperand(0).getDefiningOp<qnn::ObserveOp>();
    std::optional<ArrayRef<float>> mean =
        observer ? observer.getMean() : std::nullopt;
    if (!mean || static_cast<int64_t>(mean->size()) != layer.inChannels) {
      why = "its input has no calibrated mean (qnn-insert-observers, then "
            "qnn-calibrate with means=true)";
      return std::nullopt;
    }
    return SmallVector<double>(mean->begin(), mean->end());
  }

  void runOnOperation() override {
    bool analytic = mode == "analytic";
    if (!analytic && mode != "empirical") {
      getOperation().emitError("unknown bias correction mode '")
          << mode << "' (expected analytic or empirical)";
      return signalPassFailure();
    }
    if (weightBits < 2 || weightBits > 8) {
      getOperation().emitError("weight-bits must be between 2 and 8, got ")
          << static_cast<unsigned>(weightBits);
      return signalPassFailure();
    }
    if (!analytic) {
      bool anyMean = false;
      getOperation().walk([&](qnn::ObserveOp observer) {
        anyMean |= observer.getMean().has_value();
      });
      if (!anyMean) {
        getOperation().emitError(
            "empirical bias correction needs calibrated means: run "
            "qnn-insert-observers and qnn-calibrate with means=true first");
        return signalPassFailure();
      }
    }
    wq::WeightScheme scheme;
    scheme.perChannel = perChannel;
    scheme.weightMax = (int64_t{1} << (weightBits - 1)) - 1;
    scheme.pairBounded = pairBounded;

    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
        ops.push_back(op);
    });
    // The order does not matter: the means come from the producers' batch
    // norm statistics or from the observers, which no correction changes.
    OpBuilder builder(&getContext());
    for (Operation *op : ops) {
      std::string why;
      std::optional<FloatLayer> layer = FloatLayer::get(op, why);
      std::optional<SmallVector<double>> means;
      if (layer)
        means = analytic ? getAnalyticMeans(*layer, why)
                         : getEmpiricalMeans(*layer, why);
      if (!means) {
        op->emitRemark("bias not corrected: ") << why;
        continue;
      }
      std::function<int64_t(int64_t)> channelOf = [&](int64_t i) {
        return layer->outChannelOf(i);
      };
      std::vector<double> values(layer->weights.begin(), layer->weights.end());
      std::vector<double> scales =
          wq::getWeightScales(values, layer->outChannels, channelOf, scheme);
      // b[o] -= sum eps * E[x_i], eps = W_q - W.
      for (auto [k, w] : llvm::enumerate(layer->weights)) {
        int64_t o = layer->outChannelOf(k);
        double q =
            wq::quantizeWeight(w, scales[o], scheme.weightMax) * scales[o];
        layer->bias[o] -= (q - w) * (*means)[layer->inChannelOf(k)];
      }
      layer->write(builder);
      ++numCorrected;
    }
  }
};

} // namespace
