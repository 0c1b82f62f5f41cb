//===- LayerChains.cpp - Float layers and the links between them ----------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "LayerChains.h"

#include "qmlir/Dialect/QNN/IR/QNNAttrs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::qmlir;

std::optional<SmallVector<double>>
mlir::qmlir::getF32ConstantValues(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isF32())
    return std::nullopt;
  SmallVector<double> values;
  values.reserve(attr.getNumElements());
  for (APFloat v : attr.getValues<APFloat>())
    values.push_back(v.convertToDouble());
  return values;
}

Value mlir::qmlir::createF32Constant(OpBuilder &builder, Location loc,
                                     ArrayRef<int64_t> shape,
                                     ArrayRef<double> values) {
  SmallVector<float> floats(values.begin(), values.end());
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  return tosa::ConstOp::create(
      builder, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(floats)));
}

std::optional<FloatLayer> FloatLayer::get(Operation *op, std::string &why) {
  if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op)) {
    why = "not a tosa.conv2d or tosa.depthwise_conv2d";
    return std::nullopt;
  }
  auto inType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto outType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  auto wType = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  if (!inType || !outType || !wType || !inType.hasStaticShape() ||
      !outType.hasStaticShape() || !wType.hasStaticShape() ||
      !outType.getElementType().isF32() || inType.getRank() != 4) {
    why = "only static f32 convolutions are handled";
    return std::nullopt;
  }
  FloatLayer layer;
  layer.op = op;
  layer.depthwise = isa<tosa::DepthwiseConv2DOp>(op);
  layer.outChannels = outType.getDimSize(3);
  layer.inChannels = inType.getDimSize(3);
  layer.shape.assign(wType.getShape().begin(), wType.getShape().end());
  auto weights = getF32ConstantValues(op->getOperand(1));
  auto bias = getF32ConstantValues(op->getOperand(2));
  if (!weights || !bias) {
    why = "its weight or bias is not a constant f32 tensor";
    return std::nullopt;
  }
  if (bias->size() != 1 && (int64_t)bias->size() != layer.outChannels) {
    why = "its bias is not one value per output channel";
    return std::nullopt;
  }
  auto isFinite = [](double v) { return std::isfinite(v); };
  if (!llvm::all_of(*weights, isFinite) || !llvm::all_of(*bias, isFinite)) {
    why = "its weight or bias holds NaN or infinity";
    return std::nullopt;
  }
  layer.weights = std::move(*weights);
  layer.bias = bias->size() == 1
                   ? SmallVector<double>(layer.outChannels, (*bias)[0])
                   : std::move(*bias);
  if (auto bn = op->getAttrOfType<qnn::FoldedBatchNormAttr>(
          qnn::FoldedBatchNormAttr::getAttrName())) {
    for (float v : bn.getBeta().asArrayRef())
      layer.bnBeta.push_back(v);
    for (float v : bn.getGamma().asArrayRef())
      layer.bnGamma.push_back(v);
  }
  return layer;
}

bool FloatLayer::hasPadding() const {
  auto pad = op->getAttrOfType<DenseI64ArrayAttr>("pad");
  return !pad || llvm::any_of(pad.asArrayRef(), [](int64_t p) { return p; });
}

SmallVector<double> FloatLayer::outChannelRanges() const {
  SmallVector<double> ranges(outChannels, 0.0);
  for (auto [i, w] : llvm::enumerate(weights))
    ranges[outChannelOf(i)] = std::max(ranges[outChannelOf(i)], std::abs(w));
  return ranges;
}

SmallVector<double> FloatLayer::inChannelRanges() const {
  SmallVector<double> ranges(inChannels, 0.0);
  for (auto [i, w] : llvm::enumerate(weights))
    ranges[inChannelOf(i)] = std::max(ranges[inChannelOf(i)], std::abs(w));
  return ranges;
}

void FloatLayer::write(OpBuilder &builder) const {
  builder.setInsertionPoint(op);
  Location loc = op->getLoc();
  Value oldWeights = op->getOperand(1), oldBias = op->getOperand(2);
  op->setOperand(1, createF32Constant(builder, loc, shape, weights));
  op->setOperand(2, createF32Constant(builder, loc, {outChannels}, bias));
  // The replaced constants, unless something else reads them.
  for (Value old : {oldWeights, oldBias})
    if (auto c = old.getDefiningOp<tosa::ConstOp>(); c && c->use_empty())
      c->erase();
  if (!bnBeta.empty()) {
    SmallVector<float> beta(bnBeta.begin(), bnBeta.end());
    SmallVector<float> gamma(bnGamma.begin(), bnGamma.end());
    op->setAttr(qnn::FoldedBatchNormAttr::getAttrName(),
                qnn::FoldedBatchNormAttr::get(
                    op->getContext(), builder.getDenseF32ArrayAttr(beta),
                    builder.getDenseF32ArrayAttr(gamma)));
  }
}

LayerLink mlir::qmlir::followLayer(Operation *layer) {
  LayerLink link;
  Value value = layer->getResult(0);
  while (true) {
    if (value.use_empty())
      return link;
    if (!value.hasOneUse()) {
      int64_t users = std::distance(value.getUsers().begin(),
                                    value.getUsers().end());
      link.why = "its result has " + std::to_string(users) +
                 " users (a split)";
      return link;
    }
    OpOperand &use = *value.getUses().begin();
    Operation *user = use.getOwner();
    if (isa<tosa::ClampOp, tosa::MaxPool2dOp, qnn::ObserveOp>(user)) {
      link.between.push_back(user);
      value = user->getResult(0);
      continue;
    }
    link.stop = user;
    if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(user) &&
        use.getOperandNumber() == 0) {
      link.next = user;
      return link;
    }
    if (isa<func::ReturnOp>(user))
      return link;
    link.why = ("it is followed by '" + user->getName().getStringRef() +
                "', which is no convolution's input, clamp or max pool")
                   .str();
    return link;
  }
}

std::pair<double, double> mlir::qmlir::getClampBounds(tosa::ClampOp clamp) {
  auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
  auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
  return {lo ? lo.getValueAsDouble() : -INFINITY,
          hi ? hi.getValueAsDouble() : INFINITY};
}

bool mlir::qmlir::isRelu(tosa::ClampOp clamp) {
  auto [lo, hi] = getClampBounds(clamp);
  return lo == 0.0 && hi >= FLT_MAX;
}
