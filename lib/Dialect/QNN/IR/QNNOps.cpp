//===- QNNOps.cpp - QNN operations ----------------------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qmlir;
using namespace mlir::qmlir::qnn;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static LogicalResult checkScaleAndZeroPoint(
    function_ref<InFlightDiagnostic()> emitError, quant::QuantizedType qtype,
    double scale, int64_t zeroPoint, StringRef what) {
  if (!std::isfinite(scale) || scale <= 0.0)
    return emitError() << what << " scale must be finite and positive, got "
                       << scale;
  if (zeroPoint < qtype.getStorageTypeMin() ||
      zeroPoint > qtype.getStorageTypeMax())
    return emitError() << what << " zero point " << zeroPoint
                       << " is outside the storage range ["
                       << qtype.getStorageTypeMin() << ", "
                       << qtype.getStorageTypeMax() << "]";
  return success();
}

LogicalResult
qnn::verifyQuantizedType(function_ref<InFlightDiagnostic()> emitError,
                         ShapedType type, StringRef what) {
  auto qtype = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!qtype)
    return emitError() << what << " must have a quantized element type, got "
                       << type.getElementType();
  if (!qtype.getExpressedType().isF32())
    return emitError() << what << " must express f32, got "
                       << qtype.getExpressedType();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype))
    return checkScaleAndZeroPoint(emitError, qtype, uniform.getScale(),
                                  uniform.getZeroPoint(), what);
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype);
  if (!perAxis)
    return emitError() << what << " must be !quant.uniform, got " << qtype;
  int32_t axis = perAxis.getQuantizedDimension();
  if (axis < 0 || axis >= type.getRank())
    return emitError() << what << " quantized dimension " << axis
                       << " is out of range for rank " << type.getRank();
  int64_t dim = type.getDimSize(axis);
  if (!ShapedType::isDynamic(dim) &&
      static_cast<int64_t>(perAxis.getScales().size()) != dim)
    return emitError() << what << " has " << perAxis.getScales().size()
                       << " scales but dimension " << axis << " has size "
                       << dim;
  if (perAxis.getZeroPoints().size() != perAxis.getScales().size())
    return emitError() << what << " has " << perAxis.getScales().size()
                       << " scales but " << perAxis.getZeroPoints().size()
                       << " zero points";
  for (auto [scale, zp] :
       llvm::zip(perAxis.getScales(), perAxis.getZeroPoints()))
    if (failed(checkScaleAndZeroPoint(emitError, qtype, scale, zp, what)))
      return failure();
  return success();
}

double qnn::getChannelScale(quant::QuantizedType type, int64_t channel) {
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type))
    return uniform.getScale();
  return cast<quant::UniformQuantizedPerAxisType>(type).getScales()[channel];
}

int64_t qnn::getChannelZeroPoint(quant::QuantizedType type, int64_t channel) {
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(type))
    return uniform.getZeroPoint();
  return cast<quant::UniformQuantizedPerAxisType>(type)
      .getZeroPoints()[channel];
}

