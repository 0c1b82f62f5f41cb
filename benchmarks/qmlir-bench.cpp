//===- qmlir-bench.cpp - Int8 kernels of qmlir beside oneDNN --------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Times, in one process and interleaved, the int8 GEMMs and convolutions
// qmlir generates (qnn.matmul / qnn.conv2d -> qnn-lower-to-llvm -> JIT for
// the host) beside oneDNN's u8 x s8 -> s32 matmul and convolution on the
// same shapes, and a vpdpbusd loop that measures the VNNI peak of one core.
// Prints medians of the repetitions, GOPS (2 ops per multiply-add), the
// ratio to oneDNN and the share of the VNNI peak. The contenders of a row
// take turns, round by round, so they share the machine's drift. Single
// thread: run with OMP_NUM_THREADS=1 (benchmarks/run.sh does).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Target.h"
#include "qmlir/InitAll.h"
#include "qmlir/Pipelines/Pipelines.h"
#include "qmlir/Runtime/Jit.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <dnnl.hpp>
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <unordered_map>

using namespace mlir;
using namespace mlir::qmlir;

namespace {

double seconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// One contender of a row: a call, and what keeps it alive (a JIT engine,
/// buffers, a oneDNN primitive). An empty `call` failed to build.
struct Contender {
  std::function<void()> call;
  std::shared_ptr<void> state;
};

/// Median seconds per call of each contender (-1 for one that failed), over
/// `reps` rounds; each round times every contender in turn for enough calls
/// to last about 30 ms, so that they share the machine's drift.
std::vector<double> medianTimes(const std::vector<Contender> &contenders,
                                int reps = 7) {
  size_t n = contenders.size();
  std::vector<int> calls(n, 0);
  for (size_t c = 0; c < n; ++c) {
    if (!contenders[c].call)
      continue;
    contenders[c].call();
    double t0 = seconds();
    do {
      contenders[c].call();
      ++calls[c];
    } while (seconds() - t0 < 0.03);
  }
  std::vector<std::vector<double>> times(n);
  for (int r = 0; r < reps; ++r)
    for (size_t c = 0; c < n; ++c) {
      if (!contenders[c].call)
        continue;
      double start = seconds();
      for (int i = 0; i < calls[c]; ++i)
        contenders[c].call();
      times[c].push_back((seconds() - start) / calls[c]);
    }
  std::vector<double> medians(n, -1.0);
  for (size_t c = 0; c < n; ++c) {
    if (times[c].empty())
      continue;
    std::sort(times[c].begin(), times[c].end());
    medians[c] = times[c][times[c].size() / 2];
  }
  return medians;
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) double vnniPeak() {
  const int64_t iters = 20000000;
  __m512i acc[12];
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
  double start = seconds();
  for (int64_t n = 0; n < iters; ++n)
    for (int i = 0; i < 12; ++i)
      acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
  double t = seconds() - start;
  __m512i sum = acc[0];
  for (int i = 1; i < 12; ++i)
    sum = _mm512_add_epi32(sum, acc[i]);
  volatile int sink = _mm512_reduce_add_epi32(sum);
  (void)sink;
  return 12.0 * iters * 64 * 2 / t / 1e9;
}

/// The int8 peak of one core without VNNI: `vpmaddwd` (16 multiply-adds
/// of i16 pairs per ymm instruction, the AVX2 kernels' dot) and `vpaddd`.
__attribute__((target("avx2"))) double avx2Peak() {
  const int64_t iters = 20000000;
  __m256i acc[12];
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm256_set1_epi32(i);
  // Each product reads its accumulator: 12 independent chains the
  // compiler cannot hoist.
  __m256i b = _mm256_set1_epi32(0x00030004);
  double start = seconds();
  for (int64_t n = 0; n < iters; ++n)
    for (int i = 0; i < 12; ++i)
      acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(acc[i], b));
  double t = seconds() - start;
  __m256i sum = acc[0];
  for (int i = 1; i < 12; ++i)
    sum = _mm256_add_epi32(sum, acc[i]);
  alignas(32) int lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), sum);
  volatile int sink = lanes[0];
  (void)sink;
  return 12.0 * iters * 16 * 2 / t / 1e9;
}

