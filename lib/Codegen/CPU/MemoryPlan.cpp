//===- MemoryPlan.cpp - One arena for a function's intermediates ----------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPUPLANMEMORY
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

constexpr int64_t kAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  int64_t start, end, size, offset = -1;
};

/// Bytes of a static memref of int or float elements, or -1.
int64_t getByteSize(MemRefType type) {
  Type elem = type.getElementType();
  if (!elem.isIntOrFloat() || !type.hasStaticShape())
    return -1;
  return type.getNumElements() * llvm::divideCeil(elem.getIntOrFloatBitWidth(),
                                                  8);
}

/// The last position in `body` (by `position`) where the buffer of `alloc`
/// or an alias of it is used, or -1 if it escapes the function.
int64_t getLastUse(memref::AllocOp alloc, Block &body,
                   const DenseMap<Operation *, int64_t> &position) {
  int64_t last = position.lookup(alloc);
  SmallVector<Value> worklist = {alloc.getResult()};
  DenseSet<Value> seen(worklist.begin(), worklist.end());
  auto follow = [&](ValueRange values) {
    for (Value v : values)
      if (isa<BaseMemRefType>(v.getType()) && seen.insert(v).second)
        worklist.push_back(v);
  };
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (isa<func::ReturnOp>(user))
        return -1;
      // Any memref an op returns may alias its operand (views, casts,
      // selects, loop results); a yielded buffer flows to the parent.
      follow(user->getResults());
      if (user->hasTrait<OpTrait::IsTerminator>() && user->getParentOp())
        follow(user->getParentOp()->getResults());
      for (Region &region : user->getRegions())
        for (Block &block : region)
          follow(block.getArguments());
      Operation *top = body.findAncestorOpInBlock(*user);
      if (!top)
        return -1;
      last = std::max(last, position.lookup(top));
    }
  }
  return last;
}

struct QNNCPUPlanMemoryPass
    : qmlir::impl::QNNCPUPlanMemoryBase<QNNCPUPlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>()))
      if (!func.isExternal() && func.getBody().hasOneBlock())
        planFunction(func, symbols);
  }

  void planFunction(func::FuncOp func, SymbolTable &symbols) {
    Block &body = func.front();
    DenseMap<Operation *, int64_t> position;
    int64_t i = 0;
    for (Operation &op : body)
      position[&op] = i++;

    SmallVector<Buffer> buffers;
    for (auto alloc : body.getOps<memref::AllocOp>()) {
      MemRefType type = alloc.getType();
      int64_t size = getByteSize(type);
      if (size <= 0 || !type.getLayout().isIdentity() ||
          type.getMemorySpace() || !alloc.getDynamicSizes().empty() ||
          !alloc.getSymbolOperands().empty())
        continue;
      if (auto align = alloc.getAlignment(); align && *align > kAlignment)
        continue;
      int64_t last = getLastUse(alloc, body, position);
      if (last < 0)
        continue;
      buffers.push_back({alloc, position[alloc], last, size});
    }
    if (buffers.empty())
      return;

    // First fit, in order of allocation, among buffers live at the same time.
    int64_t total = 0;
    for (size_t b = 0; b < buffers.size(); ++b) {
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (size_t o = 0; o < b; ++o)
        if (!(buffers[o].end < buffers[b].start ||
              buffers[b].end < buffers[o].start))
          busy.push_back({buffers[o].offset,
                          buffers[o].offset + buffers[o].size});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy) {
        if (offset + buffers[b].size <= lo)
          break;
        offset = std::max<int64_t>(offset, llvm::alignTo(hi, kAlignment));
      }
      buffers[b].offset = offset;
      total = std::max(total, offset + buffers[b].size);
    }

    OpBuilder builder(func.getContext());
    builder.setInsertionPoint(func);
    auto arenaType = MemRefType::get({total}, builder.getI8Type());
    auto arena = memref::GlobalOp::create(
        builder, func.getLoc(), ("__qnn_arena_" + func.getSymName()).str(),
        builder.getStringAttr("private"), arenaType, builder.getUnitAttr(),
        /*constant=*/false, builder.getI64IntegerAttr(kAlignment));
    symbols.insert(arena);

    builder.setInsertionPointToStart(&body);
    Value base = memref::GetGlobalOp::create(builder, func.getLoc(), arenaType,
                                             arena.getSymName());
    for (Buffer &buffer : buffers) {
      builder.setInsertionPoint(buffer.alloc);
      Value offset = arith::ConstantIndexOp::create(
          builder, buffer.alloc.getLoc(), buffer.offset);
      Value view = memref::ViewOp::create(builder, buffer.alloc.getLoc(),
                                          buffer.alloc.getType(), base, offset,
                                          ValueRange{});
      buffer.alloc.replaceAllUsesWith(view);
      buffer.alloc.erase();
    }
  }
};

} // namespace
