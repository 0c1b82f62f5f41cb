//===- QNNToLinalg.cpp - qnn to linalg + arith patterns -------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::qmlir;

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) -> Type {
    if (auto q = dyn_cast<quant::QuantizedType>(type.getElementType()))
      return type.clone(q.getStorageType());
    return type;
  });
}

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> parallelIterators(int64_t rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

Value i32Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 32);
}

/// A constant 1-D i32 tensor.
Value i32TensorConst(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({(int64_t)values.size()}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, values));
}

/// Widens integer tensor `value` (storage of quantized type `q`) to i32 and
/// subtracts `zeroPoints` (one, or one per element of dimension `axis`).
Value widen(OpBuilder &b, Location loc, Value value, quant::QuantizedType q,
            ArrayRef<int64_t> zeroPoints = {}, int64_t axis = -1) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  auto outType = type.clone(b.getI32Type());
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       b.getI32Type());
  bool perAxis = zeroPoints.size() > 1;
  SmallVector<Value> inputs = {value};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (perAxis) {
    SmallVector<int32_t> zps(zeroPoints.begin(), zeroPoints.end());
    inputs.push_back(i32TensorConst(b, loc, zps));
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(axis)));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  bool isSigned = q.isSigned();
  int64_t zp = zeroPoints.size() == 1 ? zeroPoints[0] : 0;
  auto generic = linalg::GenericOp::create(
      b, loc, outType, inputs, init, maps, parallelIterators(rank),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = isSigned ? arith::ExtSIOp::create(nb, nl, nb.getI32Type(),
                                                    args[0])
                                 .getResult()
                           : arith::ExtUIOp::create(nb, nl, nb.getI32Type(),
                                                    args[0])
                                 .getResult();
        if (perAxis)
          v = arith::SubIOp::create(nb, nl, v, args[1]);
        else if (zp != 0)
          v = arith::SubIOp::create(nb, nl, v, i32Const(nb, nl, zp));
        linalg::YieldOp::create(nb, nl, v);
      });
  return generic.getResult(0);
}

/// Requantizes the i32 tensor `acc` (channels on the last dimension) into
/// the storage type of `outType`.
template <typename OpTy>
Value requantizeTensor(OpBuilder &b, Location loc, OpTy op, Value acc) {
  auto accType = cast<RankedTensorType>(acc.getType());
  auto outQ = cast<quant::UniformQuantizedType>(
      cast<ShapedType>(op.getOutput().getType()).getElementType());
  int64_t rank = accType.getRank();

  Type storage = outQ.getStorageType();
  Value init = tensor::EmptyOp::create(b, loc, accType.getShape(), storage);
  ArrayRef<int32_t> multiplier = op.getMultiplierAttr().asArrayRef();
  ArrayRef<int32_t> shiftValues = op.getShiftAttr().asArrayRef();
  bool perChannel = multiplier.size() > 1;
  SmallVector<Value> inputs = {acc};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (perChannel) {
    inputs.push_back(i32TensorConst(b, loc, multiplier));
    inputs.push_back(i32TensorConst(b, loc, shiftValues));
    AffineMap channelMap =
        AffineMap::get(rank, 0, b.getAffineDimExpr(rank - 1));
    maps.append({channelMap, channelMap});
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  int64_t m0 = multiplier[0], t0 = shiftValues[0];
  qnn::RoundingMode mode = op.getRoundingAttr().getValue();
  int64_t zp = outQ.getZeroPoint();
  int64_t lo = op.getClampMinAttr().getInt(), hi = op.getClampMaxAttr().getInt();
  auto generic = linalg::GenericOp::create(
      b, loc, accType.clone(storage), inputs, init, maps,
      parallelIterators(rank), [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value m = perChannel ? args[1] : i32Const(nb, nl, m0);
        Value t = perChannel ? args[2] : i32Const(nb, nl, t0);
        Value r = createFixedPointRequantize(nb, nl, args[0], m, t, mode, zp, lo, hi);
        linalg::YieldOp::create(
            nb, nl, arith::TruncIOp::create(nb, nl, storage, r).getResult());
      });
  return generic.getResult(0);
}

/// Broadcasts `bias[c] - correction[c]` over an i32 tensor of `shape`
/// (channels last); `correction` may be empty.
Value broadcastBias(OpBuilder &b, Location loc, Value bias,
                    ArrayRef<int32_t> correction, ArrayRef<int64_t> shape) {
  int64_t rank = shape.size();
  Value init = tensor::EmptyOp::create(b, loc, shape, b.getI32Type());
  AffineMap channelMap = AffineMap::get(rank, 0, b.getAffineDimExpr(rank - 1));
  SmallVector<Value> inputs = {bias};
  SmallVector<AffineMap> maps = {channelMap};
  if (!correction.empty()) {
    inputs.push_back(i32TensorConst(b, loc, correction));
    maps.push_back(channelMap);
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  bool correct = !correction.empty();
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, init, maps,
             parallelIterators(rank),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value v = args[0];
               if (correct)
                 v = arith::SubIOp::create(nb, nl, v, args[1]);
               linalg::YieldOp::create(nb, nl, v);
             })
      .getResult(0);
}

/// Constant weights of a quantized op as int64 values (with the weight zero
/// point subtracted), or std::nullopt if the weights are not constant.
std::optional<SmallVector<int64_t>>
getConstantWeights(Value weight, quant::QuantizedType q, int64_t axis) {
  DenseElementsAttr attr;
  if (!matchPattern(weight, m_Constant(&attr)))
    return std::nullopt;
  auto type = cast<ShapedType>(weight.getType());
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  int64_t channels = type.getDimSize(axis);
  SmallVector<int64_t> values;
  int64_t i = 0;
  for (APInt v : attr.getValues<APInt>()) {
    int64_t c = (i++ / inner) % channels;
    int64_t raw = q.isSigned() ? v.getSExtValue() : v.getZExtValue();
    values.push_back(raw - qnn::getChannelZeroPoint(q, c));
  }
  return values;
}

bool hasZeroPoint(quant::QuantizedType q) {
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q))
    return u.getZeroPoint() != 0;
  return llvm::any_of(cast<quant::UniformQuantizedPerAxisType>(q).getZeroPoints(),
                      [](int64_t zp) { return zp != 0; });
}

SmallVector<int64_t> zeroPointsOf(quant::QuantizedType q) {
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q))
    return {u.getZeroPoint()};
  auto p = cast<quant::UniformQuantizedPerAxisType>(q);
  return SmallVector<int64_t>(p.getZeroPoints());
}

/// Prepared operands of an integer contraction: the weight to feed the
/// linalg op (raw i8 when it is signed without zero point, else widened to
/// i32 with the zero point subtracted) and the input zero-point correction
/// `zp_in * sum_k W'[k, c]` per output channel (empty if none).
struct PreparedWeights {
  Value weight;
  SmallVector<int32_t> correction;
  bool subtractInputZeroPoint = false;
};