/// Common checks of the requantization epilogue: the per-tensor quantized
/// output, multiplier/shift arrays of length 1 or `channels`, and the clamp.
template <typename OpTy>
static LogicalResult verifyRequantization(OpTy op, int64_t channels) {
  auto emitError = [&]() { return op.emitOpError(); };
  auto outType = cast<RankedTensorType>(op.getOutput().getType());
  bool hasAny = op.getMultiplierAttr() || op.getShiftAttr() ||
                op.getClampMinAttr() || op.getClampMaxAttr() ||
                op.getRoundingAttr();
  if (outType.getElementType().isInteger(32)) {
    if (hasAny)
      return op.emitOpError("an i32 (accumulator) result takes no "
                            "requantization attributes");
    return success();
  }
  if (!op.getMultiplierAttr() || !op.getShiftAttr() || !op.getClampMinAttr() ||
      !op.getClampMaxAttr() || !op.getRoundingAttr())
    return op.emitOpError("a quantized result needs multiplier, shift, "
                          "clamp_min, clamp_max and rounding");
  if (failed(verifyQuantizedType(emitError, outType, "output")))
    return failure();
  auto outQ = dyn_cast<quant::UniformQuantizedType>(outType.getElementType());
  if (!outQ)
    return op.emitOpError("output must be per-tensor quantized");
  if (outQ.getStorageTypeIntegralWidth() != 8)
    return op.emitOpError("output storage type must be 8-bit, got ")
           << outQ.getStorageType();

  ArrayRef<int32_t> multiplier = op.getMultiplierAttr().asArrayRef();
  ArrayRef<int32_t> shift = op.getShiftAttr().asArrayRef();
  if (multiplier.size() != shift.size())
    return op.emitOpError("multiplier has ")
           << multiplier.size() << " entries but shift has " << shift.size();
  if (multiplier.size() != 1 &&
      (ShapedType::isDynamic(channels) ||
       static_cast<int64_t>(multiplier.size()) != channels))
    return op.emitOpError("expected 1 or ")
           << channels << " multiplier/shift entries, got "
           << multiplier.size();
  for (auto [m, s] : llvm::zip(multiplier, shift)) {
    if (m < 0)
      return op.emitOpError("multiplier must be non-negative, got ") << m;
    if (m != 0 && m < (1 << 30))
      return op.emitOpError("multiplier ")
             << m << " is not normalized to [2^30, 2^31)";
    if (s < 0 || s > 62)
      return op.emitOpError("shift must be in [0, 62], got ") << s;
  }
  int64_t lo = op.getClampMinAttr().getInt(), hi = op.getClampMaxAttr().getInt();
  if (lo > hi)
    return op.emitOpError("clamp_min ")
           << lo << " is greater than clamp_max " << hi;
  if (lo < outQ.getStorageTypeMin() || hi > outQ.getStorageTypeMax())
    return op.emitOpError("clamp range [")
           << lo << ", " << hi << "] is outside the output storage range ["
           << outQ.getStorageTypeMin() << ", " << outQ.getStorageTypeMax()
           << "]";
  return success();
}

/// Checks that `type` is an 8-bit quantized operand.
template <typename OpTy>
static LogicalResult verify8BitOperand(OpTy op, ShapedType type,
                                       StringRef what) {
  auto emitError = [&]() { return op.emitOpError(); };
  if (failed(verifyQuantizedType(emitError, type, what)))
    return failure();
  auto qtype = cast<quant::QuantizedType>(type.getElementType());
  if (qtype.getStorageTypeIntegralWidth() != 8)
    return op.emitOpError() << what << " storage type must be 8-bit, got "
                            << qtype.getStorageType();
  return success();
}

