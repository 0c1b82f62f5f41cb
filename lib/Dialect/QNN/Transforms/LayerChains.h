//===- LayerChains.h - Float layers and the links between them --*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// What the data-free passes (qnn-equalize, qnn-absorb-high-bias,
// qnn-correct-bias) see of a float graph: convolutions with constant weights
// and bias (`FloatLayer`), and the single-use path from one layer's result to
// the next layer's input (`LayerLink`).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERCHAINS_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERCHAINS_H

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

#include <optional>
#include <string>

namespace mlir::qmlir {

/// The values of a constant f32 tensor in double precision, or
/// std::nullopt.
std::optional<SmallVector<double>> getF32ConstantValues(Value value);

/// A `tosa.const` of f32 `values` (rounded) in `shape` at the builder's
/// insertion point.
Value createF32Constant(OpBuilder &builder, Location loc,
                        ArrayRef<int64_t> shape, ArrayRef<double> values);

/// A `tosa.conv2d` or `tosa.depthwise_conv2d` with constant f32 weights and
/// bias and static shapes, its values in double precision. Weights keep the
/// TOSA layout: OHWI for conv2d, [KH, KW, C, M] for depthwise (output
/// channel c * M + m reads input channel c).
struct FloatLayer {
  Operation *op = nullptr;
  SmallVector<int64_t> shape;
  SmallVector<double> weights;
  /// One value per output channel.
  SmallVector<double> bias;
  int64_t outChannels = 0, inChannels = 0;
  bool depthwise = false;
  /// The folded batch norm's beta and gamma per output channel (empty when
  /// the layer has no `qnn.folded_bn`).
  SmallVector<double> bnBeta, bnGamma;

  /// Returns the layer at `op`, or std::nullopt with the reason in `why`.
  static std::optional<FloatLayer> get(Operation *op, std::string &why);

  int64_t outChannelOf(int64_t i) const {
    if (depthwise)
      return i % outChannels;
    return i / (static_cast<int64_t>(weights.size()) / outChannels);
  }
  int64_t inChannelOf(int64_t i) const {
    if (depthwise)
      return (i % outChannels) / (outChannels / inChannels);
    return i % inChannels;
  }
  /// Whether the layer pads its input (a border sees zeros, not the input).
  bool hasPadding() const;
  /// Largest |w| per output channel, and per input channel.
  SmallVector<double> outChannelRanges() const;
  SmallVector<double> inChannelRanges() const;

  /// Replaces the layer's weight and bias operands by constants of the
  /// current values (rounded to f32), and its `qnn.folded_bn`.
  void write(OpBuilder &builder) const;
};

/// The single-use path from a layer's result to the next layer.
struct LayerLink {
  /// The ops in between, in order: `tosa.clamp`, `tosa.max_pool2d`,
  /// `qnn.observe`.
  SmallVector<Operation *> between;
  /// The next layer (reading the path's end as its input), or null.
  Operation *next = nullptr;
  /// Why there is no next layer; empty when the path just ends (a function
  /// result, an op that is no layer's input).
  std::string why;
  /// The op at which the path stopped, if any.
  Operation *stop = nullptr;
};

/// Follows `layer`'s result through single-use clamps, max pools and
/// observers to the next convolution.
LayerLink followLayer(Operation *layer);

/// Whether `clamp` is a ReLU: bounds [0, +inf) (max at or above the largest
/// f32).
bool isRelu(tosa::ClampOp clamp);

/// The clamp's float bounds.
std::pair<double, double> getClampBounds(tosa::ClampOp clamp);

} // namespace mlir::qmlir

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_LAYERCHAINS_H
