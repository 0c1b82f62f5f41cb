//===- GPU.cpp - int8 tensor-core kernels for NVIDIA GPUs -----------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Fragment layout of mma.m16n8k32 with 8-bit operands (PTX ISA, "Matrix
// Fragments for mma.m16n8k32"), g = lane / 4, t = lane % 4:
//   A (row-major, 4 x b32): rows g, g+8, g, g+8; k = 4t..4t+3, the last two
//     registers at k + 16.
//   B (column-major, 2 x b32): column g; k = 4t..4t+3 and 16+4t..16+4t+3.
//   C (4 x s32): (c0, c1) at row g, (c2, c3) at row g+8; columns 2t, 2t+1.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/GPU.h"

#include "qmlir/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/Target/LLVMIR/Export.h"

using namespace mlir;
using namespace mlir::qmlir;

namespace {

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

/// Constant storage values behind a quant.scast of an arith.constant.
std::optional<std::vector<int8_t>> getConstantWeights(Value value) {
  if (auto scast = value.getDefiningOp<quant::StorageCastOp>())
    value = scast.getInput();
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isInteger(8))
    return std::nullopt;
  std::vector<int8_t> values;
  for (APInt v : attr.getValues<APInt>())
    values.push_back(static_cast<int8_t>(v.getSExtValue()));
  return values;
}

/// Fills `info` from a qnn.matmul or an eligible qnn.conv2d, or returns a
/// reason why the op has no GPU kernel.
std::string describe(Operation *op, GPUKernelInfo &info) {
  Value lhs, rhs, output;
  std::vector<int8_t> weights;
  quant::QuantizedType rhsQ;
  if (auto mm = dyn_cast<qnn::MatmulOp>(op)) {
    lhs = mm.getLhs();
    rhs = mm.getRhs();
    output = mm.getOutput();
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rt = cast<RankedTensorType>(rhs.getType());
    if (!lt.hasStaticShape() || !rt.hasStaticShape())
      return "dynamic shapes";
    info.m = lt.getDimSize(0);
    info.k = lt.getDimSize(1);
    info.n = rt.getDimSize(1);
    auto w = getConstantWeights(rhs);
    if (!w)
      return "weights are not constant";
    weights = std::move(*w);
  } else {
    auto conv = cast<qnn::Conv2DOp>(op);
    lhs = conv.getInput();
    rhs = conv.getWeight();
    output = conv.getOutput();
    auto it = cast<RankedTensorType>(lhs.getType());
    auto wt = cast<RankedTensorType>(rhs.getType());
    if (!it.hasStaticShape() || !wt.hasStaticShape())
      return "dynamic shapes";
    if (wt.getDimSize(1) != 1 || wt.getDimSize(2) != 1 ||
        conv.getGroups() != 1 ||
        llvm::any_of(conv.getStrides(), [](int64_t s) { return s != 1; }) ||
        llvm::any_of(conv.getPadding(), [](int64_t p) { return p != 0; }))
      return "only 1x1, stride-1, unpadded, ungrouped convolutions are "
             "matmuls";
    info.m = it.getDimSize(0) * it.getDimSize(1) * it.getDimSize(2);
    info.k = it.getDimSize(3);
    info.n = wt.getDimSize(0);
    auto w = getConstantWeights(rhs);
    if (!w)
      return "weights are not constant";
    // [O, 1, 1, C] -> [C, O].
    weights.resize(w->size());
    for (int64_t o = 0; o < info.n; ++o)
      for (int64_t c = 0; c < info.k; ++c)
        weights[c * info.n + o] = (*w)[o * info.k + c];
  }
  if (cast<ShapedType>(output.getType()).getElementType().isInteger(32))
    return "i32 accumulator outputs";
  auto lhsQ = cast<quant::UniformQuantizedType>(
      cast<ShapedType>(lhs.getType()).getElementType());
  rhsQ = cast<quant::QuantizedType>(
      cast<ShapedType>(rhs.getType()).getElementType());
  auto outQ = cast<quant::UniformQuantizedType>(
      cast<ShapedType>(output.getType()).getElementType());
  if (!rhsQ.isSigned())
    return "the tensor cores take signed weights";
  for (int64_t c = 0; c < info.n; ++c)
    if (qnn::getChannelZeroPoint(rhsQ, c) != 0)
      return "weights with a zero point";

  info.lhsUnsigned = !lhsQ.isSigned();
  info.outputUnsigned = !outQ.isSigned();
  info.mPadded = roundUp(info.m, 16);
  info.nPadded = roundUp(info.n, 8);
  info.kPadded = roundUp(info.k, 32);
  info.weights = std::move(weights);

  DenseElementsAttr biasAttr;
  if (!matchPattern(op->getOperand(2), m_Constant(&biasAttr)))
    return "bias is not constant";
  SmallVector<int64_t> bias;
  for (APInt v : biasAttr.getValues<APInt>())
    bias.push_back(v.getSExtValue());
  int64_t zp = lhsQ.getZeroPoint();
  info.bias.assign(info.nPadded, 0);
  for (int64_t c = 0; c < info.n; ++c) {
    int64_t sum = 0;
    for (int64_t k = 0; k < info.k; ++k)
      sum += info.weights[k * info.n + c];
    int64_t corrected = bias[c] - zp * sum;
    if (corrected < INT32_MIN || corrected > INT32_MAX)
      return "bias correction overflows i32";
    info.bias[c] = static_cast<int32_t>(corrected);
  }
  auto mult = op->getAttrOfType<DenseI32ArrayAttr>("multiplier").asArrayRef();
  auto shift = op->getAttrOfType<DenseI32ArrayAttr>("shift").asArrayRef();
  info.multiplier.assign(info.nPadded, 0);
  info.shift.assign(info.nPadded, 0);
  for (int64_t c = 0; c < info.n; ++c) {
    info.multiplier[c] = mult[mult.size() == 1 ? 0 : c];
    info.shift[c] = shift[shift.size() == 1 ? 0 : c];
  }
  info.rounding =
      op->getAttrOfType<qnn::RoundingModeAttr>("rounding").getValue();
  info.outputZeroPoint = outQ.getZeroPoint();
  info.clampMin = op->getAttrOfType<IntegerAttr>("clamp_min").getInt();
  info.clampMax = op->getAttrOfType<IntegerAttr>("clamp_max").getInt();
  return "";
}

/// Emits the kernel of `info` into the gpu.module at `b`'s insertion point.
void buildKernel(OpBuilder &b, Location loc, const GPUKernelInfo &info) {
  int64_t M = info.mPadded, N = info.nPadded, K = info.kPadded;
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto aType = MemRefType::get({M, K}, i8);
  auto bType = MemRefType::get({K, N}, i8);
  auto vecType = MemRefType::get({N}, i32);
  auto cType = MemRefType::get({M, N}, i8);
  auto funcType =
      b.getFunctionType({aType, bType, vecType, vecType, vecType, cType}, {});
  auto func = gpu::GPUFuncOp::create(b, loc, info.name, funcType);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({32, 1, 1}));
  func.setKnownGridSizeAttr(
      b.getDenseI32ArrayAttr({int32_t(N / 8), int32_t(M / 16), 1}));

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  Value A = func.getArgument(0), B = func.getArgument(1);
  Value bias = func.getArgument(2), mult = func.getArgument(3);
  Value shift = func.getArgument(4), C = func.getArgument(5);
  auto idx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  auto add = [&](Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y).getResult();
  };
  auto mul = [&](Value x, Value y) {
    return arith::MulIOp::create(b, loc, x, y).getResult();
  };
  Value lane = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bn = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value bm = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value g = arith::DivUIOp::create(b, loc, lane, idx(4));
  Value t = arith::RemUIOp::create(b, loc, lane, idx(4));
  Value r0 = add(mul(bm, idx(16)), g);
  Value r1 = add(r0, idx(8));
  Value n0 = mul(bn, idx(8));
  Value col = add(n0, g);
  Value t4 = mul(t, idx(4));
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);

  auto loop = scf::ForOp::create(b, loc, idx(0), idx(K), idx(32),
                                 ValueRange{zero, zero, zero, zero});
  {
    OpBuilder::InsertionGuard loopGuard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value k = loop.getInductionVar();
    Value ka = add(k, t4), kb = add(ka, idx(16));
    auto v4i8 = VectorType::get({4}, i8);
    auto v1i32 = VectorType::get({1}, i32);
    auto asI32 = [&](Value v4) {
      Value bits = vector::BitCastOp::create(b, loc, v1i32, v4);
      return vector::ExtractOp::create(b, loc, bits, ArrayRef<int64_t>{0})
          .getResult();
    };
    SmallVector<Value> aRegs;
    for (auto [row, kk] : {std::pair{r0, ka}, {r1, ka}, {r0, kb}, {r1, kb}})
      aRegs.push_back(
          asI32(vector::LoadOp::create(b, loc, v4i8, A, ValueRange{row, kk})));
    SmallVector<Value> bRegs;
    for (Value base : {ka, kb}) {
      SmallVector<Value> bytes;
      for (int64_t j = 0; j < 4; ++j)
        bytes.push_back(
            memref::LoadOp::create(b, loc, B, ValueRange{add(base, idx(j)), col}));
      bRegs.push_back(
          asI32(vector::FromElementsOp::create(b, loc, v4i8, bytes)));
    }
    auto structType = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(4, i32));
    std::array<NVVM::MMATypes, 2> ptxTypes = {
        info.lhsUnsigned ? NVVM::MMATypes::u8 : NVVM::MMATypes::s8,
        NVVM::MMATypes::s8};
    std::array<NVVM::MMALayout, 2> layouts = {NVVM::MMALayout::row,
                                              NVVM::MMALayout::col};
    Value mma = NVVM::MmaOp::create(
        b, loc, structType, aRegs, bRegs, loop.getRegionIterArgs(),
        ArrayRef<int64_t>{16, 8, 32}, std::nullopt,
        NVVM::MMAIntOverflow::satfinite, ptxTypes, layouts);
    SmallVector<Value> next;
    for (int64_t i = 0; i < 4; ++i)
      next.push_back(LLVM::ExtractValueOp::create(b, loc, mma, i));
    scf::YieldOp::create(b, loc, next);
  }

  // Epilogue: bias, requantization with the op's rounding, store.
  Value cn = add(n0, mul(t, idx(2)));
  for (int64_t i = 0; i < 4; ++i) {
    Value row = i < 2 ? r0 : r1;
    Value column = add(cn, idx(i % 2));
    Value acc = add(loop.getResult(i),
                    memref::LoadOp::create(b, loc, bias, column));
    Value m = memref::LoadOp::create(b, loc, mult, column);
    Value s = memref::LoadOp::create(b, loc, shift, column);
    Value q = createFixedPointRequantize(b, loc, acc, m, s, info.rounding,
                                         info.outputZeroPoint, info.clampMin,
                                         info.clampMax);
    Value q8 = arith::TruncIOp::create(b, loc, i8, q);
    memref::StoreOp::create(b, loc, q8, C, ValueRange{row, column});
  }
  gpu::ReturnOp::create(b, loc);
}

} // namespace

