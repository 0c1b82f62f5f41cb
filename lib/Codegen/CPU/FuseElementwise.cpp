//===- FuseElementwise.cpp - Fuse elementwise chains and layout copies ----===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPUFUSEELEMENTWISE
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

/// A generic whose body only yields one of its inputs: a transpose or a
/// broadcast, as cheap to recompute inside each consumer as to read.
bool isDataMovement(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 1)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  return llvm::all_of(yield.getOperands(), [&](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == &body &&
           arg.getArgNumber() < op.getNumDpsInputs();
  });
}

struct QNNCPUFuseElementwisePass
    : qmlir::impl::QNNCPUFuseElementwiseBase<QNNCPUFuseElementwisePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    // Transposes as generics, so that they fuse into their consumers.
    SmallVector<linalg::TransposeOp> transposes;
    func.walk([&](linalg::TransposeOp op) { transposes.push_back(op); });
    for (linalg::TransposeOp op : transposes) {
      rewriter.setInsertionPoint(op);
      if (failed(linalg::generalizeNamedOp(rewriter, op)))
        return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    linalg::ControlFusionFn control = [](OpOperand *operand) {
      auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
      return producer && (producer->hasOneUse() || isDataMovement(producer));
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    tensor::EmptyOp::getCanonicalizationPatterns(patterns, &getContext());
    linalg::GenericOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();

    // A fused chain with identity maps everywhere is one flat loop: collapse
    // its dimensions, so that vectorization gets whole 16-lane rows instead
    // of the channel count (8, 11, 13 lanes...).
    RewritePatternSet collapse(&getContext());
    linalg::populateCollapseDimensions(
        collapse, [](linalg::LinalgOp op) -> SmallVector<ReassociationIndices> {
          auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
          int64_t rank = op.getNumLoops();
          if (!generic || rank < 2 ||
              op.getNumParallelLoops() != rank ||
              !llvm::all_of(op.getIndexingMapsArray(),
                            [](AffineMap m) { return m.isIdentity(); }))
            return {};
          ReassociationIndices all;
          for (int64_t d = 0; d < rank; ++d)
            all.push_back(d);
          return {all};
        });
    if (failed(applyPatternsGreedily(func, std::move(collapse))))
      return signalPassFailure();
  }
};

} // namespace
