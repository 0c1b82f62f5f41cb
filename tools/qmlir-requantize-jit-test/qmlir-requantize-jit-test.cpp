//===- qmlir-requantize-jit-test.cpp - Lowered requantize vs reference ----===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Differential test of the requantization lowering: a qnn.requantize on a
// [rows, channels] i32 tensor with random per-channel multipliers and shifts
// is lowered with qnn-lower-to-llvm (vectorized and reference loops),
// JIT-compiled and run; every output must equal requant::requantize, the
// scalar reference, bit for bit. Accumulators are drawn so that x * M lands
// near the 8-bit range (many exact ties), plus the int32 extremes.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Support/Requantize.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <climits>
#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qmlir;

namespace {

constexpr int64_t kRows = 128, kChannels = 1024;

struct Case {
  requant::RoundingMode mode;
  const char *name;
  bool isUnsigned;
  int32_t zeroPoint, clampMin, clampMax;
};

struct MemRef2D {
  void *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
};

std::string join(ArrayRef<int32_t> values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s;
}

/// Runs one case; returns the number of mismatches (or -1 on a setup error).
int64_t runCase(const Case &c, bool vectorize, std::mt19937_64 &rng) {
  // Per-channel multipliers: M log-uniform in [2^-24, 4].
  std::uniform_real_distribution<double> logM(-24.0, 2.0);
  SmallVector<int32_t> mult(kChannels), shift(kChannels);
  SmallVector<double> realM(kChannels);
  for (int64_t ch = 0; ch < kChannels; ++ch) {
    requant::FixedPointMultiplier fp;
    if (!requant::quantizeMultiplier(std::exp2(logM(rng)), fp))
      return -1;
    mult[ch] = fp.multiplier;
    shift[ch] = fp.shift;
    realM[ch] = fp.multiplier * std::exp2(-fp.shift);
  }
  mult[0] = INT32_MAX;
  shift[0] = 62;
  mult[1] = 1 << 30;
  shift[1] = 31;
  // Accumulators: x ~ y / M for y near the output range, half of them on
  // exact ties where the rounding modes differ; plus the extremes.
  std::uniform_real_distribution<double> target(-300.0, 300.0);
  std::uniform_int_distribution<int64_t> any(INT32_MIN, INT32_MAX);
  std::vector<int32_t> x(kRows * kChannels);
  for (int64_t r = 0; r < kRows; ++r)
    for (int64_t ch = 0; ch < kChannels; ++ch) {
      double y = target(rng);
      if (r % 2)
        y = std::floor(y) + 0.5;
      double v = std::nearbyint(y / realM[ch]);
      if (r % 7 == 3)
        v = double(any(rng));
      x[r * kChannels + ch] =
          static_cast<int32_t>(std::clamp(v, double(INT32_MIN),
                                          double(INT32_MAX)));
    }
  const int32_t extremes[] = {INT32_MIN, INT32_MAX, 0, 1, -1, INT32_MIN + 1};
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t ch = 0; ch < kChannels; ++ch)
      x[i * kChannels + ch] = extremes[i];

  // The module.
  std::string qtype = std::string("!quant.uniform<") +
                      (c.isUnsigned ? "u8" : "i8") + ":f32, 1.0:" +
                      std::to_string(c.zeroPoint) + ">";
  std::string shape = std::to_string(kRows) + "x" + std::to_string(kChannels);
  std::string source =
      "func.func @main(%x: tensor<" + shape + "xi32>) -> tensor<" + shape +
      "xi8> attributes {llvm.emit_c_interface} {\n"
      "  %q = qnn.requantize %x {clamp_max = " + std::to_string(c.clampMax) +
      " : i32, clamp_min = " + std::to_string(c.clampMin) +
      " : i32, multiplier = array<i32: " + join(mult) +
      ">, rounding = #qnn.rounding<" + c.name + ">, shift = array<i32: " +
      join(shift) + ">} : tensor<" + shape + "xi32> -> tensor<" + shape + "x" +
      qtype + ">\n"
      "  %s = quant.scast %q : tensor<" + shape + "x" + qtype +
      "> to tensor<" + shape + "xi8>\n"
      "  return %s : tensor<" + shape + "xi8>\n}\n";

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllTranslations(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  if (!module)
    return -1;
  PassManager pm(&context);
  LowerToLLVMPipelineOptions options;
  options.vectorize = vectorize;
  buildLowerToLLVMPipeline(pm, options);
  if (failed(pm.run(*module)))
    return -1;
  ExecutionEngineOptions engineOptions;
  // engineOptions.transformer is a function_ref: the function must
  // outlive it.
  auto transformer = makeOptimizingTransformer(3, 0, nullptr);
  engineOptions.transformer = transformer;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine) {
    llvm::errs() << llvm::toString(engine.takeError()) << "\n";
    return -1;
  }
  auto entry = (*engine)->lookup("_mlir_ciface_main");
  if (!entry) {
    llvm::consumeError(entry.takeError());
    return -1;
  }
  MemRef2D in = {x.data(), x.data(), 0, {kRows, kChannels}, {kChannels, 1}};
  MemRef2D out = {};
  reinterpret_cast<void (*)(MemRef2D *, MemRef2D *)>(*entry)(&out, &in);

  int64_t mismatches = 0;
  auto *bytes = static_cast<uint8_t *>(out.aligned) + out.offset;
  for (int64_t r = 0; r < kRows; ++r)
    for (int64_t ch = 0; ch < kChannels; ++ch) {
      int32_t acc = x[r * kChannels + ch];
      int32_t expected = requant::requantize(
          acc, {mult[ch], shift[ch]}, c.mode, c.zeroPoint, c.clampMin,
          c.clampMax);
      uint8_t raw = bytes[r * kChannels + ch];
      int32_t got = c.isUnsigned ? int32_t(raw) : int32_t(int8_t(raw));
      if (got != expected && ++mismatches <= 5)
        llvm::errs() << "  mismatch: " << c.name << " x=" << acc
                     << " m=" << mult[ch] << " shift=" << shift[ch]
                     << " expected " << expected << " got " << got << "\n";
    }
  free(out.allocated);
  return mismatches;
}

} // namespace

int main() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::mt19937_64 rng(20261122);
  const Case cases[] = {
      {requant::RoundingMode::DoubleRound, "double_round", false, -3, -128,
       127},
      {requant::RoundingMode::SingleRound, "single_round", false, 5, -100, 90},
      {requant::RoundingMode::HalfEven, "half_even", false, 0, -128, 127},
      {requant::RoundingMode::DoubleRound, "double_round", true, 128, 0, 255},
      {requant::RoundingMode::SingleRound, "single_round", true, 100, 10, 250},
      {requant::RoundingMode::HalfEven, "half_even", true, 128, 0, 255},
  };
  int64_t total = 0, failures = 0;
  for (const Case &c : cases)
    for (bool vectorize : {true, false}) {
      int64_t mismatches = runCase(c, vectorize, rng);
      llvm::outs() << "requantize-jit: " << c.name << " "
                   << (c.isUnsigned ? "u8" : "i8") << " "
                   << (vectorize ? "vectorized" : "reference ") << ": "
                   << kRows * kChannels << " values, ";
      if (mismatches < 0) {
        llvm::outs() << "SETUP ERROR\n";
        ++failures;
        continue;
      }
      llvm::outs() << mismatches << " mismatches\n";
      total += kRows * kChannels;
      failures += mismatches;
    }
  llvm::outs() << "requantize-jit: " << total << " values checked, "
               << failures << " failures\n";
  return failures ? 1 : 0;
}
