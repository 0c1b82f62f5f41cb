//===- QuantizableGroup.h - Conv/matmul + bias + activation -----*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// The unit that qnn-insert-observers observes and qnn-quantize rewrites: a
// convolution or matmul, an optional constant bias add (matmul only) and an
// optional single-use clamp (ReLU / ReLU6).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZABLEGROUP_H
#define QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZABLEGROUP_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

namespace mlir::qmlir {

struct QuantizableGroup {
  /// tosa.conv2d, tosa.depthwise_conv2d or tosa.matmul.
  Operation *anchor = nullptr;
  /// For tosa.matmul: the tosa.add of a constant bias, if any.
  tosa::AddOp biasAdd;
  /// The fused activation, if any.
  tosa::ClampOp clamp;
  /// The value the group produces (the last op's result).
  Value end;
};

/// Returns the group anchored at `op`, or std::nullopt if `op` is no anchor.
inline std::optional<QuantizableGroup> matchQuantizableGroup(Operation *op) {
  if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op))
    return std::nullopt;
  QuantizableGroup group;
  group.anchor = op;
  group.end = op->getResult(0);
  if (isa<tosa::MatMulOp>(op) && group.end.hasOneUse()) {
    if (auto add = dyn_cast<tosa::AddOp>(*group.end.getUsers().begin())) {
      Value other = add.getInput1() == group.end ? add.getInput2()
                                                 : add.getInput1();
      if (matchPattern(other, m_Constant())) {
        group.biasAdd = add;
        group.end = add.getResult();
      }
    }
  }
  if (group.end.hasOneUse()) {
    if (auto clamp = dyn_cast<tosa::ClampOp>(*group.end.getUsers().begin())) {
      group.clamp = clamp;
      group.end = clamp.getResult();
    }
  }
  return group;
}

} // namespace mlir::qmlir

#endif // QMLIR_LIB_DIALECT_QNN_TRANSFORMS_QUANTIZABLEGROUP_H
