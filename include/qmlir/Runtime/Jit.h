//===- Jit.h - JIT execution of lowered models ------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_JIT_H
#define QMLIR_RUNTIME_JIT_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <vector>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace mlir::qmlir {

/// How a function hands back its static-shaped result: returned (a
/// descriptor of a buffer the callee allocated, the caller frees it) or as
/// an out-param (its last argument, a buffer the caller provides: the
/// convention of `resultsAsOutParams`, no allocation per call).
struct JitResult {
  SmallVector<int64_t> shape;
  bool outParam = false;
};

/// How much LLVM optimizes a JIT compilation.
enum class JitOptimization {
  /// LLVM -O2, for code that runs long (vectorized models).
  Full,
  /// A short function pipeline (SROA, early CSE, instcombine, LICM, GVN,
  /// simplifycfg) and -O1 instruction selection: for the plain loops of the
  /// reference lowering, which run a few times (calibration, the float
  /// reference of the report). -O1/-O2 spend seconds in IndVarSimplify on
  /// their deep loop nests for no gain.
  Quick,
};

/// A target machine for this host (CPU and features), for the optimizer of
/// JIT compilations: with none, LLVM's O3 tunes for a generic target.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine();

/// A JIT-compiled function of one f32 tensor argument and one f32 tensor
/// result, called through its C interface (`_mlir_ciface_<name>`).
class JitFunction {
public:
  /// Compiles `module`, already lowered to the LLVM dialect, whose function
  /// `name` was marked `llvm.emit_c_interface` before lowering. Diagnostics
  /// go to the module's context.
  static FailureOr<std::unique_ptr<JitFunction>>
  create(ModuleOp module, StringRef name, ArrayRef<int64_t> inputShape,
         JitResult result,
         JitOptimization optimization = JitOptimization::Full);

  /// Links `object`, a relocatable object for the host (emitObject), in
  /// process instead of compiling again: the code run is the code shipped.
  /// Its other symbols resolve in the process (libc, libm, libomp).
  static FailureOr<std::unique_ptr<JitFunction>>
  createFromObject(Location loc, ArrayRef<char> object, StringRef name,
                   ArrayRef<int64_t> inputShape, JitResult result);

  ~JitFunction();

  /// Runs on `input` (row-major, `inputShape`); fills `output` and its shape.
  /// Returns an error message on failure, an empty string on success.
  std::string run(ArrayRef<float> input, std::vector<float> &output,
                  SmallVectorImpl<int64_t> &outputShape) const;

private:
  JitFunction() = default;
  std::unique_ptr<ExecutionEngine> engine;
  std::unique_ptr<llvm::orc::LLJIT> objectJit;
  void (*entry)(void *, void *) = nullptr;
  SmallVector<int64_t> inputShape;
  JitResult result;
};

/// A dense row-major buffer passed to or returned by a JIT-compiled function.
struct JitBuffer {
  std::vector<char> data;
  SmallVector<int64_t> shape;
  int64_t elementBytes = 4;
};

/// Calls `_mlir_ciface_<name>` of a module lowered with
/// `llvm.emit_c_interface` on memref arguments of any element type and rank,
/// and copies out every result (freeing the buffers the callee allocated).
/// `resultRanks` gives each result's rank and `resultElementBytes` its
/// element size. Returns an error message or an empty string.
std::string invokeMemRefFunction(ExecutionEngine &engine, StringRef name,
                                 MutableArrayRef<JitBuffer> inputs,
                                 ArrayRef<int64_t> resultRanks,
                                 ArrayRef<int64_t> resultElementBytes,
                                 std::vector<JitBuffer> &results);

/// Marks `funcName` in `module` with `llvm.emit_c_interface`.
LogicalResult markForCInterface(ModuleOp module, StringRef funcName);

/// Reads a raw little-endian f32 file of exactly `count` values.
/// Returns an error message on failure, an empty string on success.
std::string readF32File(StringRef path, int64_t count,
                        std::vector<float> &values);

/// The `*.bin` files of `dir`, sorted by name, or an error message.
std::string listInputFiles(StringRef dir, std::vector<std::string> &files);

} // namespace mlir::qmlir

#endif // QMLIR_RUNTIME_JIT_H
