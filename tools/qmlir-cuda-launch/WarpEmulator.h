//===- WarpEmulator.h - Run NVVM kernels on the CPU -------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Executes the device LLVM IR of qmlir's int8 kernels on the host: the NVVM
// special registers and the warp-wide mma.sync m16n8k32 are replaced by host
// functions, the module is JIT-compiled for the host, and each block runs as
// 32 threads that meet at every mma (the warp's lockstep). The mma follows
// the fragment tables of the PTX ISA independently of the kernel generator,
// so a wrong fragment layout in the kernels shows up as wrong results.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TOOLS_QMLIR_CUDA_LAUNCH_WARPEMULATOR_H
#define QMLIR_TOOLS_QMLIR_CUDA_LAUNCH_WARPEMULATOR_H

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <string>

namespace mlir::qmlir {

class WarpEmulator {
public:
  /// Prepares `module` (from translateGPUKernelsToLLVMIR) for the host.
  static llvm::Expected<std::unique_ptr<WarpEmulator>>
  create(std::unique_ptr<llvm::Module> module,
         std::unique_ptr<llvm::LLVMContext> context);

  /// Runs `kernel` (six pointer parameters) on a grid of gridX x gridY blocks
  /// of one warp.
  llvm::Error run(llvm::StringRef kernel, unsigned gridX, unsigned gridY,
                  void *const args[6]);

private:
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

} // namespace mlir::qmlir

#endif // QMLIR_TOOLS_QMLIR_CUDA_LAUNCH_WARPEMULATOR_H