FailureOr<OwningOpRef<ModuleOp>>
qmlir::buildGPUKernels(ModuleOp quantized, std::vector<GPUKernelInfo> &kernels) {
  MLIRContext *ctx = quantized.getContext();
  ctx->loadDialect<gpu::GPUDialect, NVVM::NVVMDialect, LLVM::LLVMDialect,
                   scf::SCFDialect, vector::VectorDialect,
                   memref::MemRefDialect, arith::ArithDialect>();
  Location loc = quantized.getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b(ctx);
  (*module)->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                     b.getUnitAttr());
  b.setInsertionPointToStart(module->getBody());
  auto gpuModule = gpu::GPUModuleOp::create(b, loc, "qmlir_kernels");
  b.setInsertionPointToStart(gpuModule.getBody());
  int index = 0;
  WalkResult walk = quantized.walk([&](Operation *op) {
    if (!isa<qnn::MatmulOp, qnn::Conv2DOp>(op))
      return WalkResult::advance();
    GPUKernelInfo info;
    if (std::string reason = describe(op, info); !reason.empty()) {
      op->emitRemark("no GPU kernel: ") << reason;
      return WalkResult::advance();
    }
    info.name = "qmlir_" + op->getName().stripDialect().str() + "_" +
                std::to_string(index++) + "_" + std::to_string(info.mPadded) +
                "x" + std::to_string(info.nPadded) + "x" +
                std::to_string(info.kPadded);
    buildKernel(b, op->getLoc(), info);
    kernels.push_back(std::move(info));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (kernels.empty())
    return quantized.emitError("no qnn.matmul or 1x1 qnn.conv2d to compile "
                               "for the GPU");
  if (failed(verify(*module)))
    return failure();
  return module;
}

FailureOr<std::string> qmlir::translateGPUKernelsToPTX(ModuleOp kernels,
                                                       StringRef chip) {
  int version = 0;
  if (!chip.consume_front("sm_") || chip.getAsInteger(10, version) ||
      version < 80)
    return kernels.emitError("int8 mma.sync m16n8k32 needs sm_80 or newer, "
                             "got '")
           << chip << "'";
  gpu::GPUToNVVMPipelineOptions options;
  options.cubinChip = ("sm_" + chip).str();
  // The lowest PTX ISA version that knows the chip.
  options.cubinFeatures = version >= 90 ? "+ptx80" : "+ptx70";
  options.cubinFormat = "isa";
  options.optLevel = 3;
  options.kernelUseBarePtrCallConv = true;
  PassManager pm(kernels.getContext());
  gpu::buildLowerToNVVMPassPipeline(pm, options);
  if (failed(pm.run(kernels)))
    return kernels.emitError("lowering the GPU kernels to PTX failed");
  std::string ptx;
  kernels.walk([&](gpu::BinaryOp binary) {
    for (Attribute object : binary.getObjects())
      ptx += cast<gpu::ObjectAttr>(object).getObject().str();
  });
  if (ptx.empty())
    return kernels.emitError("the NVVM pipeline produced no PTX");
  return ptx;
}

FailureOr<std::unique_ptr<llvm::Module>>
qmlir::translateGPUKernelsToLLVMIR(ModuleOp kernels,
                                   llvm::LLVMContext &llvmContext) {
  // The passes of buildLowerToNVVMPassPipeline up to, not including, the
  // serialization to a binary.
  PassManager pm(kernels.getContext());
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = "sm_80";
  target.features = "+ptx70";
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  ConvertGpuOpsToNVVMOpsOptions toNVVM;
  toNVVM.useBarePtrCallConv = true;
  OpPassManager &devicePM = pm.nest<gpu::GPUModuleOp>();
  devicePM.addPass(createConvertGpuOpsToNVVMOps(toNVVM));
  devicePM.addPass(createCanonicalizerPass());
  devicePM.addPass(createCSEPass());
  devicePM.addPass(createReconcileUnrealizedCastsPass());
  if (failed(pm.run(kernels)))
    return kernels.emitError("lowering the GPU kernels to NVVM failed");
  gpu::GPUModuleOp gpuModule;
  kernels.walk([&](gpu::GPUModuleOp op) { gpuModule = op; });
  if (!gpuModule)
    return kernels.emitError("no gpu.module after lowering");
  OwningOpRef<ModuleOp> device = ModuleOp::create(gpuModule.getLoc());
  OpBuilder b(kernels.getContext());
  b.setInsertionPointToStart(device->getBody());
  for (Operation &op : gpuModule.getBody()->getOperations())
    b.clone(op);
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*device, llvmContext, "qmlir_kernels");
  if (!llvmModule)
    return kernels.emitError("translating the GPU kernels to LLVM IR failed");
  return std::move(llvmModule);
}
