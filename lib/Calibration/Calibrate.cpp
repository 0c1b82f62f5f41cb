//===- Calibrate.cpp - Min-max calibration through the JIT ----------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Calibration/Passes.h"

#include "qmlir/Calibration/Histogram.h"
#include "qmlir/Calibration/Statistics.h"

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/InitAll.h"
#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runtime/Jit.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCALIBRATE
#include "qmlir/Calibration/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

enum class Method { MinMax, Percentile, Mse, Entropy };

std::optional<Method> parseMethod(StringRef name) {
  return llvm::StringSwitch<std::optional<Method>>(name)
      .Case("minmax", Method::MinMax)
      .Case("percentile", Method::Percentile)
      .Case("mse", Method::Mse)
      .Case("entropy", Method::Entropy)
      .Default(std::nullopt);
}

struct QNNCalibratePass : qmlir::impl::QNNCalibrateBase<QNNCalibratePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp func;
    SmallVector<qnn::ObserveOp> observers;
    for (auto f : module.getOps<func::FuncOp>()) {
      SmallVector<qnn::ObserveOp> found;
      f.walk([&](qnn::ObserveOp op) { found.push_back(op); });
      if (found.empty())
        continue;
      if (func) {
        f.emitError("qnn-calibrate: observers in more than one function "
                    "('")
            << func.getSymName() << "' and '" << f.getSymName() << "')";
        return signalPassFailure();
      }
      func = f;
      observers = std::move(found);
    }
    if (!func) {
      module.emitRemark("qnn-calibrate: no qnn.observe ops, nothing to do");
      return;
    }
    if (!loadStats.empty()) {
      if (std::string error = loadCalibrationStatistics(loadStats, observers);
          !error.empty()) {
        module.emitError("qnn-calibrate: ") << error;
        return signalPassFailure();
      }
      return;
    }
    SmallVector<SmallVector<int64_t>> inputShapes;
    std::vector<std::string> inputNames;
    for (auto [i, type] : llvm::enumerate(func.getFunctionType().getInputs())) {
      auto t = dyn_cast<RankedTensorType>(type);
      if (!t || !t.hasStaticShape() || !t.getElementType().isF32()) {
        func.emitError("qnn-calibrate supports functions of static f32 "
                       "tensor arguments; argument ")
            << i << " is " << type;
        return signalPassFailure();
      }
      inputShapes.emplace_back(t.getShape());
      inputNames.push_back(tensorName(func, i, /*result=*/false));
    }
    if (inputShapes.empty()) {
      func.emitError("qnn-calibrate: the function has no input to calibrate "
                     "with");
      return signalPassFailure();
    }
    if (calibDir.empty()) {
      module.emitError("qnn-calibrate needs calib-dir=<directory of *.bin "
                       "calibration inputs>");
      return signalPassFailure();
    }
    std::vector<InputSample> files;
    if (std::string error = listInputSamples(calibDir, inputNames, files);
        !error.empty()) {
      module.emitError("qnn-calibrate: ") << error;
      return signalPassFailure();
    }
    if (maxInputs > 0 && files.size() > maxInputs)
      files.resize(maxInputs);

    // The calibration module lives in its own context: it is rewritten and
    // lowered to LLVM without touching the IR being compiled.
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllTranslations(registry);
    MLIRContext jitContext(registry);
    jitContext.disableMultithreading();
    // The statistics below are built from linalg, tensor and arith ops,
    // which the copied function need not contain (an identity model).
    jitContext.loadAllAvailableDialects();
    // Bytecode keeps every constant and resource whatever the printing
    // flags of the tool (e.g. --mlir-elide-elementsattrs-if-larger).
    std::string bytes;
    {
      OwningOpRef<ModuleOp> holder = ModuleOp::create(module.getLoc());
      holder->getBody()->push_back(func->clone());
      llvm::raw_string_ostream os(bytes);
      if (failed(writeBytecodeToFile(*holder, os))) {
        func.emitError("qnn-calibrate: cannot copy the function for the JIT");
        return signalPassFailure();
      }
    }
    OwningOpRef<ModuleOp> jitModule =
        parseSourceString<ModuleOp>(bytes, ParserConfig(&jitContext));
    if (!jitModule) {
      func.emitError("qnn-calibrate: cannot copy the function for the JIT");
      return signalPassFailure();
    }
    auto jitFunc = *jitModule->getOps<func::FuncOp>().begin();
    SmallVector<qnn::ObserveOp> jitObservers;
    jitFunc.walk([&](qnn::ObserveOp op) { jitObservers.push_back(op); });

    // Return [min_0, max_0, min_1, max_1, ...] instead of the results.
    auto ret = cast<func::ReturnOp>(jitFunc.getBody().back().getTerminator());
    OpBuilder b(ret);
    Location loc = ret.getLoc();
    SmallVector<Value> stats;
    for (qnn::ObserveOp observer : jitObservers) {
      stats.push_back(createFullReduction(b, loc, observer.getResult(),
                                          /*isMax=*/false));
      stats.push_back(createFullReduction(b, loc, observer.getResult(),
                                          /*isMax=*/true));
    }
    Value packed = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({(int64_t)stats.size()}, b.getF32Type()),
        stats);
    // With means: then, per observer, the sum of each channel (the last
    // dimension) over the other dimensions.
    SmallVector<int64_t> channels(jitObservers.size(), 0);
    SmallVector<double> perChannelCount(jitObservers.size(), 1.0);
    int64_t packedSize = stats.size();
    SmallVector<Value> parts = {packed};
    auto flatten = [&](Value value, int64_t size) {
      auto type = cast<RankedTensorType>(value.getType());
      if (type.getRank() != 1) {
        ReassociationIndices all;
        for (int64_t d = 0; d < type.getRank(); ++d)
          all.push_back(d);
        value = tensor::CollapseShapeOp::create(
            b, loc, value, SmallVector<ReassociationIndices>{all});
      }
      parts.push_back(value);
      packedSize += size;
    };
    auto isStaticF32 = [](RankedTensorType type) {
      return type.hasStaticShape() && type.getRank() > 0 &&
             type.getElementType().isF32();
    };
    if (means) {
      for (auto [i, observer] : llvm::enumerate(jitObservers)) {
        auto type = cast<RankedTensorType>(observer.getType());
        if (!isStaticF32(type))
          continue;
        // [P, C] (the other dimensions collapsed), summed over P by one
        // linalg.reduce, like the ranges' full reductions.
        channels[i] = type.getShape().back();
        int64_t positions = type.getNumElements() / channels[i];
        perChannelCount[i] = double(positions);
        Value rows = observer.getResult();
        if (type.getRank() != 2) {
          SmallVector<ReassociationIndices> groups(2);
          for (int64_t d = 0; d + 1 < type.getRank(); ++d)
            groups[0].push_back(d);
          groups[1].push_back(type.getRank() - 1);
          rows =
              type.getRank() == 1
                  ? tensor::ExpandShapeOp::create(
                        b, loc,
                        RankedTensorType::get({1, channels[i]}, b.getF32Type()),
                        rows, SmallVector<ReassociationIndices>{{0, 1}})
                        .getResult()
                  : tensor::CollapseShapeOp::create(b, loc, rows, groups)
                        .getResult();
        }
        Value zero = arith::ConstantOp::create(b, loc, b.getF32Type(),
                                               b.getF32FloatAttr(0.0f));
        Value empty = tensor::EmptyOp::create(
            b, loc, ArrayRef<int64_t>{channels[i]}, b.getF32Type());
        Value acc = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
        Value sum =
            linalg::ReduceOp::create(
                b, loc, ValueRange{rows}, ValueRange{acc}, ArrayRef<int64_t>{0},
                [](OpBuilder &nb, Location nl, ValueRange args) {
                  linalg::YieldOp::create(
                      nb, nl,
                      arith::AddFOp::create(nb, nl, args[0], args[1])
                          .getResult());
                })
                .getResult(0);
        flatten(sum, channels[i]);
      }
    }
    // Histogram methods: then every observed tensor, flattened.
    std::optional<Method> chosen = parseMethod(method);
    if (!chosen) {
      module.emitError("qnn-calibrate: unknown method '")
          << method << "' (expected minmax, percentile, mse or entropy)";
      return signalPassFailure();
    }
    if (*chosen == Method::Percentile &&
        !(percentile > 50.0 && percentile <= 100.0)) {
      module.emitError("qnn-calibrate: percentile must be in (50, 100], got ")
          << percentile;
      return signalPassFailure();
    }
    SmallVector<int64_t> elements(jitObservers.size(), 0);
    if (*chosen != Method::MinMax) {
      for (auto [i, observer] : llvm::enumerate(jitObservers)) {
        auto type = cast<RankedTensorType>(observer.getType());
        if (!isStaticF32(type))
          continue;
        elements[i] = type.getNumElements();
        flatten(observer.getResult(), elements[i]);
      }
    }
    if (parts.size() > 1)
      packed = tosa::ConcatOp::create(
          b, loc, RankedTensorType::get({packedSize}, b.getF32Type()), parts,
          b.getI32IntegerAttr(0));
    func::ReturnOp::create(b, loc, packed);
    ret.erase();
    jitFunc.setFunctionType(
        b.getFunctionType(jitFunc.getArgumentTypes(), packed.getType()));
    jitFunc.setSymName("qmlir_calibrate");
    jitFunc.setPublic();
    if (failed(markForCInterface(*jitModule, "qmlir_calibrate")))
      return signalPassFailure();

    // A few calibration inputs run fastest end to end on the reference
    // lowering, which compiles in a fraction of the time.
    bool reference = preferReferenceLowering(func, files.size());
    PassManager pm(&jitContext);
    reportFailingPasses(pm);
    LowerToLLVMPipelineOptions lowering;
    lowering.vectorize = !reference;
    buildLowerToLLVMPipeline(pm, lowering);
    if (failed(pm.run(*jitModule))) {
      func.emitError("qnn-calibrate: lowering the calibration copy failed");
      return signalPassFailure();
    }
    JitSignature signature;
    signature.inputs = inputShapes;
    signature.results = {{packedSize}};
    auto jit = JitFunction::create(
        *jitModule, "qmlir_calibrate", std::move(signature),
        reference ? JitOptimization::Quick : JitOptimization::Full);
    if (failed(jit)) {
      func.emitError("qnn-calibrate: JIT compilation failed");
      return signalPassFailure();
    }

    size_t n = observers.size();
    std::vector<std::vector<double>> sums(n);
    for (size_t i = 0; i < n; ++i)
      sums[i].assign(channels[i], 0.0);
    std::vector<float> lo(n, std::numeric_limits<float>::infinity());
    std::vector<float> hi(n, -std::numeric_limits<float>::infinity());
    std::vector<std::vector<float>> inputs, outputs;
    // Runs one calibration input; false (with the error emitted) on failure.
    // min/max would skip a NaN silently: readInputSample rejects it.
    auto runSample = [&](const InputSample &sample) {
      if (std::string error = readInputSample(sample, inputShapes, inputs);
          !error.empty()) {
        module.emitError("qnn-calibrate: calibration input ") << error;
        return false;
      }
      if (std::string error = (*jit)->run(inputs, outputs); !error.empty()) {
        module.emitError("qnn-calibrate: ") << error;
        return false;
      }
      return true;
    };
    for (const InputSample &sample : files) {
      if (!runSample(sample))
        return signalPassFailure();
      const std::vector<float> &output = outputs[0];
      for (size_t i = 0; i < n; ++i) {
        lo[i] = std::min(lo[i], output[2 * i]);
        hi[i] = std::max(hi[i], output[2 * i + 1]);
      }
      for (size_t i = 0, at = 2 * n; i < n; at += channels[i], ++i)
        for (int64_t c = 0; c < channels[i]; ++c)
          sums[i][c] += output[at + c];
    }
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(lo[i]) || !std::isfinite(hi[i])) {
        observers[i].emitError("qnn-calibrate: non-finite range [")
            << lo[i] << ", " << hi[i] << "]";
        return signalPassFailure();
      }
    }
    // Second pass for the histogram methods: bins over each observer's
    // min-max range (|x| up to max |x| for entropy), so that the counts are
    // exact integers whatever the order of the inputs.
    std::vector<float> clipLo(lo), clipHi(hi);
    if (*chosen != Method::MinMax) {
      std::vector<calibration::Histogram> histograms;
      for (size_t i = 0; i < n; ++i) {
        if (*chosen == Method::Entropy)
          histograms.emplace_back(
              0.0, std::max(std::abs(lo[i]), std::abs(hi[i])), bins);
        else
          histograms.emplace_back(lo[i], hi[i], bins);
      }
      size_t tensorsAt = 2 * n;
      for (size_t i = 0; i < n; ++i)
        tensorsAt += channels[i];
      std::vector<float> magnitudes;
      for (const InputSample &sample : files) {
        if (!runSample(sample))
          return signalPassFailure();
        const float *at = outputs[0].data() + tensorsAt;
        for (size_t i = 0; i < n; at += elements[i], ++i) {
          if (*chosen == Method::Entropy) {
            magnitudes.assign(at, at + elements[i]);
            for (float &v : magnitudes)
              v = std::abs(v);
            histograms[i].add(magnitudes.data(), elements[i]);
          } else {
            histograms[i].add(at, elements[i]);
          }
        }
      }
      for (size_t i = 0; i < n; ++i) {
        if (!elements[i])
          continue;
        std::pair<double, double> range;
        if (*chosen == Method::Percentile) {
          range = calibration::percentileRange(histograms[i], percentile);
        } else if (*chosen == Method::Mse) {
          range = calibration::mseRange(histograms[i]);
        } else {
          // Unsigned activations (a ReLU's) have all 256 levels on one side.
          double t = calibration::entropyThreshold(histograms[i],
                                                   lo[i] >= 0.0f ? 256 : 128);
          range = {std::max<double>(lo[i], -t), std::min<double>(hi[i], t)};
        }
        // Never wider than what was seen.
        clipLo[i] = std::max<float>(lo[i], range.first);
        clipHi[i] = std::min<float>(hi[i], range.second);
        if (clipLo[i] > clipHi[i])
          clipLo[i] = clipHi[i];
      }
    }
    Builder attrs(&getContext());
    for (size_t i = 0; i < n; ++i) {
      observers[i].setMinAttr(attrs.getF32FloatAttr(clipLo[i]));
      observers[i].setMaxAttr(attrs.getF32FloatAttr(clipHi[i]));
      if (channels[i] == 0)
        continue;
      // Summed in f32 by the JIT: keep the mean inside the range.
      SmallVector<float> mean(channels[i]);
      for (int64_t c = 0; c < channels[i]; ++c)
        mean[c] =
            std::clamp<float>(sums[i][c] / (perChannelCount[i] * files.size()),
                              clipLo[i], clipHi[i]);
      observers[i].setMeanAttr(attrs.getDenseF32ArrayAttr(mean));
    }
    if (!saveStats.empty()) {
      std::string what = method;
      if (*chosen == Method::Percentile)
        what += " " + std::to_string(percentile.getValue());
      if (std::string error = saveCalibrationStatistics(saveStats, observers,
                                                        what, files.size());
          !error.empty()) {
        module.emitError("qnn-calibrate: ") << error;
        return signalPassFailure();
      }
    }
  }
};

} // namespace