/// `reduceAxes`: weight dimensions summed for the correction; `axis`: the
/// output-channel dimension of the weight.
FailureOr<PreparedWeights> prepareWeights(OpBuilder &b, Location loc,
                                          Operation *op, Value weight,
                                          quant::QuantizedType wQ,
                                          int64_t axis, int64_t inputZp) {
  PreparedWeights result;
  result.weight = weight;
  if (!wQ.isSigned() || hasZeroPoint(wQ))
    result.weight = widen(b, loc, weight, wQ, zeroPointsOf(wQ),
                          isa<quant::UniformQuantizedPerAxisType>(wQ) ? axis
                                                                      : -1);
  if (inputZp == 0)
    return result;
  auto values = getConstantWeights(weight, wQ, axis);
  if (!values) {
    // Non-constant weights: subtract the zero point from the input instead.
    result.subtractInputZeroPoint = true;
    return result;
  }
  auto type = cast<ShapedType>(weight.getType());
  int64_t channels = type.getDimSize(axis), inner = 1;
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  SmallVector<int64_t> sums(channels, 0);
  for (int64_t i = 0, e = values->size(); i < e; ++i)
    sums[(i / inner) % channels] += (*values)[i];
  for (int64_t s : sums) {
    int64_t corr = s * inputZp;
    if (corr < INT32_MIN || corr > INT32_MAX)
      return op->emitOpError("input zero-point correction overflows i32");
    result.correction.push_back(static_cast<int32_t>(corr));
  }
  return result;
}

/// Transposes a 4-D tensor with `perm`: folded for constants (weights are),
/// a linalg.transpose otherwise.
Value transpose(OpBuilder &b, Location loc, Value value,
                ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  auto outType = type.clone(shape);
  DenseElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr))) {
    if (attr.isSplat())
      return arith::ConstantOp::create(b, loc, attr.reshape(outType));
    SmallVector<APInt> in(attr.getValues<APInt>()), out(in.size());
    SmallVector<int64_t> inStrides(4, 1), index(4);
    for (int d = 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * type.getDimSize(d + 1);
    for (int64_t i = 0, e = out.size(); i < e; ++i) {
      int64_t rem = i, src = 0;
      for (int d = 3; d >= 0; --d) {
        index[d] = rem % shape[d];
        rem /= shape[d];
      }
      for (int d = 0; d < 4; ++d)
        src += index[d] * inStrides[perm[d]];
      out[i] = in[src];
    }
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(outType, out));
  }
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, perm).getResult()[0];
}

//===----------------------------------------------------------------------===//
// qnn.conv2d
//===----------------------------------------------------------------------===//

struct Conv2DLowering : OpConversionPattern<qnn::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto outType = cast<RankedTensorType>(op.getOutput().getType());
    if (!inType.hasStaticShape() || !wType.hasStaticShape() ||
        !outType.hasStaticShape())
      return op.emitOpError("convert-qnn-to-linalg supports static shapes "
                            "only");
    auto inQ = cast<quant::UniformQuantizedType>(inType.getElementType());
    auto wQ = cast<quant::QuantizedType>(wType.getElementType());
    int64_t inZp = inQ.getZeroPoint();

    FailureOr<PreparedWeights> prepared =
        prepareWeights(rewriter, loc, op, adaptor.getWeight(), wQ, 0, inZp);
    if (failed(prepared))
      return failure();

    // Input: widened to i32, padded with the real value 0.0, which is the
    // zero point, or 0 once the zero point has been subtracted.
    Value input = widen(rewriter, loc, adaptor.getInput(), inQ,
                        {prepared->subtractInputZeroPoint ? inZp : 0});
    int64_t padValue = prepared->subtractInputZeroPoint ? 0 : inZp;
    ArrayRef<int64_t> pad = op.getPadding();
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
      SmallVector<OpFoldResult> low = {rewriter.getIndexAttr(0),
                                       rewriter.getIndexAttr(pad[0]),
                                       rewriter.getIndexAttr(pad[2]),
                                       rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> high = {rewriter.getIndexAttr(0),
                                        rewriter.getIndexAttr(pad[1]),
                                        rewriter.getIndexAttr(pad[3]),
                                        rewriter.getIndexAttr(0)};
      auto padded = RankedTensorType::get(
          {inType.getDimSize(0), inType.getDimSize(1) + pad[0] + pad[1],
           inType.getDimSize(2) + pad[2] + pad[3], inType.getDimSize(3)},
          rewriter.getI32Type());
      input = tensor::PadOp::create(rewriter, loc, padded, input, low, high,
                                    i32Const(rewriter, loc, padValue));
    }

    SmallVector<int64_t> accShape(outType.getShape());
    Value acc = broadcastBias(rewriter, loc, adaptor.getBias(),
                              prepared->correction, accShape);
    auto strides = rewriter.getI64TensorAttr(op.getStrides());
    auto dilations = rewriter.getI64TensorAttr(op.getDilations());
    auto accType = RankedTensorType::get(accShape, rewriter.getI32Type());

    int64_t groups = op.getGroups();
    int64_t channels = inType.getDimSize(3);
    int64_t outChannels = wType.getDimSize(0);
    Value weight = prepared->weight;
    if (groups == channels && outChannels == channels) {
      // Depthwise: [C, KH, KW, 1] -> [KH, KW, C, 1] -> [KH, KW, C].
      Value khwc1 = transpose(rewriter, loc, weight, {1, 2, 0, 3});
      Value hwc = tensor::CollapseShapeOp::create(
          rewriter, loc, khwc1,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      acc = linalg::DepthwiseConv2DNhwcHwcOp::create(
                rewriter, loc, TypeRange{accType}, ValueRange{input, hwc},
                ValueRange{acc}, strides, dilations)
                .getResult(0);
    } else {
      // Dense or grouped: FHWC -> HWCF, one convolution per group.
      Value hwcf = transpose(rewriter, loc, weight, {1, 2, 3, 0});
      auto hwcfType = cast<RankedTensorType>(hwcf.getType());
      int64_t cg = channels / groups, og = outChannels / groups;
      auto paddedType = cast<RankedTensorType>(input.getType());
      for (int64_t g = 0; g < groups; ++g) {
        Value in = input, w = hwcf, out = acc;
        if (groups > 1) {
          auto slice = [&](Value v, ArrayRef<int64_t> shape, int64_t dim,
                           int64_t offset, int64_t size) {
            auto vt = cast<RankedTensorType>(v.getType());
            SmallVector<OpFoldResult> offs(vt.getRank(),
                                           rewriter.getIndexAttr(0));
            SmallVector<OpFoldResult> sizes, ones(vt.getRank(),
                                                  rewriter.getIndexAttr(1));
            for (int64_t s : shape)
              sizes.push_back(rewriter.getIndexAttr(s));
            offs[dim] = rewriter.getIndexAttr(offset);
            sizes[dim] = rewriter.getIndexAttr(size);
            return tensor::ExtractSliceOp::create(rewriter, loc, v, offs,
                                                  sizes, ones)
                .getResult();
          };
          in = slice(input, paddedType.getShape(), 3, g * cg, cg);
          w = slice(hwcf, hwcfType.getShape(), 3, g * og, og);
          out = slice(acc, accShape, 3, g * og, og);
        }
        Value conv =
            linalg::Conv2DNhwcHwcfOp::create(
                rewriter, loc, TypeRange{out.getType()}, ValueRange{in, w},
                ValueRange{out}, strides, dilations)
                .getResult(0);
        if (groups == 1) {
          acc = conv;
          break;
        }
        SmallVector<OpFoldResult> offs(4, rewriter.getIndexAttr(0)),
            ones(4, rewriter.getIndexAttr(1)), sizes;
        for (int64_t s : cast<RankedTensorType>(out.getType()).getShape())
          sizes.push_back(rewriter.getIndexAttr(s));
        offs[3] = rewriter.getIndexAttr(g * og);
        acc = tensor::InsertSliceOp::create(rewriter, loc, conv, acc, offs,
                                            sizes, ones);
      }
    }
    if (outType.getElementType().isInteger(32))
      rewriter.replaceOp(op, acc);
    else
      rewriter.replaceOp(op, requantizeTensor(rewriter, loc, op, acc));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// qnn.matmul
//===----------------------------------------------------------------------===//

struct MatmulLowering : OpConversionPattern<qnn::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
    auto outType = cast<RankedTensorType>(op.getOutput().getType());
    if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape())
      return op.emitOpError("convert-qnn-to-linalg supports static shapes "
                            "only");
    auto lhsQ = cast<quant::UniformQuantizedType>(lhsType.getElementType());
    auto rhsQ = cast<quant::QuantizedType>(rhsType.getElementType());
    int64_t lhsZp = lhsQ.getZeroPoint();
    FailureOr<PreparedWeights> prepared =
        prepareWeights(rewriter, loc, op, adaptor.getRhs(), rhsQ, 1, lhsZp);
    if (failed(prepared))
      return failure();
    Value lhs = widen(rewriter, loc, adaptor.getLhs(), lhsQ,
                      {prepared->subtractInputZeroPoint ? lhsZp : 0});
    SmallVector<int64_t> accShape(outType.getShape());
    Value acc = broadcastBias(rewriter, loc, adaptor.getBias(),
                              prepared->correction, accShape);
    acc = linalg::MatmulOp::create(
              rewriter, loc, TypeRange{acc.getType()},
              ValueRange{lhs, prepared->weight}, ValueRange{acc})
              .getResult(0);
    if (outType.getElementType().isInteger(32))
      rewriter.replaceOp(op, acc);
    else
      rewriter.replaceOp(op, requantizeTensor(rewriter, loc, op, acc));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// qnn.requantize
