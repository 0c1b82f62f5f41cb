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

/// The static f32 tensors a function takes and gives back, and how it gives
/// them back: returned (descriptors of buffers the callee allocated, which
/// the caller frees) or as out-params (its last arguments, buffers the
/// caller provides: the convention of `resultsAsOutParams`, no allocation
/// per call).
struct JitSignature {
  SmallVector<SmallVector<int64_t>> inputs;
  SmallVector<SmallVector<int64_t>> results;
  bool outParams = false;
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

/// A JIT-compiled function of static f32 tensor arguments and results,
/// called through its C interface (`_mlir_ciface_<name>`).
class JitFunction {
public:
  /// Compiles `module`, already lowered to the LLVM dialect, whose function
  /// `name` was marked `llvm.emit_c_interface` before lowering. Diagnostics
  /// go to the module's context.
  static FailureOr<std::unique_ptr<JitFunction>>
  create(ModuleOp module, StringRef name, JitSignature signature,
         JitOptimization optimization = JitOptimization::Full);

  /// Links `object`, a relocatable object for the host (emitObject), in
  /// process instead of compiling again: the code run is the code shipped.
  /// Its other symbols resolve in the process (libc, libm, libomp).
  static FailureOr<std::unique_ptr<JitFunction>>
  createFromObject(Location loc, ArrayRef<char> object, StringRef name,
                   JitSignature signature);

  ~JitFunction();

  /// Runs on `inputs` (row-major, one per argument of the signature); fills
  /// `outputs` (one per result). Returns an error message on failure, an
  /// empty string on success.
  std::string run(ArrayRef<std::vector<float>> inputs,
                  std::vector<std::vector<float>> &outputs) const;

  /// The same for a function of one argument and one result.
  std::string run(ArrayRef<float> input, std::vector<float> &output) const;

  const JitSignature &getSignature() const { return signature; }

  /// The most arguments (inputs and results) a function may take.
  static constexpr size_t kMaxArguments = 16;

private:
  JitFunction() = default;
  std::unique_ptr<ExecutionEngine> engine;
  std::unique_ptr<llvm::orc::LLJIT> objectJit;
  void *entry = nullptr;
  JitSignature signature;
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

/// Reads a NumPy `.npy` file of little-endian float32 or float64 values in
/// C order whose shape is `shape` (leading dimensions of 1 may be missing
/// on either side), converted to f32. An error message, or empty.
std::string readNpyFile(StringRef path, ArrayRef<int64_t> shape,
                        std::vector<float> &values);

/// The `*.bin` and `*.npy` files of `dir`, sorted by name, or an error
/// message.
std::string listInputFiles(StringRef dir, std::vector<std::string> &files);

/// One input sample: a file per function argument.
struct InputSample {
  /// The sample's name (the file name, or the stem shared by its files).
  std::string name;
  std::vector<std::string> files;
};

/// The name under which files of a tensor named `name` are looked up:
/// characters other than letters, digits, '-' and '_' become '_'.
std::string fileSafeName(StringRef name);

/// The samples of `dir` for a function whose inputs are named `inputNames`,
/// sorted by name. With one input, each `*.bin` (raw f32) or `*.npy` file is
/// a sample. With several, a sample `S` is the files `S.<input>.bin` (or
/// `.npy`), one per input
/// (fileSafeName), as `scripts/ort_run.js` names several outputs. An error
/// message, or empty.
std::string listInputSamples(StringRef dir, ArrayRef<std::string> inputNames,
                             std::vector<InputSample> &samples);

/// Reads the files of `sample` (f32, `shapes`) into `values`; rejects a
/// non-finite value. An error message, or empty.
std::string readInputSample(const InputSample &sample,
                            ArrayRef<SmallVector<int64_t>> shapes,
                            std::vector<std::vector<float>> &values);

/// The name of argument `i` (or, `result` true, result `i`) of `func`: from
/// its `qmlir.input_names` / `qmlir.output_names` attributes (the ONNX
/// importer records the graph's names), else "input<i>" / "output<i>".
std::string tensorName(Operation *func, unsigned i, bool result);

} // namespace mlir::qmlir

#endif // QMLIR_RUNTIME_JIT_H
