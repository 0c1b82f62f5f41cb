//===- Jit.cpp - JIT execution of lowered models --------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Runtime/Jit.h"

#include "qmlir/Codegen/CPU/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Passes/PassBuilder.h"
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

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
qmlir::createHostTargetMachine() {
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  return machineBuilder->createTargetMachine();
}

/// The function pipeline of JitOptimization::Quick.
static llvm::Error runQuickPipeline(llvm::Module *module) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder;
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::ModulePassManager pm;
  if (llvm::Error err = builder.parsePassPipeline(
          pm, "function(sroa,early-cse<memssa>,instcombine,simplifycfg,"
              "loop-mssa(licm),gvn,instcombine,simplifycfg)"))
    return err;
  pm.run(*module, modules);
  return llvm::Error::success();
}

FailureOr<std::unique_ptr<JitFunction>>
JitFunction::create(ModuleOp module, StringRef name,
                    ArrayRef<int64_t> inputShape, JitResult result,
                    JitOptimization optimization) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  loadOpenMPRuntime();
  ExecutionEngineOptions options;
  // The optimizer sees the host (its cost model, as for an object; with
  // no target machine it tunes for a generic one), as mlir-runner does.
  auto machine = createHostTargetMachine();
  if (!machine) {
    std::string message = llvm::toString(machine.takeError());
    return module.emitError("JIT: no host target machine: ") << message;
  }
  // options.transformer is a function_ref: the function must outlive it.
  std::function<llvm::Error(llvm::Module *)> transformer =
      optimization == JitOptimization::Full
          ? makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0,
                                      machine->get())
          : runQuickPipeline;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = optimization == JitOptimization::Full
                                   ? llvm::CodeGenOptLevel::Default
                                   : llvm::CodeGenOptLevel::Less;
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
  jit->result = std::move(result);
  return jit;
}

JitFunction::~JitFunction() = default;

FailureOr<std::unique_ptr<JitFunction>>
JitFunction::createFromObject(Location loc, ArrayRef<char> object,
                              StringRef name, ArrayRef<int64_t> inputShape,
                              JitResult result) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  loadOpenMPRuntime();
  auto fail = [&](llvm::Error err) {
    std::string message = llvm::toString(std::move(err));
    return emitError(loc, "linking the object in process failed: ") << message;
  };
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit)
    return fail(jit.takeError());
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return fail(process.takeError());
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  if (llvm::Error err =
          (*jit)->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(
              StringRef(object.data(), object.size()), "model.o")))
    return fail(std::move(err));
  std::string symbol = ("_mlir_ciface_" + name).str();
  auto address = (*jit)->lookup(symbol);
  if (!address)
    return fail(address.takeError());
  std::unique_ptr<JitFunction> fn(new JitFunction());
  fn->objectJit = std::move(*jit);
  fn->entry = address->toPtr<void (*)(void *, void *)>();
  fn->inputShape.assign(inputShape.begin(), inputShape.end());
  fn->result = std::move(result);
  return fn;
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
  int64_t resultRank = result.shape.size(), total = 1;
  for (int64_t d : result.shape)
    total *= d;
  std::vector<int64_t> out(3 + 2 * resultRank, 0);
  if (result.outParam) {
    // The caller's buffer, row-major: the callee writes into it.
    output.assign(total, 0.0f);
    out[0] = out[1] = reinterpret_cast<int64_t>(output.data());
    for (int64_t d = resultRank - 1, s = 1; d >= 0; --d) {
      out[3 + d] = result.shape[d];
      out[3 + resultRank + d] = s;
      s *= result.shape[d];
    }
    entry(in.data(), out.data());
    outputShape.assign(result.shape.begin(), result.shape.end());
    return "";
  }
  entry(out.data(), in.data());

  auto *data = reinterpret_cast<float *>(out[1]) + out[2];
  outputShape.clear();
  for (int64_t d = 0; d < resultRank; ++d)
    outputShape.push_back(out[3 + d]);
  int64_t expectedStride = 1;
  for (int64_t d = resultRank - 1; d >= 0; --d) {
    if (out[3 + d] != 1 && out[3 + resultRank + d] != expectedStride)
      return "JIT result is not contiguous";
    expectedStride *= out[3 + d];
  }
  bool asDeclared = ArrayRef<int64_t>(outputShape) == ArrayRef(result.shape);
  if (asDeclared)
    output.assign(data, data + total);
  std::free(reinterpret_cast<void *>(out[0]));
  if (!asDeclared)
    return "JIT result shape differs from the function's result type";
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