/// Checks an i32 bias of `channels` elements.
template <typename OpTy>
static LogicalResult verifyBias(OpTy op, ShapedType biasType,
                                int64_t channels) {
  if (biasType.getRank() != 1)
    return op.emitOpError("bias must be 1-D, got rank ") << biasType.getRank();
  if (!ShapedType::isDynamic(channels) && !biasType.isDynamicDim(0) &&
      biasType.getDimSize(0) != channels)
    return op.emitOpError("bias has ")
           << biasType.getDimSize(0) << " elements but there are " << channels
           << " output channels";
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  auto inType = cast<RankedTensorType>(getInput().getType());
  if (inType.getRank() < 1)
    return emitOpError("input must have rank >= 1");
  if (getOutput().getType() != inType)
    return emitOpError("output type ")
           << getOutput().getType() << " differs from input type " << inType;
  float eps = getEpsilon().convertToFloat();
  if (!std::isfinite(eps) || eps < 0.0f)
    return emitOpError("epsilon must be finite and non-negative, got ") << eps;
  int64_t channels = inType.getDimSize(inType.getRank() - 1);
  Value params[] = {getMean(), getVariance(), getGamma(), getBeta()};
  StringRef names[] = {"mean", "variance", "gamma", "beta"};
  for (auto [value, name] : llvm::zip(params, names)) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() != 1)
      return emitOpError() << name << " must be 1-D, got " << type;
    if (type.getElementType() != inType.getElementType())
      return emitOpError() << name << " element type " << type.getElementType()
                           << " differs from input element type "
                           << inType.getElementType();
    if (!ShapedType::isDynamic(channels) && !type.isDynamicDim(0) &&
        type.getDimSize(0) != channels)
      return emitOpError() << name << " has " << type.getDimSize(0)
                           << " elements but the input has " << channels
                           << " channels (last dimension)";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getMin().has_value() != getMax().has_value())
    return emitOpError("min and max must be given together");
  if (std::optional<ArrayRef<float>> mean = getMean()) {
    if (!isCalibrated())
      return emitOpError("a mean needs the calibrated min and max");
    auto type = cast<ShapedType>(getInput().getType());
    if (!type.hasRank() || type.getRank() == 0 ||
        type.getShape().back() != static_cast<int64_t>(mean->size()))
      return emitOpError("expected one mean per channel (last dimension), got ")
             << mean->size();
    float lo = getMin()->convertToFloat(), hi = getMax()->convertToFloat();
    for (float m : *mean)
      if (!(m >= lo && m <= hi))
        return emitOpError("mean ")
               << m << " is outside the range [" << lo << ", " << hi << "]";
  }
  if (!isCalibrated())
    return success();
  float lo = getMin()->convertToFloat(), hi = getMax()->convertToFloat();
  if (!std::isfinite(lo) || !std::isfinite(hi))
    return emitOpError("calibrated range must be finite");
  if (lo > hi)
    return emitOpError("calibrated min ") << lo << " is greater than max "
                                          << hi;
  return success();
}

