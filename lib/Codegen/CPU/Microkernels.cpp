//===- Microkernels.cpp - Dot-product microkernels for int8 contractions --===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Generates, for each constant-weight qnn.matmul / dense qnn.conv2d, a kernel
// function on memrefs built on the target's 4-way int8 dot-product
// instruction. Layout and loop structure (the mmt4d scheme of IREE's
// ukernels and XNNPACK's VNNI GEMMs):
//
//   weights  W'[k, n] = W[k, n] - zp_w[n], packed at compile time into
//            P[n / L][k / 4][n % L][k % 4] (one vector of L x 4 bytes feeds
//            one dot instruction), zero-padded to whole vectors;
//   bias     b'[n] = bias[n] - zp_a' * sum_k W'[k, n], where zp_a' is the
//            activation zero point in the instruction's signedness;
//   loops    for each MR-row block: (gather the rows of a convolution into
//            an MR x Kp panel), for each NR = V x L column block: MR x V
//            accumulator vectors carried through the K loop, then the
//            epilogue (bias, requantization, clamp, store).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPUMICROKERNELS
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

//===----------------------------------------------------------------------===//
// The problem, in storage units
//===----------------------------------------------------------------------===//

/// A quantized contraction C[M, N] = requant(b'[n] + sum_k A[m, k] W'[k, n])
/// ready for code generation.
struct GemmSpec {
  int64_t M = 0, N = 0, K = 0;
  /// Convolution geometry: rows are (batch, oh, ow), k is (kh, kw, c).
  bool conv = false;
  int64_t IH = 0, IW = 0, C = 0, OH = 0, OW = 0, KH = 1, KW = 1;
  int64_t SH = 1, SW = 1, DH = 1, DW = 1, PT = 0, PL = 0;
  /// Activation bytes are xor'ed with 0x80 to match the instruction's
  /// signedness.
  bool flip = false;
  /// The storage byte of the real value 0 (padding), before the flip.
  int64_t padByte = 0;
  /// W'[k][n], row-major [K][N].
  SmallVector<int8_t> weights;
  /// AVX2 on byte pairs: every two same-signed weights of a column sum to at
  /// most 128 in magnitude (7-bit weights), so a u8 x s8 pair sum of
  /// vpmaddubsw cannot saturate and the kernel keeps bytes in groups of 4.
  bool bytePairs = false;
  /// Depthwise convolution (N = C channels, one filter each): W'[kh][kw][c]
  /// in i32, and the input's signedness.
  bool depthwise = false;
  SmallVector<int32_t> depthwiseWeights;
  bool signedInput = false;
  /// The depthwise taps in groups of 4 on the dot-product instruction (every
  /// W' fits i8); the bias then includes the flip's correction.
  bool depthwiseDot = false;
  /// b'[n].
  SmallVector<int32_t> bias;
  /// Requantization (empty multiplier: the result is the i32 accumulator).
  SmallVector<int32_t> multiplier, shift;
  qnn::RoundingMode rounding = qnn::RoundingMode::DoubleRound;
  int64_t outZp = 0, clampMin = 0, clampMax = 0;
};

/// The operands a microkernel needs as compile-time facts: static types, 8-bit
/// per-tensor activations, constant weights and bias.
struct KernelOperands {
  RankedTensorType in, weight, out;
  quant::UniformQuantizedType inQ;
  quant::QuantizedType weightQ;
  SmallVector<int64_t> weights, bias;
};

FailureOr<KernelOperands> readOperands(Value in, Value weight, Value bias,
                                       Value out) {
  KernelOperands ops;
  ops.in = cast<RankedTensorType>(in.getType());
  ops.weight = cast<RankedTensorType>(weight.getType());
  ops.out = cast<RankedTensorType>(out.getType());
  if (!ops.in.hasStaticShape() || !ops.weight.hasStaticShape() ||
      !ops.out.hasStaticShape())
    return failure();
  ops.inQ = dyn_cast<quant::UniformQuantizedType>(ops.in.getElementType());
  ops.weightQ = dyn_cast<quant::QuantizedType>(ops.weight.getElementType());
  auto w = getConstantStorageValues(weight);
  auto b = getConstantStorageValues(bias);
  if (!ops.inQ || !ops.weightQ || !w || !b ||
      ops.inQ.getStorageTypeIntegralWidth() != 8)
    return failure();
  ops.weights = std::move(*w);
  ops.bias = std::move(*b);
  return ops;
}

/// The requantization of `op` (none for an i32 result).
template <typename OpTy>
void readRequantization(OpTy op, GemmSpec &spec) {
  auto m = op.getMultiplierAttr();
  if (!m)
    return;
  spec.multiplier.assign(m.asArrayRef().begin(), m.asArrayRef().end());
  spec.shift.assign(op.getShiftAttr().asArrayRef().begin(),
                    op.getShiftAttr().asArrayRef().end());
  spec.rounding = op.getRoundingAttr().getValue();
  spec.clampMin = op.getClampMinAttr().getInt();
  spec.clampMax = op.getClampMaxAttr().getInt();
  spec.outZp = cast<quant::UniformQuantizedType>(
                   cast<ShapedType>(op.getOutput().getType()).getElementType())
                   .getZeroPoint();
}

/// Input, output and window geometry of an NHWC convolution.
void readConvGeometry(qnn::Conv2DOp op, GemmSpec &spec) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  auto outType = cast<RankedTensorType>(op.getOutput().getType());
  spec.IH = inType.getDimSize(1);
  spec.IW = inType.getDimSize(2);
  spec.C = inType.getDimSize(3);
  spec.OH = outType.getDimSize(1);
  spec.OW = outType.getDimSize(2);
  spec.KH = wType.getDimSize(1);
  spec.KW = wType.getDimSize(2);
  spec.SH = op.getStrides()[0];
  spec.SW = op.getStrides()[1];
  spec.DH = op.getDilations()[0];
  spec.DW = op.getDilations()[1];
  spec.PT = op.getPadding()[0];
  spec.PL = op.getPadding()[2];
}

/// Whether vpmaddubsw sums any two u8 x s8 products of a column exactly:
/// in each of the N columns of K weights `w(k, n)`, the two largest
/// positive weights sum to at most 128, and so do the magnitudes of the two
/// most negative ones (255 * 128 = 32640 fits i16), whatever ends up
/// paired.
bool fitBytePairs(int64_t K, int64_t N,
                  llvm::function_ref<int64_t(int64_t, int64_t)> w) {
  for (int64_t n = 0; n < N; ++n) {
    int64_t pos[2] = {0, 0}, neg[2] = {0, 0};
    for (int64_t k = 0; k < K; ++k) {
      int64_t v = w(k, n);
      int64_t *top = v > 0 ? pos : neg;
      int64_t m = v > 0 ? v : -v;
      if (m > top[0])
        top[1] = top[0], top[0] = m;
      else if (m > top[1])
        top[1] = m;
    }
    if (pos[0] + pos[1] > 128 || neg[0] + neg[1] > 128)
      return false;
  }
  return true;
}

/// Fills the parts of `spec` common to matmul and convolution: W' from
/// `w` ([K][N] storage values), the bias correction, the requantization.
/// `zpOf(n)` gives the weight zero point of column n.
template <typename OpTy>
LogicalResult finishSpec(OpTy op, GemmSpec &spec, ArrayRef<int64_t> w,
                         llvm::function_ref<int64_t(int64_t)> zpOf,
                         ArrayRef<int64_t> bias, quant::UniformQuantizedType aQ,
                         DotProductKind kind) {
  int64_t K = spec.K, N = spec.N;
  spec.weights.resize(K * N);
  SmallVector<int64_t> sums(N, 0);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) {
      int64_t v = w[k * N + n] - zpOf(n);
      if (v < -128 || v > 127)
        return failure();
      spec.weights[k * N + n] = static_cast<int8_t>(v);
      sums[n] += v;
    }
  // AVX2: vpmaddubsw sums two u8 x s8 products into i16 with saturation;
  // exact when the two largest positive weights of every column and the
  // two most negative ones sum to at most 128 in magnitude (255 * 128 =
  // 32640), whatever weights end up paired.
  if (kind == DotProductKind::X86AVX2)
    spec.bytePairs = fitBytePairs(
        K, N, [&](int64_t k, int64_t n) { return spec.weights[k * N + n]; });
  // The instruction's activation domain: u8 for vpdpbusd/usdot/vpmaddubsw,
  // s8 for sdot; the AVX2 i16 kernel widens the activations to i16 in their
  // own signedness.
  bool kernelSigned =
      kind == DotProductKind::AArch64SDot ||
      (kind == DotProductKind::X86AVX2 && !spec.bytePairs && aQ.isSigned());
  int64_t zp = aQ.getZeroPoint();
  spec.padByte = zp;
  spec.signedInput = aQ.isSigned();
  spec.flip = aQ.isSigned() != kernelSigned;
  if (spec.flip)
    zp += aQ.isSigned() ? 128 : -128;
  for (int64_t n = 0; n < N; ++n) {
    int64_t b = bias[n] - zp * sums[n];
    if (b < INT32_MIN || b > INT32_MAX)
      return failure();
    spec.bias.push_back(static_cast<int32_t>(b));
  }
  readRequantization(op, spec);
  return success();
}

FailureOr<GemmSpec> getMatmulSpec(qnn::MatmulOp op, DotProductKind kind) {
  FailureOr<KernelOperands> ops =
      readOperands(op.getLhs(), op.getRhs(), op.getBias(), op.getOutput());
  if (failed(ops))
    return failure();
  GemmSpec spec;
  spec.M = ops->in.getDimSize(0);
  spec.K = ops->in.getDimSize(1);
  spec.N = ops->weight.getDimSize(1);
  if (spec.M == 0 || spec.N == 0 || spec.K == 0)
    return failure();
  auto zpOf = [&](int64_t n) {
    return qnn::getChannelZeroPoint(ops->weightQ, n);
  };
  if (failed(finishSpec(op, spec, ops->weights, zpOf, ops->bias, ops->inQ,
                        kind)))
    return failure();
  return spec;
}

FailureOr<GemmSpec> getConvSpec(qnn::Conv2DOp op, DotProductKind kind) {
  FailureOr<KernelOperands> ops = readOperands(op.getInput(), op.getWeight(),
                                               op.getBias(), op.getOutput());
  if (failed(ops) || op.getGroups() != 1)
    return failure();
  GemmSpec spec;
  spec.conv = true;
  readConvGeometry(op, spec);
  spec.M = ops->in.getDimSize(0) * spec.OH * spec.OW;
  spec.N = ops->weight.getDimSize(0);
  spec.K = spec.KH * spec.KW * spec.C;
  if (spec.M == 0 || spec.N == 0 || spec.K == 0)
    return failure();
  // FHWC [N][K] -> [K][N].
  SmallVector<int64_t> kn(spec.K * spec.N);
  for (int64_t n = 0; n < spec.N; ++n)
    for (int64_t k = 0; k < spec.K; ++k)
      kn[k * spec.N + n] = ops->weights[n * spec.K + k];
  auto zpOf = [&](int64_t n) {
    return qnn::getChannelZeroPoint(ops->weightQ, n);
  };
  if (failed(finishSpec(op, spec, kn, zpOf, ops->bias, ops->inQ, kind)))
    return failure();
  return spec;
}

FailureOr<GemmSpec> getDepthwiseSpec(qnn::Conv2DOp op, DotProductKind kind) {
  FailureOr<KernelOperands> ops = readOperands(op.getInput(), op.getWeight(),
                                               op.getBias(), op.getOutput());
  if (failed(ops))
    return failure();
  int64_t C = ops->in.getDimSize(3);
  if (static_cast<int64_t>(op.getGroups()) != C ||
      ops->weight.getDimSize(0) != C || ops->weight.getDimSize(3) != 1)
    return failure();
  auto aQ = ops->inQ;
  auto wQ = ops->weightQ;
  GemmSpec spec;
  spec.conv = spec.depthwise = true;
  spec.signedInput = aQ.isSigned();
  readConvGeometry(op, spec);
  spec.N = C;
  spec.M = ops->in.getDimSize(0) * spec.OH;
  spec.K = spec.KH * spec.KW;
  if (spec.M == 0 || C == 0 || spec.OW == 0)
    return failure();
  // [C][KH][KW][1] -> W'[kh][kw][c] (i32: any weight zero point fits).
  int64_t zp = aQ.getZeroPoint();
  spec.padByte = zp;
  spec.depthwiseWeights.resize(spec.K * C);
  for (int64_t c = 0; c < C; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < spec.K; ++t) {
      int64_t v = ops->weights[c * spec.K + t] -
                  qnn::getChannelZeroPoint(wQ, c);
      spec.depthwiseWeights[t * C + c] = static_cast<int32_t>(v);
      sum += v;
    }
    int64_t b = ops->bias[c] - zp * sum;
    if (b < INT32_MIN || b > INT32_MAX)
      return failure();
    spec.bias.push_back(static_cast<int32_t>(b));
  }
  // Four taps per dot instruction when the weights are bytes; the
  // activations then move to the instruction's signedness (xor 0x80),
  // which adds or removes 128 * sum(W') per channel.
  spec.depthwiseDot =
      kind != DotProductKind::None &&
      llvm::all_of(spec.depthwiseWeights,
                   [](int32_t v) { return v >= -128 && v <= 127; });
  // AVX2: the taps of a channel on vpmaddubsw where their pairs cannot
  // saturate, else widened to i16 (vpmaddwd).
  if (spec.depthwiseDot && kind == DotProductKind::X86AVX2)
    spec.bytePairs = fitBytePairs(spec.K, C, [&](int64_t t, int64_t c) {
      return spec.depthwiseWeights[t * C + c];
    });
  if (spec.depthwiseDot) {
    bool kernelSigned = kind == DotProductKind::AArch64SDot;
    spec.flip = spec.signedInput != kernelSigned;
    for (int64_t c = 0; c < C && spec.flip; ++c) {
      int64_t sum = 0;
      for (int64_t t = 0; t < spec.K; ++t)
        sum += spec.depthwiseWeights[t * C + c];
      int64_t b = spec.bias[c] + (spec.signedInput ? -128 : 128) * sum;
      if (b < INT32_MIN || b > INT32_MAX)
        return failure();
      spec.bias[c] = static_cast<int32_t>(b);
    }
  }
  readRequantization(op, spec);
  return spec;
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

