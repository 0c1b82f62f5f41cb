//===- CorrectBias.cpp - Bias correction for weight quantization ----------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "LayerChains.h"
#include "qmlir/Support/WeightQuantization.h"

#include "mlir/IR/Matchers.h"

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

  /// Empirical correction of a `tosa.matmul` with constant [1, K, N]
  /// weights: the correction goes into the constant bias added to its
  /// result, or into a new one. Returns the reason when it cannot.
  std::string correctMatmul(tosa::MatMulOp matmul,
                            const wq::WeightScheme &scheme) {
    auto wType = dyn_cast<RankedTensorType>(matmul.getB().getType());
    auto outType = dyn_cast<RankedTensorType>(matmul.getType());
    std::optional<SmallVector<double>> weights =
        getF32ConstantValues(matmul.getB());
    if (!wType || !outType || !wType.hasStaticShape() ||
        !outType.hasStaticShape() || wType.getRank() != 3 ||
        wType.getDimSize(0) != 1 || !weights)
      return "its weights are not a constant f32 [1, K, N] tensor";
    int64_t k = wType.getDimSize(1), n = wType.getDimSize(2);
    // The observer of the input, through reshapes.
    Value input = matmul.getA();
    while (Operation *def = input.getDefiningOp()) {
      if (!isa<tosa::ReshapeOp, tensor::CollapseShapeOp,
               tensor::ExpandShapeOp>(def))
        break;
      input = def->getOperand(0);
    }
    auto observer = input.getDefiningOp<qnn::ObserveOp>();
    std::optional<ArrayRef<float>> mean =
        observer ? observer.getMean() : std::nullopt;
    if (!mean || static_cast<int64_t>(mean->size()) != k)
      return "its input has no calibrated mean per row of the weights";
    std::vector<double> values(weights->begin(), weights->end());
    if (!llvm::all_of(values, [](double v) { return std::isfinite(v); }))
      return "its weights hold NaN or infinity";
    std::function<int64_t(int64_t)> channelOf = [n](int64_t i) {
      return i % n;
    };
    std::vector<double> scales =
        wq::getWeightScales(values, n, channelOf, scheme);
    SmallVector<double> correction(n, 0.0);
    for (int64_t i = 0, e = values.size(); i < e; ++i) {
      double q = wq::quantizeWeight(values[i], scales[i % n], scheme.weightMax) *
                 scales[i % n];
      correction[i % n] += (q - values[i]) * (*mean)[(i / n) % k];
    }

    // The existing bias: a constant along the columns, added to the result.
    SmallVector<double> bias(n, 0.0);
    tosa::AddOp add;
    if (matmul->hasOneUse())
      add = dyn_cast<tosa::AddOp>(*matmul->getUsers().begin());
    Value other;
    if (add)
      other = add.getInput1() == matmul.getResult() ? add.getInput2()
                                                    : add.getInput1();
    std::optional<SmallVector<double>> b =
        add ? getF32ConstantValues(other) : std::nullopt;
    int64_t bSize = b ? static_cast<int64_t>(b->size()) : 0;
    if (b && (bSize == 1 || bSize == n) &&
        cast<ShapedType>(other.getType()).getRank() == 3 &&
        cast<ShapedType>(other.getType()).getShape().back() == bSize) {
      for (int64_t j = 0; j < n; ++j)
        bias[j] = (*b)[bSize == 1 ? 0 : j];
    } else {
      add = {};
    }
    for (int64_t j = 0; j < n; ++j)
      bias[j] -= correction[j];
    OpBuilder builder(matmul);
    builder.setInsertionPointAfter(matmul);
    Value biasConst =
        createF32Constant(builder, matmul.getLoc(), {1, 1, n}, bias);
    if (add) {
      add->setOperand(add.getInput1() == matmul.getResult() ? 1 : 0,
                      biasConst);
      if (auto c = other.getDefiningOp<tosa::ConstOp>(); c && c->use_empty())
        c->erase();
    } else {
      auto newAdd = tosa::AddOp::create(builder, matmul.getLoc(), outType,
                                        matmul.getResult(), biasConst);
      matmul.getResult().replaceAllUsesExcept(newAdd.getResult(), newAdd);
    }
    return "";
  }

  void runOnOperation() override {
    bool analytic = mode == "analytic";
    if (!analytic && mode != "empirical") {
      getOperation().emitError("unknown bias correction mode '")
          << mode << "' (expected analytic or empirical)";
      return signalPassFailure();
    }
    std::optional<int64_t> weightMax = wq::getWeightMax(weightBits);
    if (!weightMax) {
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
    scheme.weightMax = *weightMax;
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
    if (analytic)
      return;
    SmallVector<tosa::MatMulOp> matmuls;
    getOperation().walk([&](tosa::MatMulOp op) { matmuls.push_back(op); });
    for (tosa::MatMulOp matmul : matmuls) {
      std::string why = correctMatmul(matmul, scheme);
      if (!why.empty()) {
        matmul->emitRemark("bias not corrected: ") << why;
        continue;
      }
      ++numCorrected;
    }
  }
};

} // namespace
