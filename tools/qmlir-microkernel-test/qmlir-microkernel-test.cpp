//===- qmlir-microkernel-test.cpp - Microkernels vs reference lowering ----===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Differential test of the dot-product microkernels (qnn-cpu-microkernels):
// random qnn.matmul and qnn.conv2d ops -- ragged M/N/K (not multiples of any
// tile), K = 1, large K, non-zero and per-channel weight zero points, u8 and
// i8 activations with any zero point, every rounding mode, per-tensor and
// per-channel requantization, i32 accumulator results, convolutions with
// strides, dilations and asymmetric padding -- are lowered twice, with the
// microkernels (sequential, and split over 2 threads; and the ymm kernels
// of AVX-VNNI and AVX2 targets, JIT-run here), and with the
// reference loops (vectorize=false), JIT-compiled and run on the same random
// input. The outputs must be equal bit for bit, and the microkernel lowering
// must really have produced a kernel.
//
// Also the byte lookup tables (qnn-cpu-lookup-tables and their lowering to
// vpermi2b / tbl): float islands between u8 tensors (hard-swish, sigmoid, a
// requantization) on inputs holding all 256 byte values, against the same
// chain computed in float by the reference loops.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runtime/Jit.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <random>

using namespace mlir;
using namespace mlir::qmlir;

