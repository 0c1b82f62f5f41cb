//===- WarpEmulator.cpp - Run NVVM kernels on the CPU ---------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "WarpEmulator.h"

#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

using namespace mlir::qmlir;

namespace {

constexpr int kWarp = 32;

/// Reusable barrier for the 32 lanes of the warp.
class Barrier {
public:
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    unsigned gen = generation;
    if (++count == kWarp) {
      count = 0;
      ++generation;
      cv.notify_all();
      return;
    }
    cv.wait(lock, [&] { return gen != generation; });
  }

private:
  std::mutex mutex;
  std::condition_variable cv;
  int count = 0;
  unsigned generation = 0;
};

/// The warp being executed (one at a time).
struct Warp {
  Barrier barrier;
  uint32_t a[kWarp][4], b[kWarp][2];
  int32_t c[kWarp][4];
} warp;

thread_local int32_t lane, blockX, blockY;

extern "C" int32_t qmlir_emu_tid_x() { return lane; }
extern "C" int32_t qmlir_emu_ctaid_x() { return blockX; }
extern "C" int32_t qmlir_emu_ctaid_y() { return blockY; }

int64_t byteOf(uint32_t reg, int index, bool isUnsigned) {
  uint8_t v = uint8_t(reg >> (8 * index));
  return isUnsigned ? int64_t(v) : int64_t(int8_t(v));
}

/// mma.sync.aligned.m16n8k32.row.col.satfinite.s32.{u8|s8}.s8.s32, PTX ISA
/// "Matrix Fragments for mma.m16n8k32" (g = lane / 4, t = lane % 4):
///   A[r][k]: lane (r % 8) * 4 + (k % 16) / 4, register (r >= 8) + 2 (k >= 16),
///            byte k % 4;
///   B[k][n]: lane n * 4 + (k % 16) / 4, register (k >= 16), byte k % 4;
///   C/D[i]:  row g + 8 (i >= 2), column 2t + (i % 2).
extern "C" void qmlir_emu_mma(int32_t aUnsigned, int32_t *d, uint32_t a0,
                              uint32_t a1, uint32_t a2, uint32_t a3,
                              uint32_t b0, uint32_t b1, int32_t c0, int32_t c1,
                              int32_t c2, int32_t c3) {
  int me = lane;
  uint32_t aRegs[4] = {a0, a1, a2, a3};
  std::copy(aRegs, aRegs + 4, warp.a[me]);
  warp.b[me][0] = b0;
  warp.b[me][1] = b1;
  int32_t cRegs[4] = {c0, c1, c2, c3};
  std::copy(cRegs, cRegs + 4, warp.c[me]);
  warp.barrier.wait();
  int g = me / 4, t = me % 4;
  for (int i = 0; i < 4; ++i) {
    int row = g + (i >= 2 ? 8 : 0), col = 2 * t + i % 2;
    int64_t acc = warp.c[me][i];
    for (int k = 0; k < 32; ++k) {
      int laneA = (row % 8) * 4 + (k % 16) / 4;
      int regA = (row >= 8 ? 1 : 0) + (k >= 16 ? 2 : 0);
      int laneB = col * 4 + (k % 16) / 4;
      int regB = k >= 16 ? 1 : 0;
      acc += byteOf(warp.a[laneA][regA], k % 4, aUnsigned) *
             byteOf(warp.b[laneB][regB], k % 4, false);
    }
    d[i] = int32_t(std::clamp<int64_t>(acc, INT32_MIN, INT32_MAX));
  }
  warp.barrier.wait();
}

/// Defines `name`: the NVVM mma intrinsic's signature, calling qmlir_emu_mma
/// through memory (a returned {i32 x 4} has no C ABI equivalent).
llvm::Function *createMmaShim(llvm::Module &m, llvm::FunctionType *type,
                              bool aUnsigned, llvm::StringRef name) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::SmallVector<llvm::Type *> implArgs = {i32, ptr};
  implArgs.append(10, i32);
  llvm::FunctionCallee impl = m.getOrInsertFunction(
      "qmlir_emu_mma", llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                               implArgs, false));
  auto *shim = llvm::Function::Create(type, llvm::GlobalValue::InternalLinkage,
                                      name, m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", shim));
  llvm::Value *out = b.CreateAlloca(llvm::ArrayType::get(i32, 4));
  llvm::SmallVector<llvm::Value *> args = {b.getInt32(aUnsigned), out};
  for (llvm::Argument &arg : shim->args())
    args.push_back(&arg);
  b.CreateCall(impl, args);
  llvm::Value *result = llvm::PoisonValue::get(type->getReturnType());
  for (unsigned i = 0; i < 4; ++i) {
    llvm::Value *p = b.CreateConstGEP1_32(i32, out, i);
    result = b.CreateInsertValue(result, b.CreateLoad(i32, p), i);
  }
  b.CreateRet(result);
  return shim;
}

} // namespace

llvm::Expected<std::unique_ptr<WarpEmulator>>
WarpEmulator::create(std::unique_ptr<llvm::Module> module,
                     std::unique_ptr<llvm::LLVMContext> context) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto fail = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  // Replace the NVVM intrinsics by host functions.
  std::vector<llvm::Function *> functions;
  for (llvm::Function &f : *module)
    functions.push_back(&f);
  for (llvm::Function *f : functions) {
    f->removeFnAttr("target-cpu");
    f->removeFnAttr("target-features");
    if (f->getCallingConv() == llvm::CallingConv::PTX_Kernel)
      f->setCallingConv(llvm::CallingConv::C);
    if (!f->isDeclaration() || !f->getName().starts_with("llvm.nvvm."))
      continue;
    llvm::StringRef name = f->getName();
    llvm::Function *replacement = nullptr;
    if (name == "llvm.nvvm.read.ptx.sreg.tid.x" ||
        name == "llvm.nvvm.read.ptx.sreg.ctaid.x" ||
        name == "llvm.nvvm.read.ptx.sreg.ctaid.y") {
      std::string host = "qmlir_emu_" + name.rsplit('.').first.rsplit('.')
                                            .second.str() +
                         "_" + name.rsplit('.').second.str();
      replacement = llvm::cast<llvm::Function>(
          module->getOrInsertFunction(host, f->getFunctionType()).getCallee());
    } else if (name == "llvm.nvvm.mma.m16n8k32.row.col.satfinite.u8.s8") {
      replacement =
          createMmaShim(*module, f->getFunctionType(), true, "qmlir_mma_u8s8");
    } else if (name == "llvm.nvvm.mma.m16n8k32.row.col.satfinite.s8") {
      replacement =
          createMmaShim(*module, f->getFunctionType(), false, "qmlir_mma_s8");
    } else {
      return fail("the emulator does not know " + name);
    }
    f->replaceAllUsesWith(replacement);
    f->eraseFromParent();
  }

  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  auto layout = builder->getDefaultDataLayoutForTarget();
  if (!layout)
    return layout.takeError();
  module->setTargetTriple(builder->getTargetTriple());
  module->setDataLayout(*layout);
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*builder))
                 .create();
  if (!jit)
    return jit.takeError();
  llvm::orc::SymbolMap symbols;
  auto &es = (*jit)->getExecutionSession();
  auto define = [&](llvm::StringRef name, void *address) {
    symbols[es.intern((*jit)->getDataLayout().getGlobalPrefix() == '\0'
                          ? name.str()
                          : "_" + name.str())] = {
        llvm::orc::ExecutorAddr::fromPtr(address),
        llvm::JITSymbolFlags::Exported};
  };
  define("qmlir_emu_tid_x", reinterpret_cast<void *>(&qmlir_emu_tid_x));
  define("qmlir_emu_ctaid_x", reinterpret_cast<void *>(&qmlir_emu_ctaid_x));
  define("qmlir_emu_ctaid_y", reinterpret_cast<void *>(&qmlir_emu_ctaid_y));
  define("qmlir_emu_mma", reinterpret_cast<void *>(&qmlir_emu_mma));
  if (llvm::Error err = (*jit)->getMainJITDylib().define(
          llvm::orc::absoluteSymbols(std::move(symbols))))
    return std::move(err);
  if (llvm::Error err = (*jit)->addIRModule(llvm::orc::ThreadSafeModule(
          std::move(module), std::move(context))))
    return std::move(err);
  std::unique_ptr<WarpEmulator> emulator(new WarpEmulator());
  emulator->jit = std::move(*jit);
  return emulator;
}

llvm::Error WarpEmulator::run(llvm::StringRef kernel, unsigned gridX,
                              unsigned gridY, void *const args[6]) {
  auto symbol = jit->lookup(kernel);
  if (!symbol)
    return symbol.takeError();
  using Kernel = void (*)(void *, void *, void *, void *, void *, void *);
  auto fn = symbol->toPtr<Kernel>();
  for (unsigned by = 0; by < gridY; ++by)
    for (unsigned bx = 0; bx < gridX; ++bx) {
      std::vector<std::thread> lanes;
      for (int l = 0; l < kWarp; ++l)
        lanes.emplace_back([=] {
          lane = l;
          blockX = int32_t(bx);
          blockY = int32_t(by);
          fn(args[0], args[1], args[2], args[3], args[4], args[5]);
        });
      for (std::thread &t : lanes)
        t.join();
    }
  return llvm::Error::success();
}
