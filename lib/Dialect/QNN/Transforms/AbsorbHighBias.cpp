//===- AbsorbHighBias.cpp - High-bias absorption through ReLU -------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "LayerChains.h"

#include <cmath>

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNABSORBHIGHBIAS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

struct QNNAbsorbHighBiasPass
    : qmlir::impl::QNNAbsorbHighBiasBase<QNNAbsorbHighBiasPass> {
  void runOnOperation() override {
    SmallVector<Operation *> candidates;
    getOperation().walk([&](Operation *op) {
      if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op) &&
          op->hasAttr(qnn::FoldedBatchNormAttr::getAttrName()))
        candidates.push_back(op);
    });
    OpBuilder builder(&getContext());
    for (Operation *op : candidates) {
      std::string why;
      std::optional<FloatLayer> first = FloatLayer::get(op, why);
      if (!first)
        continue;
      // c_i = max(0, beta_i - 3 |gamma_i|): what channel i's output almost
      // surely exceeds.
      SmallVector<double> c(first->outChannels);
      for (int64_t i = 0; i < first->outChannels; ++i)
        c[i] = std::max(0.0, first->bnBeta[i] - 3.0 * std::abs(first->bnGamma[i]));
      if (llvm::all_of(c, [](double v) { return v == 0.0; }))
        continue;

      LayerLink link = followLayer(op);
      std::optional<FloatLayer> second;
      if (!link.next) {
        if (why = link.why; why.empty())
          why = "no convolution reads its result";
      } else if (!llvm::any_of(link.between, [](Operation *o) {
                   return isa<tosa::ClampOp>(o);
                 })) {
        why = "no ReLU follows it";
      } else if (llvm::any_of(link.between, [](Operation *o) {
                   auto clamp = dyn_cast<tosa::ClampOp>(o);
                   return clamp && !isRelu(clamp);
                 })) {
        why = "its activation is a clamp other than a ReLU (its upper bound "
              "would have to move per channel)";
      } else if (!(second = FloatLayer::get(link.next, why))) {
        why = "the next layer is not handled: " + why;
      } else if (second->hasPadding()) {
        why = "the next layer pads its input, whose border would then see "
              "-c instead of 0";
      }
      if (!second || !why.empty()) {
        op->emitRemark("high bias not absorbed: ") << why;
        continue;
      }

      for (int64_t i = 0; i < first->outChannels; ++i) {
        first->bias[i] -= c[i];
        first->bnBeta[i] -= c[i];
      }
      for (auto [k, w] : llvm::enumerate(second->weights))
        second->bias[second->outChannelOf(k)] += w * c[second->inChannelOf(k)];
      first->write(builder);
      second->write(builder);
      ++numAbsorbed;
    }
  }
};

} // namespace