/// Emits the kernel function of one contraction.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const GemmSpec &spec,
                const CPUTarget &target, unsigned threads)
      : b(b), loc(loc), spec(spec), kind(target.getDotProductKind()),
        L(target.getDotProductLanes()), threads(threads) {
    // AVX2 has no 4-way byte dot: the activations are widened to i16 in the
    // panel and the weights packed as i16 pairs, one vpmaddwd (16 exact
    // multiply-adds) per pair of K.
    wide =
        kind == DotProductKind::X86AVX2 && !spec.depthwise && !spec.bytePairs;
    G = wide ? 2 : 4;
    elemType = wide ? b.getI16Type() : b.getI8Type();
    Kp = llvm::alignTo(spec.K, G);
    KQ = Kp / G;
    NV = llvm::divideCeil(spec.N, L);
    // Accumulator budget: 24 of the 32 zmm registers with AVX-512, 12 of
    // the 16 ymm registers with AVX2, 16 of the 32 q registers on AArch64
    // (the rest hold weights and broadcasts).
    int64_t budget = 16, maxRows = 8;
    if (kind == DotProductKind::X86AVX512VNNI)
      budget = 24, maxRows = 12;
    else if (kind == DotProductKind::X86AVXVNNI ||
             kind == DotProductKind::X86AVX2)
      budget = 12, maxRows = 6;
    V = std::min<int64_t>(NV, 4);
    MR = std::min<int64_t>({spec.M, budget / V, maxRows});
    if (kind == DotProductKind::X86AVX512VNNI)
      chooseTile(budget, maxRows);
    // vpmaddwd: 6 x 2 accumulators, 2 weight vectors and a broadcast fill
    // 15 of the 16 ymm registers, 12 independent chains.
    // A single column vector (N <= 8, the first layers of small CNNs):
    // 12 rows, 12 chains again (14 registers).
    if (wide) {
      V = std::min<int64_t>(NV, 2);
      MR = std::min<int64_t>(spec.M, V == 1 ? 12 : 6);
    }
    // vpmaddubsw, vpmaddwd by ones: 4 x 2 accumulators, the ones, a
    // broadcast and the products (weights read from memory by the
    // multiply); 6 x 2 spills. One column vector: 8 rows.
    if (spec.bytePairs && !spec.depthwise) {
      V = std::min<int64_t>(NV, 2);
      MR = std::min<int64_t>(spec.M, V == 1 ? 8 : 4);
    }
    // Few rows in all: wider tiles (see emitRowBlock).
    if (kind == DotProductKind::X86AVX512VNNI && MR < budget / V)
      V = std::clamp<int64_t>(
          std::min<int64_t>({budget / MR, 31 / (MR + 1), 8}), V,
          std::max<int64_t>(V, NV));
    // A convolution, or rows whose length is not a multiple of 4, is read
    // through a gathered panel; a matmul's aligned rows in place.
    packed = spec.conv || spec.K % 4 != 0 || wide;
    if (!wide && spec.conv && spec.KH == 1 && spec.KW == 1 && spec.SH == 1 &&
        spec.SW == 1 && spec.PT == 0 && spec.PL == 0 && spec.OH == spec.IH &&
        spec.OW == spec.IW && spec.C % 4 == 0)
      packed = false; // A 1x1 convolution is a matmul on NHWC rows.
    // Implicit GEMM in place: a kernel row's KW * C input bytes are
    // contiguous (no dilation along W), so with each kernel row's columns
    // padded to a multiple of 4 (zero weights in the padding) the 4-byte
    // groups of a row block whose windows lie inside the image are read
    // straight from the input; blocks that touch the border are gathered.
    // Worth it while the padding adds at most a third to the dot products
    // (a 3x3 RGB stem: 36 columns instead of 28).
    if (packed && !wide && spec.conv && spec.DW == 1) {
      int64_t stride = llvm::alignTo(spec.KW * spec.C, 4);
      if (3 * spec.KH * stride <= 4 * Kp) {
        direct = true;
        spanStride = stride;
        Kp = spec.KH * stride;
        KQ = Kp / 4;
      }
    }
  }

  /// Picks V (column vectors) and MR (rows) of the register tile, among V
  /// in {4, 3, 2} with as many rows as the accumulator budget allows,
  /// spread evenly over the row blocks (49 rows: 7 blocks of 7 x 3 rather
  /// than 8 of 6 x 4 and a last row), by a cost in dot-instruction slots
  /// over all row blocks (the last one with the rows that are left: 40 rows
  /// as 6 x 6 + 4) and column tiles. Per tile and K step: max(its
  /// accumulators, 10 (dot chains that hide the instruction's latency))
  /// plus half a slot per broadcast and per weight vector from L1, a whole
  /// one per weight vector streamed from L2 (weights beyond 48 KiB: each
  /// row block reads them again, so more rows per block pay); per tile
  /// once, the requantizing epilogue, ~4.5 slots per vector, one less in
  /// the 4-vector groups stored through the x86 packs (a small K leaves
  /// that term the difference: 40 x 120 x 360 runs 2-3 % faster as 6 x 4
  /// than as 8 x 3).
  void chooseTile(int64_t budget, int64_t maxRows) {
    double best = 0;
    double weightLoad = NV * L * Kp <= 48 * 1024 ? 0.5 : 1.0;
    bool requantizes = !spec.multiplier.empty();
    for (int64_t v = std::min<int64_t>(NV, 4); v >= std::min<int64_t>(NV, 2);
         --v) {
      int64_t mrMax = std::min<int64_t>({spec.M, budget / v, maxRows});
      int64_t blocks = llvm::divideCeil(spec.M, mrMax);
      int64_t mr = llvm::divideCeil(spec.M, blocks);
      auto tile = [&](int64_t rows, int64_t vecs, bool last) {
        double k =
            std::max<double>(rows * vecs, 10) + 0.5 * rows + weightLoad * vecs;
        double epilogue = 0;
        if (requantizes)
          epilogue = rows * vecs *
                     (vecs % 4 == 0 && !(last && spec.N % L) ? 3.5 : 4.5);
        return KQ * k + epilogue;
      };
      auto block = [&](int64_t rows) {
        int64_t full = NV / v;
        return (full - (NV % v ? 0 : 1)) * tile(rows, v, false) +
               (NV % v ? tile(rows, NV % v, true) : tile(rows, v, true));
      };
      // M / mr blocks of mr rows and one of the rest.
      double cost =
          (spec.M / mr) * block(mr) + (spec.M % mr ? block(spec.M % mr) : 0.0);
      if (best == 0 || cost < best)
        best = cost, V = v, MR = mr;
    }
  }

  /// Creates the globals and the kernel function `name` in `module` for an
  /// input of type `inType` and an output of `outType` (storage types).
  func::FuncOp build(ModuleOp module, StringRef name, MemRefType inType,
                     MemRefType outType);

private:
  /// The globals (bias, requantization) shared by both kernel kinds, and the
  /// kernel function with its entry block; sets `bias`, `multiplier`,
  /// `shift`, `out` (as a 2-D [rows, channels] view).
  func::FuncOp createFunction(ModuleOp module, StringRef name,
                              MemRefType inType, MemRefType outType);
  func::FuncOp buildDepthwise(ModuleOp module, StringRef name,
                              MemRefType inType, MemRefType outType);
  /// The depthwise kernel on the dot-product instruction, with each input
  /// row interleaved once for all the output rows that read it.
  func::FuncOp buildDepthwiseDot(ModuleOp module, StringRef name,
                                 MemRefType inType, MemRefType outType);

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  /// An scf.for from `lo` to `hi` carrying `init`; `body(iv, args)` builds
  /// at `b` and returns the values to yield.
  scf::ForOp
  emitFor(Value lo, Value hi, int64_t step, ValueRange init,
          llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body);
  /// An scf.if without results; `elseBody` may be empty.
  void emitIf(Value cond, llvm::function_ref<void()> thenBody,
              llvm::function_ref<void()> elseBody = nullptr);
  /// 0 <= v < hi, v a signed index.
  Value inRange(Value v, int64_t hi);
  /// Image n and the window's top-left input position (ih0, iw0, signed:
  /// negative in the padding) of output row m = (n, oh, ow).
  std::tuple<Value, Value, Value> windowOrigin(Value m) {
    Value ohw = idx(spec.OH * spec.OW);
    Value n = arith::DivUIOp::create(b, loc, m, ohw);
    Value rem = arith::RemUIOp::create(b, loc, m, ohw);
    Value oh = arith::DivUIOp::create(b, loc, rem, idx(spec.OW));
    Value ow = arith::RemUIOp::create(b, loc, rem, idx(spec.OW));
    Value ih0 = arith::SubIOp::create(
        b, loc, arith::MulIOp::create(b, loc, oh, idx(spec.SH)), idx(spec.PT));
    Value iw0 = arith::SubIOp::create(
        b, loc, arith::MulIOp::create(b, loc, ow, idx(spec.SW)), idx(spec.PL));
    return {n, ih0, iw0};
  }
  /// v clamped to [0, hi - 1].
  Value clampIndex(Value v, int64_t hi);
  Value i32(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 32); }
  VectorType accType() { return VectorType::get({L}, b.getI32Type()); }

  memref::GlobalOp makeGlobal(ModuleOp module, StringRef name,
                              MemRefType type, DenseElementsAttr value);
  Value dot(Value acc, Value a, Value w);
  /// Gathers rows [m0, m0 + rows) of A into the panel.
  void emitPack(Value input, Value panel, Value m0, int64_t rows);
  /// One register tile: `rows` rows from `aRow0` of `a`, `vecs` vectors of
  /// columns from vector index `nv0`; `colLimit` says which stores need a
  /// mask (static tile) or none (-1).
  /// `rowBases` (direct mode): the rows' byte offsets in the flat input
  /// `a`, read in place (else rows from `aRow0` of the 2-D `a`).
  void emitTile(Value a, Value aRow0, Value outRow0, Value nv0, int64_t rows,
                int64_t vecs, int64_t staticNv0, ArrayRef<Value> rowBases = {});
  /// for (iv = 0; iv < ub; iv += step) body(iv); with threads, split into
  /// one chunk per thread in an scf.parallel, `chunkSetup(chunk)` run at the
  /// start of each chunk (else once before the loop, with chunk 0).
  /// `passes` > 1: each chunk runs its loop that many times, pass p calling
  /// `passBody(iv, p)` (the column blocks of a large matmul, inside one
  /// parallel region).
  void emitRowLoop(int64_t ub, int64_t step,
                   llvm::function_ref<void(Value)> chunkSetup,
                   llvm::function_ref<void(Value)> body);
  void emitRowLoop(int64_t ub, int64_t step, int64_t passes,
                   llvm::function_ref<void(Value)> chunkSetup,
                   llvm::function_ref<void(Value, int64_t)> passBody);
  /// The tiles of `rows` rows over the column vectors [nvLo, nvHi) (nvLo a
  /// multiple of V; nvHi too, or NV).
  void emitRowBlock(Value a, Value aRow0, Value outRow0, int64_t rows,
                    int64_t nvLo, int64_t nvHi, ArrayRef<Value> rowBases = {});
  /// Bias, requantization and store of one accumulator vector of output row
  /// `row`, columns from `col`.
  /// `acc` starts from the bias (else it is added here).
  void emitStore(Value acc, Value row, Value col, bool inBounds,
                 bool hasBias = false);
  /// Whether |accumulator + bias| < 2^29 and every shift is at least 32,
  /// from the bias constants (at most 255 * 128 per product): double_round
  /// then takes its short rounding divide (and, with every shift at most 53,
  /// double_round and single_round their short 64-bit product).
  bool hasSmallAccumulator() const {
    int64_t biasMax = 0;
    for (int32_t v : spec.bias)
      biasMax = std::max<int64_t>(biasMax, std::abs(int64_t(v)));
    return llvm::all_of(spec.shift, [](int32_t t) { return t >= 32; }) &&
           biasMax + llvm::alignTo(spec.K, 4) * 255 * 128 < (int64_t(1) << 29);
  }
  /// Whether every accumulator holds its value plus 2^31 (mod 2^32): the
  /// bias global carries the offset, and the short double_round epilogue
  /// then multiplies unsigned instead of doubling the accumulator first
  /// (createFixedPointRequantize's `offsetAccumulator`).
  bool offsetAccumulators() const {
    return !spec.multiplier.empty() &&
           takesShortRoundingProduct(VectorType::get({L}, b.getI32Type()),
                                     spec.rounding, hasSmallAccumulator(),
                                     shiftAtMost53());
  }
  /// Whether in-bounds stores requantize from precomputed per-channel
  /// constants (createShortSingleRound): per-channel single_round on offset
  /// accumulators. The kernel then loads four constant vectors per column
  /// vector instead of deriving them from m and t in every tile (six
  /// instructions per column vector).
  bool precomputedSingleRound() const {
    return spec.multiplier.size() > 1 &&
           spec.rounding == qnn::RoundingMode::SingleRound &&
           offsetAccumulators() && L % 2 == 0;
  }
  bool shiftAtMost53() const {
    return llvm::all_of(spec.shift, [](int32_t t) { return t <= 53; });
  }
  /// The requantized i32 values of `acc` (clamped to the output range), or
  /// `acc` plus the bias for an i32 output.
  Value emitRequantize(Value acc, Value col, bool inBounds, bool hasBias);
  /// Four in-bounds accumulator vectors of consecutive columns from `col`
  /// of output row `row`, requantized and stored as one vector of bytes:
  /// the truncation of the four, concatenated, which
  /// qnn-cpu-lower-dot-products turns into saturating packs on x86.
  void emitStore4(ArrayRef<Value> accs, Value row, Value col);
  /// The depthwise kernel: output row `r` (batch x OH), `count` output
  /// columns from `ow0`, every channel vector.
  void emitDepthwiseRow(Value input, Value dwWeights, Value r, Value ow0,
                        int64_t count);

  OpBuilder &b;
  Location loc;
  const GemmSpec &spec;
  DotProductKind kind;
  /// Wide (AVX2): i16 panel and weights in groups of G = 2 (else bytes in
  /// groups of 4); elemType is their element type.
  bool wide = false;
  int64_t G = 4;
  Type elemType;
  int64_t L, Kp, KQ, NV, V, MR;
  unsigned threads;
  bool packed;
  /// Direct: row blocks inside the image read the input in place; the
  /// columns are then (kh, j) with j < spanStride, a kernel row's KW * C
  /// bytes padded to a multiple of 4 (else the (kh, kw, c) columns, Kp).
  bool direct = false;
  int64_t spanStride = 0;
  /// Direct mode: the distance between kernel rows in the memref the tile
  /// reads (the input's DH rows, or a panel row's spanStride).
  Value khStride;
  /// The panel column of column k of the contraction.
  int64_t columnOf(int64_t k) const {
    if (!direct)
      return k;
    int64_t span = spec.KW * spec.C;
    return (k / span) * spanStride + k % span;
  }
  Value weights, bias, multiplier, shift, out;
  /// Per-channel single_round constants (precomputedSingleRound()):
  /// getShortSingleRoundConstants' factor, add and shift, and the factor of
  /// lane 2i+1 in lane 2i.
  Value srFactor, srFactorOdd, srAdd, srShift;
  /// The current thread's [MR * V][L] i32 scratch where a tile's
  /// accumulators wait for the epilogue's row loop (null: no row loop).
  Value tileScratch;
};

scf::ForOp KernelBuilder::emitFor(
    Value lo, Value hi, int64_t step, ValueRange init,
    llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  return scf::ForOp::create(
      b, loc, lo, hi, idx(step), init,
      [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        scf::YieldOp::create(b, loc, body(iv, args));
      });
}

void KernelBuilder::emitIf(Value cond, llvm::function_ref<void()> thenBody,
                           llvm::function_ref<void()> elseBody) {
  auto region = [&](llvm::function_ref<void()> body) {
    return [&, body](OpBuilder &rb, Location) {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(rb.getInsertionBlock(), rb.getInsertionPoint());
      body();
      scf::YieldOp::create(b, loc);
    };
  };
  if (elseBody)
    scf::IfOp::create(b, loc, cond, region(thenBody), region(elseBody));
  else
    scf::IfOp::create(b, loc, cond, region(thenBody));
}

Value KernelBuilder::inRange(Value v, int64_t hi) {
  Value ge =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, v, idx(0));
  Value lt =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v, idx(hi));
  return arith::AndIOp::create(b, loc, ge, lt);
}

Value KernelBuilder::clampIndex(Value v, int64_t hi) {
  return arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, v, idx(0)), idx(hi - 1));
}

void KernelBuilder::emitRowLoop(int64_t ub, int64_t step,
                                llvm::function_ref<void(Value)> chunkSetup,
                                llvm::function_ref<void(Value)> body) {
  emitRowLoop(ub, step, 1, chunkSetup,
              [&](Value iv, int64_t) { body(iv); });
}

void KernelBuilder::emitRowLoop(
    int64_t ub, int64_t step, int64_t passes,
    llvm::function_ref<void(Value)> chunkSetup,
    llvm::function_ref<void(Value, int64_t)> passBody) {
  auto loop = [&](Value lo, Value hi) {
    for (int64_t pass = 0; pass < passes; ++pass)
      scf::ForOp::create(b, loc, lo, hi, idx(step), ValueRange{},
                         [&](OpBuilder &nb, Location, Value iv, ValueRange) {
                           OpBuilder::InsertionGuard g(b);
                           b.setInsertionPoint(nb.getInsertionBlock(),
                                               nb.getInsertionPoint());
                           passBody(iv, pass);
                           scf::YieldOp::create(b, loc);
                         });
  };
  if (threads <= 1) {
    chunkSetup(idx(0));
    loop(idx(0), idx(ub));
    return;
  }
  // One contiguous chunk of iterations per thread, each with its own
  // scratch (allocated by the caller at the function's entry, so that the
  // parallel body allocates nothing).
  int64_t iterations = llvm::divideCeil(ub, step);
  int64_t perChunk = llvm::divideCeil(iterations, threads) * step;
  int64_t chunks = llvm::divideCeil(ub, perChunk);
  scf::ParallelOp::create(
      b, loc, ValueRange{idx(0)}, ValueRange{idx(chunks)}, ValueRange{idx(1)},
      [&](OpBuilder &nb, Location, ValueRange ivs) {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        chunkSetup(ivs[0]);
        Value lo = arith::MulIOp::create(b, loc, ivs[0], idx(perChunk));
        Value hi = arith::MinSIOp::create(
            b, loc, arith::AddIOp::create(b, loc, lo, idx(perChunk)), idx(ub));
        loop(lo, hi);
      });
}

memref::GlobalOp KernelBuilder::makeGlobal(ModuleOp module, StringRef name,
                                           MemRefType type,
                                           DenseElementsAttr value) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto global = memref::GlobalOp::create(
      b, loc, name, b.getStringAttr("private"), type, value,
      /*constant=*/true, b.getI64IntegerAttr(64));
  SymbolTable(module).insert(global);
  return global;
}

Value KernelBuilder::dot(Value acc, Value a, Value w) {
  if (wide) {
    // acc[j] += a[2j] * w[2j] + a[2j+1] * w[2j+1] on i16 (exact in i32):
    // vpmaddwd after qnn-cpu-lower-dot-products.
    auto words = VectorType::get({2 * L}, b.getI16Type());
    auto wide32 = VectorType::get({2 * L}, b.getI32Type());
    Value a16 = vector::BitCastOp::create(b, loc, words, a);
    Value w16 = vector::BitCastOp::create(b, loc, words, w);
    Value prod = arith::MulIOp::create(
        b, loc, arith::ExtSIOp::create(b, loc, wide32, a16),
        arith::ExtSIOp::create(b, loc, wide32, w16));
    Value pairs = vector::ShapeCastOp::create(
        b, loc, VectorType::get({L, 2}, b.getI32Type()), prod);
    return vector::MultiDimReductionOp::create(b, loc, pairs, acc,
                                               ArrayRef<bool>{false, true},
                                               vector::CombiningKind::ADD);
  }
  if (spec.bytePairs) {
    // acc[j] += (a[4j] w[4j] + a[4j+1] w[4j+1]) + (a[4j+2] w[4j+2] +
    // a[4j+3] w[4j+3]), u8 x s8 pairs summed in i16 (exact: the weights
    // passed finishSpec's bound), then in i32: vpmaddubsw and a vpmaddwd
    // by ones after qnn-cpu-lower-dot-products.
    auto bytes = VectorType::get({4 * L}, b.getI8Type());
    auto words = VectorType::get({4 * L}, b.getI16Type());
    auto halves = VectorType::get({2 * L}, b.getI16Type());
    Value a16 = arith::ExtUIOp::create(
        b, loc, words, vector::BitCastOp::create(b, loc, bytes, a));
    Value w16 = arith::ExtSIOp::create(
        b, loc, words, vector::BitCastOp::create(b, loc, bytes, w));
    Value pairs16 = vector::ShapeCastOp::create(
        b, loc, VectorType::get({2 * L, 2}, b.getI16Type()),
        arith::MulIOp::create(b, loc, a16, w16));
    Value zero = arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(b.getZeroAttr(halves)));
    Value sums = vector::MultiDimReductionOp::create(
        b, loc, pairs16, zero, ArrayRef<bool>{false, true},
        vector::CombiningKind::ADD);
    Value pairs32 = vector::ShapeCastOp::create(
        b, loc, VectorType::get({L, 2}, b.getI32Type()),
        arith::ExtSIOp::create(b, loc, VectorType::get({2 * L}, b.getI32Type()),
                               sums));
    return vector::MultiDimReductionOp::create(b, loc, pairs32, acc,
                                               ArrayRef<bool>{false, true},
                                               vector::CombiningKind::ADD);
  }
  // The target-neutral form: acc[j] += sum_i ext(a[4j+i]) * sext(w[4j+i]),
  // with ext = zero extension for a u8 x s8 instruction, sign extension for
  // s8 x s8. qnn-cpu-lower-dot-products turns it into the instruction once
  // buffer deallocation (which rejects LLVM intrinsic calls) has run.
  auto bytes = VectorType::get({4 * L}, b.getI8Type());
  auto wide = VectorType::get({4 * L}, b.getI32Type());
  Value a8 = vector::BitCastOp::create(b, loc, bytes, a);
  Value w8 = vector::BitCastOp::create(b, loc, bytes, w);
  Value aw = kind == DotProductKind::AArch64SDot
                 ? arith::ExtSIOp::create(b, loc, wide, a8).getResult()
                 : arith::ExtUIOp::create(b, loc, wide, a8).getResult();
  Value ww = arith::ExtSIOp::create(b, loc, wide, w8);
  Value prod = arith::MulIOp::create(b, loc, aw, ww);
  Value groups = vector::ShapeCastOp::create(
      b, loc, VectorType::get({L, 4}, b.getI32Type()), prod);
  return vector::MultiDimReductionOp::create(b, loc, groups, acc,
                                             ArrayRef<bool>{false, true},
                                             vector::CombiningKind::ADD);
}

void KernelBuilder::emitPack(Value input, Value panel, Value m0,
                             int64_t rows) {
  Type i8 = b.getI8Type();
  Value pad = arith::ConstantIntOp::create(b, loc, spec.padByte, 8);
  Value panelPad = arith::ConstantIntOp::create(b, loc, elemType, spec.padByte);
  // Copies `len` bytes from `src` at `at` (the last index an offset along
  // the innermost dimension) to panel row `r` from column `col`: in pieces
  // of powers of two, each inside both memrefs (no masked load or store,
  // which AVX2 would scalarize), widened to i16 in the input's signedness
  // when wide; where `valid` is false, the padding byte instead.
  int64_t maxPiece = wide ? 32 : 64;
  auto copy = [&](Value src, ValueRange at, int64_t len, Value r, Value col,
                  Value valid) {
    for (int64_t off = 0; off < len;) {
      int64_t piece = std::min<int64_t>(
          maxPiece, int64_t(1) << llvm::Log2_64(uint64_t(len - off)));
      SmallVector<Value> indices(at.begin(), at.end());
      indices.back() = arith::AddIOp::create(b, loc, at.back(), idx(off));
      auto bytes = VectorType::get({piece}, i8);
      Value v = vector::TransferReadOp::create(b, loc, bytes, src, indices, pad,
                                               ArrayRef<bool>{true});
      if (valid)
        v = arith::SelectOp::create(
            b, loc, valid, v, vector::BroadcastOp::create(b, loc, bytes, pad));
      if (wide) {
        auto words = VectorType::get({piece}, elemType);
        v = spec.signedInput
                ? arith::ExtSIOp::create(b, loc, words, v).getResult()
                : arith::ExtUIOp::create(b, loc, words, v).getResult();
      }
      vector::TransferWriteOp::create(
          b, loc, v, panel,
          ValueRange{r, arith::AddIOp::create(b, loc, col, idx(off))},
          ArrayRef<bool>{true});
      off += piece;
    }
  };
  // The columns [from, to) of panel row r that meet zero weights (past K,
  // or past each kernel row's span in direct mode): defined bytes.
  auto fill = [&](int64_t r, int64_t from, int64_t to) {
    if (to == from)
      return;
    auto tail = VectorType::get({to - from}, elemType);
    vector::TransferWriteOp::create(
        b, loc, vector::BroadcastOp::create(b, loc, tail, panelPad), panel,
        ValueRange{idx(r), idx(from)}, ArrayRef<bool>{true});
  };
  if (!spec.conv) {
    // Rows of a matmul whose K is not a multiple of 4 (or any row, widened):
    // copy and pad.
    for (int64_t r = 0; r < rows; ++r) {
      Value row = arith::AddIOp::create(b, loc, m0, idx(r));
      copy(input, ValueRange{row, idx(0)}, spec.K, idx(r), idx(0), Value());
      fill(r, spec.K, Kp);
    }
    return;
  }
  // Implicit GEMM: row m = (n, oh, ow), columns (kh, kw, c) gathered tap by
  // tap; a tap outside the image reads the padding byte.
  // Few channels (a stem convolution): the KW taps of a kernel row are one
  // contiguous span of KW * C input bytes, copied at once when it lies
  // inside the image (a 3x3 RGB stem: 3 copies per row instead of 9).
  int64_t span = spec.KW * spec.C;
  bool spans = spec.DW == 1 && spec.KW > 1 && spec.C < 16 && span <= 64;
  Value rowsView;
  if (spans)
    rowsView = memref::CollapseShapeOp::create(
        b, loc, input, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  for (int64_t r = 0; r < rows; ++r) {
    Value n, ih0, iw0;
    std::tie(n, ih0, iw0) =
        windowOrigin(arith::AddIOp::create(b, loc, m0, idx(r)));
    emitFor(idx(0), idx(spec.KH), 1, {}, [&](Value kh, ValueRange) {
      Value ih = arith::AddIOp::create(
          b, loc, ih0, arith::MulIOp::create(b, loc, kh, idx(spec.DH)));
      // Panel column of kernel row kh: kh * KW * C, or in direct mode
      // kh * spanStride.
      Value rowCol =
          arith::MulIOp::create(b, loc, kh, idx(direct ? spanStride : span));
      auto tapLoop = [&] {
        emitFor(idx(0), idx(spec.KW), 1, {}, [&](Value kw, ValueRange) {
          // Index arithmetic is signed here: ih, iw may be negative.
          Value iw = arith::AddIOp::create(
              b, loc, iw0, arith::MulIOp::create(b, loc, kw, idx(spec.DW)));
          Value valid = arith::AndIOp::create(b, loc, inRange(ih, spec.IH),
                                              inRange(iw, spec.IW));
          Value ihc = clampIndex(ih, spec.IH), iwc = clampIndex(iw, spec.IW);
          Value col = arith::AddIOp::create(
              b, loc, rowCol, arith::MulIOp::create(b, loc, kw, idx(spec.C)));
          copy(input, ValueRange{n, ihc, iwc, idx(0)}, spec.C, idx(r), col,
               valid);
          return SmallVector<Value>{};
        });
      };
      if (!spans) {
        tapLoop();
        return SmallVector<Value>{};
      }
      // The span is inside the image: ih in [0, IH), iw0 in [0, IW - KW].
      Value inside = arith::AndIOp::create(b, loc, inRange(ih, spec.IH),
                                           inRange(iw0, spec.IW - spec.KW + 1));
      emitIf(
          inside,
          [&] {
            copy(rowsView,
                 ValueRange{n, ih,
                            arith::MulIOp::create(b, loc, iw0, idx(spec.C))},
                 span, idx(r), rowCol, Value());
          },
          tapLoop);
      return SmallVector<Value>{};
    });
    if (direct)
      for (int64_t kh = 0; kh < spec.KH; ++kh)
        fill(r, kh * spanStride + span, (kh + 1) * spanStride);
    else
      fill(r, spec.K, Kp);
  }
}

void KernelBuilder::emitTile(Value a, Value aRow0, Value outRow0, Value nv0,
                             int64_t rows, int64_t vecs, int64_t staticNv0,
                             ArrayRef<Value> rowBases) {
  Type i32Type = b.getI32Type();
  auto wVecType = VectorType::get({G * L}, elemType);
  // The accumulators start from the bias.
  SmallVector<Value> init;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vecs; ++v)
      init.push_back(vector::LoadOp::create(
          b, loc, accType(), bias,
          ValueRange{arith::MulIOp::create(
              b, loc, arith::AddIOp::create(b, loc, nv0, idx(v)), idx(L))}));
  Value flipMask = i32(static_cast<int32_t>(0x80808080u));
  // One step of the K loop: the weights of kq, the 4 activation bytes of
  // each row (`word(r)`, as an i32), MR x V dot instructions.
  auto step = [&](Value kq, ValueRange accs,
                  llvm::function_ref<Value(int64_t)> word) {
    SmallVector<Value> w;
    for (int64_t v = 0; v < vecs; ++v) {
      Value nv = arith::AddIOp::create(b, loc, nv0, idx(v));
      Value raw = vector::LoadOp::create(b, loc, wVecType, weights,
                                         ValueRange{nv, kq, idx(0)});
      w.push_back(vector::BitCastOp::create(b, loc, accType(), raw));
    }
    SmallVector<Value> next;
    for (int64_t r = 0; r < rows; ++r) {
      Value bits = word(r);
      if (spec.flip)
        bits = arith::XOrIOp::create(b, loc, bits, flipMask);
      Value bcast = vector::BroadcastOp::create(b, loc, accType(), bits);
      for (int64_t v = 0; v < vecs; ++v)
        next.push_back(dot(accs[r * vecs + v], bcast, w[v]));
    }
    return next;
  };
  auto wordAt = [&](Value memref, ValueRange indices) -> Value {
    Value four = vector::LoadOp::create(b, loc, VectorType::get({G}, elemType),
                                        memref, indices);
    return vector::ExtractOp::create(
        b, loc,
        vector::BitCastOp::create(b, loc, VectorType::get({1}, i32Type), four),
        ArrayRef<int64_t>{0});
  };
  scf::ForOp loop;
  if (rowBases.empty()) {
    loop = emitFor(idx(0), idx(KQ), 1, init, [&](Value kq, ValueRange accs) {
      Value k = arith::MulIOp::create(b, loc, kq, idx(G));
      return step(kq, accs, [&](int64_t r) {
        Value row = arith::AddIOp::create(b, loc, aRow0, idx(r));
        return wordAt(a, ValueRange{row, k});
      });
    });
  } else {
    // In place: kernel row kh of row r starts at rowBases[r] + kh * DH * IW
    // * C in the flat input; its columns are spanStride / 4 groups of 4.
    int64_t groups = spanStride / 4;
    loop =
        emitFor(idx(0), idx(spec.KH), 1, init, [&](Value kh, ValueRange accs) {
          Value khOffset = arith::MulIOp::create(b, loc, kh, khStride);
          Value kq0 = arith::MulIOp::create(b, loc, kh, idx(groups));
          SmallVector<Value> bases;
          for (int64_t r = 0; r < rows; ++r)
            bases.push_back(
                arith::AddIOp::create(b, loc, rowBases[r], khOffset));
          auto inner = emitFor(
              idx(0), idx(groups), 1, accs, [&](Value g, ValueRange accs) {
                Value kq = arith::AddIOp::create(b, loc, kq0, g);
                Value at = arith::MulIOp::create(b, loc, g, idx(4));
                return step(kq, accs, [&](int64_t r) {
                  return wordAt(a, ValueRange{arith::AddIOp::create(
                                       b, loc, bases[r], at)});
                });
              });
          return SmallVector<Value>(inner.getResults());
        });
  }

  // Epilogue. Only the tile of the last columns may reach past N.
  SmallVector<Value> cols;
  for (int64_t v = 0; v < vecs; ++v)
    cols.push_back(arith::MulIOp::create(
        b, loc, arith::AddIOp::create(b, loc, nv0, idx(v)), idx(L)));
  auto inBounds = [&](int64_t v) {
    return staticNv0 < 0 || (staticNv0 + v + 1) * L <= spec.N;
  };
  if (!tileScratch || rows == 1) {
    for (int64_t v = 0; v < vecs; ++v)
      for (int64_t r = 0; r < rows; ++r)
        emitStore(loop.getResult(r * vecs + v),
                  arith::AddIOp::create(b, loc, outRow0, idx(r)), cols[v],
                  inBounds(v), /*hasBias=*/true);
    return;
  }
  // The accumulators through the scratch and one row of epilogues in a
  // loop: the same instructions, a sixth of the code (the epilogue is ~15
  // vector instructions per accumulator; the scratch stays in L1).
  for (int64_t i = 0; i < rows * vecs; ++i)
    vector::StoreOp::create(b, loc, loop.getResult(i), tileScratch,
                            ValueRange{idx(i), idx(0)});
  // Four vectors of requantized bytes (64 on AVX-512) in one store, where
  // the epilogue ends in a clamp to the output range (the short
  // double_round and single_round epilogues) that the x86 packs can take
  // over.
  bool grouped =
      vecs % 4 == 0 && inBounds(vecs - 1) && !spec.multiplier.empty() &&
      kind == DotProductKind::X86AVX512VNNI &&
      ((spec.rounding == qnn::RoundingMode::DoubleRound &&
        hasSmallAccumulator()) ||
       takesShortRoundingProduct(accType(), spec.rounding,
                                 hasSmallAccumulator(), shiftAtMost53()));
  emitFor(idx(0), idx(rows), 1, {}, [&](Value r, ValueRange) {
    Value row = arith::AddIOp::create(b, loc, outRow0, r);
    Value first = arith::MulIOp::create(b, loc, r, idx(vecs));
    SmallVector<Value> accs;
    for (int64_t v = 0; v < vecs; ++v)
      accs.push_back(vector::LoadOp::create(
          b, loc, accType(), tileScratch,
          ValueRange{arith::AddIOp::create(b, loc, first, idx(v)), idx(0)}));
    if (grouped) {
      for (int64_t v = 0; v < vecs; v += 4)
        emitStore4(ArrayRef<Value>(accs).slice(v, 4), row, cols[v]);
      return SmallVector<Value>{};
    }
    for (int64_t v = 0; v < vecs; ++v)
      emitStore(accs[v], row, cols[v], inBounds(v), /*hasBias=*/true);
    return SmallVector<Value>{};
  });
}

Value KernelBuilder::emitRequantize(Value acc, Value col, bool inBounds,
                                    bool hasBias) {
  Value result = acc;
  if (!hasBias)
    result = arith::AddIOp::create(
        b, loc, acc,
        vector::LoadOp::create(b, loc, accType(), bias, ValueRange{col}));
  if (spec.multiplier.empty())
    return result;
  if (srFactor && inBounds) {
    auto load = [&](Value global) -> Value {
      return vector::LoadOp::create(b, loc, accType(), global, ValueRange{col});
    };
    return createShortSingleRound(b, loc, result, load(srFactor),
                                  load(srFactorOdd), load(srAdd), load(srShift),
                                  spec.clampMin, spec.clampMax);
  }
  Value m, t;
  if (spec.multiplier.size() > 1) {
    m = vector::LoadOp::create(b, loc, accType(), multiplier, ValueRange{col});
    t = vector::LoadOp::create(b, loc, accType(), shift, ValueRange{col});
  } else {
    m = vector::BroadcastOp::create(b, loc, accType(), i32(spec.multiplier[0]));
    t = vector::BroadcastOp::create(b, loc, accType(), i32(spec.shift[0]));
  }
  bool mayShiftLeft =
      llvm::any_of(spec.shift, [](int32_t t) { return t < 31; });
  bool smallAccumulator = hasSmallAccumulator();
  return createFixedPointRequantize(
      b, loc, result, m, t, spec.rounding, spec.outZp, spec.clampMin,
      spec.clampMax, mayShiftLeft, smallAccumulator,
      /*zeroPointFirst=*/inBounds, shiftAtMost53(), offsetAccumulators());
}

void KernelBuilder::emitStore(Value acc, Value row, Value col, bool inBounds,
                              bool hasBias) {
  auto outElem = cast<MemRefType>(out.getType()).getElementType();
  Value result = emitRequantize(acc, col, inBounds, hasBias);
  if (!spec.multiplier.empty())
    result =
        arith::TruncIOp::create(b, loc, VectorType::get({L}, outElem), result);
  if (inBounds)
    vector::StoreOp::create(b, loc, result, out, ValueRange{row, col});
  else
    vector::TransferWriteOp::create(b, loc, result, out, ValueRange{row, col},
                                    ArrayRef<bool>{false});
}

void KernelBuilder::emitStore4(ArrayRef<Value> accs, Value row, Value col) {
  auto outElem = cast<MemRefType>(out.getType()).getElementType();
  SmallVector<Value> results;
  for (auto [v, acc] : llvm::enumerate(accs))
    results.push_back(
        emitRequantize(acc, arith::AddIOp::create(b, loc, col, idx(v * L)),
                       /*inBounds=*/true, /*hasBias=*/true));
  auto concat = [&](Value x, Value y) -> Value {
    int64_t n = cast<VectorType>(x.getType()).getNumElements();
    return vector::ShuffleOp::create(
        b, loc, x, y, llvm::to_vector(llvm::seq<int64_t>(0, 2 * n)));
  };
  Value all =
      concat(concat(results[0], results[1]), concat(results[2], results[3]));
  Value bytes =
      arith::TruncIOp::create(b, loc, VectorType::get({4 * L}, outElem), all);
  vector::StoreOp::create(b, loc, bytes, out, ValueRange{row, col});
}

void KernelBuilder::emitDepthwiseRow(Value input, Value dwWeights, Value r,
                                     Value ow0, int64_t count) {
  Type i8 = b.getI8Type();
  auto bytes = VectorType::get({L}, i8);
  Value pad = arith::ConstantIntOp::create(b, loc, spec.padByte, 8);
  Value padVec = vector::BroadcastOp::create(b, loc, bytes, pad);
  Value n = arith::DivUIOp::create(b, loc, r, idx(spec.OH));
  Value oh = arith::RemUIOp::create(b, loc, r, idx(spec.OH));
  Value ih0 = arith::SubIOp::create(
      b, loc, arith::MulIOp::create(b, loc, oh, idx(spec.SH)), idx(spec.PT));
  // Channels in vector lanes; `count` output columns share each weight
  // vector; the taps are unrolled.
  // The L input bytes of tap t for output column o (the padding byte
  // outside the image).
  auto channelVector = [&](Value c0, bool inBounds) {
    SmallVector<Value> accs(count);
    for (int64_t o = 0; o < count; ++o)
      accs[o] = arith::ConstantOp::create(
          b, loc, cast<TypedAttr>(b.getZeroAttr(accType())));
    for (int64_t kh = 0; kh < spec.KH; ++kh) {
      Value ih = arith::AddIOp::create(b, loc, ih0, idx(kh * spec.DH));
      Value rowValid = inRange(ih, spec.IH);
      Value ihc = clampIndex(ih, spec.IH);
      for (int64_t kw = 0; kw < spec.KW; ++kw) {
        Value w = vector::LoadOp::create(
            b, loc, accType(), dwWeights,
            ValueRange{idx(kh * spec.KW + kw), c0});
        for (int64_t o = 0; o < count; ++o) {
          Value ow = arith::AddIOp::create(b, loc, ow0, idx(o));
          Value iw = arith::AddIOp::create(
              b, loc,
              arith::MulIOp::create(b, loc, ow, idx(spec.SW)),
              idx(kw * spec.DW - spec.PL));
          Value valid =
              arith::AndIOp::create(b, loc, rowValid, inRange(iw, spec.IW));
          Value x = vector::TransferReadOp::create(
              b, loc, bytes, input,
              ValueRange{n, ihc, clampIndex(iw, spec.IW), c0}, pad,
              ArrayRef<bool>{inBounds});
          x = arith::SelectOp::create(b, loc, valid, x, padVec);
          Value wide =
              spec.signedInput
                  ? arith::ExtSIOp::create(b, loc, accType(), x).getResult()
                  : arith::ExtUIOp::create(b, loc, accType(), x).getResult();
          accs[o] = arith::AddIOp::create(
              b, loc, accs[o], arith::MulIOp::create(b, loc, wide, w));
        }
      }
    }
    Value outRow0 = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, r, idx(spec.OW)), ow0);
    for (int64_t o = 0; o < count; ++o)
      emitStore(accs[o], arith::AddIOp::create(b, loc, outRow0, idx(o)), c0,
                inBounds);
  };
  int64_t fullVectors = spec.C / L;
  if (fullVectors > 0)
    emitFor(idx(0), idx(fullVectors * L), L, {}, [&](Value c0, ValueRange) {
      channelVector(c0, true);
      return SmallVector<Value>{};
    });
  if (spec.C % L)
    channelVector(idx(fullVectors * L), false);
}

void KernelBuilder::emitRowBlock(Value a, Value aRow0, Value outRow0,
                                 int64_t rows, int64_t nvLo, int64_t nvHi,
                                 ArrayRef<Value> rowBases) {
  // Fewer rows than MR (the last rows) take wider tiles where the 32 zmm
  // registers allow (accumulators, the tile's weights and a broadcast):
  // a 1 x 4 tile has too few independent dot chains to hide the
  // instruction's latency. The scratch holds rows x tileV <= MR x V.
  int64_t tileV = V;
  if (rows < MR && kind == DotProductKind::X86AVX512VNNI)
    tileV = std::clamp<int64_t>(
        std::min<int64_t>({(MR * V) / rows, 31 / (rows + 1), 8}), V,
        std::max(V, NV));
  // Column tiles of tileV full vectors, then the rest (the last vector
  // possibly partial) as static tiles.
  int64_t fullHi = std::max(nvLo, std::min(nvHi, spec.N / L));
  int64_t loopEnd = nvLo + (fullHi - nvLo) / tileV * tileV;
  if (loopEnd > nvLo)
    emitFor(idx(nvLo), idx(loopEnd), tileV, {}, [&](Value nv0, ValueRange) {
      emitTile(a, aRow0, outRow0, nv0, rows, tileV, -1, rowBases);
      return SmallVector<Value>{};
    });
  for (int64_t nv = loopEnd; nv < nvHi; nv += tileV)
    emitTile(a, aRow0, outRow0, idx(nv), rows, std::min(tileV, nvHi - nv), nv,
             rowBases);
}

func::FuncOp KernelBuilder::createFunction(ModuleOp module, StringRef name,
                                           MemRefType inType,
                                           MemRefType outType) {
  Type i32Type = b.getI32Type();
  int64_t Np = NV * L;
  // Lanes past N repeat the last value: a shift there stays in the range
  // the requantization's lane pairs assume (a 0 would make the pair's
  // result poison in LLVM, its valid lane included).
  auto padded = [&](ArrayRef<int32_t> v, bool repeatLast = false) {
    SmallVector<int32_t> p(v.begin(), v.end());
    p.resize(Np, v.size() == 1 || repeatLast ? v.back() : 0);
    return DenseElementsAttr::get(RankedTensorType::get({Np}, i32Type),
                                  ArrayRef<int32_t>(p));
  };
  auto vType = MemRefType::get({Np}, i32Type);
  // The accumulators start from the bias (plus 2^31 in every lane with
  // offsetAccumulators()).
  SmallVector<int32_t> biasInit(spec.bias);
  biasInit.resize(Np, 0);
  if (offsetAccumulators())
    for (int32_t &v : biasInit)
      v = static_cast<int32_t>(static_cast<uint32_t>(v) + 0x80000000u);
  auto bGlobal =
      makeGlobal(module, (name + "_bias").str(), vType, padded(biasInit));
  memref::GlobalOp mGlobal, sGlobal;
  if (spec.multiplier.size() > 1) {
    mGlobal = makeGlobal(module, (name + "_multiplier").str(), vType,
                         padded(spec.multiplier));
    sGlobal = makeGlobal(module, (name + "_shift").str(), vType,
                         padded(spec.shift, /*repeatLast=*/true));
  }
  memref::GlobalOp srGlobals[4];
  if (precomputedSingleRound()) {
    SmallVector<int32_t> factor, factorOdd, add, shiftBy;
    for (auto [m, t] : llvm::zip(spec.multiplier, spec.shift)) {
      ShortSingleRoundConstants k =
          getShortSingleRoundConstants(m, t, spec.outZp);
      factor.push_back(k.factor);
      add.push_back(k.add);
      shiftBy.push_back(k.shift);
    }
    // Padding lanes repeat the last channel's constants.
    factor.resize(Np, factor.back());
    for (int64_t c = 0; c < Np; ++c)
      factorOdd.push_back(c % 2 == 0 ? factor[c + 1] : 0);
    const char *suffix[] = {"_sr_factor", "_sr_factor_odd", "_sr_add",
                            "_sr_shift"};
    ArrayRef<int32_t> values[] = {factor, factorOdd, add, shiftBy};
    for (int i = 0; i < 4; ++i)
      srGlobals[i] = makeGlobal(module, (name + suffix[i]).str(), vType,
                                padded(values[i], /*repeatLast=*/true));
  }
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(
      b, loc, name, FunctionType::get(b.getContext(), {inType, outType}, {}));
  func.setPrivate();
  func->setAttr(kMicrokernelAttrName, b.getUnitAttr());
  // Internal in the object: two models linked into one program each have
  // their own __qnn_kernel_<n>.
  func->setAttr("llvm.linkage", LLVM::LinkageAttr::get(
                                    b.getContext(), LLVM::Linkage::Internal));
  SymbolTable(module).insert(func);
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  out = entry->getArgument(1);
  bias = memref::GetGlobalOp::create(b, loc, vType, bGlobal.getSymName());
  if (mGlobal) {
    multiplier =
        memref::GetGlobalOp::create(b, loc, vType, mGlobal.getSymName());
    shift = memref::GetGlobalOp::create(b, loc, vType, sGlobal.getSymName());
  }
  if (srGlobals[0]) {
    Value *dst[] = {&srFactor, &srFactorOdd, &srAdd, &srShift};
    for (int i = 0; i < 4; ++i)
      *dst[i] =
          memref::GetGlobalOp::create(b, loc, vType, srGlobals[i].getSymName());
  }
  // The output as a 2-D [rows, channels] matrix.
  if (outType.getRank() == 4)
    out = memref::CollapseShapeOp::create(
        b, loc, out, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  return func;
}

func::FuncOp KernelBuilder::build(ModuleOp module, StringRef name,
                                  MemRefType inType, MemRefType outType) {
  OpBuilder::InsertionGuard guard(b);
  if (spec.depthwise)
    return buildDepthwise(module, name, inType, outType);
  Type i8 = b.getI8Type();

  // Packed weights P[nv][kq][lane][G] (bytes, or i16 when wide).
  SmallVector<int16_t> packedW(NV * KQ * L * G, 0);
  for (int64_t k = 0; k < spec.K; ++k)
    for (int64_t n = 0; n < spec.N; ++n) {
      int64_t kc = columnOf(k);
      packedW[((n / L) * KQ + kc / G) * L * G + (n % L) * G + kc % G] =
          spec.weights[k * spec.N + n];
    }
  auto wType = MemRefType::get({NV, KQ, G * L}, elemType);
  auto wTensorType = RankedTensorType::get(wType.getShape(), elemType);
  DenseElementsAttr wAttr =
      wide ? DenseElementsAttr::get(wTensorType, ArrayRef<int16_t>(packedW))
           : DenseElementsAttr::get(
                 wTensorType,
                 ArrayRef<int8_t>(llvm::to_vector(llvm::map_range(
                     packedW, [](int16_t v) { return int8_t(v); }))));
  auto wGlobal = makeGlobal(module, (name + "_weights").str(), wType, wAttr);

  func::FuncOp func = createFunction(module, name, inType, outType);
  Value input = func.getArgument(0);
  weights = memref::GetGlobalOp::create(b, loc, wType, wGlobal.getSymName());
  Value a = input;
  if (!packed && inType.getRank() == 4)
    a = memref::CollapseShapeOp::create(
        b, loc, input, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  // The gathered panels, one per thread.
  int64_t chunks = std::max<unsigned>(threads, 1);
  Value panels;
  if (packed)
    panels = memref::AllocaOp::create(
        b, loc, MemRefType::get({chunks, MR, Kp}, elemType),
        b.getI64IntegerAttr(64));
  Value panel;
  Value scratches;
  if (MR > 1)
    scratches = memref::AllocaOp::create(
        b, loc, MemRefType::get({chunks, MR * V, L}, b.getI32Type()),
        b.getI64IntegerAttr(64));
  auto selectPanel = [&](Value chunk) {
    if (scratches) {
      SmallVector<OpFoldResult> offsets = {chunk, b.getIndexAttr(0),
                                           b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {
          b.getIndexAttr(1), b.getIndexAttr(MR * V), b.getIndexAttr(L)};
      SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
      auto type =
          cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
              {MR * V, L}, cast<MemRefType>(scratches.getType()), offsets,
              sizes, strides));
      tileScratch = memref::SubViewOp::create(b, loc, type, scratches, offsets,
                                              sizes, strides);
    }
    if (!packed)
      return;
    SmallVector<OpFoldResult> offsets = {chunk, b.getIndexAttr(0),
                                         b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(MR),
                                       b.getIndexAttr(Kp)};
    SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
    auto type = cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
        {MR, Kp}, cast<MemRefType>(panels.getType()), offsets, sizes,
        strides));
    panel = memref::SubViewOp::create(b, loc, type, panels, offsets, sizes,
                                      strides);
  };
  // Column blocks: weights too large for the L2 cache are swept one block
  // of about kBlockBytes at a time over all rows (each block read from
  // memory once instead of once per row block). Gathered convolutions keep
  // one block: their gather would be repeated per block.
  // A single row block has no reuse to gain. (A widened matmul's panel is
  // a cheap copy, repeated per block.)
  constexpr int64_t kBlockBytes = 256 * 1024;
  int64_t blockVecs = NV;
  int64_t vecBytes = L * Kp * (wide ? 2 : 1);
  if ((!packed || (wide && !spec.conv)) && spec.M > MR &&
      NV * vecBytes > 2 * kBlockBytes)
    blockVecs = std::max<int64_t>(V, kBlockBytes / vecBytes / V * V);
  int64_t blocks = llvm::divideCeil(NV, blockVecs);
  // Direct mode: the input and the panel as 1-D memrefs of one type.
  auto flatType = MemRefType::get(
      {ShapedType::kDynamic}, i8,
      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, {1}));
  auto flatten = [&](Value m) -> Value {
    int64_t rank = cast<MemRefType>(m.getType()).getRank();
    Value flat = memref::CollapseShapeOp::create(
        b, loc, m,
        SmallVector<ReassociationIndices>{
            llvm::to_vector(llvm::seq<int64_t>(0, rank))});
    return memref::CastOp::create(b, loc, flatType, flat);
  };
  Value flatInput;
  if (direct)
    flatInput = flatten(input);
  auto rowBlock = [&](Value m0, int64_t rows, int64_t block) {
    int64_t nvLo = block * blockVecs;
    int64_t nvHi = std::min(NV, nvLo + blockVecs);
    if (!packed) {
      emitRowBlock(a, m0, m0, rows, nvLo, nvHi);
      return;
    }
    auto gathered = [&] {
      emitPack(input, panel, m0, rows);
      emitRowBlock(panel, idx(0), m0, rows, nvLo, nvHi);
    };
    if (!direct) {
      gathered();
      return;
    }
    // Each row's window inside the image, and its last 4-byte group (which
    // may reach past the window into the next pixels) inside the input.
    SmallVector<Value> bases;
    Value inside = arith::ConstantIntOp::create(b, loc, 1, 1);
    int64_t total = cast<MemRefType>(input.getType()).getNumElements();
    for (int64_t r = 0; r < rows; ++r) {
      auto [n, ih0, iw0] =
          windowOrigin(arith::AddIOp::create(b, loc, m0, idx(r)));
      inside = arith::AndIOp::create(
          b, loc, inside,
          arith::AndIOp::create(b, loc,
                                inRange(ih0, spec.IH - (spec.KH - 1) * spec.DH),
                                inRange(iw0, spec.IW - spec.KW + 1)));
      // ((n * IH + ih0) * IW + iw0) * C; a block with a row outside reads
      // the panel instead (the bases are selected below).
      Value base = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(
              b, loc,
              arith::AddIOp::create(
                  b, loc, arith::MulIOp::create(b, loc, n, idx(spec.IH)), ih0),
              idx(spec.IW)),
          iw0);
      base = arith::MulIOp::create(b, loc, base, idx(spec.C));
      Value end = arith::AddIOp::create(
          b, loc, base,
          idx((spec.KH - 1) * spec.DH * spec.IW * spec.C + spanStride));
      inside = arith::AndIOp::create(
          b, loc, inside,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, end,
                                idx(total)));
      bases.push_back(base);
    }
    // One copy of the tiles for both: they read the input in place, or
    // the panel (gathered only then) as rows of Kp bytes whose kernel rows
    // are spanStride apart.
    emitIf(
        inside, [] {}, [&] { emitPack(input, panel, m0, rows); });
    Value source =
        arith::SelectOp::create(b, loc, inside, flatInput, flatten(panel));
    for (int64_t r = 0; r < rows; ++r)
      bases[r] = arith::SelectOp::create(b, loc, inside, bases[r], idx(r * Kp));
    khStride = arith::SelectOp::create(
        b, loc, inside, idx(spec.DH * spec.IW * spec.C), idx(spanStride));
    emitRowBlock(source, idx(0), m0, rows, nvLo, nvHi, bases);
  };
  int64_t mainRows = (spec.M / MR) * MR;
  if (mainRows > 0)
    emitRowLoop(mainRows, MR, blocks, selectPanel,
                [&](Value m0, int64_t block) { rowBlock(m0, MR, block); });
  if (spec.M > mainRows) {
    // The last rows, after the loop, in the first panel.
    selectPanel(idx(0));
    for (int64_t block = 0; block < blocks; ++block)
      rowBlock(idx(mainRows), spec.M - mainRows, block);
  }
  func::ReturnOp::create(b, loc);
  return func;
}

func::FuncOp KernelBuilder::buildDepthwise(ModuleOp module, StringRef name,
                                           MemRefType inType,
                                           MemRefType outType) {
  if (spec.depthwiseDot)
    return buildDepthwiseDot(module, name, inType, outType);
  Type i32Type = b.getI32Type();
  int64_t Cp = NV * L, taps = spec.KH * spec.KW;
  SmallVector<int32_t> w(taps * Cp, 0);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t c = 0; c < spec.C; ++c)
      w[t * Cp + c] = spec.depthwiseWeights[t * spec.C + c];
  auto wType = MemRefType::get({taps, Cp}, i32Type);
  auto wAttr = DenseElementsAttr::get(
      RankedTensorType::get(wType.getShape(), i32Type), ArrayRef<int32_t>(w));
  auto wGlobal = makeGlobal(module, (name + "_weights").str(), wType, wAttr);
  func::FuncOp func = createFunction(module, name, inType, outType);
  Value input = func.getArgument(0);
  Value dw = memref::GetGlobalOp::create(b, loc, wType, wGlobal.getSymName());
  // Output rows (batch x OH), then blocks of up to 4 output columns.
  constexpr int64_t kColumns = 4;
  int64_t block = std::min(kColumns, spec.OW);
  int64_t mainCols = (spec.OW / block) * block;
  emitRowLoop(
      spec.M, 1, [](Value) {},
      [&](Value r) {
        emitFor(idx(0), idx(mainCols), block, {}, [&](Value ow0, ValueRange) {
          emitDepthwiseRow(input, dw, r, ow0, block);
          return SmallVector<Value>{};
        });
        if (spec.OW > mainCols)
          emitDepthwiseRow(input, dw, r, idx(mainCols), spec.OW - mainCols);
      });
  func::ReturnOp::create(b, loc);
  return func;
}

func::FuncOp KernelBuilder::buildDepthwiseDot(ModuleOp module, StringRef name,
                                              MemRefType inType,
                                              MemRefType outType) {
  // Each 4-byte lane of the dot instruction holds one channel's inputs at 4
  // consecutive kernel columns, Z[ih][x][c] = (in[ih][x + i * DW][c])_i<4, so
  // that output (oh, ow) is sum over kh, g of dot(Z[oh * SH - PT + kh * DH]
  // [ow * SW - PL + 4 * g * DW], W[kh][g]), G = ceil(KW / 4) groups per
  // kernel row. A Z row is interleaved once, into a ring of the R input rows
  // one output row reads, and serves every output row that reads it (KH of
  // them at stride 1) instead of being regathered per tap.
  // Blocks of 4 channel vectors (4L channels) are interleaved together with
  // in-lane byte and word unpacks (8 per 4 entries instead of 3 shuffles per
  // entry), after a byte permutation of each input that makes the unpacks'
  // 128-bit-lane order come out as 4 natural channel vectors.
  Type i8 = b.getI8Type();
  int64_t G = llvm::divideCeil(spec.KW, 4), Cp = NV * L;
  int64_t R = (spec.KH - 1) * spec.DH + 1;
  // The Z entries a row needs: x - (-PL) = ow * SW + 4 * g * DW; when SW
  // divides 4 * DW only every SW-th one, kept at index x / SW.
  int64_t ES = (4 * spec.DW) % spec.SW == 0 ? spec.SW : 1;
  int64_t XJ = ((spec.OW - 1) * spec.SW + (G - 1) * 4 * spec.DW) / ES + 1;
  // Weights [kh * G + g][channel][4 taps], taps past KW zero; as i16 for
  // AVX2, whose kernel widens the 4 input bytes of a lane and sums pairs of
  // products with vpmaddwd (exact), the two pair sums of a channel added
  // once per output.
  bool pairs = kind == DotProductKind::X86AVX2 && !spec.bytePairs;
  Type wElem = pairs ? b.getI16Type() : i8;
  SmallVector<int16_t> w(spec.KH * G * Cp * 4, 0);
  for (int64_t kh = 0; kh < spec.KH; ++kh)
    for (int64_t kw = 0; kw < spec.KW; ++kw)
      for (int64_t c = 0; c < spec.C; ++c)
        w[((kh * G + kw / 4) * Cp + c) * 4 + kw % 4] = static_cast<int16_t>(
            spec.depthwiseWeights[(kh * spec.KW + kw) * spec.C + c]);
  auto wType = MemRefType::get({spec.KH * G, Cp * 4}, wElem);
  auto wTensorType = RankedTensorType::get(wType.getShape(), wElem);
  DenseElementsAttr wAttr =
      pairs ? DenseElementsAttr::get(wTensorType, ArrayRef<int16_t>(w))
            : DenseElementsAttr::get(
                  wTensorType, ArrayRef<int8_t>(llvm::to_vector(llvm::map_range(
                                   w, [](int16_t v) { return int8_t(v); }))));
  auto wVecType = VectorType::get({4 * L}, wElem);
  auto pairAccType = VectorType::get({2 * L}, b.getI32Type());
  // A dot of 4 taps into `acc`: the instruction's form (acc the channel
  // vector), or the pair form (acc two pair sums per channel).
  auto tapDot = [&](Value acc, Value z, Value wv) -> Value {
    if (!pairs)
      return dot(acc, vector::BitCastOp::create(b, loc, accType(), z),
                 vector::BitCastOp::create(b, loc, accType(), wv));
    auto wide32 = VectorType::get({4 * L}, b.getI32Type());
    Value prod =
        arith::MulIOp::create(b, loc, arith::ExtUIOp::create(b, loc, wide32, z),
                              arith::ExtSIOp::create(b, loc, wide32, wv));
    Value groups = vector::ShapeCastOp::create(
        b, loc, VectorType::get({2 * L, 2}, b.getI32Type()), prod);
    return vector::MultiDimReductionOp::create(b, loc, groups, acc,
                                               ArrayRef<bool>{false, true},
                                               vector::CombiningKind::ADD);
  };
  // The accumulator that starts from `biasVec`, and the channel vector it
  // ends as.
  auto startAcc = [&](Value biasVec) -> Value {
    if (!pairs)
      return biasVec;
    return arith::ConstantOp::create(
        b, loc, pairAccType, DenseElementsAttr::get(pairAccType, int32_t(0)));
  };
  auto finishAcc = [&](Value acc, Value biasVec) -> Value {
    if (!pairs)
      return acc;
    SmallVector<int64_t> even, odd;
    for (int64_t i = 0; i < L; ++i) {
      even.push_back(2 * i);
      odd.push_back(2 * i + 1);
    }
    Value sum = arith::AddIOp::create(
        b, loc, vector::ShuffleOp::create(b, loc, acc, acc, even),
        vector::ShuffleOp::create(b, loc, acc, acc, odd));
    return arith::AddIOp::create(b, loc, biasVec, sum);
  };
  auto wGlobal = makeGlobal(module, (name + "_weights").str(), wType, wAttr);
  // Border rows (windows that leave the image) read kernel rows of padding
  // from a padding row in slot R of the ring, with the code of the other
  // rows, where those padding rows are few (an image tall against the
  // kernel); else (a 5x5 kernel on a map 2 rows high) they run a loop over
  // their kernel rows inside the image only, and what the padding rows
  // would add (the padding byte, in the instruction's signedness, times the
  // row's weights) joins the bias.
  int64_t paddingRows = 0;
  for (int64_t oh = 0; oh < spec.OH; ++oh)
    for (int64_t kh = 0; kh < spec.KH; ++kh) {
      int64_t ih = oh * spec.SH - spec.PT + kh * spec.DH;
      paddingRows += ih < 0 || ih >= spec.IH;
    }
  bool paddingSlot = 4 * paddingRows <= spec.OH * spec.KH;
  int64_t padByte = (spec.padByte & 0xFF) ^ (spec.flip ? 0x80 : 0);
  if (kind == DotProductKind::AArch64SDot)
    padByte = static_cast<int8_t>(padByte);
  memref::GlobalOp padGlobal;
  auto padType = MemRefType::get({spec.KH, Cp}, b.getI32Type());
  if (!paddingSlot) {
    SmallVector<int32_t> rowPad(spec.KH * Cp, 0);
    for (int64_t kh = 0; kh < spec.KH; ++kh)
      for (int64_t c = 0; c < spec.C; ++c)
        for (int64_t kw = 0; kw < spec.KW; ++kw)
          rowPad[kh * Cp + c] += static_cast<int32_t>(
              padByte *
              spec.depthwiseWeights[(kh * spec.KW + kw) * spec.C + c]);
    padGlobal = makeGlobal(
        module, (name + "_row_padding").str(), padType,
        DenseElementsAttr::get(
            RankedTensorType::get(padType.getShape(), b.getI32Type()),
            ArrayRef<int32_t>(rowPad)));
  }
  func::FuncOp func = createFunction(module, name, inType, outType);
  Value input = func.getArgument(0);
  Value dw = memref::GetGlobalOp::create(b, loc, wType, wGlobal.getSymName());
  Value rowPadding =
      padGlobal
          ? memref::GetGlobalOp::create(b, loc, padType, padGlobal.getSymName())
          : Value();

  // The rings, one per thread, allocated at the entry: R slots of input
  // rows, and the padding row in slot R.
  int64_t chunks = std::max<unsigned>(threads, 1);
  auto quadType = VectorType::get({4 * L}, i8);
  int64_t wideBlocks = L % 4 == 0 ? spec.C / (4 * L) : 0;
  int64_t entryBytes = (wideBlocks > 0 ? 16 : 4) * L;
  int64_t slotCount = paddingSlot ? R + 1 : R;
  Value rings = memref::AllocaOp::create(
      b, loc, MemRefType::get({chunks, slotCount, XJ, entryBytes}, i8),
      b.getI64IntegerAttr(64));
  Value ring;
  auto selectRing = [&](Value chunk) {
    SmallVector<OpFoldResult> offsets = {chunk, b.getIndexAttr(0),
                                         b.getIndexAttr(0), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {
        b.getIndexAttr(1), b.getIndexAttr(slotCount), b.getIndexAttr(XJ),
        b.getIndexAttr(entryBytes)};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    auto type = cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
        {slotCount, XJ, entryBytes}, cast<MemRefType>(rings.getType()), offsets,
        sizes, strides));
    ring =
        memref::SubViewOp::create(b, loc, type, rings, offsets, sizes, strides);
    if (!paddingSlot)
      return;
    // The padding byte as the ring holds it (after the signedness flip).
    Value padEntry = vector::BroadcastOp::create(
        b, loc, quadType,
        arith::ConstantIntOp::create(
            b, loc, static_cast<int8_t>(spec.padByte ^ (spec.flip ? 0x80 : 0)),
            8));
    emitFor(idx(0), idx(XJ), 1, {}, [&](Value j, ValueRange) {
      for (int64_t at = 0; at < entryBytes; at += 4 * L)
        vector::StoreOp::create(b, loc, padEntry, ring,
                                ValueRange{idx(R), j, idx(at)});
      return SmallVector<Value>{};
    });
  };
  Value pad = arith::ConstantIntOp::create(b, loc, spec.padByte, 8);
  auto bytes = VectorType::get({L}, i8);
  Value padVec = vector::BroadcastOp::create(b, loc, bytes, pad);
  // [c][i] <- x_i[c]: concatenate, then one permutation.
  SmallVector<int64_t> concat2, concat4, interleave;
  for (int64_t j = 0; j < 2 * L; ++j)
    concat2.push_back(j);
  for (int64_t j = 0; j < 4 * L; ++j)
    concat4.push_back(j);
  for (int64_t c = 0; c < L; ++c)
    for (int64_t i = 0; i < 4; ++i)
      interleave.push_back(i * L + c);
  auto quad = [&](ArrayRef<Value> x) -> Value {
    Value x01 = vector::ShuffleOp::create(b, loc, x[0], x[1], concat2);
    Value x23 = vector::ShuffleOp::create(b, loc, x[2], x[3], concat2);
    Value all = vector::ShuffleOp::create(b, loc, x01, x23, concat4);
    Value q = vector::ShuffleOp::create(b, loc, all, all, interleave);
    if (spec.flip)
      q = arith::XOrIOp::create(
          b, loc, q,
          vector::BroadcastOp::create(
              b, loc, quadType, arith::ConstantIntOp::create(b, loc, -128, 8)));
    return q;
  };
  // The wide form on 4L-byte inputs of 4L channels, S = L / 4 lanes of 16
  // bytes: unpacking bytes then words of (a, b) and (c, e) within each lane
  // puts bytes 4k..4k+3 of lane s of the inputs into vector k, lane s; the
  // inputs are first permuted so that those are channels kL + 4s + i.
  SmallVector<int64_t> toLanes, unpackBytes[2], unpackWords[2];
  int64_t S = L / 4;
  for (int64_t s = 0; s < S; ++s)
    for (int64_t k = 0; k < 4; ++k)
      for (int64_t i = 0; i < 4; ++i)
        toLanes.push_back(k * L + 4 * s + i);
  for (int64_t half = 0; half < 2; ++half)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t j = 0; j < 8; ++j) {
        int64_t byte = 16 * s + 8 * half + j;
        unpackBytes[half].append({byte, 4 * L + byte});
      }
  for (int64_t half = 0; half < 2; ++half)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t w = 0; w < 4; ++w) {
        int64_t byte = 16 * s + 2 * (4 * half + w);
        unpackWords[half].append(
            {byte, byte + 1, 4 * L + byte, 4 * L + byte + 1});
      }
  auto wideType = VectorType::get({4 * L}, i8);
  Value padWide = vector::BroadcastOp::create(b, loc, wideType, pad);
  auto wideQuads = [&](ArrayRef<Value> x) {
    SmallVector<Value> p;
    for (Value v : x)
      p.push_back(vector::ShuffleOp::create(b, loc, v, v, toLanes));
    Value ab[2], ce[2];
    for (int64_t half = 0; half < 2; ++half) {
      ab[half] =
          vector::ShuffleOp::create(b, loc, p[0], p[1], unpackBytes[half]);
      ce[half] =
          vector::ShuffleOp::create(b, loc, p[2], p[3], unpackBytes[half]);
    }
    SmallVector<Value> z;
    for (int64_t k = 0; k < 4; ++k) {
      Value q = vector::ShuffleOp::create(b, loc, ab[k / 2], ce[k / 2],
                                          unpackWords[k % 2]);
      if (spec.flip)
        q = arith::XOrIOp::create(
            b, loc, q,
            vector::BroadcastOp::create(
                b, loc, quadType,
                arith::ConstantIntOp::create(b, loc, -128, 8)));
      z.push_back(q);
    }
    return z;
  };

  // Z row of input row `ih` (batch n) into ring slot `slot`, channels from
  // c0. Entries whose 4 pixels are inside the row read them directly; the
  // others clamp and select the padding byte; a row outside the image is
  // all padding.
  int64_t jA = llvm::divideCeil(spec.PL, ES);
  int64_t lastX = spec.IW - 1 - 3 * spec.DW + spec.PL;
  int64_t jB = lastX < 0 ? -1 : std::min(lastX / ES, XJ - 1);
  if (jB < jA)
    jA = jB = 0, jB = -1; // no interior entry
  auto buildRow = [&](Value n, Value ih, Value slot, Value c0, bool inBounds,
                      bool wide) {
    auto inputType = wide ? wideType : bytes;
    Value padInput = wide ? padWide : padVec;
    Value rowValid = inRange(ih, spec.IH);
    auto entry = [&](Value j, bool interior) {
      Value x0 = arith::SubIOp::create(
          b, loc, arith::MulIOp::create(b, loc, j, idx(ES)), idx(spec.PL));
      SmallVector<Value> x;
      for (int64_t i = 0; i < 4; ++i) {
        Value px = arith::AddIOp::create(b, loc, x0, idx(i * spec.DW));
        if (interior) {
          x.push_back(vector::TransferReadOp::create(
              b, loc, inputType, input, ValueRange{n, ih, px, c0}, pad,
              ArrayRef<bool>{inBounds}));
          continue;
        }
        Value valid = inRange(px, spec.IW);
        Value pxc = clampIndex(px, spec.IW);
        Value v = vector::TransferReadOp::create(b, loc, inputType, input,
                                                 ValueRange{n, ih, pxc, c0},
                                                 pad, ArrayRef<bool>{inBounds});
        x.push_back(arith::SelectOp::create(b, loc, valid, v, padInput));
      }
      if (!wide) {
        vector::StoreOp::create(b, loc, quad(x), ring,
                                ValueRange{slot, j, idx(0)});
        return;
      }
      SmallVector<Value> z = wideQuads(x);
      for (int64_t k = 0; k < 4; ++k)
        vector::StoreOp::create(b, loc, z[k], ring,
                                ValueRange{slot, j, idx(k * 4 * L)});
    };
    auto entries = [&](int64_t lo, int64_t hi, bool interior) {
      if (hi > lo)
        emitFor(idx(lo), idx(hi), 1, {}, [&](Value j, ValueRange) {
          entry(j, interior);
          return SmallVector<Value>{};
        });
    };
    // A row outside the image is never read (the border rows below skip
    // its taps), so it is not built.
    emitIf(rowValid, [&] {
      // Rows inside the image: clamp is the identity on ih.
      entries(0, jB < 0 ? XJ : jA, false);
      entries(jA, jB + 1, true);
      if (jB >= 0)
        entries(jB + 1, XJ, false);
    });
  };

  // Output rows [r0, r1) of one channel vector. Input rows are numbered
  // key = n * KS + ih + PT (ascending over the rows of a chunk, a new image
  // starting past the last key of the previous one); `next` is the first
  // key not yet in the ring; key k lives in slot (k - n * KS) mod R.
  int64_t KS = (spec.OH - 1) * spec.SH + R + 1;
  constexpr int64_t kColumns = 2;
  int64_t block = std::min(kColumns, spec.OW);
  // The weights and bias of the channel vector from c.
  auto loadWeights = [&](Value c, SmallVector<Value> &wv, Value &biasVec) {
    Value c4 = arith::MulIOp::create(b, loc, c, idx(4));
    wv.clear();
    for (int64_t t = 0; t < spec.KH * G; ++t)
      wv.push_back(
          vector::LoadOp::create(b, loc, wVecType, dw, ValueRange{idx(t), c4}));
    biasVec = vector::LoadOp::create(b, loc, accType(), bias, ValueRange{c});
  };
  // `wide`: 4 channel vectors from c0 (in bounds), else one.
  auto rows = [&](Value r0, Value r1, Value c0, bool inBounds, bool wide) {
    SmallVector<Value> wv;
    Value biasVec;
    if (!wide)
      loadWeights(c0, wv, biasVec);
    emitFor(r0, r1, 1, {idx(0)}, [&](Value r, ValueRange next) {
      Value n = arith::DivUIOp::create(b, loc, r, idx(spec.OH));
      Value oh = arith::RemUIOp::create(b, loc, r, idx(spec.OH));
      Value base = arith::MulIOp::create(b, loc, oh, idx(spec.SH));
      Value nKey = arith::MulIOp::create(b, loc, n, idx(KS));
      Value kLo = arith::AddIOp::create(b, loc, nKey, base);
      Value kHi = arith::AddIOp::create(b, loc, kLo, idx(R));
      Value start = arith::MaxUIOp::create(b, loc, next[0], kLo);
      emitFor(start, kHi, 1, {}, [&](Value k, ValueRange) {
        Value rel = arith::SubIOp::create(b, loc, k, nKey);
        Value ih = arith::SubIOp::create(b, loc, rel, idx(spec.PT));
        buildRow(n, ih, arith::RemUIOp::create(b, loc, rel, idx(R)), c0,
                 inBounds, wide);
        return SmallVector<Value>{};
      });
      // Kernel row kh reads input row base + kh * DH - PT: its ring slot,
      // or (paddingSlot) the padding slot R outside the image.
      SmallVector<Value> slots;
      for (int64_t kh = 0; kh < spec.KH; ++kh) {
        Value rel = arith::AddIOp::create(b, loc, base, idx(kh * spec.DH));
        Value slot = arith::RemUIOp::create(b, loc, rel, idx(R));
        if (paddingSlot)
          slot = arith::SelectOp::create(
              b, loc,
              inRange(arith::SubIOp::create(b, loc, rel, idx(spec.PT)),
                      spec.IH),
              slot, idx(R));
        slots.push_back(slot);
      }
      Value outRow0 = arith::MulIOp::create(b, loc, r, idx(spec.OW));
      // Channels from c, in Z column zc of the entries.
      Value c = c0, zc = idx(0);
      auto columns = [&](Value ow0, int64_t count) {
        for (int64_t o = 0; o < count; ++o) {
          Value ow = arith::AddIOp::create(b, loc, ow0, idx(o));
          Value j0 = arith::MulIOp::create(b, loc, ow, idx(spec.SW / ES));
          Value acc = startAcc(biasVec);
          for (int64_t kh = 0; kh < spec.KH; ++kh)
            for (int64_t g = 0; g < G; ++g) {
              Value j =
                  arith::AddIOp::create(b, loc, j0, idx(g * 4 * spec.DW / ES));
              Value z = vector::LoadOp::create(b, loc, quadType, ring,
                                               ValueRange{slots[kh], j, zc});
              acc = tapDot(acc, z, wv[kh * G + g]);
            }
          emitStore(finishAcc(acc, biasVec),
                    arith::AddIOp::create(b, loc, outRow0, ow), c, inBounds,
                    /*hasBias=*/true);
        }
      };
      // Kernel rows [khLo, khHi] of this output row are inside the image.
      auto ceilDiv = [&](Value x, int64_t d) { // x + d - 1 >= 0
        return arith::DivUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, x, idx(d - 1)), idx(d));
      };
      // khLo = ceil(max(PT - base, 0) / DH),
      // khHi + 1 = min(KH, ceil(max(IH + PT - base, 0) / DH)).
      Value above = arith::SubIOp::create(
          b, loc, arith::MaxSIOp::create(b, loc, base, idx(spec.PT)), base);
      Value khLo =
          arith::MinUIOp::create(b, loc, ceilDiv(above, spec.DH), idx(spec.KH));
      Value inside = arith::SubIOp::create(
          b, loc, arith::MaxSIOp::create(b, loc, base, idx(spec.IH + spec.PT)),
          base);
      Value khEnd = arith::MinUIOp::create(b, loc, ceilDiv(inside, spec.DH),
                                           idx(spec.KH));
      khEnd = arith::MaxUIOp::create(b, loc, khEnd, khLo);
      Value fullWindow = arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, khLo, idx(0)),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, khEnd,
                                idx(spec.KH)));
      // A border row: the kernel rows inside the image in a loop (weights
      // from memory), the padding rows' constant sums added to the bias.
      auto borderColumns = [&](Value ow0, int64_t count) {
        Value rowBias =
            emitFor(idx(0), idx(spec.KH), 1, {biasVec},
                    [&](Value kh, ValueRange acc) {
                      Value outside = arith::OrIOp::create(
                          b, loc,
                          arith::CmpIOp::create(
                              b, loc, arith::CmpIPredicate::ult, kh, khLo),
                          arith::CmpIOp::create(
                              b, loc, arith::CmpIPredicate::uge, kh, khEnd));
                      Value add = vector::LoadOp::create(
                          b, loc, accType(), rowPadding, ValueRange{kh, c});
                      Value sum = arith::AddIOp::create(b, loc, acc[0], add);
                      return SmallVector<Value>{arith::SelectOp::create(
                          b, loc, outside, sum, acc[0])};
                    })
                .getResult(0);
        Value c4 = arith::MulIOp::create(b, loc, c, idx(4));
        for (int64_t o = 0; o < count; ++o) {
          Value ow = arith::AddIOp::create(b, loc, ow0, idx(o));
          Value j0 = arith::MulIOp::create(b, loc, ow, idx(spec.SW / ES));
          Value acc =
              emitFor(
                  khLo, khEnd, 1, {startAcc(rowBias)},
                  [&](Value kh, ValueRange a) {
                    Value slot = arith::RemUIOp::create(
                        b, loc,
                        arith::AddIOp::create(
                            b, loc, base,
                            arith::MulIOp::create(b, loc, kh, idx(spec.DH))),
                        idx(R));
                    Value sum = a[0];
                    for (int64_t g = 0; g < G; ++g) {
                      Value j = arith::AddIOp::create(
                          b, loc, j0, idx(g * 4 * spec.DW / ES));
                      Value z = vector::LoadOp::create(b, loc, quadType, ring,
                                                       ValueRange{slot, j, zc});
                      Value t = arith::AddIOp::create(
                          b, loc, arith::MulIOp::create(b, loc, kh, idx(G)),
                          idx(g));
                      Value w = vector::LoadOp::create(b, loc, wVecType, dw,
                                                       ValueRange{t, c4});
                      sum = tapDot(sum, z, w);
                    }
                    return SmallVector<Value>{sum};
                  })
                  .getResult(0);
          emitStore(finishAcc(acc, rowBias),
                    arith::AddIOp::create(b, loc, outRow0, ow), c, inBounds,
                    /*hasBias=*/true);
        }
      };
      // `step` output columns per iteration (the last ones after the loop).
      auto sweep = [&](auto &&body, int64_t step) {
        int64_t main = (spec.OW / step) * step;
        emitFor(idx(0), idx(main), step, {}, [&](Value ow0, ValueRange) {
          body(ow0, step);
          return SmallVector<Value>{};
        });
        if (spec.OW > main)
          body(idx(main), spec.OW - main);
      };
      auto allColumns = [&] {
        if (paddingSlot)
          return sweep(columns, block);
        // Border rows are few: one column per iteration.
        emitIf(
            fullWindow, [&] { sweep(columns, block); },
            [&] { sweep(borderColumns, 1); });
      };
      if (!wide) {
        allColumns();
      } else {
        emitFor(idx(0), idx(4), 1, {}, [&](Value k, ValueRange) {
          c = arith::AddIOp::create(b, loc, c0,
                                    arith::MulIOp::create(b, loc, k, idx(L)));
          zc = arith::MulIOp::create(b, loc, k, idx(4 * L));
          loadWeights(c, wv, biasVec);
          allColumns();
          return SmallVector<Value>{};
        });
      }
      return SmallVector<Value>{kHi};
    });
  };
  // One chunk of output rows per thread; in it, each channel vector sweeps
  // the chunk's rows.
  int64_t perChunk = llvm::divideCeil(spec.M, chunks);
  int64_t wideEnd = wideBlocks * 4 * L;
  int64_t fullVectors = spec.C / L;
  emitRowLoop(spec.M, perChunk, selectRing, [&](Value r0) {
    Value r1 = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, r0, idx(perChunk)), idx(spec.M));
    if (wideEnd > 0)
      emitFor(idx(0), idx(wideEnd), 4 * L, {}, [&](Value c0, ValueRange) {
        rows(r0, r1, c0, true, true);
        return SmallVector<Value>{};
      });
    if (fullVectors * L > wideEnd)
      emitFor(idx(wideEnd), idx(fullVectors * L), L, {},
              [&](Value c0, ValueRange) {
                rows(r0, r1, c0, true, false);
                return SmallVector<Value>{};
              });
    if (spec.C % L)
      rows(r0, r1, idx(fullVectors * L), false, false);
  });
  func::ReturnOp::create(b, loc);
  return func;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Replaces `op` (input `in`, output type `outType`) by a call to the kernel
