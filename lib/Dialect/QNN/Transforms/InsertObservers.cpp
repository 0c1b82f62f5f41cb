//===- InsertObservers.cpp - Insert calibration observers -----------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "QuantizableGroup.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNINSERTOBSERVERS
#include "qmlir/Dialect/QNN/Transforms/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

bool isObservable(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType());
}

bool isObserved(Value value) {
  return value.hasOneUse() && isa<qnn::ObserveOp>(*value.getUsers().begin());
}

/// Routes every use of `value` through a new `qnn.observe`.
void observe(OpBuilder &builder, Value value) {
  if (!isObservable(value) || isObserved(value) ||
      value.getDefiningOp<qnn::ObserveOp>())
    return;
  if (auto arg = dyn_cast<BlockArgument>(value))
    builder.setInsertionPointToStart(arg.getOwner());
  else
    builder.setInsertionPointAfterValue(value);
  auto observer =
      qnn::ObserveOp::create(builder, value.getLoc(), value, FloatAttr(),
                             FloatAttr(), DenseF32ArrayAttr());
  value.replaceAllUsesExcept(observer.getResult(), observer);
}

struct QNNInsertObserversPass
    : qmlir::impl::QNNInsertObserversBase<QNNInsertObserversPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    OpBuilder builder(&getContext());
    SmallVector<Value> toObserve(func.getArguments().begin(),
                                 func.getArguments().end());
    func.walk([&](Operation *op) {
      if (auto group = matchQuantizableGroup(op)) {
        // The input too, unless it is already an observed value (a group's
        // output or a function argument).
        Value in = op->getOperand(0);
        while (auto reshape = in.getDefiningOp<tosa::ReshapeOp>())
          in = reshape.getInput1();
        toObserve.push_back(in);
        toObserve.push_back(group->end);
      } else if (isa<tosa::AvgPool2dOp>(op)) {
        toObserve.push_back(op->getResult(0));
      }
    });
    for (Value value : toObserve)
      observe(builder, value);
  }
};

} // namespace