namespace {

struct Case {
  std::string name;
  bool conv;
  // matmul: M, K, N. conv: batch, IH, IW, C, F, KH, KW, strides, dilations,
  // padding [top, bottom, left, right].
  int64_t M = 0, K = 0, N = 0;
  int64_t batch = 1, IH = 0, IW = 0, C = 0, F = 0, KH = 1, KW = 1;
  int64_t SH = 1, SW = 1, DH = 1, DW = 1, PT = 0, PB = 0, PL = 0, PR = 0;
  bool signedInput = false;
  int64_t inputZp = 0;
  bool perChannel = true;
  /// Per-tensor u8 weights with this zero point (per-channel: symmetric i8).
  int64_t weightZp = 0;
  bool i32Output = false;
  std::string rounding = "double_round";
  /// Weights of this many bits (W - zp within +-(2^(bits-1) - 1)): 7 takes
  /// the AVX2 byte-pair kernel (vpmaddubsw), 8 its i16 kernel.
  int64_t weightBits = 8;
  /// Every weight +64 (even channels) or -64 (odd ones) and every input
  /// byte 255: each vpmaddubsw pair sums to +-32640, the edge of i16.
  bool extremes = false;
  /// Weights spanning all of u8 with weightZp: W - zp leaves i8, so the op
  /// must stay on the reference lowering.
  bool wideWeights = false;
  /// Depthwise convolution: groups = C = F, weights [C, KH, KW, 1].
  bool depthwise = false;
  /// Shifts below 31 too (multipliers above 1: saturating left shifts).
  bool lowShifts = false;
  /// Shifts 46..62 (tiny multipliers), on both sides of the 53 up to which
  /// the short double_round epilogue folds the zero point into its product.
  bool highShifts = false;
  /// Every multiplier 2^30: x * m is a tie of the high multiply's rounding
  /// for every odd accumulator.
  bool tieMultipliers = false;
  /// Output storage, zero point and clamp.
  bool signedOutput = false;
  int64_t outZp = 7, clampMin = 3, clampMax = 250;
};

std::string join(const std::vector<int64_t> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s;
}

std::string shapeOf(std::initializer_list<int64_t> dims) {
  std::string s;
  for (int64_t d : dims)
    s += std::to_string(d) + "x";
  return s;
}

/// The module of one case; `inShape` receives the input shape.
/// `pairsFit`: whether every two same-signed weights of a channel (minus
/// its zero point) sum to at most 128 in magnitude, the bound under which
/// AVX2 takes vpmaddubsw.
std::string buildSource(const Case &c, std::mt19937_64 &rng,
                        SmallVectorImpl<int64_t> &inShape, bool &pairsFit) {
  int wMax = (1 << (c.weightBits - 1)) - 1;
  std::uniform_int_distribution<int> w8(-wMax, wMax);
  // u8 weights: W - zp within i8 unless the case wants them wider.
  std::uniform_int_distribution<int> u8(
      c.wideWeights ? 0 : std::max<int>(0, c.weightZp - wMax),
      c.wideWeights ? 255 : std::min<int>(255, c.weightZp + wMax));
  int64_t outChannels = c.conv ? c.F : c.N;
  int64_t K = c.conv ? c.KH * c.KW * (c.depthwise ? 1 : c.C) : c.K;
  std::string wElem, wStorage = c.weightZp ? "u8" : "i8";
  std::vector<int64_t> weights;
  int64_t count = K * outChannels;
  for (int64_t i = 0; i < count; ++i) {
    int64_t channel = c.conv ? i / K : i % outChannels;
    weights.push_back(c.extremes   ? (channel % 2 ? -64 : 64)
                      : c.weightZp ? u8(rng)
                                   : w8(rng));
  }
  pairsFit = true;
  for (int64_t n = 0; n < outChannels; ++n) {
    std::vector<int64_t> pos, neg;
    for (int64_t i = 0; i < count; ++i)
      if ((c.conv ? i / K : i % outChannels) == n) {
        int64_t v = weights[i] - c.weightZp;
        (v > 0 ? pos : neg).push_back(std::abs(v));
      }
    for (std::vector<int64_t> *side : {&pos, &neg}) {
      std::sort(side->rbegin(), side->rend());
      if (side->size() >= 2 && (*side)[0] + (*side)[1] > 128)
        pairsFit = false;
    }
  }
  if (c.perChannel) {
    std::string scales;
    for (int64_t n = 0; n < outChannels; ++n)
      scales += (n ? "," : "") + std::to_string(0.01 + 0.001 * n);
    wElem = "!quant.uniform<i8<-127:127>:f32:" +
            std::to_string(c.conv ? 0 : 1) + ", {" + scales + "}>";
  } else {
    wElem = "!quant.uniform<" + wStorage + ":f32, 0.02:" +
            std::to_string(c.weightZp) + ">";
  }
  std::string inElem = std::string("!quant.uniform<") +
                       (c.signedInput ? "i8" : "u8") + ":f32, 0.05:" +
                       std::to_string(c.inputZp) + ">";
  std::string inT, wT, outT, outStorage;
  int64_t OH = 0, OW = 0;
  if (c.conv) {
    OH = (c.IH + c.PT + c.PB - c.DH * (c.KH - 1) - 1) / c.SH + 1;
    OW = (c.IW + c.PL + c.PR - c.DW * (c.KW - 1) - 1) / c.SW + 1;
    inShape.assign({c.batch, c.IH, c.IW, c.C});
    inT = shapeOf({c.batch, c.IH, c.IW, c.C});
    wT = shapeOf({c.F, c.KH, c.KW, c.depthwise ? 1 : c.C});
    outT = shapeOf({c.batch, OH, OW, c.F});
  } else {
    inShape.assign({c.M, c.K});
    inT = shapeOf({c.M, c.K});
    wT = shapeOf({c.K, c.N});
    outT = shapeOf({c.M, c.N});
  }
  // Bias and requantization: accumulators land around the output range.
  std::uniform_int_distribution<int64_t> biasDist(-20000, 20000);
  std::uniform_int_distribution<int64_t> multDist(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int64_t> shiftDist(c.lowShifts    ? 20
                                                   : c.highShifts ? 46
                                                                  : 36,
                                                   c.lowShifts    ? 34
                                                   : c.highShifts ? 62
                                                                  : 44);
  std::vector<int64_t> bias, mult, shift;
  int64_t requantCount = c.perChannel ? outChannels : 1;
  for (int64_t n = 0; n < outChannels; ++n)
    bias.push_back(biasDist(rng));
  for (int64_t n = 0; n < requantCount; ++n) {
    mult.push_back(c.tieMultipliers ? int64_t(1) << 30 : multDist(rng));
    shift.push_back(shiftDist(rng));
  }
  std::string outElem = "i32", attrs;
  if (!c.i32Output) {
    outElem = std::string("!quant.uniform<") + (c.signedOutput ? "i8" : "u8") +
              ":f32, 0.1:" + std::to_string(c.outZp) + ">";
    attrs = "clamp_max = " + std::to_string(c.clampMax) +
            " : i32, clamp_min = " + std::to_string(c.clampMin) +
            " : i32, multiplier = "
            "array<i32: " +
            join(mult) + ">, rounding = #qnn.rounding<" + c.rounding +
            ">, shift = array<i32: " + join(shift) + ">";
  }
  std::string convAttrs;
  if (c.conv)
    convAttrs = std::string(attrs.empty() ? "" : ", ") +
                "dilations = array<i64: " + std::to_string(c.DH) + ", " +
                std::to_string(c.DW) + ">, groups = " +
                std::to_string(c.depthwise ? c.C : 1) + " : i64, padding = "
                "array<i64: " + join({c.PT, c.PB, c.PL, c.PR}) +
                ">, strides = array<i64: " + std::to_string(c.SH) + ", " +
                std::to_string(c.SW) + ">";
  std::string resultType = "tensor<" + outT + outElem + ">";
  std::string resultStorage =
      "tensor<" + outT + (c.i32Output ? "i32" : "i8") + ">";
  std::string s;
  s += "func.func @main(%x: tensor<" + inT + "i8>) -> " + resultStorage +
       " attributes {llvm.emit_c_interface} {\n";
  s += "  %xq = quant.scast %x : tensor<" + inT + "i8> to tensor<" + inT +
       inElem + ">\n";
  // Raw bytes, row-major: u8 storage values above 127 are the same bytes.
  std::string hex;
  for (int64_t v : weights) {
    static const char digits[] = "0123456789ABCDEF";
    uint8_t byte = static_cast<uint8_t>(v);
    hex += digits[byte >> 4];
    hex += digits[byte & 15];
  }
  s += "  %wr = arith.constant dense<\"0x" + hex + "\"> : tensor<" + wT +
       "i8>\n";
  s += "  %wq = quant.scast %wr : tensor<" + wT + "i8> to tensor<" + wT +
       wElem + ">\n";
  s += "  %b = arith.constant dense<[" + join(bias) + "]> : tensor<" +
       std::to_string(outChannels) + "xi32>\n";
  s += std::string("  %y = ") + (c.conv ? "qnn.conv2d" : "qnn.matmul") +
       " %xq, %wq, %b {" + attrs + convAttrs + "} : tensor<" + inT + inElem +
       ">, tensor<" + wT + wElem + ">, tensor<" + std::to_string(outChannels) +
       "xi32> -> " + resultType + "\n";
  if (c.i32Output) {
    s += "  return %y : " + resultType + "\n}\n";
  } else {
    s += "  %ys = quant.scast %y : " + resultType + " to " + resultStorage +
         "\n  return %ys : " + resultStorage + "\n}\n";
  }
  return s;
}

/// Lowers `source` (vectorize = microkernels; threads > 1: every kernel
/// parallel) and runs it on `input`.
std::string runLowered(const std::string &source, bool microkernels,
                       unsigned threads, const JitBuffer &input,
                       int64_t resultRank, int64_t resultBytes,
                       JitBuffer &result, int64_t &kernels,
                       StringRef x86Features = "",
                       int64_t *bytePairDots = nullptr) {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllTranslations(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  if (!module)
    return "parse error";
  PassManager pm(&context);
  LowerToLLVMPipelineOptions options;
  options.vectorize = microkernels;
  options.threads = threads;
  options.parallelMacs = 0;
  // Kernels for a narrower x86 target (AVX-VNNI, AVX2), still run here.
  if (!x86Features.empty()) {
    options.targetTriple = "x86_64-unknown-linux-gnu";
    options.targetFeatures = x86Features.str();
  }
  buildLowerToLLVMPipeline(pm, options);
  if (failed(pm.run(*module)))
    return "lowering failed";
  kernels = 0;
  module->walk([&](LLVM::LLVMFuncOp f) {
    if (f.getSymName().starts_with("__qnn_kernel"))
      ++kernels;
  });
  if (bytePairDots) {
    *bytePairDots = 0;
    module->walk([&](LLVM::CallIntrinsicOp call) {
      if (call.getIntrin() == "llvm.x86.avx2.pmadd.ub.sw")
        ++*bytePairDots;
    });
  }
  // Byte lookup tables (256-byte constant globals) count as kernels too.
  module->walk([&](LLVM::GlobalOp g) {
    auto array = dyn_cast<LLVM::LLVMArrayType>(g.getGlobalType());
    if (g.getConstant() && array && array.getNumElements() == 256 &&
        array.getElementType().isInteger(8))
      ++kernels;
  });
  ExecutionEngineOptions engineOptions;
  auto transformer = makeOptimizingTransformer(2, 0, nullptr);
  engineOptions.transformer = transformer;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    return llvm::toString(engine.takeError());
  JitBuffer in = input;
  std::vector<JitBuffer> results;
  std::string error = invokeMemRefFunction(**engine, "main", in, {resultRank},
                                           {resultBytes}, results);
  if (!error.empty())
    return error;
  result = std::move(results[0]);
  return "";
}

/// dcast -> `body` -> qcast on a tensor<1x`h`x`w`x`c`> of u8.
std::string buildLookupSource(StringRef body, int64_t h, int64_t w,
                              int64_t c) {
  std::string shape = "1x" + std::to_string(h) + "x" + std::to_string(w) +
                      "x" + std::to_string(c) + "x";
  std::string in = "!quant.uniform<u8:f32, 0.05:128>";
  std::string out = "!quant.uniform<u8:f32, 0.03:10>";
  std::string f = "tensor<" + shape + "f32>";
  std::string one = "tensor<1x1x1x1xf32>";
  std::string s;
  s += "func.func @main(%x: tensor<" + shape + "i8>) -> tensor<" + shape +
       "i8> attributes {llvm.emit_c_interface} {\n";
  s += "  %xq = quant.scast %x : tensor<" + shape + "i8> to tensor<" + shape +
       in + ">\n";
  s += "  %f = quant.dcast %xq : tensor<" + shape + in + "> to " + f + "\n";
  s += "  %three = \"tosa.const\"() <{values = dense<3.0> : " + one +
       "}> : () -> " + one + "\n";
  s += "  %sixth = \"tosa.const\"() <{values = dense<0.16666667> : " + one +
       "}> : () -> " + one + "\n";
  s += "  %shift = \"tosa.const\"() <{values = dense<0> : tensor<1xi8>}> : "
       "() -> tensor<1xi8>\n";
  if (body == "hardswish") {
    s += "  %a = tosa.add %f, %three : (" + f + ", " + one + ") -> " + f + "\n";
    s += "  %c = tosa.clamp %a {max_val = 6.0 : f32, min_val = 0.0 : f32} : (" +
         f + ") -> " + f + "\n";
    s += "  %m = tosa.mul %f, %c, %shift : (" + f + ", " + f +
         ", tensor<1xi8>) -> " + f + "\n";
    s += "  %y = tosa.mul %m, %sixth, %shift : (" + f + ", " + one +
         ", tensor<1xi8>) -> " + f + "\n";
  } else if (body == "sigmoid") {
    s += "  %y = tosa.sigmoid %f : (" + f + ") -> " + f + "\n";
  } else {
    s += "  %y = tosa.add %f, %three : (" + f + ", " + one + ") -> " + f + "\n";
  }
  s += "  %q = quant.qcast %y : " + f + " to tensor<" + shape + out + ">\n";
  s += "  %qs = quant.scast %q : tensor<" + shape + out + "> to tensor<" +
       shape + "i8>\n";
  s += "  return %qs : tensor<" + shape + "i8>\n}\n";
  return s;
}

} // namespace

int main() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::mt19937_64 rng(20261202);
  std::vector<Case> cases;
  auto mm = [&](int64_t M, int64_t K, int64_t N) {
    Case c;
    c.conv = false;
    c.M = M, c.K = K, c.N = N;
    c.name = "matmul " + std::to_string(M) + "x" + std::to_string(K) + "x" +
             std::to_string(N);
    return c;
  };
  auto conv = [&](int64_t IH, int64_t IW, int64_t C, int64_t F, int64_t KH,
                  int64_t KW) {
    Case c;
    c.conv = true;
    c.IH = IH, c.IW = IW, c.C = C, c.F = F, c.KH = KH, c.KW = KW;
    c.name = "conv " + std::to_string(IH) + "x" + std::to_string(IW) + "x" +
             std::to_string(C) + " -> " + std::to_string(F) + " " +
             std::to_string(KH) + "x" + std::to_string(KW);
    return c;
  };
  // Matmuls: ragged, K = 1, large K, every lhs signedness and zero point.
  cases.push_back(mm(1, 1, 1));
  cases.push_back(mm(1, 64, 16));
  {
    Case c = mm(7, 13, 33);
    c.inputZp = 255;
    cases.push_back(c);
  }
  {
    Case c = mm(13, 64, 64);
    c.signedInput = true, c.inputZp = -5, c.rounding = "half_even";
    cases.push_back(c);
  }
  {
    Case c = mm(37, 31, 10);
    c.rounding = "single_round", c.inputZp = 128;
    cases.push_back(c);
  }
  {
    Case c = mm(25, 2048, 70);
    c.inputZp = 17;
    cases.push_back(c);
  }
  {
    Case c = mm(6, 40, 129);
    c.perChannel = false, c.weightZp = 100, c.inputZp = 9;
    cases.push_back(c);
  }
  {
    Case c = mm(5, 9, 12);
    c.perChannel = false, c.weightZp = 100, c.wideWeights = true;
    c.name += " (weights beyond i8: reference)";
    cases.push_back(c);
  }
  {
    Case c = mm(11, 24, 20);
    c.i32Output = true, c.inputZp = 3, c.signedInput = true;
    cases.push_back(c);
  }
  {
    Case c = mm(9, 20, 30);
    c.lowShifts = true, c.name += " (shifts 20..34)";
    cases.push_back(c);
  }
  {
    // Weights beyond 512 KiB: swept in column blocks (with a partial last
    // vector in the last block).
    Case c = mm(13, 1024, 600);
    c.inputZp = 60;
    c.name += " (column blocks)";
    cases.push_back(c);
  }
  {
    Case c = mm(49, 128, 100);
    c.perChannel = false, c.rounding = "half_even", c.inputZp = 128;
    cases.push_back(c);
  }
  // Convolutions: stem (C = 3), stride, dilation, asymmetric padding, 1x1.
  {
    Case c = conv(12, 11, 3, 16, 3, 3);
    c.SH = c.SW = 2, c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 128;
    cases.push_back(c);
  }
  {
    Case c = conv(9, 10, 8, 24, 3, 3);
    c.DH = 2, c.DW = 1, c.PT = 2, c.PB = 0, c.PL = 0, c.PR = 1;
    c.signedInput = true, c.inputZp = -7, c.rounding = "half_even";
    cases.push_back(c);
  }
  {
    Case c = conv(7, 7, 32, 40, 1, 1);
    c.batch = 2, c.inputZp = 11;
    cases.push_back(c);
  }
  {
    Case c = conv(8, 6, 6, 5, 1, 1);
    c.SH = 2, c.inputZp = 1, c.rounding = "single_round";
    cases.push_back(c);
  }
  {
    Case c = conv(10, 10, 5, 19, 5, 5);
    c.PT = c.PB = c.PL = c.PR = 2, c.inputZp = 200, c.perChannel = false;
    c.weightZp = 128;
    cases.push_back(c);
  }
  {
    Case c = conv(6, 9, 16, 8, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.i32Output = true, c.inputZp = 4;
    cases.push_back(c);
  }

  // 7-bit weights: on AVX2 the byte-pair kernel (vpmaddubsw + vpmaddwd by
  // ones, the activations in groups of 4 bytes, flipped when signed) in
  // place of the i16 one; ragged shapes, K = 1, large K, column blocks,
  // N <= 8 (one column vector), per-tensor weights with a zero point,
  // signed inputs, convolutions gathered and in place, i32 results, and
  // pair sums at the edge of i16.
  {
    auto seven = [&](Case c) {
      c.weightBits = 7;
      c.name += " (7-bit weights)";
      cases.push_back(c);
    };
    Case c = mm(7, 13, 33);
    c.inputZp = 255;
    seven(c);
    seven(mm(1, 1, 1));
    c = mm(13, 64, 64);
    c.signedInput = true, c.inputZp = -5, c.rounding = "half_even";
    seven(c);
    c = mm(25, 2048, 70);
    c.inputZp = 17, c.rounding = "single_round";
    seven(c);
    c = mm(13, 1024, 600);
    c.inputZp = 60;
    seven(c);
    c = mm(30, 36, 8);
    c.inputZp = 3;
    seven(c);
    c = mm(6, 40, 129);
    c.perChannel = false, c.weightZp = 100, c.inputZp = 9;
    seven(c);
    c = conv(20, 21, 3, 32, 3, 3);
    c.batch = 2, c.inputZp = 128;
    seven(c);
    c = conv(9, 10, 8, 24, 3, 3);
    c.DH = 2, c.DW = 1, c.PT = 2, c.PB = 0, c.PL = 0, c.PR = 1;
    c.signedInput = true, c.inputZp = -7;
    seven(c);
    c = conv(16, 15, 17, 20, 3, 3);
    c.DH = 2, c.PT = 1, c.PB = 2, c.PL = 1, c.PR = 0, c.signedInput = true;
    c.inputZp = 5;
    seven(c);
    c = conv(7, 7, 32, 40, 1, 1);
    c.batch = 2, c.inputZp = 11, c.i32Output = true;
    seven(c);
    c = mm(12, 40, 24);
    c.extremes = true, c.i32Output = true;
    c.name += " (pair sums +-32640)";
    seven(c);
    c = conv(6, 6, 12, 16, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.extremes = true, c.i32Output = true;
    c.inputZp = 0, c.name += " (pair sums +-32640)";
    seven(c);
    // Depthwise: the taps of a channel in groups of 4 on vpmaddubsw; 4
    // channel vectors interleaved together, a 1-row kernel, stride 2 with
    // a signed input, dilation, a 7x7 kernel (two tap groups), and pair sums
    // at the edge.
    c = conv(6, 7, 144, 144, 3, 3);
    c.depthwise = true, c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 128;
    c.name = "depthwise " + c.name;
    seven(c);
    c = conv(9, 10, 70, 70, 5, 5);
    c.depthwise = true, c.SH = c.SW = 2, c.PT = c.PL = 2, c.PB = c.PR = 1;
    c.signedInput = true, c.inputZp = 9, c.name = "depthwise " + c.name;
    seven(c);
    c = conv(8, 9, 20, 20, 3, 3);
    c.depthwise = true, c.DH = 2, c.PT = 2, c.PB = 2, c.PL = c.PR = 1;
    c.inputZp = 200, c.name = "depthwise " + c.name;
    seven(c);
    c = conv(11, 13, 20, 20, 7, 7);
    c.depthwise = true, c.PT = c.PB = c.PL = c.PR = 3, c.batch = 2;
    c.inputZp = 77, c.name = "depthwise " + c.name;
    seven(c);
    c = conv(3, 37, 40, 40, 5, 5);
    c.depthwise = true, c.PT = c.PB = c.PL = c.PR = 2, c.inputZp = 128;
    c.name = "depthwise " + c.name;
    seven(c);
    c = conv(6, 6, 24, 24, 3, 3);
    c.depthwise = true, c.PT = c.PB = c.PL = c.PR = 1, c.extremes = true;
    c.i32Output = true, c.inputZp = 0;
    c.name = "depthwise " + c.name + " (pair sums +-32640)";
    seven(c);
  }

  // Wide tiles for few rows: the last 2 rows of 14 in tiles of 8 vectors
  // (requantized in groups of 4), a 1-row and a 3-row matmul.
  {
    Case c = mm(14, 40, 200);
    c.name += " (last rows in wide tiles)";
    cases.push_back(c);
    cases.push_back(mm(1, 96, 300));
    cases.push_back(mm(3, 20, 130));
  }
  // Row blocks read in place (windows inside the image) beside gathered
  // ones: kernel rows padded to a multiple of 4 bytes (C = 3, 17), the
  // last group reading past the window and, at the end of the input, the
  // block gathered instead; batches, stride 2 with padding, dilation.
  {
    Case c = conv(20, 21, 3, 32, 3, 3);
    c.batch = 2, c.inputZp = 128;
    c.name += " (in place, no padding)";
    cases.push_back(c);
  }
  {
    Case c = conv(30, 30, 3, 16, 3, 3);
    c.SH = c.SW = 2, c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 77;
    c.name += " (in place, stem s2)";
    cases.push_back(c);
  }
  {
    Case c = conv(16, 15, 17, 20, 3, 3);
    c.DH = 2, c.PT = 1, c.PB = 2, c.PL = 1, c.PR = 0, c.signedInput = true;
    c.inputZp = 5;
    c.name += " (in place, C = 17, dilation 2x1)";
    cases.push_back(c);
  }

  // Depthwise: channel tails, strides, dilations, padding, signed input.
  auto dw = [&](int64_t IH, int64_t IW, int64_t C, int64_t KH, int64_t KW) {
    Case c = conv(IH, IW, C, C, KH, KW);
    c.depthwise = true;
    c.name = "depthwise " + c.name;
    return c;
  };
  {
    Case c = dw(9, 11, 37, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 128;
    cases.push_back(c);
  }
  {
    Case c = dw(12, 10, 16, 5, 5);
    c.SH = c.SW = 2, c.PT = 2, c.PB = 1, c.PL = 2, c.PR = 2;
    c.signedInput = true, c.inputZp = -3, c.rounding = "half_even";
    cases.push_back(c);
  }
  {
    Case c = dw(7, 5, 3, 3, 3);
    c.DH = c.DW = 2, c.PT = c.PB = c.PL = c.PR = 2, c.batch = 2;
    c.perChannel = false, c.weightZp = 130, c.rounding = "single_round";
    cases.push_back(c);
  }
  {
    Case c = dw(6, 6, 24, 3, 3);
    c.i32Output = true, c.inputZp = 5;
    cases.push_back(c);
  }
  // Kernels wider than 4 columns (two tap groups, the second partly zero),
  // batch 2 through the row ring, unequal strides (SW = 3 keeps every Z
  // entry), a 1-row kernel.
  {
    Case c = dw(11, 13, 20, 7, 7);
    c.PT = c.PB = c.PL = c.PR = 3, c.batch = 2, c.inputZp = 77;
    cases.push_back(c);
  }
  {
    Case c = dw(9, 14, 33, 3, 3);
    c.SH = 2, c.SW = 3, c.PB = 1, c.PL = 1, c.inputZp = 128;
    cases.push_back(c);
  }
  {
    Case c = dw(1, 9, 16, 1, 3);
    c.PL = c.PR = 1, c.signedInput = true, c.inputZp = 0;
    cases.push_back(c);
  }
  // Blocks of 4 channel vectors interleaved together (64 channels with
  // zmm): 2 blocks + 1 vector; 1 block + a partial vector, stride 2, signed.
  {
    Case c = dw(6, 7, 144, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 128;
    cases.push_back(c);
  }
  {
    Case c = dw(9, 10, 70, 5, 5);
    c.SH = c.SW = 2, c.PT = c.PL = 2, c.PB = c.PR = 1;
    c.signedInput = true, c.inputZp = 9;
    cases.push_back(c);
  }
  // Dilations on the dot-product path (rows through the ring, columns in
  // the Z entries), with border rows whose window leaves the image.
  {
    Case c = dw(8, 9, 20, 3, 3);
    c.DH = 2, c.PT = 2, c.PB = 2, c.PL = c.PR = 1, c.inputZp = 200;
    cases.push_back(c);
  }
  {
    Case c = dw(5, 12, 17, 3, 5);
    c.DW = 2, c.PT = c.PB = 1, c.PL = c.PR = 4, c.batch = 2;
    c.signedInput = true, c.inputZp = -20;
    cases.push_back(c);
  }
  // Images too small for an interior row (the classifier's 3x96 and 2x96
  // maps): every block takes the checked path.
  {
    Case c = dw(3, 37, 40, 5, 5);
    c.PT = c.PB = c.PL = c.PR = 2, c.inputZp = 128;
    cases.push_back(c);
  }
  {
    Case c = dw(2, 30, 24, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 77, c.rounding = "half_even";
    cases.push_back(c);
  }
  // Output zero points and clamps of the requantizing epilogue: signed
  // outputs with a negative zero point, the full u8 range (the truncating
  // store saturates), tiny multipliers (shifts past 53: the zero point
  // stays out of the product).
  {
    Case c = dw(9, 11, 37, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 128, c.highShifts = true;
    c.signedOutput = true, c.outZp = -100, c.clampMin = -128;
    c.clampMax = 127;
    c.name += " (i8 out, zp -100, shifts 46..62)";
    cases.push_back(c);
    c.highShifts = false, c.tieMultipliers = true;
    c.name = "depthwise conv 9x11x37 -> 37 3x3 (i8 out, zp -100, "
             "multipliers 2^30)";
    cases.push_back(c);
  }
  {
    Case c = mm(7, 13, 33);
    c.inputZp = 3, c.highShifts = true, c.outZp = 255, c.clampMin = 0;
    c.clampMax = 255;
    c.name += " (zp 255, shifts 46..62)";
    cases.push_back(c);
  }
  {
    Case c = conv(7, 7, 24, 40, 1, 1);
    c.inputZp = 128, c.outZp = 0, c.clampMin = 0, c.clampMax = 255;
    c.tieMultipliers = true;
    c.name += " (zp 0, clamp 0..255, multipliers 2^30)";
    cases.push_back(c);
  }
  // Tiles of 64 output columns stored as one vector of bytes (x86 packs):
  // the clamp to the whole byte range left to the packs' saturation, a
  // narrower clamp kept, signed outputs.
  {
    Case c = conv(7, 7, 24, 144, 1, 1);
    c.inputZp = 128, c.outZp = 0, c.clampMin = 0, c.clampMax = 255;
    c.name += " (zp 0, clamp 0..255)";
    cases.push_back(c);
  }
  {
    Case c = mm(9, 40, 128);
    c.inputZp = 31, c.signedOutput = true, c.outZp = -5, c.clampMin = -128;
    c.clampMax = 127;
    c.name += " (i8 out, zp -5, clamp -128..127)";
    cases.push_back(c);
  }
  {
    Case c = mm(10, 72, 64);
    c.inputZp = 2, c.signedOutput = true, c.outZp = 9, c.clampMin = -100;
    c.clampMax = 120;
    c.name += " (i8 out, zp 9, clamp -100..120)";
    cases.push_back(c);
  }
  {
    Case c = dw(8, 13, 70, 5, 5);
    c.PT = c.PB = c.PL = c.PR = 2, c.inputZp = 90, c.signedOutput = true;
    c.outZp = 5, c.clampMin = -128, c.clampMax = 127;
    c.name += " (i8 out, zp 5)";
    cases.push_back(c);
  }

  // A clamp from the zero point up (a fused ReLU): the epilogue drops the
  // rounding's sign term there (for a negative accumulator both roundings
  // give at most the zero point, which the clamp lifts to clamp_min);
  // multipliers of 2^30 make rounding ties common.
  {
    Case c = dw(11, 12, 48, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 128, c.tieMultipliers = true;
    c.outZp = 7, c.clampMin = 7, c.clampMax = 255;
    c.name += " (ReLU: clamp 7..255 at zp 7, multipliers 2^30)";
    cases.push_back(c);
  }
  {
    Case c = mm(13, 36, 80);
    c.inputZp = 100, c.signedOutput = true, c.outZp = -20, c.clampMin = -20;
    c.clampMax = 127, c.tieMultipliers = true;
    c.name += " (ReLU: i8 out, clamp -20..127 at zp -20, multipliers 2^30)";
    cases.push_back(c);
  }

  // single_round's short epilogue (no sign term): ties everywhere, 64-byte
  // groups with the clamp left to the packs, a ReLU clamp, signed outputs,
  // depthwise, and shifts past 53 (the 64-bit path).
  {
    Case c = mm(14, 40, 200);
    c.rounding = "single_round", c.inputZp = 128, c.tieMultipliers = true;
    c.outZp = 3, c.clampMin = 0, c.clampMax = 255;
    c.name += " (single_round, clamp 0..255, multipliers 2^30)";
    cases.push_back(c);
  }
  {
    Case c = mm(9, 40, 128);
    c.rounding = "single_round", c.inputZp = 31, c.signedOutput = true;
    c.outZp = -5, c.clampMin = -5, c.clampMax = 127, c.tieMultipliers = true;
    c.name += " (single_round, i8 out, ReLU at zp -5, multipliers 2^30)";
    cases.push_back(c);
  }
  {
    Case c = dw(9, 11, 37, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 128;
    c.rounding = "single_round", c.outZp = 100, c.clampMin = 0;
    c.clampMax = 255;
    c.name += " (single_round, zp 100)";
    cases.push_back(c);
  }
  {
    Case c = conv(9, 10, 8, 24, 3, 3);
    c.PT = c.PB = c.PL = c.PR = 1, c.inputZp = 200;
    c.rounding = "single_round", c.highShifts = true;
    c.name += " (single_round, shifts 46..62)";
    cases.push_back(c);
  }

  // The ymm variants run only where this CPU executes them (the JIT
  // compiles for the host): AVX-VNNI with avxvnni or AVX-512 VNNI + VL,
  // AVX2 beside a wider host kernel.
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  auto has = [&](StringRef f) { return host.lookup(f); };
  SmallVector<std::pair<StringRef, StringRef>> variants;
  if (has("avxvnni") || (has("avx512vnni") && has("avx512vl")))
    variants.push_back({"avx-vnni", "+avx2,+fma,+avxvnni"});
  if (has("avx2") && (has("avxvnni") || has("avx512vnni")))
    variants.push_back({"avx2", "+avx2,+fma"});
  bool hostAVX2Only = has("avx2") && !has("avxvnni") && !has("avx512vnni");
  std::string variantNames;
  for (auto &v : variants)
    variantNames += ("; " + v.first).str();
  int64_t failures = 0, values = 0;
  for (const Case &c : cases) {
    SmallVector<int64_t> inShape;
    bool pairsFit = false;
    std::string source = buildSource(c, rng, inShape, pairsFit);
    JitBuffer input;
    input.shape.assign(inShape.begin(), inShape.end());
    input.elementBytes = 1;
    int64_t count = 1;
    for (int64_t d : inShape)
      count *= d;
    std::uniform_int_distribution<int> byte(0, 255);
    input.data.resize(count);
    for (char &v : input.data)
      v = static_cast<char>(c.extremes ? 255 : byte(rng));
    int64_t resultBytes = c.i32Output ? 4 : 1;
    JitBuffer kernelOut, parallelOut, referenceOut;
    int64_t kernels = 0, parallelKernels = 0, referenceKernels = 0;
    // vpmaddubsw in the AVX2 kernels: exactly where the weights are 7-bit.
    int64_t hostPairs = 0;
    std::string error =
        runLowered(source, true, 1, input, inShape.size(), resultBytes,
                   kernelOut, kernels, "", &hostPairs);
    bool pairsWrong = false;
    bool wantPairs = pairsFit && !c.wideWeights;
    if (hostAVX2Only && (hostPairs > 0) != wantPairs)
      pairsWrong = true;
    if (error.empty())
      error = runLowered(source, true, 2, input, inShape.size(), resultBytes,
                         parallelOut, parallelKernels);
    if (error.empty())
      error = runLowered(source, false, 1, input, inShape.size(), resultBytes,
                         referenceOut, referenceKernels);
    // The narrower x86 kernels this CPU can also run: AVX-VNNI (vpdpbusd
    // ymm) and AVX2 (vpmaddwd on i16 panels), 8 lanes.
    std::vector<JitBuffer> variantOut(variants.size());
    std::vector<int64_t> variantKernels(variants.size(), 0);
    for (size_t v = 0; v < variants.size() && error.empty(); ++v) {
      int64_t pairs = 0;
      error = runLowered(source, true, 1, input, inShape.size(), resultBytes,
                         variantOut[v], variantKernels[v], variants[v].second,
                         &pairs);
      if (variants[v].first == "avx2" && (pairs > 0) != wantPairs)
        pairsWrong = true;
    }
    llvm::outs() << "microkernel-test: " << c.name << ": ";
    if (!error.empty()) {
      llvm::outs() << "ERROR " << error << "\n";
      ++failures;
      continue;
    }
    int64_t mismatches = 0;
    int64_t n = kernelOut.data.size() / resultBytes;
    // Sequential and parallel kernels against the reference.
    SmallVector<const JitBuffer *> outs = {&kernelOut, &parallelOut};
    for (const JitBuffer &out : variantOut)
      outs.push_back(&out);
    for (const JitBuffer *out : outs) {
      if (out->data.size() != referenceOut.data.size()) {
        mismatches += n ? n : 1;
        continue;
      }
      for (int64_t i = 0; i < n; ++i)
        if (std::memcmp(&out->data[i * resultBytes],
                        &referenceOut.data[i * resultBytes], resultBytes))
          ++mismatches;
    }
    values += n;
    llvm::outs() << n << " values (1 and 2 threads" << variantNames << "), "
                 << mismatches << " mismatches, " << kernels << " kernel"
                 << (pairsWrong ? ", AVX2 byte-pair kernel use wrong" : "")
                 << "\n";
    if (mismatches || kernels != (c.wideWeights ? 0 : 1) || pairsWrong ||
        parallelKernels != kernels ||
        llvm::any_of(variantKernels, [&](int64_t k) { return k != kernels; }))
      ++failures;
  }
  // Byte lookup tables: every byte value, odd sizes (64-lane tails).
  struct LookupCase {
    const char *body;
    int64_t h, w, c;
  };
  const LookupCase lookups[] = {{"hardswish", 4, 4, 64},
                                {"hardswish", 3, 5, 7},
                                {"sigmoid", 2, 8, 32},
                                {"requantize", 1, 1, 256}};
  for (const LookupCase &l : lookups) {
    std::string source = buildLookupSource(l.body, l.h, l.w, l.c);
    JitBuffer input;
    input.shape = {1, l.h, l.w, l.c};
    input.elementBytes = 1;
    input.data.resize(l.h * l.w * l.c);
    for (size_t i = 0; i < input.data.size(); ++i)
      input.data[i] = static_cast<char>((i * 97 + 13) & 255);
    JitBuffer tableOut, referenceOut;
    int64_t tables = 0, referenceTables = 0;
    std::string error = runLowered(source, true, 1, input, 4, 1, tableOut,
                                   tables);
    if (error.empty())
      error = runLowered(source, false, 1, input, 4, 1, referenceOut,
                         referenceTables);
    llvm::outs() << "microkernel-test: lookup table " << l.body << " 1x"
                 << l.h << "x" << l.w << "x" << l.c << ": ";
    if (!error.empty()) {
      llvm::outs() << "ERROR " << error << "\n";
      ++failures;
      continue;
    }
    int64_t n = tableOut.data.size(), mismatches = 0;
    if (referenceOut.data.size() != tableOut.data.size())
      mismatches = n ? n : 1;
    else
      for (int64_t i = 0; i < n; ++i)
        mismatches += tableOut.data[i] != referenceOut.data[i];
    values += n;
    llvm::outs() << n << " values, " << mismatches << " mismatches, "
                 << tables << " table\n";
    if (mismatches || tables != 1 || referenceTables != 0)
      ++failures;
  }
  // NCHW -> NHWC interleaves of few channels (qnn-cpu-interleave-channels):
  // quantized to u8 (the quantization moved before the interleave) and in
  // f32; ragged widths (blocks of 32 bytes and power-of-two pieces),
  // batches, 2 to 4 channels.
  struct InterleaveCase {
    int64_t n, c, h, w;
    bool quantized;
  };
  const InterleaveCase interleaves[] = {{1, 3, 5, 37, true},
                                        {2, 4, 3, 70, true},
                                        {1, 2, 2, 9, true},
                                        {1, 3, 4, 29, false},
                                        {2, 4, 2, 16, false}};
  int64_t interleaveCount = 0;
  for (const InterleaveCase &l : interleaves) {
    std::string dims = std::to_string(l.n) + "x" + std::to_string(l.c) + "x" +
                       std::to_string(l.h) + "x" + std::to_string(l.w) + "x";
    std::string odims = std::to_string(l.n) + "x" + std::to_string(l.h) + "x" +
                        std::to_string(l.w) + "x" + std::to_string(l.c) + "x";
    std::string q = "!quant.uniform<u8:f32, 0.0078125:128>";
    std::string out =
        l.quantized ? "tensor<" + odims + "i8>" : "tensor<" + odims + "f32>";
    std::string source =
        "func.func @main(%x: tensor<" + dims + "f32>) -> " + out +
        " attributes {llvm.emit_c_interface} {\n"
        "  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : "
        "(tensor<" +
        dims + "f32>) -> tensor<" + odims + "f32>\n";
    if (l.quantized)
      source += "  %q = quant.qcast %t : tensor<" + odims + "f32> to tensor<" +
                odims + q + ">\n  %s = quant.scast %q : tensor<" + odims + q +
                "> to " + out + "\n  return %s : " + out + "\n}\n";
    else
      source += "  return %t : " + out + "\n}\n";
    JitBuffer input;
    input.shape = {l.n, l.c, l.h, l.w};
    input.elementBytes = 4;
    int64_t count = l.n * l.c * l.h * l.w;
    input.data.resize(count * 4);
    std::uniform_real_distribution<float> value(-1.2f, 1.2f);
    for (int64_t i = 0; i < count; ++i) {
      float v = value(rng);
      std::memcpy(&input.data[i * 4], &v, 4);
    }
    int64_t bytes = l.quantized ? 1 : 4;
    JitBuffer vectorOut, referenceOut;
    int64_t unused = 0;
    std::string error =
        runLowered(source, true, 1, input, 4, bytes, vectorOut, unused);
    if (error.empty())
      error =
          runLowered(source, false, 1, input, 4, bytes, referenceOut, unused);
    llvm::outs() << "microkernel-test: interleave "
                 << dims.substr(0, dims.size() - 1)
                 << (l.quantized ? " u8" : " f32") << ": ";
    ++interleaveCount;
    if (!error.empty()) {
      llvm::outs() << "ERROR " << error << "\n";
      ++failures;
      continue;
    }
    int64_t n = vectorOut.data.size() / bytes, mismatches = 0;
    if (referenceOut.data.size() != vectorOut.data.size() || n != count)
      mismatches = count;
    else
      for (int64_t i = 0; i < n; ++i)
        mismatches += std::memcmp(&vectorOut.data[i * bytes],
                                  &referenceOut.data[i * bytes], bytes) != 0;
    values += n;
    llvm::outs() << n << " values, " << mismatches << " mismatches\n";
    if (mismatches)
      ++failures;
  }
  llvm::outs() << "microkernel-test: "
               << cases.size() + std::size(lookups) + interleaveCount
               << " cases, " << values << " values, " << failures
               << " failures\n";
  return failures ? 1 : 0;
}