//===----------------------------------------------------------------------===//

struct RequantizeLowering : OpConversionPattern<qnn::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, requantizeTensor(rewriter, op.getLoc(), op, adaptor.getInput()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// quant casts
//===----------------------------------------------------------------------===//

/// Per-element scale/zero-point access for a per-tensor or per-axis type.
struct QuantParams {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1;

  explicit QuantParams(quant::QuantizedType q) {
    if (auto u = dyn_cast<quant::UniformQuantizedType>(q)) {
      scales = {u.getScale()};
      zeroPoints = {u.getZeroPoint()};
    } else {
      auto p = cast<quant::UniformQuantizedPerAxisType>(q);
      scales.assign(p.getScales().begin(), p.getScales().end());
      zeroPoints.assign(p.getZeroPoints().begin(), p.getZeroPoints().end());
      axis = p.getQuantizedDimension();
    }
  }

  /// Adds the scale and zero-point inputs (f32 tensors) of a per-axis cast.
  void addInputs(OpBuilder &b, Location loc, int64_t rank, Type floatType,
                 SmallVector<Value> &inputs, SmallVector<AffineMap> &maps) {
    if (axis < 0)
      return;
    auto type = RankedTensorType::get({(int64_t)scales.size()}, floatType);
    SmallVector<float> s(scales.begin(), scales.end());
    SmallVector<float> z(zeroPoints.begin(), zeroPoints.end());
    inputs.push_back(arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(s))));
    inputs.push_back(arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(z))));
    AffineMap map = AffineMap::get(rank, 0, b.getAffineDimExpr(axis));
    maps.append({map, map});
  }

  std::pair<Value, Value> get(OpBuilder &b, Location loc, Type floatType,
                              ValueRange args) {
    if (axis >= 0)
      return {args[1], args[2]};
    return {arith::ConstantOp::create(b, loc, floatType,
                                      b.getFloatAttr(floatType, scales[0])),
            arith::ConstantOp::create(
                b, loc, floatType, b.getFloatAttr(floatType, zeroPoints[0]))};
  }
};

