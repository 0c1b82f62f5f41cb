//===- quant-compile.cpp - End-to-end int8 compiler driver ----------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Takes a float model (TOSA + qnn.batch_norm), quantizes it with the qnn-ptq
// pipeline on a calibration set, compiles float and int8 versions, compares
// them on the calibration and evaluation sets (SQNR, top-1 agreement), and
// optionally emits an object file for x86-64 or AArch64.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Target.h"
#include "qmlir/InitAll.h"
#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runtime/Jit.h"
#include "qmlir/Target/ONNX.h"
#include "qmlir/Target/Object.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <cmath>
#include <cstring>
#include <future>
#include <map>
#include <thread>

using namespace mlir;
using namespace mlir::qmlir;
namespace cl = llvm::cl;

static cl::opt<std::string>
    inputFile(cl::Positional,
              cl::desc("<float model: .onnx, or .mlir (TOSA + qnn)>"),
              cl::Required);
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape for an ONNX input with dynamic "
                         "dimensions: name=1x3x48x192"));
static cl::list<std::string> inputValues(
    "input-value",
    cl::desc("Fix an ONNX input to constant values (it stops being an "
             "input; what depends only on it folds, an If on it takes its "
             "branch): name=16000 or name=1,2,3"));
static cl::opt<std::string> calibDir("calib",
                                     cl::desc("Calibration inputs (*.bin)"));
static cl::opt<bool>
    floatOnly("float-only",
              cl::desc("Only compile and check the float model (--eval, "
                       "--float-ref); no quantization"));
static cl::opt<std::string> evalDir(
    "eval", cl::desc("Held-out inputs (*.bin) for the report"));
static cl::opt<std::string>
    floatRefDir("float-ref",
                cl::desc("Expected float outputs for --eval (same names): "
                         "checks the float compilation"));
static cl::opt<std::string> writeFloatRef(
    "write-float-ref",
    cl::desc("With --float-only: write the float model's --eval outputs to "
             "this directory in --float-ref's layout (a reference for a "
             "transformed model that must compute the same function)"),
    cl::init(""));
static cl::opt<double> floatTolerance(
    "float-tolerance", cl::desc("Max abs error allowed against --float-ref"),
    cl::init(1e-4));
static cl::opt<double> floatRelTolerance(
    "float-rel-tolerance",
    cl::desc("Also accept a float check whose largest error, per output, is "
             "at most this fraction of the output's largest reference "
             "magnitude (for outputs of large scale, e.g. logits)"),
    cl::init(-1.0));

/// The float check against --float-ref: the largest absolute error and,
/// per output, the largest error relative to its largest reference
/// magnitude.
struct FloatCheck {
  double maxError = 0.0;
  std::vector<double> outputError, outputScale;
  double maxRelative() const {
    double r = 0.0;
    for (size_t o = 0; o < outputError.size(); ++o)
      r = std::max(r, outputScale[o] > 0
                          ? outputError[o] / outputScale[o]
                          : (outputError[o] > 0 ? INFINITY : 0.0));
    return r;
  }
  bool passes() const {
    return maxError <= floatTolerance ||
           (floatRelTolerance >= 0 && maxRelative() <= floatRelTolerance);
  }
  /// ", relative R (tolerance T)" when --float-rel-tolerance is given.
  std::string relativeNote() const {
    if (floatRelTolerance < 0)
      return "";
    std::string note;
    llvm::raw_string_ostream os(note);
    os << llvm::format(", relative %.3g (tolerance %.3g)", maxRelative(),
                       floatRelTolerance.getValue());
    return note;
  }
};
static cl::opt<std::string> rounding("rounding",
                                     cl::desc("single_round (x*M rounded "
                                              "once, ties up), double_round "
                                              "(gemmlowp/TFLite), half_even"),
                                     cl::init("single_round"));
static cl::opt<bool> perChannel("per-channel",
                                cl::desc("Per-channel weight scales"),
                                cl::init(true));
static cl::opt<std::string> weightBits(
    "weight-bits",
    cl::desc("Weight precision, 2 to 8 bits (7: the exact vpmaddubsw "
             "kernels of x86 CPUs without VNNI, faster than their 8-bit "
             "ones, at some accuracy cost)"),
    cl::init("8"));
static cl::opt<bool> pairBoundedWeights(
    "pair-bounded-weights",
    cl::desc("Per-channel weight scales that keep any two same-signed "
             "weights of a channel within 128 together: the exact vpmaddubsw "
             "kernels of x86 CPUs without VNNI at nearly 8-bit accuracy"),
    cl::init(false));
static cl::opt<std::string> calibrationMethod(
    "calibration-method",
    cl::desc("Activation ranges from the calibration data: minmax (their "
             "extremes), percentile (--percentile of them), mse (the "
             "clipping with the least 8-bit error) or entropy (TensorRT's "
             "KL threshold)"),
    cl::init("minmax"));
static cl::opt<std::string> saveCalibration(
    "save-calibration",
    cl::desc("Write the calibration statistics (activation ranges) to this "
             "text file"),
    cl::init(""));
static cl::opt<std::string> loadCalibration(
    "load-calibration",
    cl::desc("Take the calibration statistics from this file (written by "
             "--save-calibration, possibly edited) instead of running "
             "--calib inputs"),
    cl::init(""));
static cl::opt<double>
    percentile("percentile",
               cl::desc("Central percentage of the values that "
                        "--calibration-method=percentile keeps"),
               cl::init(99.99));
static cl::opt<bool> equalize(
    "equalize",
    cl::desc(
        "Cross-layer equalization of convolutions joined by a ReLU "
        "(qnn-equalize): balances the channels' weight ranges (default on; "
        "--equalize=false to skip)"),
    cl::init(true));
static cl::opt<bool> absorbHighBias(
    "absorb-high-bias",
    cl::desc("High-bias absorption through ReLUs (qnn-absorb-high-bias; "
             "default on)"),
    cl::init(true));
