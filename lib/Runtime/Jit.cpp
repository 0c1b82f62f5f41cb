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
#include "llvm/ADT/StringSet.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

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
JitFunction::create(ModuleOp module, StringRef name, JitSignature signature,
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
  jit->entry = reinterpret_cast<void *>(*entry);
  jit->signature = std::move(signature);
  return jit;
}

JitFunction::~JitFunction() = default;

FailureOr<std::unique_ptr<JitFunction>>
JitFunction::createFromObject(Location loc, ArrayRef<char> object,
                              StringRef name, JitSignature signature) {
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
  fn->entry = address->toPtr<void *>();
  fn->signature = std::move(signature);
  return fn;
}

/// Calls `fn` with the pointers `args` (its C interface takes one pointer
/// per memref argument and, for returned results, one before them).
template <size_t... I>
static void callWithPointers(void *fn, void *const *args,
                             std::index_sequence<I...>) {
  using Fn = void (*)(decltype((void)I, (void *)nullptr)...);
  reinterpret_cast<Fn>(fn)(args[I]...);
}

template <size_t... N>
static void dispatchCall(void *fn, ArrayRef<void *> args,
                         std::index_sequence<N...>) {
  using Caller = void (*)(void *, void *const *);
  static constexpr Caller callers[] = {+[](void *f, void *const *a) {
    callWithPointers(f, a, std::make_index_sequence<N>());
  }...};
  callers[args.size()](fn, args.data());
}

/// A descriptor {allocated, aligned, offset, sizes[r], strides[r]} of the
/// row-major buffer `data` of `shape`.
static std::vector<int64_t> descriptor(void *data, ArrayRef<int64_t> shape) {
  int64_t rank = shape.size();
  std::vector<int64_t> d(3 + 2 * rank, 0);
  d[0] = d[1] = reinterpret_cast<int64_t>(data);
  for (int64_t i = rank - 1, stride = 1; i >= 0; --i) {
    d[3 + i] = shape[i];
    d[3 + rank + i] = stride;
    stride *= shape[i];
  }
  return d;
}

static int64_t elementCount(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string JitFunction::run(ArrayRef<std::vector<float>> inputs,
                             std::vector<std::vector<float>> &outputs) const {
  const JitSignature &sig = signature;
  if (inputs.size() != sig.inputs.size())
    return "the function takes " + std::to_string(sig.inputs.size()) +
           " inputs, given " + std::to_string(inputs.size());
  size_t arguments = sig.inputs.size() + (sig.outParams ? sig.results.size()
                                                        : !sig.results.empty());
  if (arguments > kMaxArguments)
    return "the function has " + std::to_string(arguments) +
           " memref arguments, more than the " + std::to_string(kMaxArguments) +
           " the JIT calls";
  // Inputs are copied: the callee may write into its arguments.
  std::vector<std::vector<float>> buffers;
  std::vector<std::vector<int64_t>> descriptors;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    int64_t count = elementCount(sig.inputs[i]);
    if (static_cast<int64_t>(input.size()) != count)
      return "input " + std::to_string(i) + " has " +
             std::to_string(input.size()) + " elements, expected " +
             std::to_string(count);
    buffers.push_back(input);
  }
  for (auto [i, buffer] : llvm::enumerate(buffers))
    descriptors.push_back(descriptor(buffer.data(), sig.inputs[i]));
  outputs.assign(sig.results.size(), {});
  SmallVector<void *> args;
  std::vector<int64_t> resultStruct;
  if (sig.outParams) {
    // The caller's buffers, row-major: the callee writes into them.
    for (auto [i, shape] : llvm::enumerate(sig.results)) {
      outputs[i].assign(elementCount(shape), 0.0f);
      descriptors.push_back(descriptor(outputs[i].data(), shape));
    }
    for (auto &d : descriptors)
      args.push_back(d.data());
    dispatchCall(entry, args, std::make_index_sequence<kMaxArguments + 1>());
    return "";
  }
  // Returned results: one struct of descriptors before the arguments.
  int64_t words = 0;
  for (const auto &shape : sig.results)
    words += 3 + 2 * shape.size();
  resultStruct.assign(std::max<int64_t>(words, 1), 0);
  if (!sig.results.empty())
    args.push_back(resultStruct.data());
  for (auto &d : descriptors)
    args.push_back(d.data());
  dispatchCall(entry, args, std::make_index_sequence<kMaxArguments + 1>());
  std::string error;
  llvm::SmallPtrSet<void *, 8> toFree;
  int64_t at = 0;
  for (auto [i, shape] : llvm::enumerate(sig.results)) {
    int64_t rank = shape.size();
    auto *allocated = reinterpret_cast<void *>(resultStruct[at]);
    auto *data =
        reinterpret_cast<float *>(resultStruct[at + 1]) + resultStruct[at + 2];
    bool ok = true;
    for (int64_t d = rank - 1, expected = 1; d >= 0; --d) {
      ok &= resultStruct[at + 3 + d] == shape[d];
      ok &= shape[d] == 1 || resultStruct[at + 3 + rank + d] == expected;
      expected *= shape[d];
    }
    if (ok)
      outputs[i].assign(data, data + elementCount(shape));
    else if (error.empty())
      error = "JIT result " + std::to_string(i) +
              " differs from the function's result type (shape or layout)";
    // Two results may be views of one buffer; none is ever an input.
    if (llvm::none_of(buffers, [&](std::vector<float> &b) {
          return b.data() == allocated;
        }))
      toFree.insert(allocated);
    at += 3 + 2 * rank;
  }
  for (void *p : toFree)
    std::free(p);
  return error;
}

std::string JitFunction::run(ArrayRef<float> input,
                             std::vector<float> &output) const {
  if (signature.inputs.size() != 1 || signature.results.size() != 1)
    return "the function does not take one input and give one result";
  std::vector<std::vector<float>> outputs;
  std::vector<std::vector<float>> inputs(1);
  inputs[0].assign(input.begin(), input.end());
  std::string error = run(inputs, outputs);
  if (error.empty())
    output = std::move(outputs[0]);
  return error;
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

namespace {
/// The value of `key` in a .npy header dictionary ("{'descr': '<f4', ...}"):
/// the text after "'key':" up to the next top-level comma or brace.
std::optional<StringRef> npyHeaderValue(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  size_t end =
      rest.front() == '(' ? rest.find(')') + 1 : rest.find_first_of(",}");
  if (end == StringRef::npos || end == 0)
    return std::nullopt;
  return rest.take_front(end).trim();
}
} // namespace

std::string qmlir::readNpyFile(StringRef path, ArrayRef<int64_t> shape,
                               std::vector<float> &values) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return "cannot read '" + path.str() + "': " + file.getError().message();
  StringRef bytes = (*file)->getBuffer();
  auto bad = [&](const Twine &what) {
    return ("'" + path + "' is not a readable .npy file: " + what).str();
  };
  if (!bytes.starts_with("\x93NUMPY") || bytes.size() < 10)
    return bad("no .npy magic");
  uint8_t major = bytes[6];
  size_t headerLen, headerAt;
  if (major == 1) {
    headerLen = uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8;
    headerAt = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return bad("truncated header");
    headerLen = uint32_t(uint8_t(bytes[8])) | uint32_t(uint8_t(bytes[9])) << 8 |
                uint32_t(uint8_t(bytes[10])) << 16 |
                uint32_t(uint8_t(bytes[11])) << 24;
    headerAt = 12;
  } else {
    return bad("format version " + Twine(int(major)));
  }
  if (headerAt + headerLen > bytes.size())
    return bad("truncated header");
  StringRef header = bytes.substr(headerAt, headerLen);
  std::optional<StringRef> descr = npyHeaderValue(header, "descr");
  std::optional<StringRef> fortran = npyHeaderValue(header, "fortran_order");
  std::optional<StringRef> shapeText = npyHeaderValue(header, "shape");
  if (!descr || !fortran || !shapeText)
    return bad("its header lacks descr, fortran_order or shape");
  StringRef type = descr->trim("'\"");
  int elementBytes = type == "<f4" ? 4 : type == "<f8" ? 8 : 0;
  if (!elementBytes)
    return "'" + path.str() + "' holds " + type.str() +
           " values; inputs are little-endian float32 ('<f4') or float64 "
           "('<f8')";
  if (*fortran != "False")
    return "'" + path.str() + "' is in Fortran order; save it in C order";
  SmallVector<int64_t> fileShape;
  SmallVector<StringRef> dims;
  shapeText->trim("()").split(dims, ',', -1, /*KeepEmpty=*/false);
  for (StringRef dim : dims) {
    int64_t d;
    if (dim.trim().getAsInteger(10, d) || d < 0)
      return bad("shape " + *shapeText);
    fileShape.push_back(d);
  }
  // Leading dimensions of 1 may be missing on either side.
  auto squeeze = [](ArrayRef<int64_t> s) {
    while (!s.empty() && s.front() == 1)
      s = s.drop_front();
    return s;
  };
  if (squeeze(fileShape) != squeeze(shape)) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "'" << path << "' has shape (";
    llvm::interleaveComma(fileShape, os);
    os << "), the input is (";
    llvm::interleaveComma(shape, os);
    os << ")";
    return text;
  }
  int64_t count = elementCount(shape);
  size_t dataAt = headerAt + headerLen;
  if (bytes.size() - dataAt != size_t(count) * elementBytes)
    return bad("expected " + Twine(count * elementBytes) +
               " bytes of data, found " + Twine(bytes.size() - dataAt));
  values.resize(count);
  const char *data = bytes.data() + dataAt;
  for (int64_t i = 0; i < count; ++i) {
    if (elementBytes == 4) {
      std::memcpy(&values[i], data + 4 * i, 4);
    } else {
      double d;
      std::memcpy(&d, data + 8 * i, 8);
      values[i] = static_cast<float>(d);
    }
  }
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
    if (StringRef ext = llvm::sys::path::extension(it->path());
        ext == ".bin" || ext == ".npy")
      files.push_back(it->path());
  if (ec)
    return "cannot list '" + dir.str() + "': " + ec.message();
  if (files.empty())
    return "no inputs (*.bin, *.npy) in '" + dir.str() + "'";
  std::sort(files.begin(), files.end());
  return "";
}

std::string qmlir::fileSafeName(StringRef name) {
  std::string safe = name.str();
  for (char &c : safe)
    if (!llvm::isAlnum(c) && c != '-' && c != '_')
      c = '_';
  return safe;
}

std::string qmlir::listInputSamples(StringRef dir,
                                    ArrayRef<std::string> inputNames,
                                    std::vector<InputSample> &samples) {
  std::vector<std::string> files;
  if (std::string error = listInputFiles(dir, files); !error.empty())
    return error;
  samples.clear();
  if (inputNames.size() == 1) {
    for (const std::string &f : files)
      samples.push_back({llvm::sys::path::filename(f).str(), {f}});
    return "";
  }
  llvm::StringSet<> present;
  for (const std::string &f : files)
    present.insert(f);
  std::string first = "." + fileSafeName(inputNames.front());
  llvm::StringSet<> seen;
  for (const std::string &f : files) {
    StringRef file = llvm::sys::path::filename(f);
    StringRef stem = llvm::sys::path::stem(file);
    if (!stem.ends_with(first) || stem.size() == first.size())
      continue;
    InputSample sample;
    sample.name = stem.drop_back(first.size()).str();
    // S.<input>.bin and S.<input>.npy are one sample (the .bin is read).
    if (!seen.insert(sample.name).second)
      continue;
    for (const std::string &input : inputNames) {
      SmallString<128> bin(dir), npy(dir);
      llvm::sys::path::append(bin,
                              sample.name + "." + fileSafeName(input) + ".bin");
      llvm::sys::path::append(npy,
                              sample.name + "." + fileSafeName(input) + ".npy");
      if (!present.contains(bin) && !present.contains(npy))
        return "sample '" + sample.name + "' of '" + dir.str() +
               "' has no file for input '" + input + "' (expected '" +
               bin.str().str() + "' or .npy)";
      sample.files.push_back(present.contains(bin) ? bin.str().str()
                                                   : npy.str().str());
    }
    samples.push_back(std::move(sample));
  }
  if (samples.empty())
    return "no samples in '" + dir.str() + "': a model of several inputs " +
           "reads one file <sample>.<input>.bin (or .npy) per input (here '*" +
           first + ".bin' and the others)";
  return "";
}

std::string qmlir::readInputSample(const InputSample &sample,
                                   ArrayRef<SmallVector<int64_t>> shapes,
                                   std::vector<std::vector<float>> &values) {
  values.assign(shapes.size(), {});
  for (auto [i, file] : llvm::enumerate(sample.files)) {
    std::string e = StringRef(file).ends_with(".npy")
                        ? readNpyFile(file, shapes[i], values[i])
                        : readF32File(file, elementCount(shapes[i]), values[i]);
    if (!e.empty())
      return e;
    for (auto [k, v] : llvm::enumerate(values[i]))
      if (!std::isfinite(v))
        return "'" + file + "' has a non-finite value (" +
               (std::isnan(v) ? "nan"
                : v > 0       ? "inf"
                              : "-inf") +
               ") at element " + std::to_string(k);
  }
  return "";
}

std::string qmlir::tensorName(Operation *op, unsigned i, bool result) {
  auto names = op->getAttrOfType<ArrayAttr>(result ? "qmlir.output_names"
                                                   : "qmlir.input_names");
  if (names && i < names.size())
    if (auto name = dyn_cast<StringAttr>(names[i]))
      return name.str();
  return (result ? "output" : "input") + std::to_string(i);
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
  for (JitBuffer &in : inputs)
    descriptors.push_back(descriptor(in.data.data(), in.shape));
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