/// The same with 7-bit weights: `vpmaddubsw` (32 u8 x s8 products summed in
/// pairs into i16), `vpmaddwd` by ones and `vpaddd`, the byte-pair kernels'
/// dot.
__attribute__((target("avx2"))) double avx2BytePairPeak() {
  const int64_t iters = 20000000;
  __m256i acc[12];
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm256_set1_epi32(i);
  __m256i w = _mm256_set1_epi8(3), ones = _mm256_set1_epi16(1);
  double start = seconds();
  for (int64_t n = 0; n < iters; ++n)
    for (int i = 0; i < 12; ++i)
      acc[i] = _mm256_add_epi32(
          acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(acc[i], w), ones));
  double t = seconds() - start;
  __m256i sum = acc[0];
  for (int i = 1; i < 12; ++i)
    sum = _mm256_add_epi32(sum, acc[i]);
  alignas(32) int lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), sum);
  volatile int sink = lanes[0];
  (void)sink;
  return 12.0 * iters * 32 * 2 / t / 1e9;
}

/// `count` random weights of `bits` bits, as hex bytes.
std::string hexBytes(int64_t count, std::mt19937_64 &rng, int bits) {
  static const char digits[] = "0123456789ABCDEF";
  int lim = (1 << (bits - 1)) - 1;
  std::uniform_int_distribution<int> w(-lim, lim);
  std::string hex;
  for (int64_t i = 0; i < count; ++i) {
    uint8_t byte = static_cast<uint8_t>(w(rng));
    hex += digits[byte >> 4];
    hex += digits[byte & 15];
  }
  return hex;
}

std::string list(int64_t n, int64_t value) {
  std::string s;
  for (int64_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::to_string(value);
  return s;
}

/// A JIT-compiled one-op module.
struct Compiled {
  std::unique_ptr<ExecutionEngine> engine;
  std::vector<JitBuffer> inputs;
};

std::unique_ptr<ExecutionEngine> compile(MLIRContext &context,
                                         const std::string &source,
                                         unsigned threads) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  if (!module)
    return nullptr;
  PassManager pm(&context);
  LowerToLLVMPipelineOptions options;
  options.threads = threads;
  options.resultsAsOutParams = true;
  buildLowerToLLVMPipeline(pm, options);
  if (failed(pm.run(*module)))
    return nullptr;
  // O3 for the host, as an object is optimized (emitObject).
  auto machine = createHostTargetMachine();
  if (!machine) {
    llvm::consumeError(machine.takeError());
    return nullptr;
  }
  ExecutionEngineOptions engineOptions;
  auto transformer = makeOptimizingTransformer(3, 0, machine->get());
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine) {
    llvm::consumeError(engine.takeError());
    return nullptr;
  }
  return std::move(*engine);
}

/// qnn op source: u8 activations (zp 128), per-channel i8 weights, u8 out.
std::string convSource(int64_t N, int64_t H, int64_t W, int64_t C, int64_t F,
                       int64_t KH, int64_t KW, int64_t stride, int64_t pad,
                       int64_t groups, std::mt19937_64 &rng, int64_t &OH,
                       int64_t &OW, int bits = 8) {
  OH = (H + 2 * pad - KH) / stride + 1;
  OW = (W + 2 * pad - KW) / stride + 1;
  int64_t cg = C / groups;
  auto sh = [](std::initializer_list<int64_t> d) {
    std::string s;
    for (int64_t x : d)
      s += std::to_string(x) + "x";
    return s;
  };
  std::string in = sh({N, H, W, C}), w = sh({F, KH, KW, cg}),
              out = sh({N, OH, OW, F});
  std::string aq = "!quant.uniform<u8:f32, 0.05:128>";
  std::string scales;
  for (int64_t f = 0; f < F; ++f)
    scales += (f ? "," : "") + std::string("0.01");
  std::string range = std::to_string((1 << (bits - 1)) - 1);
  std::string wq = "!quant.uniform<i8<-" + range + ":" + range + ">:f32:0, {" +
                   scales + "}>";
  std::string oq = "!quant.uniform<u8:f32, 0.1:3>";
  return "func.func @main(%x: tensor<" + in + "i8>) -> tensor<" + out +
         "i8> attributes {llvm.emit_c_interface} {\n"
         "  %xq = quant.scast %x : tensor<" +
         in + "i8> to tensor<" + in + aq +
         ">\n  %w = arith.constant dense<\"0x" +
         hexBytes(F * KH * KW * cg, rng, bits) + "\"> : tensor<" + w +
         "i8>\n  %wq = quant.scast %w : tensor<" + w + "i8> to tensor<" + w +
         wq +
         ">\n  %b = arith.constant dense<100> : "
         "tensor<" +
         std::to_string(F) +
         "xi32>\n"
         "  %y = qnn.conv2d %xq, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 "
         ": i32, dilations = array<i64: 1, 1>, groups = " +
         std::to_string(groups) +
         " : i64, multiplier = array<i32: " + list(F, 1518500250) +
         ">, padding = array<i64: " + list(4, pad) +
         ">, rounding = #qnn.rounding<single_round>, shift = array<i32: " +
         list(F, 40) + ">, strides = array<i64: " + std::to_string(stride) +
         ", " + std::to_string(stride) + ">} : tensor<" + in + aq +
         ">, tensor<" + w + wq + ">, tensor<" + std::to_string(F) +
         "xi32> -> tensor<" + out + oq + ">\n  %ys = quant.scast %y : tensor<" +
         out + oq + "> to tensor<" + out + "i8>\n  return %ys : tensor<" + out +
         "i8>\n}\n";
}