//===----------------------------------------------------------------------===//
// DynamicQuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DynamicQuantizeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (in.getShape() != out.getShape())
    return emitOpError("output shape ")
           << out.getShape() << " differs from input shape " << in.getShape();
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeLinearOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeLinearOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  if (in.getShape() != out.getShape())
    return emitOpError("output shape ")
           << out.getShape() << " differs from input shape " << in.getShape();
  for (Value v : {getScale(), getZeroPoint()}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (!t.hasStaticShape() || t.getNumElements() != 1)
      return emitOpError("scale and zero point must have one element "
                         "(per-tensor)");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto inType = cast<RankedTensorType>(getInput().getType());
  auto wType = cast<RankedTensorType>(getWeight().getType());
  auto outType = cast<RankedTensorType>(getOutput().getType());
  if (inType.getRank() != 4 || wType.getRank() != 4 || outType.getRank() != 4)
    return emitOpError("input, weight and output must be 4-D (NHWC, FHWC)");
  if (failed(verify8BitOperand(*this, inType, "input")) ||
      failed(verify8BitOperand(*this, wType, "weight")))
    return failure();
  if (!isa<quant::UniformQuantizedType>(inType.getElementType()))
    return emitOpError("input must be per-tensor quantized");
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
          wType.getElementType());
      perAxis && perAxis.getQuantizedDimension() != 0)
    return emitOpError("per-axis weight must be quantized on dimension 0 "
                       "(output channels), got dimension ")
           << perAxis.getQuantizedDimension();

  if (getStrides().size() != 2 || getDilations().size() != 2 ||
      getPadding().size() != 4)
    return emitOpError("expected 2 strides, 2 dilations and 4 paddings");
  if (llvm::any_of(getStrides(), [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(getDilations(), [](int64_t d) { return d <= 0; }))
    return emitOpError("strides and dilations must be positive");
  if (llvm::any_of(getPadding(), [](int64_t p) { return p < 0; }))
    return emitOpError("padding must be non-negative");

  int64_t groups = getGroups();
  int64_t channels = inType.getDimSize(3);
  int64_t outChannels = wType.getDimSize(0);
  if (groups <= 0)
    return emitOpError("groups must be positive, got ") << groups;
  if (!ShapedType::isDynamic(channels)) {
    if (channels % groups != 0)
      return emitOpError("input channels ")
             << channels << " are not divisible by groups " << groups;
    if (!wType.isDynamicDim(3) && wType.getDimSize(3) != channels / groups)
      return emitOpError("weight has ")
             << wType.getDimSize(3) << " input channels, expected "
             << channels / groups << " (input channels / groups)";
  }
  if (!ShapedType::isDynamic(outChannels) && outChannels % groups != 0)
    return emitOpError("output channels ")
           << outChannels << " are not divisible by groups " << groups;
  if (!outType.isDynamicDim(3) && !ShapedType::isDynamic(outChannels) &&
      outType.getDimSize(3) != outChannels)
    return emitOpError("output has ")
           << outType.getDimSize(3) << " channels but the weight has "
           << outChannels;
  for (int i = 0; i < 2; ++i) {
    int64_t in = inType.getDimSize(1 + i), k = wType.getDimSize(1 + i);
    int64_t out = outType.getDimSize(1 + i);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k) ||
        ShapedType::isDynamic(out))
      continue;
    int64_t padded = in + getPadding()[2 * i] + getPadding()[2 * i + 1];
    int64_t window = (k - 1) * getDilations()[i] + 1;
    if (padded < window)
      return emitOpError("kernel window ")
             << window << " is larger than the padded input " << padded;
    int64_t expected = (padded - window) / getStrides()[i] + 1;
    if (out != expected)
      return emitOpError("output spatial dimension ")
             << i << " is " << out << ", expected " << expected;
  }
  if (!inType.isDynamicDim(0) && !outType.isDynamicDim(0) &&
      inType.getDimSize(0) != outType.getDimSize(0))
    return emitOpError("batch size of output differs from input");
  if (failed(verifyBias(*this, getBias().getType(), outChannels)))
    return failure();
  return verifyRequantization(*this, outChannels);
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhsType = cast<RankedTensorType>(getLhs().getType());
  auto rhsType = cast<RankedTensorType>(getRhs().getType());
  auto outType = cast<RankedTensorType>(getOutput().getType());
  if (lhsType.getRank() != 2 || rhsType.getRank() != 2 ||
      outType.getRank() != 2)
    return emitOpError("lhs, rhs and output must be 2-D");
  if (failed(verify8BitOperand(*this, lhsType, "lhs")) ||
      failed(verify8BitOperand(*this, rhsType, "rhs")))
    return failure();
  if (!isa<quant::UniformQuantizedType>(lhsType.getElementType()))
    return emitOpError("lhs must be per-tensor quantized");
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
          rhsType.getElementType());
      perAxis && perAxis.getQuantizedDimension() != 1)
    return emitOpError("per-axis rhs must be quantized on dimension 1 "
                       "(output columns), got dimension ")
           << perAxis.getQuantizedDimension();
  auto mismatch = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  };
  if (mismatch(lhsType.getDimSize(1), rhsType.getDimSize(0)))
    return emitOpError("contraction sizes differ: lhs has ")
           << lhsType.getDimSize(1) << " columns, rhs has "
           << rhsType.getDimSize(0) << " rows";
  if (mismatch(lhsType.getDimSize(0), outType.getDimSize(0)) ||
      mismatch(rhsType.getDimSize(1), outType.getDimSize(1)))
    return emitOpError("output shape ")
           << outType.getShape() << " does not match the operands";
  int64_t columns = rhsType.getDimSize(1);
  if (failed(verifyBias(*this, getBias().getType(), columns)))
    return failure();
  return verifyRequantization(*this, columns);
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  auto inType = cast<RankedTensorType>(getInput().getType());
  auto outType = cast<RankedTensorType>(getOutput().getType());
  if (inType.getShape() != outType.getShape())
    return emitOpError("input shape ")
           << inType.getShape() << " differs from output shape "
           << outType.getShape();
  int64_t channels =
      inType.getRank() == 0 ? 1 : inType.getDimSize(inType.getRank() - 1);
  return verifyRequantization(*this, channels);
}

#define GET_OP_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNOps.cpp.inc"