struct QuantizeCastLowering : OpConversionPattern<quant::QuantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::QuantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getResult().getType());
    if (!inType || !outType)
      return op.emitOpError("only ranked tensors are lowered");
    auto q = dyn_cast<quant::QuantizedType>(outType.getElementType());
    if (!q || !isa<quant::UniformQuantizedType,
                   quant::UniformQuantizedPerAxisType>(q))
      return op.emitOpError("only !quant.uniform casts are lowered");
    Type floatType = inType.getElementType();
    Type storage = q.getStorageType();
    int64_t rank = inType.getRank();
    QuantParams params(q);
    SmallVector<Value> inputs = {adaptor.getInput()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    params.addInputs(rewriter, loc, rank, floatType, inputs, maps);
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Value init =
        tensor::EmptyOp::create(rewriter, loc, inType.getShape(), storage);
    double lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, inType.clone(storage), inputs, init, maps,
        parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto [scale, zp] = params.get(b, l, floatType, args);
          // ONNX QuantizeLinear: saturate(round_half_even(x / s) + zp).
          // A NaN has no defined result (the conversion below makes it
          // poison), so the saturation need not propagate it: `nnan` lets
          // it be one min/max instruction each.
          Value v = arith::DivFOp::create(b, l, args[0], scale);
          v = math::RoundEvenOp::create(b, l, v);
          v = arith::AddFOp::create(b, l, v, zp);
          v = arith::MaximumFOp::create(
              b, l, v,
              arith::ConstantOp::create(b, l, floatType,
                                        b.getFloatAttr(floatType, lo)),
              arith::FastMathFlags::nnan);
          v = arith::MinimumFOp::create(
              b, l, v,
              arith::ConstantOp::create(b, l, floatType,
                                        b.getFloatAttr(floatType, hi)),
              arith::FastMathFlags::nnan);
          v = arith::FPToSIOp::create(b, l, b.getI32Type(), v);
          linalg::YieldOp::create(
              b, l, arith::TruncIOp::create(b, l, storage, v).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct DequantizeCastLowering : OpConversionPattern<quant::DequantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::DequantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto outType = dyn_cast<RankedTensorType>(op.getResult().getType());
    if (!inType || !outType)
      return op.emitOpError("only ranked tensors are lowered");
    auto q = dyn_cast<quant::QuantizedType>(inType.getElementType());
    if (!q || !isa<quant::UniformQuantizedType,
                   quant::UniformQuantizedPerAxisType>(q))
      return op.emitOpError("only !quant.uniform casts are lowered");
    Type floatType = outType.getElementType();
    int64_t rank = inType.getRank();
    QuantParams params(q);
    SmallVector<Value> inputs = {adaptor.getInput()};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    params.addInputs(rewriter, loc, rank, floatType, inputs, maps);
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Value init =
        tensor::EmptyOp::create(rewriter, loc, outType.getShape(), floatType);
    bool isSigned = q.isSigned();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, outType, inputs, init, maps, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto [scale, zp] = params.get(b, l, floatType, args);
          // (q - zp) * s, with q - zp exact in the float type.
          Value v = isSigned
                        ? arith::SIToFPOp::create(b, l, floatType, args[0])
                              .getResult()
                        : arith::UIToFPOp::create(b, l, floatType, args[0])
                              .getResult();
          v = arith::SubFOp::create(b, l, v, zp);
          v = arith::MulFOp::create(b, l, v, scale);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// qnn.dynamic_quantize
//===----------------------------------------------------------------------===//

/// saturate(round_half_even(x / scale) + zp) to [lo, hi] as i8, elementwise
/// over the static f32 tensor `x`; `scale` and `zp` are f32 scalars.
Value quantizeTensor(OpBuilder &b, Location loc, Value x, Value scale,
                     Value zp, float lo, float hi) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  Type f32 = b.getF32Type();
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), b.getI8Type());
  return linalg::GenericOp::create(
             b, loc, type.clone(b.getI8Type()), ValueRange{x}, init,
             SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(rank)),
             parallelIterators(rank),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               auto cf = [&](float v) {
                 return arith::ConstantOp::create(nb, nl, f32,
                                                  nb.getF32FloatAttr(v))
                     .getResult();
               };
               Value v = arith::DivFOp::create(nb, nl, args[0], scale);
               v = math::RoundEvenOp::create(nb, nl, v);
               v = arith::AddFOp::create(nb, nl, v, zp);
               // As in QuantizeCastLowering: NaN has no defined result.
               v = arith::MaximumFOp::create(nb, nl, v, cf(lo),
                                             arith::FastMathFlags::nnan);
               v = arith::MinimumFOp::create(nb, nl, v, cf(hi),
                                             arith::FastMathFlags::nnan);
               v = arith::FPToSIOp::create(nb, nl, nb.getI32Type(), v);
               linalg::YieldOp::create(
                   nb, nl,
                   arith::TruncIOp::create(nb, nl, nb.getI8Type(), v)
                       .getResult());
             })
      .getResult(0);
}

struct DynamicQuantizeLowering : OpConversionPattern<qnn::DynamicQuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::DynamicQuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    if (!type.hasStaticShape())
      return op.emitOpError("convert-qnn-to-linalg supports static shapes "
                            "only");
    OpBuilder &b = rewriter;
    Type f32 = b.getF32Type();
    auto cf = [&](float v) {
      return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(v))
          .getResult();
    };
    Value x = adaptor.getInput();
    Value lo = arith::MinimumFOp::create(
        b, loc, createFullReduction(b, loc, x, /*isMax=*/false), cf(0.0f));
    Value hi = arith::MaximumFOp::create(
        b, loc, createFullReduction(b, loc, x, /*isMax=*/true), cf(0.0f));
    Value scale = arith::DivFOp::create(
        b, loc, arith::SubFOp::create(b, loc, hi, lo), cf(255.0f));
    // An all-zero input has scale 0: divide by 1 instead (y = 0, zp = 0).
    Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                         scale, cf(0.0f));
    Value divisor = arith::SelectOp::create(b, loc, isZero, cf(1.0f), scale);
    // zero point = round(saturate(0 - lo / scale)).
    Value zpf = arith::SubFOp::create(
        b, loc, cf(0.0f), arith::DivFOp::create(b, loc, lo, divisor));
    zpf = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, zpf, cf(0.0f)), cf(255.0f));
    zpf = math::RoundEvenOp::create(b, loc, zpf);
    Value y = quantizeTensor(b, loc, x, divisor, zpf, 0.0f, 255.0f);
    Value zp8 = arith::TruncIOp::create(
        b, loc, b.getI8Type(),
        arith::FPToSIOp::create(b, loc, b.getI32Type(), zpf));
    Value scaleTensor = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({}, f32), ValueRange{scale});
    Value zpTensor = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({}, b.getI8Type()), ValueRange{zp8});
    rewriter.replaceOp(op, {y, scaleTensor, zpTensor});
    return success();
  }
};

struct QuantizeLinearLowering : OpConversionPattern<qnn::QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    if (!type.hasStaticShape())
      return op.emitOpError("convert-qnn-to-linalg supports static shapes "
                            "only");
    OpBuilder &b = rewriter;
    Type f32 = b.getF32Type();
    auto scalar = [&](Value t) {
      auto tt = cast<RankedTensorType>(t.getType());
      SmallVector<Value> zeros(tt.getRank(),
                               arith::ConstantIndexOp::create(b, loc, 0));
      return tensor::ExtractOp::create(b, loc, t, zeros).getResult();
    };
    bool isUnsigned = op.getIsUnsigned();
    Value scale = scalar(adaptor.getScale());
    Value zp8 = scalar(adaptor.getZeroPoint());
    Value zp = isUnsigned ? arith::UIToFPOp::create(b, loc, f32, zp8).getResult()
                          : arith::SIToFPOp::create(b, loc, f32, zp8).getResult();
    float lo = isUnsigned ? 0.0f : -128.0f, hi = isUnsigned ? 255.0f : 127.0f;
    rewriter.replaceOp(op, quantizeTensor(b, loc, adaptor.getInput(), scale,
                                          zp, lo, hi));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Float qnn ops
//===----------------------------------------------------------------------===//

