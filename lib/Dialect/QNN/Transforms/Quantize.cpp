//===- Quantize.cpp - Quantize calibrated groups to qnn ops ---------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "QuantizableGroup.h"
#include "qmlir/Support/Requantize.h"
#include "qmlir/Support/WeightQuantization.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNQUANTIZE
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// Asymmetric u8 per-tensor type for the calibrated range [lo, hi]; the range
/// is widened to contain 0 so that 0.0 (padding, ReLU) is exact.
quant::UniformQuantizedType getActivationType(MLIRContext *ctx, double lo,
                                              double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  double scale = (hi - lo) / 255.0;
  if (!(scale > 0.0) || !std::isfinite(scale))
    scale = 1.0;
  int64_t zp = std::clamp<int64_t>(std::llround(-lo / scale), 0, 255);
  return quant::UniformQuantizedType::get(
      /*flags=*/0, IntegerType::get(ctx, 8), Float32Type::get(ctx), scale, zp,
      0, 255);
}

/// The logarithm, reciprocal or reciprocal square root that `value` feeds
/// through shape-only ops, observers and additions of a constant (a log-mel
/// front end's log(x + eps)), if any. Near 0 these magnify an error far
/// beyond its size: a value that rounds to the zero point there becomes
/// log(eps), or -inf when the eps, folded into the bias, rounds away.
Operation *findSingularUser(Value value) {
  SmallVector<Value> work = {value};
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (Operation *user : v.getUsers()) {
      if (isa<tosa::LogOp, tosa::ReciprocalOp, tosa::RsqrtOp>(user))
        return user;
      bool passes = isa<tosa::ReshapeOp, tosa::TransposeOp, qnn::ObserveOp,
                        tensor::CollapseShapeOp, tensor::ExpandShapeOp>(user);
      if (auto add = dyn_cast<tosa::AddOp>(user))
        passes = matchPattern(add.getInput1(), m_Constant()) ||
                 matchPattern(add.getInput2(), m_Constant());
      if (passes && user->getNumResults() == 1)
        work.push_back(user->getResult(0));
    }
  }
  return nullptr;
}

/// Weights of one group in the qnn layout ([O, KH, KW, C/groups] for
/// convolutions, [K, N] for matmuls), with the output-channel axis.
struct FloatWeights {
  SmallVector<int64_t> shape;
  SmallVector<double> values;
  int64_t axis;
};

std::optional<SmallVector<double>> getFloats(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<double> values;
  for (APFloat v : attr.getValues<APFloat>())
    values.push_back(v.convertToDouble());
  return values;
}

class Quantizer {
public:
  /// Weights are symmetric in [-weightMax, weightMax] (127: 8 bits).
  Quantizer(func::FuncOp func, bool perChannel, qnn::RoundingMode rounding,
            int64_t weightMax, bool pairBounded)
      : func(func), perChannel(perChannel), rounding(rounding),
        weightMax(weightMax), pairBounded(pairBounded),
        builder(func.getContext()) {}

  LogicalResult run();
  /// Reshapes, transposes and tiles after a dequantize cast run on the
  /// stored integers, before it; a quantize cast back to the same type
  /// then cancels the dequantize.
  void moveDataInIntegers();

private:
  LogicalResult quantizeGroup(QuantizableGroup group);
  /// Finds the observer of `value`, looking through shape-only ops.
  qnn::ObserveOp findObserver(Value value);
  /// The observer that consumes the group's result, if any.
  qnn::ObserveOp findOutputObserver(Value end);
  /// A quantized value for float `value` whose range `observer` recorded.
  Value getQuantized(Value value, qnn::ObserveOp observer,
                     quant::UniformQuantizedType type);
  std::optional<FloatWeights> getWeights(QuantizableGroup group);

  func::FuncOp func;
  bool perChannel;
  qnn::RoundingMode rounding;
  int64_t weightMax;
  /// Scales that keep any two same-signed weights of a channel within 128.
  bool pairBounded;
  OpBuilder builder;
  /// Float value -> quantized value computing the same thing.
  DenseMap<Value, Value> quantized;
};

qnn::ObserveOp Quantizer::findObserver(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto observer = dyn_cast<qnn::ObserveOp>(def))
      return observer;
    if (!isa<tosa::ReshapeOp>(def))
      return {};
    value = def->getOperand(0);
  }
  return {};
}

qnn::ObserveOp Quantizer::findOutputObserver(Value end) {
  if (!end.hasOneUse())
    return {};
  return dyn_cast<qnn::ObserveOp>(*end.getUsers().begin());
}