static cl::opt<std::string> biasCorrection(
    "bias-correction",
    cl::desc("Remove the mean output error of weight quantization "
             "(qnn-correct-bias): none, analytic (from batch-norm "
             "statistics) or empirical (from the calibration data)"),
    cl::init("none"));
static cl::opt<double>
    minCalibSqnr("min-calib-sqnr",
                 cl::desc("Fail if the calibration-set SQNR (dB) is below this"),
                 cl::init(-1e30));
static cl::opt<double>
    minEvalSqnr("min-eval-sqnr",
                cl::desc("Fail if the evaluation-set SQNR (dB) is below this"),
                cl::init(-1e30));
static cl::opt<double> minTop1("min-top1",
                               cl::desc("Fail if a top-1 agreement (or a "
                                        "sequence's per-position argmax "
                                        "agreement, 0..1) is below this"),
                               cl::init(0.0));
static cl::opt<std::string>
    emitQuantizedIR("emit-quantized-ir",
                    cl::desc("Write the quantized IR (qnn ops) to this file"));
static cl::opt<std::string>
    target("target", cl::desc("Object target: x86_64 or aarch64"),
           cl::init(""));
static cl::opt<std::string> targetFeatures(
    "target-features",
    cl::desc("LLVM features of the object: aarch64 (default "
             "+neon,+dotprod,+i8mm; +neon,+dotprod gives sdot kernels), "
             "x86_64 (default the host CPU's; e.g. +avx2,+fma,+avxvnni "
             "gives AVX-VNNI kernels, +avx2,+fma AVX2 ones)"),
    cl::init(""));
static cl::opt<std::string> outputFile("o", cl::desc("Object file to write"),
                                       cl::init(""));
static cl::opt<std::string> floatObjectFile(
    "float-object",
    cl::desc("Also write the float model, compiled for --target, to this "
             "object file (same entry symbol): the speed baseline"),
    cl::init(""));
static cl::opt<std::string>
    dumpOutputs("dump-outputs",
                cl::desc("Write the int8 model's --eval outputs (f32 bits, "
                         "hex) to this file"));
static cl::opt<std::string>
    entryName("entry",
              cl::desc("Symbol of the compiled model in the object file (its "
                       "C interface is _mlir_ciface_<entry>)"),
              cl::init("qmlir_model"));
static cl::opt<unsigned> threads(
    "kernel-threads",
    cl::desc("Threads of the large int8 kernels (OpenMP): the JIT uses the "
             "host's hardware threads unless this is set; an object uses "
             "this many (default 1), and with more than 1 links with -lomp"),
    cl::init(0));
static cl::opt<unsigned> codegenThreads(
    "codegen-threads",
    cl::desc("Threads of the objects' LLVM code generation: the module is "
             "split by function and the parts' objects merged with ld.lld -r "
             "(0: the host's hardware threads; 1: one part)"),
    cl::init(0));
static cl::opt<bool> timing(
    "timing",
    cl::desc("Print, at the end, the time of each phase (import, "
             "compilations, calibration, evaluation, object emission) and of "
             "each pass in it"),
    cl::init(false));
static cl::opt<bool> vectorize("vectorize",
                               cl::desc("Vectorize (else reference loops)"),
                               cl::init(true));