struct BatchNormLowering : OpConversionPattern<qnn::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    Type elem = type.getElementType();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel =
        AffineMap::get(rank, 0, rewriter.getAffineDimExpr(rank - 1));
    SmallVector<Value> dims;
    for (int64_t d = 0; d < rank; ++d)
      if (type.isDynamicDim(d))
        dims.push_back(tensor::DimOp::create(rewriter, loc, adaptor.getInput(),
                                             d));
    Value init = tensor::EmptyOp::create(rewriter, loc, type, dims);
    Value eps = arith::ConstantOp::create(
        rewriter, loc, elem,
        rewriter.getFloatAttr(elem, op.getEpsilon().convertToDouble()));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type,
        ValueRange{adaptor.getInput(), adaptor.getMean(),
                   adaptor.getVariance(), adaptor.getGamma(),
                   adaptor.getBeta()},
        init, SmallVector<AffineMap>{id, channel, channel, channel, channel, id},
        parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value centered = arith::SubFOp::create(b, l, args[0], args[1]);
          Value inv = math::RsqrtOp::create(
              b, l, arith::AddFOp::create(b, l, args[2], eps));
          Value v = arith::MulFOp::create(
              b, l, centered, arith::MulFOp::create(b, l, inv, args[3]));
          linalg::YieldOp::create(
              b, l, arith::AddFOp::create(b, l, v, args[4]).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct ObserveLowering : OpConversionPattern<qnn::ObserveOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnn::ObserveOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

Value qmlir::createFullReduction(OpBuilder &b, Location loc, Value value,
                                 bool isMax) {
  auto type = cast<RankedTensorType>(value.getType());
  Type f32 = b.getF32Type();
  Value flat = value;
  if (type.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    flat = type.getRank() == 0
               ? tensor::ExpandShapeOp::create(
                     b, loc, RankedTensorType::get({1}, f32), value,
                     SmallVector<ReassociationIndices>{})
                     .getResult()
               : tensor::CollapseShapeOp::create(
                     b, loc, value, SmallVector<ReassociationIndices>{all})
                     .getResult();
  }
  float init = isMax ? -std::numeric_limits<float>::infinity()
                     : std::numeric_limits<float>::infinity();
  Value cst = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(init));
  Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, f32);
  Value acc = linalg::FillOp::create(b, loc, cst, empty).getResult(0);
  auto reduce = linalg::ReduceOp::create(
      b, loc, ValueRange{flat}, ValueRange{acc}, ArrayRef<int64_t>{0},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r = isMax ? arith::MaximumFOp::create(nb, nl, args[0], args[1])
                              .getResult()
                        : arith::MinimumFOp::create(nb, nl, args[0], args[1])
                              .getResult();
        linalg::YieldOp::create(nb, nl, r);
      });
  return tensor::ExtractOp::create(b, loc, reduce.getResult(0), ValueRange{});
}

// Emits the fixed-point requantization of `acc` (i32 scalar or vector) with
// multiplier `m` and total right shift `t` in `mode`, adds the output zero
// point and clamps. Returns i32 values. Bit-exact with requant::requantize in
// lib/Support/Requantize.cpp. Only the products (and, for single_round and
// half_even, the shift of the 64-bit product) use i64 lanes; double_round
// does the rest in i32, which halves the vector work of the epilogue.
/// (x * m + 2^30) >> 31 for i32 `x` and `m` (scalars or vectors of the same
/// type), the result known to fit i32. A 1-D vector of an even number of
/// lanes is multiplied as 64-bit lane pairs: the even i32 halves, and the
/// odd ones moved down by a dword shuffle, each sign-extended in place, give
/// two 32x32->64 products (x86 `vpmuldq`, no widening of the whole vector);
/// bits 31..62 of each are the high dword of the doubled sum, picked back
/// into place by one more shuffle. Other shapes widen to i64.
static Value createRoundingHighMul(OpBuilder &b, Location loc, Value x,
                                   Value m) {
  auto vecType = dyn_cast<VectorType>(x.getType());
  if (vecType && vecType.getRank() == 1 && !vecType.isScalable() &&
      vecType.getNumElements() % 2 == 0) {
    auto pairs =
        VectorType::get({vecType.getNumElements() / 2}, b.getI64Type());
    auto c = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(
          b, loc, pairs,
          DenseElementsAttr::get(pairs, b.getI64IntegerAttr(v)));
    };
    Value xp = vector::BitCastOp::create(b, loc, pairs, x);
    Value mp = vector::BitCastOp::create(b, loc, pairs, m);
    auto even = [&](Value v) -> Value {
      return arith::ShRSIOp::create(
          b, loc, arith::ShLIOp::create(b, loc, v, c(32)), c(32));
    };
    Value roundEven = c(int64_t(1) << 30), roundOdd = roundEven;
    // The odd lanes moved to the even ones by a dword shuffle (x86
    // vpshufd: no 64-bit shift), whose bits 31..62 are then the high halves
    // of the doubled sums, picked by one more shuffle.
    int64_t n = vecType.getNumElements();
    SmallVector<int64_t> dupOdd, pick;
    for (int64_t i = 0; i < n; i += 2) {
      dupOdd.append({i + 1, i + 1});
      pick.append({i + 1, n + i + 1});
    }
    auto oddPairs = [&](Value v) -> Value {
      return vector::BitCastOp::create(
          b, loc, pairs, vector::ShuffleOp::create(b, loc, v, v, dupOdd));
    };
    Value pe = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, even(xp), even(mp)), roundEven);
    Value po = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, even(oddPairs(x)), even(oddPairs(m))),
        roundOdd);
    auto doubled = [&](Value v) -> Value {
      return vector::BitCastOp::create(b, loc, vecType,
                                       arith::AddIOp::create(b, loc, v, v));
    };
    return vector::ShuffleOp::create(b, loc, doubled(pe), doubled(po), pick);
  }
  Type i64 = b.getI64Type(), i32 = b.getI32Type();
  if (vecType) {
    i64 = vecType.clone(i64);
    i32 = vecType.clone(i32);
  }
  auto shaped = dyn_cast<ShapedType>(i64);
  Value c30 = shaped ? Value(arith::ConstantOp::create(
                           b, loc, i64,
                           DenseElementsAttr::get(
                               shaped, b.getI64IntegerAttr(1ll << 30))))
                     : Value(arith::ConstantIntOp::create(b, loc, i64,
                                                          1ll << 30));
  Value c31 = shaped ? Value(arith::ConstantOp::create(
                           b, loc, i64,
                           DenseElementsAttr::get(shaped,
                                                  b.getI64IntegerAttr(31))))
                     : Value(arith::ConstantIntOp::create(b, loc, i64, 31));
  Value ab = arith::MulIOp::create(b, loc,
                                   arith::ExtSIOp::create(b, loc, i64, x),
                                   arith::ExtSIOp::create(b, loc, i64, m));
  ab = arith::AddIOp::create(b, loc, ab, c30);
  return arith::TruncIOp::create(b, loc, i32,
                                 arith::ShRSIOp::create(b, loc, ab, c31));
}