Value Quantizer::getQuantized(Value value, qnn::ObserveOp observer,
                              quant::UniformQuantizedType type) {
  if (value == observer.getResult())
    if (Value q = quantized.lookup(value))
      if (cast<ShapedType>(q.getType()).getElementType() == type)
        return q;
  auto floatType = cast<RankedTensorType>(value.getType());
  builder.setInsertionPointAfterValue(value);
  Value q = quant::QuantizeCastOp::create(builder, value.getLoc(),
                                          floatType.clone(type), value);
  if (value == observer.getResult())
    quantized[value] = q;
  return q;
}

std::optional<FloatWeights>
Quantizer::getWeights(QuantizableGroup group) {
  Operation *anchor = group.anchor;
  Value weight = anchor->getOperand(1);
  auto values = getFloats(weight);
  if (!values)
    return std::nullopt;
  ArrayRef<int64_t> shape = cast<ShapedType>(weight.getType()).getShape();
  FloatWeights result;
  if (isa<tosa::Conv2DOp>(anchor)) {
    // OHWI is already the qnn layout.
    result.shape.assign(shape.begin(), shape.end());
    result.values = std::move(*values);
    result.axis = 0;
  } else if (isa<tosa::DepthwiseConv2DOp>(anchor)) {
    // [KH, KW, C, M] -> [C * M, KH, KW, 1].
    int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
    result.shape = {c * m, kh, kw, 1};
    result.values.resize(values->size());
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j)
        for (int64_t k = 0; k < c * m; ++k)
          result.values[(k * kh + i) * kw + j] =
              (*values)[(i * kw + j) * c * m + k];
    result.axis = 0;
  } else {
    // tosa.matmul rhs [1, K, N] -> [K, N].
    if (shape.size() != 3 || shape[0] != 1)
      return std::nullopt;
    result.shape = {shape[1], shape[2]};
    result.values = std::move(*values);
    result.axis = 1;
  }
  return result;
}