namespace {

struct Model {
  OwningOpRef<ModuleOp> module;
  /// @main's f32 arguments and results (the object's and the JIT's
  /// signature: results as out-params).
  JitSignature signature;
  std::vector<std::string> inputNames, outputNames;
};

/// Lowers for the host (the JIT), or for `triple` / `cpu` / `features`;
/// `threadCount` 0 lets the pipeline choose.
LogicalResult lower(ModuleOp module, TimingScope &time, unsigned threadCount,
                    StringRef triple = "host", StringRef cpu = "",
                    StringRef features = "", bool reference = false) {
  PassManager pm(module.getContext());
  reportFailingPasses(pm);
  TimingScope passes = time.nest("lowering");
  pm.enableTiming(passes);
  LowerToLLVMPipelineOptions options;
  options.vectorize = vectorize && !reference;
  options.threads = threadCount;
  options.targetTriple = triple.str();
  // The object's entry writes into the caller's output buffer: no
  // allocation per inference.
  options.resultsAsOutParams = true;
  if (triple != "host") {
    options.targetCPU = cpu.str();
    options.targetFeatures = features.str();
  }
  buildLowerToLLVMPipeline(pm, options);
  return pm.run(module);
}

/// A JIT compilation of `source` for the host; `reference` selects the
/// reference lowering with a quick LLVM pipeline (see
/// preferReferenceLowering).
FailureOr<std::unique_ptr<JitFunction>>
compile(ModuleOp source, const Model &model, TimingScope &parent,
        StringRef phase, bool reference = false) {
  TimingScope time = parent.nest(phase);
  OwningOpRef<ModuleOp> module(cast<ModuleOp>(source->clone()));
  if (failed(markForCInterface(*module, "main")) ||
      failed(lower(*module, time, threads, "host", "", "", reference)))
    return failure();
  TimingScope llvmTime = time.nest("LLVM (JIT)");
  return JitFunction::create(*module, "main", model.signature,
                             reference ? JitOptimization::Quick
                                       : JitOptimization::Full);
}

struct Report {
  double signal = 0, noise = 0;
  int64_t agree = 0, count = 0;
  double sqnr() const {
    return noise == 0 ? INFINITY : 10.0 * std::log10(signal / noise);
  }
  double top1() const { return count ? double(agree) / count : 0.0; }
};

int64_t argmax(ArrayRef<float> v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

/// What agreement the report measures on an output, from its shape.
enum class OutputKind {
  /// One value: max |int8 - float|, and the decisions at 0.5 when it is a
  /// probability.
  Single,
  /// [1, T, K]: a sequence of class scores (a CTC recognizer): the argmax
  /// of each of the T positions.
  Sequence,
  /// [N, 1, H, W]: a one-channel map (a text detector's probabilities):
  /// the decision at 0.5 of every element when it is a probability.
  Map,
  /// Shaped like an input (a recurrent state, an image): max
  /// |int8 - float|, no argmax.
  LikeInput,
  /// Anything else: the top-1 of the whole output.
  Classes,
};

OutputKind getOutputKind(ArrayRef<int64_t> shape,
                         ArrayRef<SmallVector<int64_t>> inputShapes) {
  if (llvm::all_of(shape, [](int64_t d) { return d == 1; }))
    return OutputKind::Single;
  if (llvm::any_of(inputShapes, [&](const SmallVector<int64_t> &in) {
        return ArrayRef<int64_t>(in) == shape;
      }))
    return OutputKind::LikeInput;
  if (shape.size() == 3 && shape[0] == 1 && shape[1] > 1 && shape[2] > 1)
    return OutputKind::Sequence;
  if (shape.size() == 4 && shape[1] == 1)
    return OutputKind::Map;
  return OutputKind::Classes;
}

/// The file of output `i` of `sample` in reference directory `dir`: named
/// like the sample's file (one input, one output), `<sample>.bin` (one
/// output), or `<sample>.<output>.bin` per output.
std::string getReferencePath(StringRef dir, const InputSample &sample,
                             bool oneInput, ArrayRef<std::string> outputNames,
                             size_t i) {
  SmallString<128> path(dir);
  if (outputNames.size() == 1 && oneInput)
    llvm::sys::path::append(path, sample.name);
  else if (outputNames.size() == 1)
    llvm::sys::path::append(path, sample.name + ".bin");
  else
    llvm::sys::path::append(path, sample.name + "." +
                                      fileSafeName(outputNames[i]) + ".bin");
  return std::string(path);
}

/// Raises `maxError` to the largest |output - expected| where `expected` is
/// the file of `floatRefDir` for `sample`: named like the sample's file
/// (one output), or `<sample>.<output>.bin` per output. Returns an error
/// message or an empty string.
std::string compareWithReference(const InputSample &sample, bool oneInput,
                                 ArrayRef<std::string> outputNames,
                                 ArrayRef<std::vector<float>> outputs,
                                 FloatCheck &check) {
  check.outputError.resize(outputs.size(), 0.0);
  check.outputScale.resize(outputs.size(), 0.0);
  for (auto [i, output] : llvm::enumerate(outputs)) {
    std::vector<float> expected;
    std::string refPath =
        getReferencePath(floatRefDir, sample, oneInput, outputNames, i);
    if (std::string e = readF32File(refPath, output.size(), expected);
        !e.empty())
      return e;
    for (size_t k = 0; k < output.size(); ++k) {
      double d = std::abs(double(output[k]) - expected[k]);
      check.maxError = std::max(check.maxError, d);
      check.outputError[i] = std::max(check.outputError[i], d);
      check.outputScale[i] =
          std::max(check.outputScale[i], std::abs(double(expected[k])));
    }
  }
  return "";
}

/// Prints what of the quantized model still computes in float: the islands
/// (connected float ops) that read a dequantized int8 value and feed a
/// quantize cast, and the float ops before the first or after the last
/// int8 op.
void reportFloatIslands(ModuleOp module) {
  auto isFloatCompute = [](Operation *op) {
    if (isa<quant::QuantizeCastOp, quant::DequantizeCastOp,
            quant::StorageCastOp, func::ReturnOp, tosa::ConstOp,
            tosa::ConstShapeOp, arith::ConstantOp>(op) ||
        op->getDialect()->getNamespace() == "qnn")
      return false;
    auto isF32Tensor = [](Type t) {
      auto tensor = dyn_cast<RankedTensorType>(t);
      return tensor && isa<FloatType>(tensor.getElementType());
    };
    return llvm::any_of(op->getResultTypes(), isF32Tensor);
  };
  // Union-find over the float ops.
  DenseMap<Operation *, Operation *> parent;
  std::function<Operation *(Operation *)> find = [&](Operation *op) {
    Operation *p = parent.lookup(op);
    if (p == op)
      return op;
    Operation *root = find(p);
    parent[op] = root;
    return root;
  };
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (!isa<func::FuncOp, ModuleOp>(op) && isFloatCompute(op)) {
      parent[op] = op;
      ops.push_back(op);
    }
  });
  for (Operation *op : ops)
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp(); def && parent.count(def))
        parent[find(def)] = find(op);
  DenseMap<Operation *, std::pair<bool, bool>> ends; // reads int8, feeds int8
  for (Operation *op : ops) {
    auto &[reads, feeds] = ends[find(op)];
    for (Value operand : op->getOperands())
      reads |=
          isa_and_nonnull<quant::DequantizeCastOp>(operand.getDefiningOp());
    for (Operation *user : op->getUsers())
      feeds |= isa<quant::QuantizeCastOp>(user);
  }
  // Shape-only ops join islands but are not counted as float work.
  auto isShapeOnly = [](Operation *op) {
    return isa<tensor::EmptyOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
               tosa::ReshapeOp>(op);
  };
  std::map<std::string, int> kinds;
  int islands = 0, between = 0, outside = 0;
  for (auto &[root, flags] : ends)
    islands += flags.first && flags.second;
  for (Operation *op : ops) {
    if (isShapeOnly(op))
      continue;
    auto [reads, feeds] = ends[find(op)];
    if (reads && feeds) {
      ++between;
      ++kinds[op->getName().getStringRef().str()];
    } else {
      ++outside;
    }
  }
  auto plural = [](int n, StringRef word) {
    return std::to_string(n) + " " + word.str() + (n == 1 ? "" : "s");
  };
  llvm::outs() << "float ops:   " << plural(islands, "island")
               << " between int8 ops (" << plural(between, "op");
  for (auto &[name, count] : kinds)
    llvm::outs() << (&name == &kinds.begin()->first ? ": " : ", ") << name
                 << " " << count;
  llvm::outs() << "), " << plural(outside, "op")
               << " before the first or after the last int8 op\n";
}