std::string matmulSource(int64_t M, int64_t K, int64_t N, std::mt19937_64 &rng,
                         int bits = 8) {
  std::string a = std::to_string(M) + "x" + std::to_string(K) + "x",
              w = std::to_string(K) + "x" + std::to_string(N) + "x",
              o = std::to_string(M) + "x" + std::to_string(N) + "x";
  std::string aq = "!quant.uniform<u8:f32, 0.05:128>";
  std::string scales;
  for (int64_t n = 0; n < N; ++n)
    scales += (n ? "," : "") + std::string("0.01");
  std::string range = std::to_string((1 << (bits - 1)) - 1);
  std::string wq = "!quant.uniform<i8<-" + range + ":" + range + ">:f32:1, {" +
                   scales + "}>";
  std::string oq = "!quant.uniform<u8:f32, 0.1:3>";
  return "func.func @main(%x: tensor<" + a + "i8>) -> tensor<" + o +
         "i8> attributes {llvm.emit_c_interface} {\n"
         "  %xq = quant.scast %x : tensor<" +
         a + "i8> to tensor<" + a + aq + ">\n  %w = arith.constant dense<\"0x" +
         hexBytes(K * N, rng, bits) + "\"> : tensor<" + w +
         "i8>\n  %wq = quant.scast %w : tensor<" + w + "i8> to tensor<" + w +
         wq +
         ">\n  %b = arith.constant dense<100> : "
         "tensor<" +
         std::to_string(N) +
         "xi32>\n"
         "  %y = qnn.matmul %xq, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 "
         ": i32, multiplier = array<i32: " +
         list(N, 1518500250) +
         ">, rounding = #qnn.rounding<single_round>, shift = array<i32: " +
         list(N, 40) + ">} : tensor<" + a + aq + ">, tensor<" + w + wq +
         ">, tensor<" + std::to_string(N) + "xi32> -> tensor<" + o + oq +
         ">\n  %ys = quant.scast %y : tensor<" + o + oq + "> to tensor<" + o +
         "i8>\n  return %ys : tensor<" + o + "i8>\n}\n";
}

/// The JIT-compiled `source` on a u8 input of `inShape`.
Contender qmlirContender(MLIRContext &context, const std::string &source,
                         ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape,
                         unsigned threads) {
  std::shared_ptr<ExecutionEngine> engine = compile(context, source, threads);
  if (!engine)
    return {};
  auto entry = engine->lookup("_mlir_ciface_main");
  if (!entry) {
    llvm::consumeError(entry.takeError());
    return {};
  }
  // Memref descriptors {allocated, aligned, offset, sizes[r], strides[r]};
  // the op writes into the caller's output buffer (results-as-out-params,
  // as in a compiled model).
  struct State {
    std::shared_ptr<ExecutionEngine> engine;
    std::vector<uint8_t> data, result;
    std::vector<int64_t> in, out;
  };
  auto state = std::make_shared<State>();
  state->engine = engine;
  auto describe = [](ArrayRef<int64_t> shape, std::vector<uint8_t> &buffer,
                     std::vector<int64_t> &descriptor) {
    int64_t rank = shape.size();
    descriptor.assign(3 + 2 * rank, 0);
    descriptor[0] = descriptor[1] = reinterpret_cast<int64_t>(buffer.data());
    for (int64_t i = rank - 1, stride = 1; i >= 0; --i) {
      descriptor[3 + i] = shape[i];
      descriptor[3 + rank + i] = stride;
      stride *= shape[i];
    }
  };
  int64_t inCount = 1, outCount = 1;
  for (int64_t d : inShape)
    inCount *= d;
  for (int64_t d : outShape)
    outCount *= d;
  state->data.assign(inCount, 7);
  state->result.assign(outCount, 0);
  describe(inShape, state->data, state->in);
  describe(outShape, state->result, state->out);
  auto fn = reinterpret_cast<void (*)(void *, void *)>(*entry);
  State *st = state.get();
  return {[st, fn] { fn(st->in.data(), st->out.data()); }, state};
}

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

