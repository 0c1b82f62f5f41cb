//===- VectorMath.cpp - Vector math functions as polynomials --------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// A `math.exp` (sigmoid, softmax), `math.tanh`, `math.erf` (GELU) ... on a
// vector lowers through math-to-libm into one libm call per lane, with the
// lanes extracted and inserted around it: the recognizer's softmaxes spent
// 8 % of its int8 time in scalar expf. Upstream's polynomial approximations
// (Cephes-style range reduction and minimax polynomials, a few ulp) keep
// them as vector arithmetic. Scalar math is left to libm.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPUVECTORMATH
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

struct QNNCPUVectorMathPass
    : qmlir::impl::QNNCPUVectorMathBase<QNNCPUVectorMathPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<math::MathDialect>(op->getDialect()) &&
          op->getNumResults() == 1 && isa<VectorType>(op->getResultTypes()[0]))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    // Every approximation but rsqrt's, which needs x86vector intrinsics
    // (and is one instruction already).
    static const StringRef approximated[] = {
        "tanh", "exp", "expm1", "log", "log1p", "log2", "erf", "erfc",
        "atan", "atan2", "sin", "cos"};
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      name.consume_front("math.");
      return llvm::is_contained(approximated, name);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace
