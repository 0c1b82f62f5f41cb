//===- qmlir-onnx-conformance.cpp - ONNX backend node tests ---------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Runs the ONNX backend node tests (model.onnx + test_data_set_*/input_N.pb,
// output_N.pb, as shipped by Debian's libonnx-testdata) through the
// compiler: import, lower with qnn-lower-to-llvm, JIT, run every data set and
// compare with the expected outputs: exactly for integers, within
// |got - expected| <= atol + rtol * |expected| for floats (NaN matches NaN,
// an infinity the same infinity).
//
// Scales and zero points (and Resize scales/sizes) that a test passes as
// graph inputs are bound to the data set's values before import (qmlir
// compiles quantization parameters and shapes as constants).
//
// A test is UNSUPPORTED when the importer declines the model (an operator,
// attribute value or type it does not handle, reported as such); any other
// failure is FAILED. Prints one line per test, the unsupported tests by name
// and a summary "N passed, M failed, K unsupported"; exits non-zero if any
// test failed.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runtime/Jit.h"
#include "qmlir/Target/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/TargetSelect.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::qmlir;
namespace cl = llvm::cl;

static cl::opt<std::string>
    dataDir(cl::Positional, cl::desc("<node test directory>"),
            cl::init("/usr/share/libonnx-testdata/data/node"));
static cl::opt<std::string> filter("filter",
                                   cl::desc("Only tests matching this regex"),
                                   cl::init(""));
static cl::opt<double> relTol("rtol", cl::desc("Relative float tolerance"),
                            cl::init(1e-3));
static cl::opt<double> absTol("atol", cl::desc("Absolute float tolerance"),
                            cl::init(1e-5));
static cl::opt<bool> verbose("v", cl::desc("Print every test"));

namespace {

enum class Outcome { Pass, Fail, Unsupported };

struct Result {
  Outcome outcome;
  std::string message;
};

/// Element size of an ONNX data type, or 0 if the runner cannot handle it.
int64_t elementBytes(int32_t type) {
  switch (type) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return 8;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return 1;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
    return 2;
  default:
    return 0;
  }
}

/// Reads a TensorProto file into a dense buffer; `type` gets the ONNX type.
std::string readTensor(StringRef path, JitBuffer &buffer, int32_t &type) {
  auto file = llvm::MemoryBuffer::getFile(path, false, false);
  if (!file)
    return "cannot read " + path.str();
  onnx::TensorProto t;
  if (!t.ParseFromArray((*file)->getBufferStart(), (*file)->getBufferSize()))
    return "corrupt tensor " + path.str();
  type = t.data_type();
  int64_t bytes = elementBytes(type);
  if (!bytes)
    return "unsupported tensor type " + std::to_string(type);
  buffer.elementBytes = bytes;
  buffer.shape.assign(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : buffer.shape) {
    if (d < 0 || (d > 0 && count > (int64_t(1) << 32) / d))
      return "tensor " + path.str() + " has an invalid shape";
    count *= d;
  }
  int64_t available =
      t.has_raw_data() ? int64_t(t.raw_data().size()) / bytes
                       : std::max({t.float_data_size(), t.double_data_size(),
                                   t.int64_data_size(), t.uint64_data_size(),
                                   t.int32_data_size()});
  if (available != count)
    return "tensor " + path.str() + " has the wrong data size";
  buffer.data.assign(count * bytes, 0);
  if (t.has_raw_data()) {
    if (count) // an empty tensor has no data pointer
      std::memcpy(buffer.data.data(), t.raw_data().data(), count * bytes);
    return "";
  }
  auto copy = [&](const auto &field) -> std::string {
    if (field.size() != count)
      return "tensor " + path.str() + " has the wrong element count";
    for (int64_t i = 0; i < count; ++i) {
      auto v = field.Get(i);
      std::memcpy(buffer.data.data() + i * bytes, &v, bytes);
    }
    return "";
  };
  switch (type) {
  case onnx::TensorProto::FLOAT:
    return copy(t.float_data());
  case onnx::TensorProto::DOUBLE:
    return copy(t.double_data());
  case onnx::TensorProto::INT64:
    return copy(t.int64_data());
  case onnx::TensorProto::UINT64:
    return copy(t.uint64_data());
  default:
    return copy(t.int32_data());
  }
}

std::string compare(const JitBuffer &got, const JitBuffer &expected,
                    int32_t type) {
  if (got.shape != expected.shape)
    return "output shape differs";
  int64_t count = expected.data.size() / expected.elementBytes;
  auto describe = [&](int64_t i, double g, double e) {
    return "element " + std::to_string(i) + ": got " + std::to_string(g) +
           ", expected " + std::to_string(e);
  };
  for (int64_t i = 0; i < count; ++i) {
    if (type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE) {
      double g, e;
      if (type == onnx::TensorProto::FLOAT) {
        float gf, ef;
        std::memcpy(&gf, got.data.data() + 4 * i, 4);
        std::memcpy(&ef, expected.data.data() + 4 * i, 4);
        g = gf;
        e = ef;
      } else {
        std::memcpy(&g, got.data.data() + 8 * i, 8);
        std::memcpy(&e, expected.data.data() + 8 * i, 8);
      }
      // NaN matches NaN, an infinity the same infinity.
      if ((std::isnan(e) && std::isnan(g)) || (std::isinf(e) && g == e))
        continue;
      if (!(std::abs(g - e) <= absTol + relTol * std::abs(e)))
        return describe(i, g, e);
    } else if (std::memcmp(got.data.data() + i * got.elementBytes,
                           expected.data.data() + i * got.elementBytes,
                           got.elementBytes) != 0) {
      int64_t g = 0, e = 0;
      std::memcpy(&g, got.data.data() + i * got.elementBytes, got.elementBytes);
      std::memcpy(&e, expected.data.data() + i * got.elementBytes,
                  got.elementBytes);
      return describe(i, double(g), double(e));
    }
  }
  return "";
}

/// Graph inputs that are compile-time values for qmlir: quantization
/// parameters (scales and zero points of the quantized operators; qmlir
/// types quantized values with compile-time scales) and the inputs that fix
/// a result's shape (Resize's scales and sizes, Reshape's shape, the axes
/// of reductions, (un)squeezes and CumSum, Slice's starts/ends/axes/steps,
/// pads, split sizes, Expand's shape, Tile's repeats, ConstantOfShape's
/// shape, Range's start, limit and delta, the sequence lengths of
/// recurrent ops, the sizes of windows and of MelWeightMatrix, STFT's frame
/// step and length; qmlir compiles static shapes), Pad's constant value,
/// MelWeightMatrix's edges and STFT's window (which become constants and
/// convolution filters). They are bound to the data
/// set's values before import.
llvm::StringSet<> compileTimeInputs(const onnx::ModelProto &model) {
  llvm::StringSet<> names;
  for (const auto &n : model.graph().node()) {
    SmallVector<int> positions;
    StringRef op = n.op_type();
    if (op == "QuantizeLinear" || op == "DequantizeLinear")
      positions = {1, 2};
    else if (op == "QLinearConv" || op == "QLinearMatMul")
      positions = {1, 2, 4, 5, 6, 7};
    else if (op == "MatMulInteger" || op == "ConvInteger")
      positions = {2, 3};
    else if (op == "Resize")
      positions = {1, 2, 3}; // roi, scales, sizes: they fix the shapes
    else if (op == "Slice")
      positions = {1, 2, 3, 4};
    else if (op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" ||
             op == "Split" || op == "Expand" || op == "Tile" ||
             op == "CumSum" || op.starts_with("Reduce"))
      positions = {1};
    else if (op == "ConstantOfShape")
      positions = {0};
    else if (op == "Range")
      positions = {0, 1, 2}; // start, limit, delta: they fix the length
    else if (op == "HannWindow" || op == "HammingWindow" ||
             op == "BlackmanWindow")
      positions = {0}; // the size
    else if (op == "MelWeightMatrix")
      positions = {0, 1, 2, 3, 4}; // the matrix is a constant of them
    else if (op == "STFT")
      positions = {1, 2, 3}; // frame step, window and length: the filters
    else if (op == "DFT")
      positions = {1}; // dft_length: the basis
    else if (op == "TopK")
      positions = {1}; // K: the result's length
    else if (op == "Pad")
      positions = {1, 2}; // pads and the constant value
    else if (op == "RNN" || op == "GRU" || op == "LSTM")
      positions = {4}; // sequence_lens: the unrolled length
    for (int i : positions)
      if (i < n.input_size() && !n.input(i).empty())
        names.insert(n.input(i));
  }
  return names;
}

Result runDataSet(StringRef dir, StringRef setDir, onnx::ModelProto model) {
  // Inputs and expected outputs of the data set.
  std::vector<JitBuffer> inputs, expected;
  std::vector<int32_t> expectedTypes;
  std::vector<std::string> inputFiles;
  for (int i = 0;; ++i) {
    SmallString<256> p(setDir);
    llvm::sys::path::append(p, "input_" + std::to_string(i) + ".pb");
    if (!llvm::sys::fs::exists(p))
      break;
    inputFiles.push_back(std::string(p));
  }
  // Bind the compile-time values given as graph inputs.
  llvm::StringSet<> params = compileTimeInputs(model);
  std::vector<std::string> graphInputs;
  llvm::StringSet<> initializers;
  for (const auto &init : model.graph().initializer())
    initializers.insert(init.name());
  for (const auto &vi : model.graph().input())
    if (!initializers.contains(vi.name()))
      graphInputs.push_back(vi.name());
  if (graphInputs.size() != inputFiles.size())
    return {Outcome::Fail, "the data set has " +
                               std::to_string(inputFiles.size()) +
                               " inputs, the model " +
                               std::to_string(graphInputs.size())};
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> keptInputs;
  std::vector<std::string> dataFiles;
  for (size_t i = 0; i < graphInputs.size(); ++i) {
    if (params.contains(graphInputs[i])) {
      auto file = llvm::MemoryBuffer::getFile(inputFiles[i], false, false);
      onnx::TensorProto t;
      if (!file || !t.ParseFromArray((*file)->getBufferStart(),
                                     (*file)->getBufferSize()))
        return {Outcome::Fail, "cannot read " + inputFiles[i]};
      t.set_name(graphInputs[i]);
      *model.mutable_graph()->add_initializer() = t;
      continue;
    }
    dataFiles.push_back(inputFiles[i]);
  }
  for (const auto &vi : model.graph().input())
    if (!params.contains(vi.name()))
      *keptInputs.Add() = vi;
  model.mutable_graph()->mutable_input()->Swap(&keptInputs);
  std::string bytes;
  model.SerializeToString(&bytes);

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllTranslations(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error) {
      if (!diagnostics.empty())
        diagnostics += "; ";
      diagnostics += d.str();
    }
    return success();
  });
  SmallString<256> modelPath(dir);
  llvm::sys::path::append(modelPath, "model.onnx");
  auto module =
      importONNX(bytes, &context, ONNXImportOptions(), modelPath);
  if (failed(module)) {
    StringRef d(diagnostics);
    bool declined = d.contains("unsupported") || d.contains("not supported");
    return {declined ? Outcome::Unsupported : Outcome::Fail,
            "import: " + diagnostics};
  }
  auto func = (*module)->lookupSymbol<func::FuncOp>("main");
  size_t numArguments = func.getNumArguments();
  SmallVector<int64_t> resultRanks, resultBytes;
  for (Type t : func.getResultTypes()) {
    auto type = cast<RankedTensorType>(t);
    resultRanks.push_back(type.getRank());
    Type elem = type.getElementType();
    resultBytes.push_back(elem.isInteger(1) ? 1
                                            : elem.getIntOrFloatBitWidth() / 8);
  }
  for (int i = 0;; ++i) {
    SmallString<256> p(setDir);
    llvm::sys::path::append(p, "output_" + std::to_string(i) + ".pb");
    if (!llvm::sys::fs::exists(p))
      break;
    JitBuffer buffer;
    int32_t type;
    if (std::string e = readTensor(p, buffer, type); !e.empty())
      return {StringRef(e).contains("unsupported") ? Outcome::Unsupported
                                                   : Outcome::Fail,
              e};
    expected.push_back(std::move(buffer));
    expectedTypes.push_back(type);
  }

  for (const std::string &path : dataFiles) {
    JitBuffer buffer;
    int32_t type;
    if (std::string e = readTensor(path, buffer, type); !e.empty())
      return {StringRef(e).contains("unsupported") ? Outcome::Unsupported
                                                   : Outcome::Fail,
              e};
    inputs.push_back(std::move(buffer));
  }
  if (inputs.size() != numArguments)
    return {Outcome::Fail, "argument count differs"};
  if (expected.size() != resultRanks.size())
    return {Outcome::Fail, "output count differs"};
  if (failed(markForCInterface(**module, "main")))
    return {Outcome::Fail, diagnostics};
  PassManager pm(&context);
  buildLowerToLLVMPipeline(pm, LowerToLLVMPipelineOptions());
  if (failed(pm.run(**module)))
    return {Outcome::Fail, "lowering: " + diagnostics};
  ExecutionEngineOptions engineOptions;
  // engineOptions.transformer is a function_ref: the function must
  // outlive it.
  auto transformer = makeOptimizingTransformer(2, 0, nullptr);
  engineOptions.transformer = transformer;
  auto engine = ExecutionEngine::create(**module, engineOptions);
  if (!engine)
    return {Outcome::Fail, "JIT: " + llvm::toString(engine.takeError())};
  std::vector<JitBuffer> results;
  if (std::string e = invokeMemRefFunction(**engine, "main", inputs,
                                           resultRanks, resultBytes, results);
      !e.empty())
    return {Outcome::Fail, e};
  for (size_t i = 0; i < expected.size(); ++i)
    if (std::string e = compare(results[i], expected[i], expectedTypes[i]);
        !e.empty())
      return {Outcome::Fail, "output " + std::to_string(i) + " " + e};
  return {Outcome::Pass, ""};
}

Result runTest(StringRef dir) {
  SmallString<256> modelPath(dir);
  llvm::sys::path::append(modelPath, "model.onnx");
  auto file = llvm::MemoryBuffer::getFile(modelPath, false, false);
  onnx::ModelProto model;
  if (!file || !model.ParseFromArray((*file)->getBufferStart(),
                                     (*file)->getBufferSize()))
    return {Outcome::Fail, "cannot read model.onnx"};
  std::vector<std::string> sets;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_"))
      sets.push_back(it->path());
  if (sets.empty())
    return {Outcome::Fail, "no test_data_set_*"};
  std::sort(sets.begin(), sets.end());
  for (const std::string &set : sets) {
    Result r = runDataSet(dir, set, model);
    if (r.outcome != Outcome::Pass)
      return r;
  }
  return {Outcome::Pass, ""};
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "ONNX backend node tests\n");
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::vector<std::string> tests;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dataDir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()))
      tests.push_back(it->path());
  if (ec || tests.empty()) {
    llvm::errs() << "qmlir-onnx-conformance: no tests in '" << dataDir
                 << "'\n";
    return 1;
  }
  std::sort(tests.begin(), tests.end());
  llvm::Regex re(filter);
  int passed = 0, failedCount = 0;
  std::vector<std::pair<std::string, std::string>> unsupported;
  for (const std::string &dir : tests) {
    std::string name = llvm::sys::path::filename(dir).str();
    if (!filter.empty() && !re.match(name))
      continue;
    Result r = runTest(dir);
    switch (r.outcome) {
    case Outcome::Pass:
      ++passed;
      if (verbose)
        llvm::outs() << "PASS " << name << "\n";
      break;
    case Outcome::Fail:
      ++failedCount;
      llvm::outs() << "FAIL " << name << ": " << r.message << "\n";
      break;
    case Outcome::Unsupported:
      unsupported.push_back({name, r.message});
      break;
    }
    llvm::outs().flush();
  }
  llvm::outs() << "unsupported tests:\n";
  for (auto &[name, why] : unsupported)
    llvm::outs() << "  " << name << (verbose ? ": " + why : "") << "\n";
  llvm::outs() << "onnx-conformance: " << passed << " passed, " << failedCount
               << " failed, " << unsupported.size() << " unsupported\n";
  return failedCount ? 1 : 0;
}