/// A oneDNN primitive run on `args`, waited for.
Contender dnnlContender(std::shared_ptr<dnnl::primitive> prim, dnnl::stream &s,
                        std::unordered_map<int, dnnl::memory> args) {
  return {[prim, &s, args] {
            prim->execute(s, args);
            s.wait();
          },
          prim};
}

Contender dnnlMatmul(dnnl::engine &eng, dnnl::stream &s, int64_t M, int64_t K,
                     int64_t N) {
  dnnl::memory::desc a({M, K}, dt::u8, tag::ab), b({K, N}, dt::s8, tag::any),
      c({M, N}, dt::s32, tag::ab);
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), eng);
  dnnl::memory am(pd.src_desc(), eng), bm(pd.weights_desc(), eng),
      cm(pd.dst_desc(), eng);
  std::memset(am.get_data_handle(), 7, M * K);
  std::memset(bm.get_data_handle(), 3, pd.weights_desc().get_size());
  return dnnlContender(
      std::make_shared<dnnl::matmul>(pd), s,
      {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
}

/// How a oneDNN convolution is set up: f32; int8 as qmlir's qnn.conv2d
/// (input zero point 128, s32 bias, per-channel output scales, output zero
/// point 3, u8 out: the same operation); int8 without those attributes (s32
/// accumulators saturated to u8: less work than the op being compared).
enum class DnnlConv { F32, Int8Quantized, Int8Raw };

Contender dnnlConv(dnnl::engine &eng, dnnl::stream &s, DnnlConv kind, int64_t N,
                   int64_t H, int64_t W, int64_t C, int64_t F, int64_t KH,
                   int64_t KW, int64_t stride, int64_t pad, int64_t groups,
                   int64_t OH, int64_t OW) {
  bool int8 = kind != DnnlConv::F32;
  bool quantized = kind == DnnlConv::Int8Quantized;
  dnnl::memory::dims wdims =
      groups > 1 ? dnnl::memory::dims{groups, F / groups, C / groups, KH, KW}
                 : dnnl::memory::dims{F, C, KH, KW};
  dt src = int8 ? dt::u8 : dt::f32, wt = int8 ? dt::s8 : dt::f32,
     dst = int8 ? dt::u8 : dt::f32;
  dnnl::memory::desc x({N, C, H, W}, src, tag::nhwc), w(wdims, wt, tag::any),
      y({N, F, OH, OW}, dst, tag::nhwc);
  dnnl::primitive_attr attr;
  std::unordered_map<int, dnnl::memory> args;
  std::shared_ptr<dnnl::convolution_forward::primitive_desc> pd;
  if (quantized) {
    // qmlir's scales: 0.05 (input) * 0.01 (weights) / 0.1 (output).
    attr.set_output_scales(1 << 1, std::vector<float>(F, 0.005f));
    attr.set_zero_points(DNNL_ARG_SRC, 0, {128});
    attr.set_zero_points(DNNL_ARG_DST, 0, {3});
    dnnl::memory::desc b({F}, dt::s32, tag::a);
    dnnl::convolution_forward::desc d(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        x, w, b, y, {stride, stride}, {pad, pad}, {pad, pad});
    pd = std::make_shared<dnnl::convolution_forward::primitive_desc>(d, attr,
                                                                     eng);
    dnnl::memory bm(pd->bias_desc(), eng);
    std::fill_n(static_cast<int32_t *>(bm.get_data_handle()), F, 100);
    args[DNNL_ARG_BIAS] = bm;
  } else {
    dnnl::convolution_forward::desc d(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        x, w, y, {stride, stride}, {pad, pad}, {pad, pad});
    pd = std::make_shared<dnnl::convolution_forward::primitive_desc>(d, eng);
  }
  if (getenv("QMLIR_BENCH_VERBOSE"))
    llvm::errs() << "oneDNN implementation: " << pd->impl_info_str() << "\n";
  dnnl::memory xm(pd->src_desc(), eng), wm(pd->weights_desc(), eng),
      ym(pd->dst_desc(), eng);
  // Small integers; zeros for f32 (bytes 7 and 3 would be denormal floats).
  std::memset(xm.get_data_handle(), int8 ? 7 : 0, pd->src_desc().get_size());
  std::memset(wm.get_data_handle(), int8 ? 3 : 0,
              pd->weights_desc().get_size());
  args[DNNL_ARG_SRC] = xm;
  args[DNNL_ARG_WEIGHTS] = wm;
  args[DNNL_ARG_DST] = ym;
  return dnnlContender(std::make_shared<dnnl::convolution_forward>(*pd), s,
                       args);
}

} // namespace

