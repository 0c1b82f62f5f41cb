//===- Jit.cpp - JIT execution of lowered models --------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/Jit.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qmlir;

LogicalResult qmlir::markForCInterface(ModuleOp module, StringRef funcName) {
  auto func = module.lookupSymbol<func::FuncOp>(funcName);
  if (!func)
    return module.emitError("no function named '") << funcName << "'";
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(module.getContext()));
  return success();
}

FailureOr<std::unique_ptr<JitFunction>>
JitFunction::create(ModuleOp module, StringRef name,
                    ArrayRef<int64_t> inputShape, int64_t resultRank,
                    unsigned optLevel) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ExecutionEngineOptions options;
  options.transformer = makeOptimizingTransformer(optLevel, /*sizeLevel=*/0,
                                                  /*targetMachine=*/nullptr);
  options.jitCodeGenOptLevel = static_cast<llvm::CodeGenOptLevel>(optLevel);
  auto engine = ExecutionEngine::create(module, options);
  if (!engine) {
    std::string message = llvm::toString(engine.takeError());
    return module.emitError("JIT compilation failed: ") << message;
  }
  std::string symbol = ("_mlir_ciface_" + name).str();
  auto entry = (*engine)->lookup(symbol);
  if (!entry) {
    llvm::consumeError(entry.takeError());
    return module.emitError("JIT: no symbol '")
           << symbol << "' (was the function marked llvm.emit_c_interface?)";
  }
  std::unique_ptr<JitFunction> jit(new JitFunction());
  jit->engine = std::move(*engine);
  jit->entry = reinterpret_cast<void (*)(void *, void *)>(*entry);
  jit->inputShape.assign(inputShape.begin(), inputShape.end());
  jit->resultRank = resultRank;
  return jit;
}

std::string JitFunction::run(ArrayRef<float> input, std::vector<float> &output,
                             SmallVectorImpl<int64_t> &outputShape) const {
  int64_t rank = inputShape.size();
  int64_t count = 1;
  for (int64_t d : inputShape)
    count *= d;
  if (static_cast<int64_t>(input.size()) != count)
    return "input has " + std::to_string(input.size()) +
           " elements, expected " + std::to_string(count);
  // Memref descriptors: {allocated, aligned, offset, sizes[r], strides[r]}.
  std::vector<int64_t> in(3 + 2 * rank);
  std::vector<float> buffer(input.begin(), input.end());
  in[0] = in[1] = reinterpret_cast<int64_t>(buffer.data());
  in[2] = 0;
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d) {
    in[3 + d] = inputShape[d];
    in[3 + rank + d] = stride;
    stride *= inputShape[d];
  }
  std::vector<int64_t> out(3 + 2 * resultRank, 0);
  entry(out.data(), in.data());

  auto *data = reinterpret_cast<float *>(out[1]) + out[2];
  outputShape.clear();
  int64_t total = 1;
  for (int64_t d = 0; d < resultRank; ++d) {
    outputShape.push_back(out[3 + d]);
    total *= out[3 + d];
  }
  int64_t expectedStride = 1;
  for (int64_t d = resultRank - 1; d >= 0; --d) {
    if (out[3 + d] != 1 && out[3 + resultRank + d] != expectedStride)
      return "JIT result is not contiguous";
    expectedStride *= out[3 + d];
  }
  output.assign(data, data + total);
  std::free(reinterpret_cast<void *>(out[0]));
  return "";
}

std::string qmlir::readF32File(StringRef path, int64_t count,
                               std::vector<float> &values) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return "cannot read '" + path.str() + "': " + file.getError().message();
  int64_t bytes = (*file)->getBufferSize();
  if (bytes != count * 4)
    return "'" + path.str() + "' has " + std::to_string(bytes) +
           " bytes, expected " + std::to_string(count * 4) + " (" +
           std::to_string(count) + " f32 values)";
  values.resize(count);
  std::memcpy(values.data(), (*file)->getBufferStart(), bytes);
  return "";
}

std::string qmlir::listInputFiles(StringRef dir,
                                  std::vector<std::string> &files) {
  if (!llvm::sys::fs::is_directory(dir))
    return "input directory '" + dir.str() + "' does not exist";
  std::error_code ec;
  files.clear();
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".bin")
      files.push_back(it->path());
  if (ec)
    return "cannot list '" + dir.str() + "': " + ec.message();
  if (files.empty())
    return "no inputs (*.bin) in '" + dir.str() + "'";
  std::sort(files.begin(), files.end());
  return "";
}