/// For |x| < 2^29, a 1-D vector `x` of an even number of i32 lanes, and
/// every shift t in [32, 53]: floor(Y / 2^32) per lane, where
/// Y = 2x * m + 2^31 + 2^t + zp * 2^(t+1) = 2 (x * m + 2^30 + 2^(t-1) +
/// zp * 2^t) (double_round's two rounding constants; without
/// `firstRounding`, single_round's, Y = 2 (x * m + 2^(t-1) + zp * 2^t)),
/// less 2^32 where x < 0 when `signTerm` (see below). The
/// products of the even and odd lanes (64-bit lane pairs, x86 `vpmuldq` /
/// `vpmuludq`) plus their per-lane constants give the result as their high
/// dwords, picked by one shuffle. |Y| < 2^61 + 2^62, and the result fits
/// i32.
///
/// With `offset`, `x` holds u = x + 2^31 (mod 2^32, an unsigned value: the
/// accumulator started from the bias plus 2^31), and the unsigned product
/// u * 2m = 2x * m + 2^32 m takes the place of the doubled accumulator's: the
/// constant loses 2^32 m, and the doubling its instruction. The sign term
/// -[x < 0] 2^32 = (b - 1) 2^32, b = u >> 31 (logical), becomes a constant
/// -2^32 here and b, added by the caller to the high dwords (an exact
/// multiple of 2^32 moves the floor by exactly b). Without `offset` the
/// caller adds -[x < 0] = x >> 31 (arithmetic).
///
/// Without `firstRounding` the constant 2^t + zp 2^(t+1) (less 2^32 m) is a
/// multiple of 2^32 (t >= 32): floor((P + K) / 2^32) = floor(P / 2^32) +
/// K / 2^32 exactly, so the constant joins the picked high dwords as one
/// i32 add, 2^(t-32) + zp 2^(t-31) (- m), instead of two 64-bit adds. The
/// high dword of u * 2m is m + floor(2x m / 2^32) < 2^32 and wraps as i32;
/// the sum, floor(Y / 2^32), fits (|floor(2x m / 2^32)| < 2^29, the constant
/// below 2^21 + 255 * 2^22 for t <= 53 and an 8-bit zero point).
static Value createShortRoundingProduct(OpBuilder &b, Location loc, Value x,
                                        Value m, Value t, int64_t zp,
                                        bool offset, bool signTerm,
                                        bool firstRounding) {
  auto vecType = cast<VectorType>(x.getType());
  int64_t n = vecType.getNumElements();
  auto pairs = VectorType::get({n / 2}, b.getI64Type());
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, pairs, DenseElementsAttr::get(pairs, b.getI64IntegerAttr(v)));
  };
  // Low dwords, sign- or (offset) zero-extended.
  auto evenHalves = [&](Value v, bool zeroExtend) -> Value {
    Value p = vector::BitCastOp::create(b, loc, pairs, v);
    if (zeroExtend)
      return arith::AndIOp::create(b, loc, p, c(0xFFFFFFFFll));
    return arith::ShRSIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, p, c(32)), c(32));
  };
  SmallVector<int64_t> dupOdd, pick;
  for (int64_t i = 0; i < n; i += 2) {
    dupOdd.append({i + 1, i + 1});
    pick.append({i + 1, n + i + 1});
  }
  auto oddHalves = [&](Value v, bool zeroExtend) -> Value {
    if (zeroExtend)
      return arith::ShRUIOp::create(
          b, loc, vector::BitCastOp::create(b, loc, pairs, v), c(32));
    // Via a dword shuffle.
    return evenHalves(vector::ShuffleOp::create(b, loc, v, v, dupOdd), false);
  };
  // 2^31 + 2^t + zp * 2^(t+1) = 2^31 + (2 zp + 1) << t (no 2^31 without
  // `firstRounding`); with the offset, less 2^32 m, and less 2^32 for the
  // sign term.
  int64_t base = (firstRounding ? int64_t(1) << 31 : 0) -
                 (offset && signTerm ? int64_t(1) << 32 : 0);
  auto constant = [&](Value shift, Value mult) -> Value {
    Value k = arith::AddIOp::create(
        b, loc, c(base), arith::ShLIOp::create(b, loc, c(2 * zp + 1), shift));
    if (offset)
      k = arith::SubIOp::create(b, loc, k,
                                arith::ShLIOp::create(b, loc, mult, c(32)));
    return k;
  };
  Value factor = x, mult = m;
  if (offset)
    mult = arith::AddIOp::create(b, loc, m, m); // 2m < 2^32, unsigned
  else
    factor = arith::AddIOp::create(b, loc, x, x);
  auto product = [&](auto halves) -> Value {
    Value sum = arith::MulIOp::create(b, loc, halves(factor, offset),
                                      halves(mult, offset));
    if (firstRounding)
      sum = arith::AddIOp::create(
          b, loc, sum, constant(halves(t, false), halves(m, offset)));
    return vector::BitCastOp::create(b, loc, vecType, sum);
  };
  Value high = vector::ShuffleOp::create(b, loc, product(evenHalves),
                                         product(oddHalves), pick);
  if (firstRounding)
    return high;
  // 2^(t-32) + zp 2^(t-31) (- m): (2 zp + 1) << (t - 32).
  auto c32 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, vecType,
        DenseElementsAttr::get(vecType, b.getI32IntegerAttr(v)));
  };
  Value k = arith::ShLIOp::create(b, loc, c32(2 * zp + 1),
                                  arith::SubIOp::create(b, loc, t, c32(32)));
  if (offset)
    k = arith::SubIOp::create(b, loc, k, m);
  return arith::AddIOp::create(b, loc, high, k);
}

ShortSingleRoundConstants
qmlir::getShortSingleRoundConstants(int32_t m, int32_t t, int64_t zp) {
  assert(t >= 32 && t <= 53 && m >= 0 && "short single_round range");
  auto wrap = [](int64_t v) {
    return static_cast<int32_t>(static_cast<uint32_t>(v));
  };
  return {wrap(2 * int64_t(m)),
          wrap((2 * zp + 1) * (int64_t(1) << (t - 32)) - m), t - 31};
}

Value qmlir::createShortSingleRound(OpBuilder &b, Location loc, Value acc,
                                    Value factor, Value factorOdd, Value add,
                                    Value shift, int64_t lo, int64_t hi) {
  // The products of createShortRoundingProduct (offset, no first rounding):
  // u * 2m per lane pair, unsigned, whose high dwords plus `add` are
  // floor(Y / 2^32).
  auto vecType = cast<VectorType>(acc.getType());
  int64_t n = vecType.getNumElements();
  auto pairs = VectorType::get({n / 2}, b.getI64Type());
  auto c64 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, pairs, DenseElementsAttr::get(pairs, b.getI64IntegerAttr(v)));
  };
  auto low = [&](Value v) -> Value {
    return arith::AndIOp::create(
        b, loc, vector::BitCastOp::create(b, loc, pairs, v), c64(0xFFFFFFFFll));
  };
  Value even = arith::MulIOp::create(b, loc, low(acc), low(factor));
  Value odd = arith::MulIOp::create(
      b, loc,
      arith::ShRUIOp::create(
          b, loc, vector::BitCastOp::create(b, loc, pairs, acc), c64(32)),
      low(factorOdd));
  SmallVector<int64_t> pick;
  for (int64_t i = 0; i < n; i += 2)
    pick.append({i + 1, n + i + 1});
  Value high = vector::ShuffleOp::create(
      b, loc, vector::BitCastOp::create(b, loc, vecType, even),
      vector::BitCastOp::create(b, loc, vecType, odd), pick);
  Value result = arith::ShRSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, high, add), shift);
  auto c32 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, vecType,
        DenseElementsAttr::get(vecType, b.getI32IntegerAttr(v)));
  };
  result = arith::MaxSIOp::create(b, loc, result, c32(lo));
  return arith::MinSIOp::create(b, loc, result, c32(hi));
}