int main(int argc, char **argv) {
  // `qmlir-bench gemm` or `qmlir-bench conv` runs one table.
  std::string only = argc > 1 ? argv[1] : "";
  if (!only.empty() && only != "gemm" && only != "conv") {
    llvm::errs() << "usage: qmlir-bench [gemm|conv]\n";
    return 1;
  }
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  if (!loadOpenMPRuntime())
    llvm::errs() << "qmlir-bench: libomp not found: 2-thread runs fail\n";
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllTranslations(registry);
  MLIRContext context(registry);
  std::mt19937_64 rng(1);
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);

  // vpdpbusd faults on a host without AVX-512 VNNI: there the AVX2 dot.
  bool vnni = __builtin_cpu_supports("avx512vnni");
  double peak = vnni ? vnniPeak() : avx2Peak();
  llvm::outs() << llvm::format(
      vnni ? "VNNI peak (vpdpbusd zmm loop, 1 core): %.0f GOPS\n"
           : "no AVX-512 VNNI on this host; AVX2 int8 peak (vpmaddwd + "
             "vpaddd ymm loop, 1 core): %.0f GOPS\n",
      peak);
  // Without any VNNI the kernels differ with the weights' precision: 8-bit
  // weights on vpmaddwd (i16 panels), 7-bit ones on vpmaddubsw. Both run,
  // the 7-bit ones as "w7" (the same shapes, other random weights).
  bool sevenBit = !vnni && !__builtin_cpu_supports("avxvnni");
  if (sevenBit)
    llvm::outs() << llvm::format(
        "AVX2 byte-pair peak (vpmaddubsw + vpmaddwd + vpaddd ymm loop, 1 "
        "core): %.0f GOPS\n",
        avx2BytePairPeak());
  llvm::outs()
      << "\nGEMM u8 x s8 (M x K x N)   qmlir 1T   qmlir 2T  oneDNN 1T  "
         "qmlir/oneDNN 1T  2T/1T  % of peak 1T"
      << (sevenBit ? "  w7 1T  w7 2T  w7/oneDNN 1T" : "") << "  (GOPS)\n";
  const int64_t shapes[][3] = {{1024, 1024, 1024}, {128, 768, 768},
                               {128, 768, 3072},   {49, 1280, 1000},
                               {40, 120, 360},     {1, 1024, 1024}};
  for (auto &sh : shapes) {
    if (only == "conv")
      break;
    int64_t M = sh[0], K = sh[1], N = sh[2];
    double ops = 2.0 * M * K * N;
    std::string src = matmulSource(M, K, N, rng);
    std::vector<Contender> contenders = {
        qmlirContender(context, src, {M, K}, {M, N}, 1),
        qmlirContender(context, src, {M, K}, {M, N}, 2),
        dnnlMatmul(eng, s, M, K, N)};
    if (sevenBit) {
      std::string src7 = matmulSource(M, K, N, rng, 7);
      contenders.push_back(qmlirContender(context, src7, {M, K}, {M, N}, 1));
      contenders.push_back(qmlirContender(context, src7, {M, K}, {M, N}, 2));
    }
    std::vector<double> t = medianTimes(contenders);
    auto gops = [&](double time) { return time > 0 ? ops / time / 1e9 : 0.0; };
    double g1 = gops(t[0]), g2 = gops(t[1]), gd = gops(t[2]);
    llvm::outs() << llvm::format("%5lld x %4lld x %4lld     %9.1f  %9.1f  "
                                 "%9.1f  %14.2fx  %5.2fx  %11.1f%%",
                                 (long long)M, (long long)K, (long long)N, g1,
                                 g2, gd, g1 / gd, g1 > 0 ? g2 / g1 : 0.0,
                                 100 * g1 / peak);
    if (sevenBit)
      llvm::outs() << llvm::format("  %6.1f %6.1f %13.2fx", gops(t[3]),
                                   gops(t[4]), gops(t[3]) / gd);
    llvm::outs() << "\n";
  }

  struct Conv {
    const char *name;
    int64_t H, W, C, F, K, stride, pad, groups;
  };
  const Conv convs[] = {
      {"3x3 stem s2 224x224x3->32", 224, 224, 3, 32, 3, 2, 1, 1},
      {"3x3 dense 56x56x64->64", 56, 56, 64, 64, 3, 1, 1, 1},
      {"1x1 pointwise 56x56x24->144", 56, 56, 24, 144, 1, 1, 0, 1},
      {"1x1 pointwise 14x14x160->960", 14, 14, 160, 960, 1, 1, 0, 1},
      {"3x3 depthwise 56x56x144", 56, 56, 144, 144, 3, 1, 1, 144},
      {"5x5 depthwise 14x14x480", 14, 14, 480, 480, 5, 1, 2, 480},
  };
  // "oneDNN int8": the same quantized convolution as qmlir's; "raw": without
  // zero points, bias and output scales.
  llvm::outs()
      << "\nConvolution (NHWC, batch 1)     qmlir 1T  qmlir 2T  oneDNN "
         "int8 1T  oneDNN raw 1T  oneDNN f32 1T  qmlir/oneDNN int8 1T"
         "  qmlir/raw"
      << (sevenBit ? "  w7 1T  w7/oneDNN int8 1T" : "") << "  (GOPS)\n";
  for (const Conv &c : convs) {
    if (only == "gemm")
      break;
    int64_t OH, OW;
    std::string src = convSource(1, c.H, c.W, c.C, c.F, c.K, c.K, c.stride,
                                 c.pad, c.groups, rng, OH, OW);
    double ops = 2.0 * OH * OW * c.F * c.K * c.K * (c.C / c.groups);
    std::vector<Contender> contenders = {
        qmlirContender(context, src, {1, c.H, c.W, c.C}, {1, OH, OW, c.F}, 1),
        qmlirContender(context, src, {1, c.H, c.W, c.C}, {1, OH, OW, c.F}, 2),
        dnnlConv(eng, s, DnnlConv::Int8Quantized, 1, c.H, c.W, c.C, c.F, c.K,
                 c.K, c.stride, c.pad, c.groups, OH, OW),
        dnnlConv(eng, s, DnnlConv::Int8Raw, 1, c.H, c.W, c.C, c.F, c.K, c.K,
                 c.stride, c.pad, c.groups, OH, OW),
        dnnlConv(eng, s, DnnlConv::F32, 1, c.H, c.W, c.C, c.F, c.K, c.K,
                 c.stride, c.pad, c.groups, OH, OW)};
    if (sevenBit) {
      int64_t OH7, OW7;
      std::string src7 = convSource(1, c.H, c.W, c.C, c.F, c.K, c.K, c.stride,
                                    c.pad, c.groups, rng, OH7, OW7, 7);
      contenders.push_back(qmlirContender(context, src7, {1, c.H, c.W, c.C},
                                          {1, OH, OW, c.F}, 1));
    }
    std::vector<double> t = medianTimes(contenders);
    double tq = t[0], tq2 = t[1], ti = t[2], tr = t[3], tf = t[4];
    double gq = tq > 0 ? ops / tq / 1e9 : 0.0;
    double gq2 = tq2 > 0 ? ops / tq2 / 1e9 : 0.0;
    double gi = ops / ti / 1e9, gr = ops / tr / 1e9;
    llvm::outs() << llvm::format(
        "%-30s %9.1f %9.1f %14.1f %13.1f %14.1f %21.2fx %9.2fx", c.name, gq,
        gq2, gi, gr, ops / tf / 1e9, gq / gi, gq / gr);
    if (sevenBit) {
      double g7 = t[5] > 0 ? ops / t[5] / 1e9 : 0.0;
      llvm::outs() << llvm::format("  %6.1f %18.2fx", g7, g7 / gi);
    }
    llvm::outs() << "\n";
  }
  return 0;
}
