//===- Passes.h - CPU code generation passes --------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_CPU_PASSES_H
#define QMLIR_CODEGEN_CPU_PASSES_H

#include "qmlir/Codegen/CPU/Target.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qmlir {

#define GEN_PASS_DECL
#include "qmlir/Codegen/CPU/Passes.h.inc"

/// Unit attribute of the kernel functions qnn-cpu-microkernels creates; the
/// generic tiling and vectorization leave them alone.
constexpr llvm::StringLiteral kMicrokernelAttrName = "qnn.microkernel";

/// Marks the linalg.generic of a byte table lookup (qnn-cpu-lookup-tables).
constexpr llvm::StringLiteral kLookupTableAttrName = "qnn.lookup_table";

/// How the microkernels use threads.
struct MicrokernelOptions {
  /// > 1: large kernels split their rows in an scf.parallel.
  unsigned threads = 1;
  /// Smallest kernel, in multiply-adds, that gets a parallel loop.
  int64_t parallelMacs = int64_t(1) << 22;
};

/// Patterns rewriting constant-weight qnn.matmul / dense and depthwise
/// qnn.conv2d into calls to generated dot-product microkernels for
/// `target`. The kernel functions and packed constants are created in the
/// enclosing module.
void populateQNNToCPUMicrokernelPatterns(
    RewritePatternSet &patterns, const CPUTarget &target,
    const MicrokernelOptions &options = {});

/// Patterns turning the target-neutral 4-way dot products of the
/// microkernels (a multi-reduction of a product of extended i8 vectors) into
/// `vpdpbusd` / `usdot` / `sdot` intrinsic calls for `target`.
/// Patterns lowering NCHW -> NHWC transposes of few channels to vector
/// interleaves, a per-tensor quantization of them moved first
/// (qnn-cpu-interleave-channels).
void populateInterleaveChannelsPatterns(RewritePatternSet &patterns);

void populateLowerDotProductPatterns(RewritePatternSet &patterns,
                                     const CPUTarget &target);

/// vector.gather from a 256-byte table -> the target's byte permutes.
void populateLowerTableLookupPatterns(RewritePatternSet &patterns,
                                      const CPUTarget &target);

#define GEN_PASS_REGISTRATION
#include "qmlir/Codegen/CPU/Passes.h.inc"

} // namespace mlir::qmlir

#endif // QMLIR_CODEGEN_CPU_PASSES_H
