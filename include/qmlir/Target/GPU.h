//===- GPU.h - int8 tensor-core kernels for NVIDIA GPUs ---------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// The NVVM path: every qnn.matmul (and every 1x1, stride-1, unpadded,
// ungrouped qnn.conv2d, which is a matmul over N*H*W rows) becomes a
// gpu.func using mma.sync.m16n8k32 on int8 (u8 or s8 activations, s8
// weights), with the requantization epilogue of the op (same rounding code
// as the CPU lowering). The module is lowered through MLIR's NVVM pipeline
// to PTX; the host launches it through the CUDA driver API.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_GPU_H
#define QMLIR_TARGET_GPU_H

#include "qmlir/Dialect/QNN/IR/QNNAttrs.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::qmlir {

/// One generated kernel and what the host needs to launch it.
///
/// Parameters (bare pointers, row-major): A i8[mPadded x kPadded],
/// B i8[kPadded x nPadded], bias i32[nPadded], multiplier i32[nPadded],
/// shift i32[nPadded], C i8[mPadded x nPadded]. The host pads A and B with
/// zeros (a zero weight row/column adds nothing; padded outputs are dropped).
/// Launch: grid (nPadded / 8, mPadded / 16, 1), block (32, 1, 1).
struct GPUKernelInfo {
  std::string name;
  int64_t m, n, k, mPadded, nPadded, kPadded;
  bool lhsUnsigned;
  /// Constant weights [k x n] (storage values).
  std::vector<int8_t> weights;
  /// bias - zp_lhs * colsum(weights), per output column.
  std::vector<int32_t> bias;
  std::vector<int32_t> multiplier, shift;
  qnn::RoundingMode rounding;
  int32_t outputZeroPoint, clampMin, clampMax;
  bool outputUnsigned;
};

/// Builds `module { gpu.module @qmlir_kernels { ... } }` with one kernel per
/// eligible op of `quantized`. Ops that are not eligible get a remark.
FailureOr<OwningOpRef<ModuleOp>>
buildGPUKernels(ModuleOp quantized, std::vector<GPUKernelInfo> &kernels);

/// Lowers a module from buildGPUKernels through the NVVM pipeline for
/// `chip` (sm_80, sm_90, ...) and returns the PTX text.
FailureOr<std::string> translateGPUKernelsToPTX(ModuleOp kernels,
                                                StringRef chip);

/// Lowers a module from buildGPUKernels to NVVM and translates its
/// gpu.module to LLVM IR (with NVVM intrinsics), without code generation:
/// what the PTX is made from, for inspection and CPU emulation.
FailureOr<std::unique_ptr<llvm::Module>>
translateGPUKernelsToLLVMIR(ModuleOp kernels, llvm::LLVMContext &llvmContext);

} // namespace mlir::qmlir

#endif // QMLIR_TARGET_GPU_H