bool qmlir::takesShortRoundingProduct(Type accType, qnn::RoundingMode mode,
                                      bool smallAccumulator,
                                      bool shiftAtMost53) {
  auto vecType = dyn_cast<VectorType>(accType);
  return (mode == qnn::RoundingMode::DoubleRound ||
          mode == qnn::RoundingMode::SingleRound) &&
         smallAccumulator && shiftAtMost53 && vecType &&
         vecType.getRank() == 1 && !vecType.isScalable() &&
         vecType.getNumElements() % 2 == 0;
}

Value qmlir::createFixedPointRequantize(
    OpBuilder &b, Location loc, Value acc, Value m, Value t,
    qnn::RoundingMode mode, int64_t zp, int64_t lo, int64_t hi,
    bool mayShiftLeft, bool smallAccumulator, bool zeroPointFirst,
    bool shiftAtMost53, bool offsetAccumulator) {
  // Scalars or vectors alike: constants are splats of the accumulator's shape.
  auto vecType = dyn_cast<VectorType>(acc.getType());
  auto like = [&](Type elem) -> Type {
    return vecType ? Type(vecType.clone(elem)) : elem;
  };
  Type i64 = like(b.getI64Type()), i32 = like(b.getI32Type());
  auto constant = [&](Type type, int64_t v) -> Value {
    if (!vecType)
      return arith::ConstantIntOp::create(b, loc, type, v);
    auto shaped = cast<ShapedType>(type);
    return arith::ConstantOp::create(
        b, loc, type,
        DenseElementsAttr::get(
            shaped, IntegerAttr::get(shaped.getElementType(), v)));
  };
  auto c64 = [&](int64_t v) { return constant(i64, v); };
  auto c32 = [&](int64_t v) { return constant(i32, v); };
  auto clampI32 = [&](Value v) {
    v = arith::MaxSIOp::create(b, loc, v, c64(INT32_MIN));
    v = arith::MinSIOp::create(b, loc, v, c64(INT32_MAX));
    return arith::TruncIOp::create(b, loc, i32, v).getResult();
  };
  Value result; // i32
  switch (mode) {
  case qnn::RoundingMode::DoubleRound: {
    // Saturating left shift by max(31 - t, 0) for shifts below 31 (none
    // when every shift is known to be at least 31).
    Value xs = acc;
    if (mayShiftLeft) {
      Value left = arith::MaxSIOp::create(
          b, loc, arith::SubIOp::create(b, loc, c32(31), t), c32(0));
      Value upper = arith::ShRSIOp::create(b, loc, c32(INT32_MAX), left);
      Value lower = arith::ShRSIOp::create(b, loc, c32(INT32_MIN), left);
      xs = arith::ShLIOp::create(b, loc, acc, left);
      xs = arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, acc, upper),
          c32(INT32_MAX), xs);
      xs = arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, acc, lower),
          c32(INT32_MIN), xs);
    }
    // Saturating rounding doubling high multiply, gemmlowp's
    // (xs * m + nudge) / 2^31 truncated with nudge = 2^30 or 1 - 2^30 by the
    // product's sign, is (xs * m + 2^30) >> 31 (floor) for either sign:
    // for p < 0, trunc((p + 1 - 2^30) / 2^31) = floor((p + 2^30) / 2^31).
    // m >= 0 (verifier), so INT32_MIN * INT32_MIN cannot occur, and the
    // result fits i32.
    if (smallAccumulator) {
      // exp = t - 31 >= 1 and |high| <= 2^29 + 1: the rounding divide
      // (ties away from zero) is floor((high + 2^(exp-1) - [high < 0]) /
      // 2^exp), and the sum cannot overflow. [high < 0] may be read off the
      // accumulator's sign: m >= 0, and where x < 0 but high = 0 both give
      // floor((2^(exp-1) - {0, 1}) / 2^exp) = 0. The two floors nest into
      // one: the result is floor((x * m + 2^30 + 2^(t-1) - [x < 0] * 2^31) /
      // 2^t).
      Value exp = arith::SubIOp::create(b, loc, t, c32(31));
      if (takesShortRoundingProduct(acc.getType(), mode, smallAccumulator,
                                    shiftAtMost53)) {
        // Doubled, that is floor((Y - [x < 0] * 2^32) / 2^(t+1)) with Y from
        // createShortRoundingProduct: its high dword less [x < 0], shifted
        // right by exp (nested floors); with `zeroPointFirst` Y holds the
        // zero point too (floor(v / 2^t) + zp = floor((v + zp 2^t) / 2^t)).
        // Where lo >= zp the sign term cannot matter: for x < 0 (m >= 0) the
        // result is at most zp with or without it (x * m + 2^30 + 2^(t-1) <
        // 2^t), and the clamp makes it lo.
        bool signTerm = lo < zp;
        Value high = createShortRoundingProduct(
            b, loc, acc, m, t, zeroPointFirst ? zp : 0, offsetAccumulator,
            signTerm, /*firstRounding=*/true);
        if (signTerm) {
          Value sign =
              offsetAccumulator
                  ? Value(arith::ShRUIOp::create(b, loc, acc, c32(31)))
                  : Value(arith::ShRSIOp::create(b, loc, acc, c32(31)));
          high = arith::AddIOp::create(b, loc, high, sign);
        }
        result = arith::ShRSIOp::create(b, loc, high, exp);
        if (zeroPointFirst) {
          result = arith::MaxSIOp::create(b, loc, result, c32(lo));
          return arith::MinSIOp::create(b, loc, result, c32(hi));
        }
        break;
      }
      assert(!offsetAccumulator &&
             "offset accumulators need the short product");
      Value neg = arith::ShRSIOp::create(b, loc, acc, c32(31)); // 0 or -1
      Value half = arith::ShLIOp::create(
          b, loc, c32(1), arith::SubIOp::create(b, loc, exp, c32(1)));
      Value high = arith::AddIOp::create(
          b, loc, createRoundingHighMul(b, loc, acc, m), half);
      result = arith::ShRSIOp::create(
          b, loc, arith::AddIOp::create(b, loc, high, neg), exp);
      if (zeroPointFirst) {
        // |result| < 2^30. (LLVM 22's x86 backend stores a 1-lane masked
        // store of this form as 4 bytes: callers keep it off masked stores.)
        result = arith::AddIOp::create(b, loc, result, c32(zp));
        result = arith::MaxSIOp::create(b, loc, result, c32(lo));
        return arith::MinSIOp::create(b, loc, result, c32(hi));
      }
      break;
    }
    Value high = createRoundingHighMul(b, loc, xs, m);
    // Rounding divide by 2^max(t - 31, 0), ties away from zero; exp <= 31
    // and the mask arithmetic wraps as two's complement.
    Value exp = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, t, c32(31)), c32(0));
    Value mask = arith::SubIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, c32(1), exp), c32(1));
    Value rem = arith::AndIOp::create(b, loc, high, mask);
    Value neg =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, high, c32(0));
    Value threshold = arith::AddIOp::create(
        b, loc, arith::ShRSIOp::create(b, loc, mask, c32(1)),
        arith::ExtUIOp::create(b, loc, i32, neg));
    Value up = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, rem,
                                     threshold);
    result = arith::AddIOp::create(b, loc,
                                   arith::ShRSIOp::create(b, loc, high, exp),
                                   arith::ExtUIOp::create(b, loc, i32, up));
    break;
  }
  case qnn::RoundingMode::SingleRound: {
    if (takesShortRoundingProduct(acc.getType(), mode, smallAccumulator,
                                  shiftAtMost53)) {
      // floor((x * m + 2^(t-1)) / 2^t) = floor(Y / 2^(t+1)) with Y from
      // createShortRoundingProduct (one rounding: no sign term): its high
      // dword shifted right by t - 31 (nested floors), the zero point in Y
      // with `zeroPointFirst`.
      Value high = createShortRoundingProduct(
          b, loc, acc, m, t, zeroPointFirst ? zp : 0, offsetAccumulator,
          /*signTerm=*/false, /*firstRounding=*/false);
      result = arith::ShRSIOp::create(
          b, loc, high, arith::SubIOp::create(b, loc, t, c32(31)));
      if (zeroPointFirst) {
        result = arith::MaxSIOp::create(b, loc, result, c32(lo));
        return arith::MinSIOp::create(b, loc, result, c32(hi));
      }
      break;
    }
    assert(!offsetAccumulator && "offset accumulators need the short product");
    Value t64 = arith::ExtSIOp::create(b, loc, i64, t);
    Value p = arith::MulIOp::create(b, loc,
                                    arith::ExtSIOp::create(b, loc, i64, acc),
                                    arith::ExtSIOp::create(b, loc, i64, m));
    Value positive =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, t64, c64(0));
    Value tm1 = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, t64, c64(1)), c64(0));
    Value round = arith::SelectOp::create(
        b, loc, positive, arith::ShLIOp::create(b, loc, c64(1), tm1), c64(0));
    result = clampI32(arith::ShRSIOp::create(
        b, loc, arith::AddIOp::create(b, loc, p, round), t64));
    break;
  }
  case qnn::RoundingMode::HalfEven: {
    Value t64 = arith::ExtSIOp::create(b, loc, i64, t);
    Value p = arith::MulIOp::create(b, loc,
                                    arith::ExtSIOp::create(b, loc, i64, acc),
                                    arith::ExtSIOp::create(b, loc, i64, m));
    Value q = arith::ShRSIOp::create(b, loc, p, t64);
    Value r = arith::SubIOp::create(b, loc, p,
                                    arith::ShLIOp::create(b, loc, q, t64));
    Value positive =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, t64, c64(0));
    Value tm1 = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, t64, c64(1)), c64(0));
    Value half = arith::ShLIOp::create(b, loc, c64(1), tm1);
    Value above =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, r, half);
    Value tie = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, r, half);
    Value odd = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(b, loc, q, c64(1)), c64(0));
    Value up = arith::AndIOp::create(
        b, loc, positive,
        arith::OrIOp::create(b, loc, above,
                             arith::AndIOp::create(b, loc, tie, odd)));
    result = clampI32(arith::AddIOp::create(
        b, loc, q, arith::ExtUIOp::create(b, loc, i64, up)));
    break;
  }
  }
  // clamp(result + zp, lo, hi) == clamp(result, lo - zp, hi - zp) + zp, and
  // the right side cannot overflow i32.
  int64_t rlo = std::max<int64_t>(lo - zp, INT32_MIN);
  int64_t rhi = std::min<int64_t>(hi - zp, INT32_MAX);
  result = arith::MaxSIOp::create(b, loc, result, c32(rlo));
  result = arith::MinSIOp::create(b, loc, result, c32(rhi));
  return arith::AddIOp::create(b, loc, result, c32(zp));
}