LogicalResult Quantizer::quantizeGroup(QuantizableGroup group) {
  Operation *anchor = group.anchor;
  MLIRContext *ctx = func.getContext();
  Location loc = anchor->getLoc();
  Value input = anchor->getOperand(0);

  qnn::ObserveOp inObserver = findObserver(input);
  qnn::ObserveOp outObserver = findOutputObserver(group.end);
  if (!inObserver || !outObserver) {
    anchor->emitRemark("left in float: its input and output are not both "
                       "observed (run qnn-insert-observers)");
    return success();
  }
  for (qnn::ObserveOp observer : {inObserver, outObserver})
    if (!observer.isCalibrated())
      return observer.emitError("observer has no calibration statistics; run "
                                "qnn-calibrate before qnn-quantize");
  auto inFloatType = cast<RankedTensorType>(input.getType());
  auto outFloatType = cast<RankedTensorType>(group.end.getType());
  if (!inFloatType.getElementType().isF32() || !inFloatType.hasStaticShape() ||
      !outFloatType.hasStaticShape()) {
    anchor->emitRemark("left in float: only static f32 tensors are quantized");
    return success();
  }

  std::optional<FloatWeights> weights = getWeights(group);
  if (!weights) {
    anchor->emitRemark("left in float: weights are not a constant tensor");
    return success();
  }
  if (Operation *singular = findSingularUser(group.end)) {
    anchor->emitRemark("left in float: its result feeds ")
        << singular->getName()
        << ", which magnifies errors near 0 far beyond an 8-bit step";
    return success();
  }
  // Bias: conv operand 2, or the constant added to the matmul.
  std::optional<SmallVector<double>> bias;
  int64_t channels = weights->shape[weights->axis];
  if (isa<tosa::MatMulOp>(anchor)) {
    if (group.biasAdd) {
      Value other = group.biasAdd.getInput1() == anchor->getResult(0)
                        ? group.biasAdd.getInput2()
                        : group.biasAdd.getInput1();
      // Only a bias along the output columns (all other dimensions 1).
      auto bt = cast<ShapedType>(other.getType());
      if (bt.getNumElements() == 1 ||
          llvm::all_of(bt.getShape().drop_back(),
                       [](int64_t d) { return d == 1; }))
        bias = getFloats(other);
    } else {
      bias = SmallVector<double>(channels, 0.0);
    }
  } else {
    bias = getFloats(anchor->getOperand(2));
  }
  if (!bias || (bias->size() != 1 && (int64_t)bias->size() != channels)) {
    anchor->emitRemark("left in float: bias is not a constant per channel");
    return success();
  }
  if (bias->size() == 1)
    bias = SmallVector<double>(channels, (*bias)[0]);
  auto isFinite = [](double v) { return std::isfinite(v); };
  if (!llvm::all_of(weights->values, isFinite))
    return anchor->emitError("weights contain NaN or infinity; the model "
                             "cannot be quantized (nor computed in float)");
  if (!llvm::all_of(*bias, isFinite))
    return anchor->emitError("bias contains NaN or infinity; the model "
                             "cannot be quantized (nor computed in float)");

  quant::UniformQuantizedType inType =
      getActivationType(ctx, inObserver.getMin()->convertToDouble(),
                        inObserver.getMax()->convertToDouble());
  quant::UniformQuantizedType outType =
      getActivationType(ctx, outObserver.getMin()->convertToDouble(),
                        outObserver.getMax()->convertToDouble());

  // Weight scales: per output channel (or one for the tensor).
  int64_t numW = weights->values.size();
  int64_t perChannelCount = numW / channels;
  auto channelOf = [&](int64_t i) {
    return weights->axis == 0 ? i / perChannelCount : i % channels;
  };
  wq::WeightScheme scheme{perChannel, weightMax, pairBounded};
  std::vector<double> absMax = wq::getScaleRanges(
      std::vector<double>(weights->values.begin(), weights->values.end()),
      channels, channelOf, scheme);
  // Scale floors that keep degenerate channels (all-zero or near-zero
  // weights, a bias far larger than what the weights can produce)
  // representable instead of failing: the bias must fit in i32 with room
  // for the accumulation, and the multiplier s_in * s_w / s_out must not
  // underflow the fixed-point range (shift <= 62). A raised floor only
  // coarsens the weights of that channel, whose contribution is then below
  // the bias's or the output's resolution anyway.
  double inScale = inType.getScale(), outScale = outType.getScale();
  double accRoom = 255.0 * weightMax * static_cast<double>(perChannelCount);
  double biasLimit = 2147483647.0 - accRoom;
  if (biasLimit < 65536.0) {
    anchor->emitRemark("left in float: a reduction of ")
        << perChannelCount << " products may overflow the i32 accumulator";
    return success();
  }
  SmallVector<double> floors(channels);
  for (int64_t c = 0; c < channels; ++c)
    floors[c] = std::max(std::abs((*bias)[c]) / (inScale * biasLimit),
                         std::ldexp(outScale, -31) / inScale);
  SmallVector<double> wScales(channels);
  double tensorMax = *std::max_element(absMax.begin(), absMax.end());
  double tensorFloor = *llvm::max_element(floors);
  for (int64_t c = 0; c < channels; ++c)
    wScales[c] =
        perChannel
            ? std::max(wq::getWeightScale(absMax[c], weightMax), floors[c])
            : std::max(wq::getWeightScale(tensorMax, weightMax), tensorFloor);
  SmallVector<int8_t> qWeights(numW);
  for (int64_t i = 0; i < numW; ++i)
    qWeights[i] = static_cast<int8_t>(wq::quantizeWeight(
        weights->values[i], wScales[channelOf(i)], weightMax));

  // Bias (scale s_in * s_w) and requantization multipliers.
  SmallVector<int32_t> bq(channels), multiplier(channels), shift(channels);
  for (int64_t c = 0; c < channels; ++c) {
    double biasScale = inScale * wScales[c];
    double b = std::nearbyint((*bias)[c] / biasScale);
    bq[c] = static_cast<int32_t>(std::clamp(b, -biasLimit, biasLimit));
    requant::FixedPointMultiplier fp;
    double m = biasScale / outScale;
    if (!requant::quantizeMultiplier(m, fp)) {
      // Only m >= 2^31 is left: one step of the accumulator is more than
      // 2^31 output steps (a calibrated output range far narrower than what
      // the weights produce). Integer code would saturate; keep it float.
      anchor->emitRemark("left in float: requantization multiplier ")
          << m << " of channel " << c
          << " is outside the fixed-point range (output range narrower "
             "than one accumulator step)";
      return success();
    }
    multiplier[c] = fp.multiplier;
    shift[c] = fp.shift;
  }
  if (!perChannel) {
    multiplier.resize(1);
    shift.resize(1);
  }

  // The fused activation becomes the output clamp.
  int64_t clampMin = 0, clampMax = 255;
  if (group.clamp) {
    auto lo = dyn_cast<FloatAttr>(group.clamp.getMinValAttr());
    auto hi = dyn_cast<FloatAttr>(group.clamp.getMaxValAttr());
    if (!lo || !hi)
      return group.clamp.emitError("expected float clamp bounds");
    auto toQ = [&](double v) {
      double q = std::nearbyint(v / outType.getScale()) + outType.getZeroPoint();
      return static_cast<int64_t>(std::clamp(q, 0.0, 255.0));
    };
    clampMin = std::max<int64_t>(clampMin, toQ(lo.getValueAsDouble()));
    clampMax = std::min<int64_t>(clampMax, toQ(hi.getValueAsDouble()));
  }

  // Build the quantized op after the group's last op, so that everything it
  // reads dominates it; the output observer follows and keeps the range.
  Operation *endOp = group.end.getDefiningOp();
  Value inQ;
  if (!isa<tosa::MatMulOp>(anchor))
    inQ = getQuantized(input, inObserver, inType);
  builder.setInsertionPointAfter(endOp);
  auto i8 = builder.getIntegerType(8);
  auto wStorageType = RankedTensorType::get(weights->shape, i8);
  Value wConst = arith::ConstantOp::create(
      builder, loc, wStorageType,
      DenseElementsAttr::get(wStorageType, ArrayRef<int8_t>(qWeights)));
  Type wElemType;
  if (perChannel)
    wElemType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i8, builder.getF32Type(), wScales,
        SmallVector<int64_t>(channels, 0), weights->axis, -weightMax,
        weightMax);
  else
    wElemType = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, i8, builder.getF32Type(), wScales[0],
        0, -weightMax, weightMax);
  Value wQuant = quant::StorageCastOp::create(
      builder, loc, wStorageType.clone(wElemType), wConst);
  auto biasType = RankedTensorType::get({channels}, builder.getI32Type());
  Value biasConst = arith::ConstantOp::create(
      builder, loc, biasType,
      DenseElementsAttr::get(biasType, ArrayRef<int32_t>(bq)));

  auto multiplierAttr = builder.getDenseI32ArrayAttr(multiplier);
  auto shiftAttr = builder.getDenseI32ArrayAttr(shift);
  auto clampMinAttr = builder.getI32IntegerAttr(clampMin);
  auto clampMaxAttr = builder.getI32IntegerAttr(clampMax);
  auto roundingAttr = qnn::RoundingModeAttr::get(ctx, rounding);

  Value result;
  if (isa<tosa::MatMulOp>(anchor)) {
    // tosa.matmul is batched [1, M, K] x [1, K, N]; qnn.matmul is 2-D.
    ArrayRef<int64_t> s = inFloatType.getShape();
    if (s.size() != 3 || s[0] != 1)
      return anchor->emitError("only unbatched (batch 1) tosa.matmul is "
                               "quantized");
    SmallVector<ReassociationIndices> reassoc = {{0, 1}, {2}};
    Value lhs2d = tensor::CollapseShapeOp::create(builder, loc, input, reassoc);
    Value lhsQ = getQuantized(lhs2d, inObserver, inType);
    builder.setInsertionPointAfter(lhsQ.getDefiningOp());
    auto outQType = RankedTensorType::get({s[1], weights->shape[1]}, outType);
    Value mm = qnn::MatmulOp::create(builder, loc, outQType, lhsQ, wQuant,
                                     biasConst, multiplierAttr, shiftAttr,
                                     clampMinAttr, clampMaxAttr, roundingAttr);
    Value deq = quant::DequantizeCastOp::create(
        builder, loc, outQType.clone(builder.getF32Type()), mm);
    result = tensor::ExpandShapeOp::create(builder, loc, outFloatType, deq,
                                           reassoc);
  } else {
    auto getI64Array = [&](StringRef name) {
      return cast<DenseI64ArrayAttr>(anchor->getAttr(name));
    };
    int64_t groups =
        isa<tosa::DepthwiseConv2DOp>(anchor) ? inFloatType.getDimSize(3) : 1;
    auto outQType = outFloatType.clone(outType);
    Value conv = qnn::Conv2DOp::create(
        builder, loc, outQType, inQ, wQuant, biasConst,
        getI64Array("stride"), getI64Array("pad"), getI64Array("dilation"),
        builder.getI64IntegerAttr(groups), multiplierAttr, shiftAttr,
        clampMinAttr, clampMaxAttr, roundingAttr);
    result = quant::DequantizeCastOp::create(builder, loc, outFloatType, conv);
    quantized[outObserver.getResult()] = conv;
  }

  // Float users see the dequantized value through the observer; quantized
  // consumers take the quantized value from `quantized`.
  outObserver.getInputMutable().assign(result);
  for (Operation *op : {group.clamp.getOperation(),
                        group.biasAdd.getOperation(), anchor})
    if (op && op->use_empty())
      op->erase();
  return success();
}