/// built from `spec`.
void replaceWithKernelCall(PatternRewriter &rewriter, Operation *op, Value in,
                           const GemmSpec &spec, const CPUTarget &target,
                           const MicrokernelOptions &options) {
  Location loc = op->getLoc();
  auto module = op->getParentOfType<ModuleOp>();
  auto storage = [](Type t) {
    auto tt = cast<RankedTensorType>(t);
    if (auto q = dyn_cast<quant::QuantizedType>(tt.getElementType()))
      return tt.clone(q.getStorageType());
    return tt;
  };
  auto outTensorType = cast<RankedTensorType>(op->getResult(0).getType());
  RankedTensorType inStorage = storage(in.getType());
  RankedTensorType outStorage = storage(outTensorType);
  auto inMem = MemRefType::get(inStorage.getShape(),
                               inStorage.getElementType());
  auto outMem = MemRefType::get(outStorage.getShape(),
                                outStorage.getElementType());

  // One kernel (and its constants) per op: __qnn_kernel_<n>.
  std::string name;
  for (int64_t n = 0;; ++n) {
    name = "__qnn_kernel_" + std::to_string(n);
    if (!module.lookupSymbol(name))
      break;
  }
  // Multiply-adds of the kernel; a depthwise output also costs about as
  // much again in its epilogue (15 vector instructions per 16 outputs
  // against ceil(taps / 4) dot instructions), counted as 16 more per output.
  int64_t macs = spec.depthwise ? spec.M * spec.OW * spec.C * (spec.K + 16)
                                : spec.M * spec.N * spec.K;
  unsigned threads = macs >= options.parallelMacs ? options.threads : 1;
  KernelBuilder builder(rewriter, loc, spec, target, threads);
  func::FuncOp kernel = builder.build(module, name, inMem, outMem);

  Value inStore = quant::StorageCastOp::create(rewriter, loc, inStorage, in);
  Value inBuf = bufferization::ToBufferOp::create(rewriter, loc, inMem,
                                                  inStore, /*read_only=*/true);
  Value outBuf = memref::AllocOp::create(rewriter, loc, outMem,
                                         rewriter.getI64IntegerAttr(64));
  func::CallOp::create(rewriter, loc, kernel, ValueRange{inBuf, outBuf});
  Value result = bufferization::ToTensorOp::create(
      rewriter, loc, outStorage, outBuf, /*restrict=*/true,
      /*writable=*/true);
  if (outStorage != outTensorType)
    result = quant::StorageCastOp::create(rewriter, loc, outTensorType, result);
  rewriter.replaceOp(op, result);
}

struct MatmulToMicrokernel : OpRewritePattern<qnn::MatmulOp> {
  MatmulToMicrokernel(MLIRContext *ctx, const CPUTarget &target,
                      const MicrokernelOptions &options)
      : OpRewritePattern(ctx), target(target), options(options) {}
  LogicalResult matchAndRewrite(qnn::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<GemmSpec> spec = getMatmulSpec(op, target.getDotProductKind());
    if (failed(spec))
      return rewriter.notifyMatchFailure(op, "not a microkernel matmul");
    replaceWithKernelCall(rewriter, op, op.getLhs(), *spec, target, options);
    return success();
  }
  CPUTarget target;
  MicrokernelOptions options;
};

struct ConvToMicrokernel : OpRewritePattern<qnn::Conv2DOp> {
  ConvToMicrokernel(MLIRContext *ctx, const CPUTarget &target,
                    const MicrokernelOptions &options)
      : OpRewritePattern(ctx), target(target), options(options) {}
  LogicalResult matchAndRewrite(qnn::Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<GemmSpec> spec = getConvSpec(op, target.getDotProductKind());
    if (failed(spec))
      spec = getDepthwiseSpec(op, target.getDotProductKind());
    if (failed(spec))
      return rewriter.notifyMatchFailure(op, "not a microkernel convolution");
    replaceWithKernelCall(rewriter, op, op.getInput(), *spec, target,
                          options);
    return success();
  }
  CPUTarget target;
  MicrokernelOptions options;
};

struct QNNCPUMicrokernelsPass
    : qmlir::impl::QNNCPUMicrokernelsBase<QNNCPUMicrokernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<CPUTarget> target = CPUTarget::getOrEmitError(
        getOperation(), getArgument(), targetTriple, targetCPU,
        targetFeatures);
    if (failed(target))
      return signalPassFailure();
    if (target->getDotProductKind() == DotProductKind::None)
      return;
    // Constant operands whose accumulation could wrap are an error, not a
    // silently wrong kernel (nor a silent fallback to the reference).
    if (failed(verifyAccumulatorBounds(getOperation())))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    MicrokernelOptions options;
    options.threads = threads;
    options.parallelMacs = parallelMacs;
    populateQNNToCPUMicrokernelPatterns(patterns, *target, options);
    // One visit per op: a rewrite creates module-level symbols, nothing to
    // iterate to a fixpoint.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void qmlir::populateQNNToCPUMicrokernelPatterns(
    RewritePatternSet &patterns, const CPUTarget &target,
    const MicrokernelOptions &options) {
  patterns.add<MatmulToMicrokernel, ConvToMicrokernel>(patterns.getContext(),
                                                       target, options);
}