std::optional<SmallVector<int64_t>> qmlir::getConstantStorageValues(Value v) {
  auto q = dyn_cast<quant::QuantizedType>(
      cast<ShapedType>(v.getType()).getElementType());
  bool isSigned = q ? q.isSigned() : true;
  if (auto scast = v.getDefiningOp<quant::StorageCastOp>())
    v = scast.getInput();
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) ||
      !isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<int64_t> out;
  out.reserve(attr.getNumElements());
  for (APInt x : attr.getValues<APInt>())
    out.push_back(isSigned ? x.getSExtValue() : x.getZExtValue());
  return out;
}

/// verifyAccumulatorBounds for one op: `axis` is the weight's output
/// channel dimension.
static LogicalResult verifyAccumulatorBound(Operation *op, Value input,
                                            Value weight, Value bias,
                                            int64_t axis) {
  auto inQ = dyn_cast<quant::UniformQuantizedType>(
      cast<ShapedType>(input.getType()).getElementType());
  auto wType = cast<ShapedType>(weight.getType());
  auto wQ = dyn_cast<quant::QuantizedType>(wType.getElementType());
  if (!inQ || !wQ || !wType.hasStaticShape())
    return success();
  auto w = getConstantStorageValues(weight);
  auto b = getConstantStorageValues(bias);
  if (!w || !b)
    return success();
  int64_t channels = wType.getDimSize(axis), inner = 1;
  for (int64_t d = axis + 1; d < wType.getRank(); ++d)
    inner *= wType.getDimSize(d);
  SmallVector<int64_t> sum(channels, 0), absSum(channels, 0);
  for (auto [i, raw] : llvm::enumerate(*w)) {
    int64_t c = (static_cast<int64_t>(i) / inner) % channels;
    int64_t v = raw - qnn::getChannelZeroPoint(wQ, c);
    sum[c] += v;
    absSum[c] += std::abs(v);
  }
  int64_t maxA = inQ.isSigned() ? 128 : 255;
  for (int64_t c = 0; c < channels && c < (int64_t)b->size(); ++c) {
    int64_t bound =
        std::abs((*b)[c] - inQ.getZeroPoint() * sum[c]) + maxA * absSum[c];
    if (bound > INT32_MAX)
      return op->emitOpError("the i32 accumulator of output channel ")
             << c << " can overflow: |bias - zp_in * sum(W')| + " << maxA
             << " * sum|W'| = " << bound
             << " > 2^31 - 1 (requantize the weights or split the "
                "reduction)";
  }
  return success();
}

LogicalResult qmlir::verifyAccumulatorBounds(Operation *root) {
  WalkResult result = root->walk([](Operation *op) {
    LogicalResult ok = success();
    if (auto conv = dyn_cast<qnn::Conv2DOp>(op))
      ok = verifyAccumulatorBound(op, conv.getInput(), conv.getWeight(),
                                  conv.getBias(), 0);
    else if (auto mm = dyn_cast<qnn::MatmulOp>(op))
      ok =
          verifyAccumulatorBound(op, mm.getLhs(), mm.getRhs(), mm.getBias(), 1);
    return failed(ok) ? WalkResult::interrupt() : WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

void qmlir::populateQNNToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, MatmulLowering, RequantizeLowering,
               DynamicQuantizeLowering, QuantizeLinearLowering,
               QuantizeCastLowering, DequantizeCastLowering,
               StorageCastLowering, BatchNormLowering, ObserveLowering>(
      typeConverter, patterns.getContext());
}