LogicalResult Quantizer::run() {
  SmallVector<QuantizableGroup> groups;
  func.walk([&](Operation *op) {
    if (auto group = matchQuantizableGroup(op))
      groups.push_back(*group);
  });
  for (QuantizableGroup group : groups)
    if (failed(quantizeGroup(group)))
      return failure();
  // The observers have served; they are identities.
  func.walk([](qnn::ObserveOp observer) {
    observer.replaceAllUsesWith(observer.getInput());
    observer->erase();
  });
  // Casts and reshapes whose float value nobody reads anymore.
  SmallVector<Operation *> deadCasts;
  func.walk([&](Operation *op) {
    if (isa<quant::DequantizeCastOp, tensor::ExpandShapeOp>(op))
      deadCasts.push_back(op);
  });
  for (Operation *op : llvm::reverse(deadCasts))
    if (op->use_empty())
      op->erase();
  moveDataInIntegers();
  return success();
}

void Quantizer::moveDataInIntegers() {
  // dcast(x) -> reshape/transpose/tile chain => the chain on the stored
  // integers, then the dcast (a dcast is elementwise: they commute; per-axis
  // types, whose axis would move, stay).
  SmallVector<quant::DequantizeCastOp> dcasts;
  func.walk([&](quant::DequantizeCastOp d) { dcasts.push_back(d); });
  auto isMovement = [](Operation *op) {
    return isa<tosa::ReshapeOp, tosa::TransposeOp, tosa::TileOp>(op);
  };
  for (quant::DequantizeCastOp d : dcasts) {
    auto srcType = dyn_cast<RankedTensorType>(d.getInput().getType());
    auto elem =
        srcType
            ? dyn_cast<quant::UniformQuantizedType>(srcType.getElementType())
            : quant::UniformQuantizedType();
    if (!elem)
      continue;
    SmallVector<Operation *> chain;
    Value v = d.getResult();
    while (v.hasOneUse()) {
      OpOperand &use = *v.getUses().begin();
      Operation *user = use.getOwner();
      if (!isMovement(user) || use.getOperandNumber() != 0)
        break;
      chain.push_back(user);
      v = user->getResult(0);
    }
    if (chain.empty())
      continue;
    Type storage = elem.getStorageType();
    OpBuilder builder(chain.back());
    Location loc = d.getLoc();
    Value x = quant::StorageCastOp::create(builder, loc, srcType.clone(storage),
                                           d.getInput());
    for (Operation *op : chain) {
      Operation *moved = builder.clone(*op);
      moved->setOperand(0, x);
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      moved->getResult(0).setType(type.clone(storage));
      x = moved->getResult(0);
    }
    auto outType = cast<RankedTensorType>(v.getType());
    x = quant::StorageCastOp::create(builder, loc, outType.clone(elem), x);
    Value f = quant::DequantizeCastOp::create(builder, loc, outType, x);
    v.replaceAllUsesWith(f);
    for (Operation *op : llvm::reverse(chain))
      op->erase();
    d->erase();
  }
  // qcast(dcast(x)) to x's own type is x: the round trip (q - zp) * s / s
  // rounds back to q.
  SmallVector<quant::QuantizeCastOp> qcasts;
  func.walk([&](quant::QuantizeCastOp q) { qcasts.push_back(q); });
  for (quant::QuantizeCastOp q : qcasts) {
    auto d = q.getInput().getDefiningOp<quant::DequantizeCastOp>();
    if (!d || d.getInput().getType() != q.getType())
      continue;
    q.replaceAllUsesWith(d.getInput());
    q->erase();
    if (d->use_empty())
      d->erase();
  }
}

struct QNNQuantizePass : qmlir::impl::QNNQuantizeBase<QNNQuantizePass> {
  using Base::Base;
  void runOnOperation() override {
    std::optional<qnn::RoundingMode> mode = qnn::symbolizeRoundingMode(rounding);
    if (!mode) {
      getOperation().emitError("unknown rounding mode '")
          << rounding << "' (expected double_round, single_round or half_even)";
      return signalPassFailure();
    }
    std::optional<int64_t> weightMax = wq::getWeightMax(weightBits);
    if (!weightMax) {
      getOperation().emitError("weight-bits must be between 2 and 8, got ")
          << static_cast<unsigned>(weightBits);
      return signalPassFailure();
    }
    if (failed(Quantizer(getOperation(), perChannel, *mode, *weightMax,
                         pairBounded)
                   .run()))
      signalPassFailure();
  }
};

} // namespace