std::string qmlir::invokeMemRefFunction(ExecutionEngine &engine,
                                        StringRef name,
                                        MutableArrayRef<JitBuffer> inputs,
                                        ArrayRef<int64_t> resultRanks,
                                        ArrayRef<int64_t> resultElementBytes,
                                        std::vector<JitBuffer> &results) {
  loadOpenMPRuntime();
  // Descriptors {allocated, aligned, offset, sizes[r], strides[r]}, all
  // 8-byte fields; several results are one struct of descriptors.
  std::vector<std::vector<int64_t>> descriptors;
  for (JitBuffer &in : inputs) {
    int64_t rank = in.shape.size();
    std::vector<int64_t> d(3 + 2 * rank);
    d[0] = d[1] = reinterpret_cast<int64_t>(in.data.data());
    int64_t stride = 1;
    for (int64_t i = rank - 1; i >= 0; --i) {
      d[3 + i] = in.shape[i];
      d[3 + rank + i] = stride;
      stride *= in.shape[i];
    }
    descriptors.push_back(std::move(d));
  }
  int64_t resultWords = 0;
  for (int64_t r : resultRanks)
    resultWords += 3 + 2 * r;
  std::vector<int64_t> resultStruct(std::max<int64_t>(resultWords, 1), 0);
  std::vector<void *> pointers;
  if (!resultRanks.empty())
    pointers.push_back(resultStruct.data());
  for (auto &d : descriptors)
    pointers.push_back(d.data());
  SmallVector<void *> args;
  for (void *&p : pointers)
    args.push_back(&p);
  if (llvm::Error err = engine.invokePacked(("_mlir_ciface_" + name).str(),
                                            args)) {
    return "JIT call failed: " + llvm::toString(std::move(err));
  }
  results.clear();
  // Freed after every result is copied: two results may be views of one
  // buffer (two reshapes of one tensor).
  llvm::SmallPtrSet<void *, 8> toFree;
  int64_t at = 0;
  for (auto [rank, bytes] : llvm::zip(resultRanks, resultElementBytes)) {
    JitBuffer out;
    out.elementBytes = bytes;
    auto *allocated = reinterpret_cast<char *>(resultStruct[at]);
    auto *aligned = reinterpret_cast<char *>(resultStruct[at + 1]);
    int64_t offset = resultStruct[at + 2];
    int64_t count = 1;
    for (int64_t i = 0; i < rank; ++i) {
      out.shape.push_back(resultStruct[at + 3 + i]);
      count *= out.shape.back();
    }
    // Row-major copy honoring the strides.
    out.data.resize(count * bytes);
    for (int64_t linear = 0; linear < count; ++linear) {
      int64_t rem = linear, src = offset;
      for (int64_t i = rank - 1; i >= 0; --i) {
        int64_t idx = rem % out.shape[i];
        rem /= out.shape[i];
        src += idx * resultStruct[at + 3 + rank + i];
      }
      std::memcpy(out.data.data() + linear * bytes, aligned + src * bytes,
                  bytes);
    }
    // The results are owned by the caller (ownership-based deallocation);
    // two results may still be one buffer, and none is ever an input.
    bool isInput = llvm::any_of(inputs, [&](JitBuffer &in) {
      return in.data.data() == allocated;
    });
    if (!isInput)
      toFree.insert(allocated);
    results.push_back(std::move(out));
    at += 3 + 2 * rank;
  }
  for (void *p : toFree)
    std::free(p);
  return "";
}