int fail(const Twine &message) {
  llvm::errs() << "quant-compile: error: " << message << "\n";
  return 1;
}

/// The options' values and the output paths, checked before any work: an
/// error message, or empty.
std::string checkOptions() {
  if (std::isnan(minCalibSqnr) || std::isnan(minEvalSqnr))
    return "--min-calib-sqnr and --min-eval-sqnr take a number of dB";
  if (!(minTop1 >= 0.0 && minTop1 <= 1.0))
    return "--min-top1 takes a fraction in [0, 1]";
  if (calibrationMethod != "minmax" && calibrationMethod != "percentile" &&
      calibrationMethod != "mse" && calibrationMethod != "entropy")
    return "--calibration-method takes minmax, percentile, mse or entropy, "
           "not '" +
           calibrationMethod + "'";
  if (!(percentile > 50.0 && percentile <= 100.0))
    return "--percentile takes a percentage in (50, 100]";
  if (biasCorrection != "none" && biasCorrection != "analytic" &&
      biasCorrection != "empirical")
    return "--bias-correction takes none, analytic or empirical, not '" +
           biasCorrection + "'";
  if (!(floatTolerance >= 0.0))
    return "--float-tolerance takes a non-negative number";
  if (!(floatRelTolerance >= 0.0) && floatRelTolerance.getNumOccurrences())
    return "--float-rel-tolerance takes a non-negative fraction";
  StringRef entry = entryName;
  if (entry.empty() || llvm::isDigit(entry.front()) ||
      !llvm::all_of(entry, [](char c) { return llvm::isAlnum(c) || c == '_'; }))
    return "--entry '" + entryName + "' is not a C identifier";
  if (!outputFile.empty() && target.empty())
    return "-o needs --target (x86_64 or aarch64)";
  if (!target.empty() && outputFile.empty())
    return "--target needs -o <object file>";
  if (!target.empty() && target != "x86_64" && target != "aarch64")
    return "unknown --target '" + target + "' (x86_64, aarch64)";
  if (!floatObjectFile.empty() && target.empty())
    return "--float-object needs --target";
  if (!inputShapes.empty() && !StringRef(inputFile).ends_with(".onnx"))
    return "--input-shape applies to ONNX models (the .mlir model's @main "
           "has its shapes)";
  if (!inputValues.empty() && !StringRef(inputFile).ends_with(".onnx"))
    return "--input-value applies to ONNX models";
  // Every output can be written (the probe is removed again).
  for (const std::string &path :
       {outputFile.getValue(), floatObjectFile.getValue(),
        emitQuantizedIR.getValue(), dumpOutputs.getValue()}) {
    if (path.empty())
      continue;
    std::string error;
    if (!openOutputFile(path, &error))
      return error;
  }
  return "";
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAllPasses();
  cl::ParseCommandLineOptions(argc, argv, "qmlir end-to-end int8 compiler\n");
  if (std::string error = checkOptions(); !error.empty())
    return fail(error);

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  DefaultTimingManager timingManager;
  timingManager.setEnabled(timing);
  TimingScope rootTime = timingManager.getRootScope();
  TimingScope importTime = rootTime.nest("import");
  Model model;
  if (StringRef(inputFile).ends_with(".onnx")) {
    ONNXImportOptions importOptions;
    for (const std::string &spec : inputShapes)
      if (!parseInputShape(spec, importOptions))
        return fail("bad --input-shape '" + spec + "'");
    for (const std::string &spec : inputValues)
      if (!parseInputValue(spec, importOptions))
        return fail("bad --input-value '" + spec + "'");
    auto file = llvm::MemoryBuffer::getFile(inputFile, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
    if (!file)
      return fail("cannot read '" + inputFile + "'");
    auto imported = importONNX((*file)->getBuffer(), &context, importOptions,
                               inputFile);
    if (failed(imported))
      return fail("cannot import '" + inputFile + "'");
    model.module = std::move(*imported);
  } else {
    model.module = parseSourceFile<ModuleOp>(inputFile, sourceMgr,
                                             ParserConfig(&context));
  }
  if (!model.module)
    return fail("cannot parse '" + inputFile + "'");
  auto mainFunc = model.module->lookupSymbol<func::FuncOp>("main");
  if (!mainFunc)
    return fail("the model has no function @main");
  // @main's inputs and outputs: static f32 tensors, with their names.
  auto collect = [&](TypeRange types, bool results,
                     SmallVectorImpl<SmallVector<int64_t>> &shapes,
                     std::vector<std::string> &names) -> std::string {
    for (auto [i, type] : llvm::enumerate(types)) {
      std::string name = tensorName(mainFunc, i, results);
      auto t = dyn_cast<RankedTensorType>(type);
      if (!t || !t.hasStaticShape() || !t.getElementType().isF32()) {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << type;
        return "@main's " + std::string(results ? "output" : "input") + " '" +
               name + "' is " + text +
               (results ? ": outputs must be static f32 tensors"
                        : ": inputs must be static f32 tensors (fix integer "
                          "inputs with --input-value, dynamic sizes with "
                          "--input-shape)");
      }
      shapes.emplace_back(t.getShape());
      names.push_back(name);
    }
    return "";
  };
  if (std::string e = collect(mainFunc.getArgumentTypes(), false,
                              model.signature.inputs, model.inputNames);
      !e.empty())
    return fail(e);
  if (std::string e = collect(mainFunc.getResultTypes(), true,
                              model.signature.results, model.outputNames);
      !e.empty())
    return fail(e);
  if (model.signature.inputs.empty() || model.signature.results.empty())
    return fail("@main must take at least one input and return at least one "
                "output");
  if (model.signature.inputs.size() + model.signature.results.size() >
      JitFunction::kMaxArguments)
    return fail("@main has more than " + Twine(JitFunction::kMaxArguments) +
                " inputs and outputs");
  model.signature.outParams = true;
  importTime.stop();
  bool oneInput = model.signature.inputs.size() == 1;

  {
    std::string text;
    llvm::raw_string_ostream os(text);
    auto list = [&](ArrayRef<std::string> names, TypeRange types) {
      for (auto [i, t] : llvm::enumerate(types)) {
        if (i)
          os << ", ";
        if (names.size() > 1)
          os << "'" << names[i] << "' ";
        os << t;
      }
    };
    os << "input" << (oneInput ? " " : "s ");
    list(model.inputNames, mainFunc.getArgumentTypes());
    os << ", output" << (model.outputNames.size() == 1 ? " " : "s ");
    list(model.outputNames, mainFunc.getResultTypes());
    llvm::outs() << "model:       " << inputFile << "  (" << text << ", "
                 << countFloatMultiplyAdds(mainFunc) << " multiply-adds)\n";
  }

  // The target of the objects.
  std::string triple, cpu, features;
  if (!target.empty()) {
    if (outputFile.empty())
      return fail("--target needs -o <object file>");
    if (target == "x86_64") {
      triple = "x86_64-unknown-linux-gnu";
      // The host CPU, or a generic x86-64 with the features asked for
      // (e.g. +avx2,+fma,+avxvnni for an AVX-VNNI machine without AVX-512).
      cpu = targetFeatures.empty() ? "host" : "x86-64";
      features = targetFeatures.getValue();
    } else if (target == "aarch64") {
      triple = "aarch64-unknown-linux-gnu";
      cpu = "generic";
      features = targetFeatures.empty() ? std::string("+neon,+dotprod,+i8mm")
                                        : targetFeatures.getValue();
    } else {
      return fail("unknown --target '" + target + "' (x86_64, aarch64)");
    }
    std::string featureError;
    if (failed(checkTargetFeatures(triple, features, featureError)))
      return fail("--target-features: " + featureError);
  } else if (!floatObjectFile.empty()) {
    return fail("--float-object needs --target");
  }
  // An object for this very machine is also what the report runs, linked in
  // process: the model is compiled once, and the numbers are those of the
  // code shipped.
  bool hostObject =
      cpu == "host" && llvm::Triple(llvm::sys::getProcessTriple()).getArch() ==
                           llvm::Triple::x86_64;
  // Weight precision. Where the kernels run on AVX2 without VNNI, 7-bit
  // weights let vpmaddubsw sum two u8 x s8 products in i16 exactly: say so.
  unsigned bits = 8;
  if (weightBits.getValue().size() != 1 || weightBits[0] < '2' ||
      weightBits[0] > '8')
    return fail("--weight-bits must be 2 to 8, got '" + weightBits.getValue() +
                "'");
  bits = weightBits[0] - '0';
  bool avx2Only = false;
  {
    std::string error;
    FailureOr<CPUTarget> codeTarget =
        target.empty() ? FailureOr<CPUTarget>(CPUTarget::host())
                       : CPUTarget::get(triple, cpu, features, error);
    avx2Only = vectorize && succeeded(codeTarget) &&
               codeTarget->getDotProductKind() == DotProductKind::X86AVX2;
  }
  unsigned objectThreads = std::max(1u, threads.getValue());
  auto emit = [&](ModuleOp source, StringRef path, StringRef phase,
                  SmallVectorImpl<char> &bytes) -> LogicalResult {
    TimingScope time = rootTime.nest(phase);
    OwningOpRef<ModuleOp> object(cast<ModuleOp>(source->clone()));
    object->lookupSymbol<func::FuncOp>("main").setSymName(entryName);
    if (failed(markForCInterface(*object, entryName)) ||
        failed(cpu == "host" ? lower(*object, time, objectThreads)
                             : lower(*object, time, objectThreads, triple, cpu,
                                     features)))
      return failure();
    TimingScope llvmTime = time.nest("LLVM (object)");
    return emitObjectFile(
        *object, triple, cpu, features, path, &bytes,
        codegenThreads ? codegenThreads.getValue()
                       : std::max(1u, std::thread::hardware_concurrency()));
  };
  // The report's compilation of `source`: the host object written to
  // `objectPath` and linked in process, or a JIT compilation.
  auto compileForReport =
      [&](ModuleOp source, StringRef objectPath,
          StringRef phase) -> FailureOr<std::unique_ptr<JitFunction>> {
    if (!hostObject || objectPath.empty())
      return compile(source, model, rootTime, (phase + " JIT").str());
    SmallVector<char, 0> bytes;
    if (failed(emit(source, objectPath, (phase + " object").str(), bytes)))
      return failure();
    return JitFunction::createFromObject(source.getLoc(), bytes, entryName,
                                         model.signature);
  };

  if (!floatOnly && calibDir.empty() && loadCalibration.empty())
    return fail("--calib <directory of calibration inputs> (or "
                "--load-calibration <statistics file>) is required");
  // The float reference compiles on a second thread while the model is
  // quantized (calibration compiles a copy of its own): the two share only
  // the context, whose dialects are all loaded, and read the float module
  // without changing it. On two cores the whole job takes the wall time of
  // the longer one.
  // Without a float object for this machine to link, the float side of the
  // report is a JIT compilation, of the reference lowering when the
  // report's inputs are few (see preferReferenceLowering).
  std::vector<InputSample> reportFiles;
  for (StringRef dir : {StringRef(calibDir), StringRef(evalDir)}) {
    std::vector<InputSample> files;
    if (!dir.empty() && listInputSamples(dir, model.inputNames, files).empty())
      reportFiles.insert(reportFiles.end(), files.begin(), files.end());
  }
  // The float outputs of the report's inputs, computed on the same thread
  // while the int8 model compiles; an input that fails here is run again
  // by the report, which then reports the error.
  std::map<std::string, std::vector<std::vector<float>>> floatOutputs;
  OwningOpRef<ModuleOp> quantized(cast<ModuleOp>(model.module->clone()));
  std::future<FailureOr<std::unique_ptr<JitFunction>>> floatFuture =
      std::async(std::launch::async, [&] {
        FailureOr<std::unique_ptr<JitFunction>> jit =
            !floatOnly && hostObject && !floatObjectFile.empty()
                ? compileForReport(*model.module, floatObjectFile, "float")
                // --float-only checks the compiler's float code itself.
                : compile(*model.module, model, rootTime, "float JIT",
                          !floatOnly && preferReferenceLowering(
                                            mainFunc, reportFiles.size()));
        if (failed(jit) || floatOnly)
          return jit;
        TimingScope runTime = rootTime.nest("float outputs");
        for (const InputSample &sample : reportFiles) {
          std::vector<std::vector<float>> inputs, outputs;
          if (readInputSample(sample, model.signature.inputs, inputs).empty() &&
              (*jit)->run(inputs, outputs).empty())
            floatOutputs[sample.files.front()] = std::move(outputs);
        }
        return jit;
      });
  auto floatCompiled = [&]() -> FailureOr<std::unique_ptr<JitFunction>> {
    auto jit = floatFuture.get();
    if (failed(jit))
      fail("float compilation failed");
    return jit;
  };

  if (floatOnly) {
    bool writing = !writeFloatRef.empty();
    if (evalDir.empty() || floatRefDir.empty() == !writing)
      return fail("--float-only needs --eval and one of --float-ref and "
                  "--write-float-ref");
    if (writing)
      if (std::error_code ec = llvm::sys::fs::create_directories(writeFloatRef))
        return fail("cannot create " + writeFloatRef + ": " + ec.message());
    auto floatJit = floatCompiled();
    if (failed(floatJit))
      return 1;
    std::vector<InputSample> files;
    if (std::string error = listInputSamples(evalDir, model.inputNames, files);
        !error.empty())
      return fail(error);
    FloatCheck check;
    for (const InputSample &sample : files) {
      std::vector<std::vector<float>> inputs, outputs;
      if (std::string e =
              readInputSample(sample, model.signature.inputs, inputs);
          !e.empty())
        return fail(e);
      if (std::string e = (*floatJit)->run(inputs, outputs); !e.empty())
        return fail(e);
      if (writing) {
        for (auto [i, output] : llvm::enumerate(outputs)) {
          std::string path = getReferencePath(writeFloatRef, sample, oneInput,
                                              model.outputNames, i);
          std::string error;
          auto file = openOutputFile(path, &error);
          if (!file)
            return fail(error);
          // Little-endian f32, the layout of every input and reference.
          for (float v : output)
            llvm::support::endian::write(file->os(), v,
                                         llvm::endianness::little);
          file->keep();
        }
        continue;
      }
      if (std::string e = compareWithReference(
              sample, oneInput, model.outputNames, outputs, check);
          !e.empty())
        return fail(e);
    }
    if (writing) {
      llvm::outs() << "float outputs: " << files.size() << " inputs written to "
                   << writeFloatRef << "\n";
      return 0;
    }
    llvm::outs() << llvm::format("float check:  %d inputs, max |compiled - "
                                 "reference| = %.3g (tolerance %.3g)",
                                 (int)files.size(), check.maxError,
                                 floatTolerance.getValue())
                 << check.relativeNote() << "\n";
    return check.passes() ? 0 : 1;
  }

  // Quantization.
  {
    PassManager pm(&context);
    reportFailingPasses(pm);
    TimingScope ptqTime = rootTime.nest("quantization (qnn-ptq)");
    pm.enableTiming(ptqTime);
    PTQPipelineOptions options;
    options.calibDir = calibDir;
    options.perChannel = perChannel;
    options.rounding = rounding;
    options.weightBits = bits;
    options.pairBounded = pairBoundedWeights;
    options.calibrationMethod = calibrationMethod;
    options.saveStats = saveCalibration;
    options.loadStats = loadCalibration;
    options.percentile = percentile;
    options.equalize = equalize;
    options.absorbHighBias = absorbHighBias;
    options.biasCorrection = biasCorrection;
    buildPTQPipeline(pm, options);
    // The data-free passes say, per layer, why they leave it alone; on a
    // whole model that is a count, and quant-opt lists the reasons.
    int notEqualized = 0, notAbsorbed = 0, notCorrected = 0;
    ScopedDiagnosticHandler countRemarks(&context, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Remark)
        return failure();
      std::string message = diag.str();
      StringRef text = message;
      int *counter = text.starts_with("not equalized")        ? &notEqualized
                     : text.starts_with("high bias not")      ? &notAbsorbed
                     : text.starts_with("bias not corrected") ? &notCorrected
                                                              : nullptr;
      if (!counter)
        return failure();
      ++*counter;
      return success();
    });
    if (failed(pm.run(*quantized)))
      return fail("quantization failed");
    if (equalize || absorbHighBias || biasCorrection != "none") {
      auto layers = [](int n) {
        return std::to_string(n) + (n == 1 ? " layer" : " layers");
      };
      llvm::outs() << "data-free:  ";
      if (equalize)
        llvm::outs() << " equalization (" << layers(notEqualized)
                     << " left alone)";
      if (absorbHighBias)
        llvm::outs() << " high-bias absorption (" << layers(notAbsorbed)
                     << " left alone)";
      if (biasCorrection != "none")
        llvm::outs() << " " << biasCorrection << " bias correction ("
                     << layers(notCorrected) << " left alone)";
      llvm::outs() << "; quant-opt lists the reasons as remarks\n";
    }
  }
  int convs = 0, matmuls = 0;
  quantized->walk([&](Operation *op) {
    StringRef name = op->getName().getStringRef();
    convs += name == "qnn.conv2d";
    matmuls += name == "qnn.matmul";
  });
  llvm::outs() << "quantized:   " << convs << " qnn.conv2d, " << matmuls
               << " qnn.matmul (u8 activations per tensor, "
               << (bits == 8 ? std::string("i8")
                             : std::to_string(bits) + "-bit")
               << (pairBoundedWeights ? " pair-bounded" : "") << " weights "
               << (perChannel ? "per channel" : "per tensor") << ", "
               << rounding << ")\n";
  if (avx2Only && bits == 8 && !pairBoundedWeights && convs + matmuls > 0)
    llvm::outs() << "note:        the code's CPU has AVX2 but no VNNI: "
                    "--pair-bounded-weights (or --weight-bits 7) takes its "
                    "faster exact kernels (vpmaddubsw), at some accuracy "
                    "cost\n";
  reportFloatIslands(*quantized);
  if (!emitQuantizedIR.empty()) {
    std::string error;
    auto file = openOutputFile(emitQuantizedIR, &error);
    if (!file)
      return fail(error);
    quantized->print(file->os());
    file->keep();
  }
  auto quantJit = compileForReport(*quantized, outputFile, "int8");
  if (failed(quantJit))
    return fail("int8 compilation failed");
  auto floatJit = floatCompiled();
  if (failed(floatJit))
    return 1;

  // Report on the calibration and evaluation sets.
  bool ok = true;
  TimingScope reportTime = rootTime.nest("accuracy report");
  std::unique_ptr<llvm::ToolOutputFile> dump;
  if (!dumpOutputs.empty()) {
    std::string error;
    dump = openOutputFile(dumpOutputs, &error);
    if (!dump)
      return fail(error);
  }
  // With loaded statistics and no --calib, only the evaluation set.
  SmallVector<std::pair<std::string, std::string>> sets;
  if (!calibDir.empty())
    sets.push_back({"calibration", calibDir});
  if (!evalDir.empty())
    sets.push_back({"evaluation", evalDir});
  size_t numOutputs = model.signature.results.size();
  // Each input's range over the calibration set, and over the evaluation
  // set: evaluation inputs beyond what calibration saw are reported (their
  // activations may clip at the calibrated ranges).
  size_t numInputs = model.signature.inputs.size();
  std::vector<std::pair<float, float>> calibRange(numInputs,
                                                  {INFINITY, -INFINITY}),
      evalRange(numInputs, {INFINITY, -INFINITY});
  for (auto &[setName, dir] : sets) {
    std::vector<InputSample> files;
    if (std::string error = listInputSamples(dir, model.inputNames, files);
        !error.empty())
      return fail(error);
    // One report per output; `maxDiff` for single-value outputs, whose
    // "top-1" would always agree.
    std::vector<Report> reports(numOutputs);
    std::vector<double> maxDiff(numOutputs, 0.0);
    // Single values that stay in [0, 1] are probabilities: the decisions
    // at 0.5 are compared.
    std::vector<int64_t> decisionsAgree(numOutputs, 0);
    std::vector<bool> probability(numOutputs, true);
    // Sequences: positions whose argmax agrees; maps: elements whose
    // decision at 0.5 agrees.
    std::vector<int64_t> partsAgree(numOutputs, 0), parts(numOutputs, 0);
    std::vector<OutputKind> kinds;
    for (size_t o = 0; o < numOutputs; ++o)
      kinds.push_back(
          getOutputKind(model.signature.results[o], model.signature.inputs));
    FloatCheck floatRef;
    for (const InputSample &sample : files) {
      std::vector<std::vector<float>> inputs, fOut, qOut;
      if (std::string e =
              readInputSample(sample, model.signature.inputs, inputs);
          !e.empty())
        return fail(e);
      auto &ranges = setName == "evaluation" ? evalRange : calibRange;
      for (size_t i = 0; i < numInputs && i < inputs.size(); ++i)
        for (float v : inputs[i]) {
          ranges[i].first = std::min(ranges[i].first, v);
          ranges[i].second = std::max(ranges[i].second, v);
        }
      // Copied: the calibration and evaluation sets may share files.
      if (auto it = floatOutputs.find(sample.files.front());
          it != floatOutputs.end() && it->second.size() == numOutputs)
        fOut = it->second;
      else if (std::string e = (*floatJit)->run(inputs, fOut); !e.empty())
        return fail(e);
      if (std::string e = (*quantJit)->run(inputs, qOut); !e.empty())
        return fail(e);
      for (size_t o = 0; o < numOutputs; ++o) {
        Report &report = reports[o];
        for (size_t i = 0; i < fOut[o].size(); ++i) {
          double d = double(fOut[o][i]) - qOut[o][i];
          report.signal += double(fOut[o][i]) * fOut[o][i];
          report.noise += d * d;
          maxDiff[o] = std::max(maxDiff[o], std::abs(d));
          probability[o] =
              probability[o] && fOut[o][i] >= 0.0f && fOut[o][i] <= 1.0f;
        }
        decisionsAgree[o] +=
            llvm::all_of(llvm::zip(fOut[o], qOut[o]), [](auto p) {
              return (std::get<0>(p) > 0.5f) == (std::get<1>(p) > 0.5f);
            });
        report.agree += argmax(fOut[o]) == argmax(qOut[o]);
        ++report.count;
        if (kinds[o] == OutputKind::Sequence) {
          int64_t k = model.signature.results[o].back();
          for (size_t at = 0; at + k <= fOut[o].size(); at += k) {
            partsAgree[o] += argmax(ArrayRef<float>(fOut[o]).slice(at, k)) ==
                             argmax(ArrayRef<float>(qOut[o]).slice(at, k));
            ++parts[o];
          }
        } else if (kinds[o] == OutputKind::Map) {
          for (size_t i = 0; i < fOut[o].size(); ++i)
            partsAgree[o] += (fOut[o][i] > 0.5f) == (qOut[o][i] > 0.5f);
          parts[o] += fOut[o].size();
        }
      }
      if (setName == "evaluation" && !floatRefDir.empty())
        if (std::string e = compareWithReference(
                sample, oneInput, model.outputNames, fOut, floatRef);
            !e.empty())
          return fail(e);
      if (dump && setName == "evaluation") {
        dump->os() << sample.name;
        for (const std::vector<float> &out : qOut)
          for (float v : out) {
            uint32_t bits;
            std::memcpy(&bits, &v, 4);
            dump->os() << ' ' << llvm::format_hex_no_prefix(bits, 8);
          }
        dump->os() << '\n';
      }
    }
    bool below = false;
    double minSqnr = setName == "evaluation" ? minEvalSqnr : minCalibSqnr;
    for (size_t o = 0; o < numOutputs; ++o) {
      const Report &report = reports[o];
      std::string label = setName + ":";
      if (numOutputs > 1)
        label = setName + " '" + model.outputNames[o] + "':";
      OutputKind kind = kinds[o];
      bool single = kind == OutputKind::Single;
      double partShare =
          parts[o] ? double(partsAgree[o]) / double(parts[o]) : 0.0;
      if (kind == OutputKind::Sequence)
        llvm::outs() << llvm::format(
            "%-12s %3d inputs: SQNR %6.2f dB, per-position argmax agreement "
            "%5.1f%% (%lld/%lld positions)\n",
            label.c_str(), (int)report.count, report.sqnr(), 100.0 * partShare,
            (long long)partsAgree[o], (long long)parts[o]);
      else if (kind == OutputKind::Map && probability[o])
        llvm::outs() << llvm::format(
            "%-12s %3d inputs: SQNR %6.2f dB, max |int8 - float| %.4g, "
            "decisions at 0.5 agree %5.2f%% of %lld values\n",
            label.c_str(), (int)report.count, report.sqnr(), maxDiff[o],
            100.0 * partShare, (long long)parts[o]);
      else if (kind == OutputKind::Map || kind == OutputKind::LikeInput)
        llvm::outs() << llvm::format(
            "%-12s %3d inputs: SQNR %6.2f dB, max |int8 - float| %.4g\n",
            label.c_str(), (int)report.count, report.sqnr(), maxDiff[o]);
      else if (single && probability[o])
        llvm::outs() << llvm::format(
            "%-12s %3d inputs: SQNR %6.2f dB, max |int8 - float| %.4g, "
            "decisions at 0.5 agree %5.1f%% (%d/%d)\n",
            label.c_str(), (int)report.count, report.sqnr(), maxDiff[o],
            100.0 * decisionsAgree[o] / std::max<int64_t>(report.count, 1),
            (int)decisionsAgree[o], (int)report.count);
      else if (single)
        llvm::outs() << llvm::format(
            "%-12s %3d inputs: SQNR %6.2f dB, max |int8 - float| %.4g "
            "(one value: no top-1)\n",
            label.c_str(), (int)report.count, report.sqnr(), maxDiff[o]);
      else
        llvm::outs() << llvm::format("%-12s %3d inputs: SQNR %6.2f dB, top-1 "
                                     "agreement %5.1f%% (%d/%d)\n",
                                     label.c_str(), (int)report.count,
                                     report.sqnr(), 100.0 * report.top1(),
                                     (int)report.agree, (int)report.count);
      // A NaN SQNR (a non-finite model output) fails every gate.
      // The agreement gate: the top-1 of a classifier, the positions of a
      // sequence.
      double agreement =
          kind == OutputKind::Sequence ? partShare : report.top1();
      below |= !(report.sqnr() >= minSqnr) ||
               ((kind == OutputKind::Classes || kind == OutputKind::Sequence) &&
                !(agreement >= minTop1));
    }
    // Evaluation inputs more than 10 % of the calibrated span beyond it.
    for (size_t i = 0;
         setName == "evaluation" && !calibDir.empty() && i < numInputs; ++i) {
      auto [lo, hi] = calibRange[i];
      auto [elo, ehi] = evalRange[i];
      double slack = 0.1 * (double(hi) - lo);
      if (elo < lo - slack || ehi > hi + slack)
        llvm::outs() << llvm::format(
            "warning: evaluation input%s spans [%.4g, %.4g], beyond the "
            "calibration set's [%.4g, %.4g]: activations may clip at the "
            "calibrated ranges\n",
            numInputs > 1 ? (" '" + model.inputNames[i] + "'").c_str() : "",
            elo, ehi, lo, hi);
    }
    if (setName == "evaluation" && !floatRefDir.empty()) {
      llvm::outs() << llvm::format("float check:  max |compiled - reference| "
                                   "= %.3g (tolerance %.3g)",
                                   floatRef.maxError, floatTolerance.getValue())
                   << floatRef.relativeNote() << "\n";
      if (!floatRef.passes()) {
        llvm::errs() << "quant-compile: float outputs differ from the "
                        "reference\n";
        ok = false;
      }
    }
    if (below) {
      llvm::errs() << "quant-compile: " << setName
                   << " accuracy below the threshold (SQNR " << minSqnr
                   << " dB, top-1 " << minTop1 << ")\n";
      ok = false;
    }
  }
  if (dump)
    dump->keep();
  reportTime.stop();

  if (!target.empty()) {
    SmallVector<char, 0> bytes;
    if (!hostObject &&
        failed(emit(*quantized, outputFile, "int8 object", bytes)))
      return fail("object emission failed");
    if (!hostObject && !floatObjectFile.empty() &&
        failed(emit(*model.module, floatObjectFile, "float object", bytes)))
      return fail("float object emission failed");
    llvm::outs() << "object:      " << outputFile << " (" << triple << " "
                 << features << "), entry _mlir_ciface_" << entryName
                 << "\n";
    if (!floatObjectFile.empty())
      llvm::outs() << "float object: " << floatObjectFile << "\n";
  }
  return ok ? 0 : 1;
}
