//===- LookupTables.cpp - Byte-to-byte elementwise chains as tables -------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// After elementwise fusion, each float island of a quantized model whose
// only varying input is one 8-bit tensor (dequantize -> hard-swish ->
// quantize, dequantize -> sigmoid -> quantize, a requantization between two
// scales) is a linalg.generic from i8 to i8: a function of 256 possible
// values. qnn-cpu-lookup-tables evaluates the body for each of them at
// compile time (MLIR constant folding of every op, in the op's own
// semantics) and replaces it by a load from the resulting 256-byte table.
// qnn-cpu-lower-table-lookups turns the vectorized lookups (vector.gather
// from the table) into the target's byte-permute instructions: AVX-512 VBMI
// vpermi2b (two 128-entry halves and a select on the index's top bit),
// AVX2 vpshufb over the sixteen 16-byte rows (selected by the index's high
// nibble), AArch64 tbl/tbx over four 64-entry quarters. Other targets keep the
// generic gather (same values, slower).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qmlir {
#define GEN_PASS_DEF_QNNCPULOOKUPTABLES
#define GEN_PASS_DEF_QNNCPULOWERTABLELOOKUPS
#include "qmlir/Codegen/CPU/Passes.h.inc"
} // namespace mlir::qmlir

using namespace mlir;
using namespace mlir::qmlir;

namespace {

bool isByte(Type t) { return t.isInteger(8); }

/// The constant attribute `v` holds during one evaluation, or null.
Attribute lookupConstant(Value v, const DenseMap<Value, Attribute> &values) {
  if (Attribute a = values.lookup(v))
    return a;
  Attribute c;
  if (matchPattern(v, m_Constant(&c)))
    return c;
  return {};
}

/// The generic's body evaluated for each of the 256 values of the block
/// argument `varying` (the other inputs fixed to `fixed`), or nothing when
/// an op does not fold to a constant.
std::optional<SmallVector<int8_t>>
evaluateTable(Block &body, BlockArgument varying,
              const DenseMap<Value, Attribute> &fixed) {
  MLIRContext *ctx = body.getParentOp()->getContext();
  auto i8 = IntegerType::get(ctx, 8);
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  SmallVector<int8_t> table(256);
  for (int v = 0; v < 256; ++v) {
    DenseMap<Value, Attribute> values = fixed;
    values[varying] = IntegerAttr::get(i8, APInt(8, v));
    for (Operation &op : body.without_terminator()) {
      SmallVector<Attribute> operands;
      for (Value operand : op.getOperands()) {
        Attribute a = lookupConstant(operand, values);
        if (!a)
          return std::nullopt;
        operands.push_back(a);
      }
      SmallVector<OpFoldResult> results;
      if (failed(op.fold(operands, results)) || results.size() != 1)
        return std::nullopt;
      Attribute r = dyn_cast<Attribute>(results[0]);
      if (!r)
        r = lookupConstant(cast<Value>(results[0]), values);
      if (!r)
        return std::nullopt;
      values[op.getResult(0)] = r;
    }
    auto out = dyn_cast_or_null<IntegerAttr>(
        lookupConstant(yield.getOperand(0), values));
    if (!out || !isByte(out.getType()))
      return std::nullopt;
    table[v] = static_cast<int8_t>(out.getValue().getZExtValue());
  }
  return table;
}

/// Replaces `op` by a table lookup if it is a byte-to-byte function of one
/// input. Returns true if it did.
bool rewriteAsLookup(linalg::GenericOp op, RewriterBase &rewriter) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !isByte(getElementTypeOrSelf(op.getResult(0).getType())))
    return false;
  Block &body = op.getRegion().front();
  // Worth a table: more than a cast; and the init is not read.
  if (body.getOperations().size() < 3 ||
      !body.getArgument(op.getNumDpsInputs()).use_empty())
    return false;
  for (Operation &inner : body.without_terminator())
    if (inner.getNumRegions() != 0 || inner.getNumResults() != 1 ||
        !isMemoryEffectFree(&inner) || isa<linalg::IndexOp>(inner))
      return false;
  // One varying byte input; every other input a splat constant.
  OpOperand *varying = nullptr;
  DenseMap<Value, Attribute> fixed;
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument arg = body.getArgument(input->getOperandNumber());
    SplatElementsAttr splat;
    if (matchPattern(input->get(), m_Constant(&splat))) {
      fixed[arg] = splat.getSplatValue<Attribute>();
      continue;
    }
    if (varying || !isByte(getElementTypeOrSelf(input->get().getType())))
      return false;
    varying = input;
  }
  if (!varying)
    return false;
  std::optional<SmallVector<int8_t>> table = evaluateTable(
      body, body.getArgument(varying->getOperandNumber()), fixed);
  if (!table)
    return false;

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto tableType = RankedTensorType::get({256}, rewriter.getI8Type());
  Value tableValue = arith::ConstantOp::create(
      rewriter, loc, tableType,
      DenseElementsAttr::get(tableType, ArrayRef<int8_t>(*table)));
  Value init = op.getDpsInitOperand(0)->get();
  SmallVector<AffineMap> maps = {op.getMatchingIndexingMap(varying),
                                 op.getIndexingMapsArray().back()};
  auto lookup = linalg::GenericOp::create(
      rewriter, loc, op.getResultTypes(), ValueRange{varying->get()},
      ValueRange{init}, maps, op.getIteratorTypesArray(),
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value index =
            arith::IndexCastUIOp::create(b, l, b.getIndexType(), args[0]);
        Value entry = tensor::ExtractOp::create(b, l, tableValue, index);
        linalg::YieldOp::create(b, l, entry);
      });
  lookup->setAttr(kLookupTableAttrName, rewriter.getUnitAttr());
  rewriter.replaceOp(op, lookup.getResults());
  return true;
}

struct QNNCPULookupTablesPass
    : qmlir::impl::QNNCPULookupTablesBase<QNNCPULookupTablesPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : generics)
      rewriteAsLookup(op, rewriter);
  }
};

//===----------------------------------------------------------------------===//
// Lowering of the vectorized lookups
//===----------------------------------------------------------------------===//

/// vector.gather of bytes from a 256-byte table at indices that are
/// zero-extended bytes, all lanes on: the target's byte permutes.
struct LowerTableGather : OpRewritePattern<vector::GatherOp> {
  LowerTableGather(MLIRContext *ctx, const CPUTarget &target)
      : OpRewritePattern(ctx), target(target) {}

  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto base = dyn_cast<MemRefType>(op.getBase().getType());
    VectorType resultType = op.getVectorType();
    if (!base || base.getRank() != 1 || base.getDimSize(0) != 256 ||
        !base.getLayout().isIdentity() || !isByte(base.getElementType()) ||
        resultType.getRank() != 1 || resultType.isScalable())
      return rewriter.notifyMatchFailure(op, "not a byte table lookup");
    if (op.getOffsets().size() != 1 ||
        !matchPattern(op.getOffsets()[0], m_Zero()) ||
        !matchPattern(op.getMask(), m_One()))
      return rewriter.notifyMatchFailure(op, "offset or mask");
    // Indices: index_castui of a byte vector (possibly through extui).
    Value indices = op.getIndices();
    Value bytes;
    if (auto cast = indices.getDefiningOp<arith::IndexCastUIOp>()) {
      bytes = cast.getIn();
      if (auto ext = bytes.getDefiningOp<arith::ExtUIOp>())
        bytes = ext.getIn();
    }
    auto bytesType = bytes ? dyn_cast<VectorType>(bytes.getType()) : nullptr;
    if (!bytesType || !isByte(bytesType.getElementType()))
      return rewriter.notifyMatchFailure(op, "indices are not bytes");
    int64_t n = resultType.getNumElements();
    Location loc = op.getLoc();
    Value table = op.getBase();
    auto load = [&](int64_t offset, int64_t width) -> Value {
      Value at = arith::ConstantIndexOp::create(rewriter, loc, offset);
      return vector::LoadOp::create(
          rewriter, loc, VectorType::get({width}, rewriter.getI8Type()), table,
          ValueRange{at});
    };
    // Lanes [0, n) of `v` placed in a vector of `width` lanes (the rest
    // lane 0), and back.
    auto widen = [&](Value v, int64_t width) -> Value {
      if (n == width)
        return v;
      SmallVector<int64_t> mask(width, 0);
      for (int64_t i = 0; i < n; ++i)
        mask[i] = i;
      return vector::ShuffleOp::create(rewriter, loc, v, v, mask);
    };
    auto narrow = [&](Value v, int64_t width) -> Value {
      if (n == width)
        return v;
      SmallVector<int64_t> mask(n);
      for (int64_t i = 0; i < n; ++i)
        mask[i] = i;
      return vector::ShuffleOp::create(rewriter, loc, v, v, mask);
    };
    // The lookup in chunks of `width` lanes (the last one padded), each
    // looked up by `lookup(chunk)`, replacing `op`.
    auto inChunks = [&](int64_t width,
                        llvm::function_ref<Value(Value)> lookup) {
      int64_t total = llvm::alignTo(n, width);
      auto wide = VectorType::get({total}, rewriter.getI8Type());
      Value idx = widen(bytes, total);
      Value result = arith::ConstantOp::create(rewriter, loc, wide,
                                               rewriter.getZeroAttr(wide));
      for (int64_t c = 0; c < total; c += width) {
        Value chunk = total == width
                          ? idx
                          : vector::ExtractStridedSliceOp::create(
                                rewriter, loc, idx, {c}, {width}, {1})
                                .getResult();
        Value r = lookup(chunk);
        result = total == width ? r
                                : vector::InsertStridedSliceOp::create(
                                      rewriter, loc, r, result, {c}, {1})
                                      .getResult();
      }
      rewriter.replaceOp(op, narrow(result, total));
    };

    if (target.isX86 && target.avx512vbmi && n <= 64) {
      auto v64 = VectorType::get({64}, rewriter.getI8Type());
      Value idx = widen(bytes, 64);
      auto permute = [&](int64_t half) -> Value {
        Value a = load(half * 128, 64), b = load(half * 128 + 64, 64);
        return LLVM::CallIntrinsicOp::create(
                   rewriter, loc, v64,
                   rewriter.getStringAttr("llvm.x86.avx512.vpermi2var.qi.512"),
                   ValueRange{a, idx, b})
            .getResult(0);
      };
      Value low = permute(0), high = permute(1);
      Value zero = arith::ConstantOp::create(rewriter, loc, v64,
                                             rewriter.getZeroAttr(v64));
      Value upper = arith::CmpIOp::create(rewriter, loc,
                                          arith::CmpIPredicate::slt, idx, zero);
      Value r = arith::SelectOp::create(rewriter, loc, upper, high, low);
      rewriter.replaceOp(op, narrow(r, 64));
      return success();
    }
    if (target.isAArch64) {
      // Chunks of 16 lanes (the register width).
      auto v16 = VectorType::get({16}, rewriter.getI8Type());
      SmallVector<Value> quarters[4];
      for (int64_t q = 0; q < 4; ++q)
        for (int64_t k = 0; k < 4; ++k)
          quarters[q].push_back(load(q * 64 + k * 16, 16));
      inChunks(16, [&](Value chunk) {
        // tbl gives 0 outside [0, 64); each tbx fills the lanes whose index
        // minus 64 * q falls in its quarter and keeps the others.
        SmallVector<Value> args(quarters[0]);
        args.push_back(chunk);
        Value r = LLVM::CallIntrinsicOp::create(
                      rewriter, loc, v16,
                      rewriter.getStringAttr("llvm.aarch64.neon.tbl4.v16i8"),
                      args)
                      .getResult(0);
        for (int64_t q = 1; q < 4; ++q) {
          Value shift = arith::ConstantOp::create(
              rewriter, loc, v16,
              DenseElementsAttr::get(v16, rewriter.getI8IntegerAttr(
                                              static_cast<int8_t>(64 * q))));
          Value shifted = arith::SubIOp::create(rewriter, loc, chunk, shift);
          SmallVector<Value> tbx = {r};
          tbx.append(quarters[q].begin(), quarters[q].end());
          tbx.push_back(shifted);
          r = LLVM::CallIntrinsicOp::create(
                  rewriter, loc, v16,
                  rewriter.getStringAttr("llvm.aarch64.neon.tbx4.v16i8"), tbx)
                  .getResult(0);
        }
        return r;
      });
      return success();
    }
    if (target.isX86 && target.avx2) {
      // Chunks of 32 lanes: for each 16-byte row s of the table (in both
      // 128-bit lanes), vpshufb by the low nibble, kept where the high
      // nibble is s (16 shuffles, compares and blends per 32 bytes, against
      // a scalar load and insert per byte).
      auto v32 = VectorType::get({32}, rewriter.getI8Type());
      auto splat = [&](int64_t v) -> Value {
        return arith::ConstantOp::create(
            rewriter, loc, v32,
            DenseElementsAttr::get(
                v32, rewriter.getI8IntegerAttr(static_cast<int8_t>(v))));
      };
      SmallVector<int64_t> twice;
      for (int64_t i = 0; i < 32; ++i)
        twice.push_back(i % 16);
      SmallVector<Value> rows;
      for (int64_t row = 0; row < 16; ++row) {
        Value r = load(16 * row, 16);
        rows.push_back(vector::ShuffleOp::create(rewriter, loc, r, r, twice));
      }
      inChunks(32, [&](Value chunk) {
        Value low = arith::AndIOp::create(rewriter, loc, chunk, splat(15));
        Value high = arith::ShRUIOp::create(rewriter, loc, chunk, splat(4));
        Value r;
        for (int64_t row = 0; row < 16; ++row) {
          Value p = LLVM::CallIntrinsicOp::create(
                        rewriter, loc, v32,
                        rewriter.getStringAttr("llvm.x86.avx2.pshuf.b"),
                        ValueRange{rows[row], low})
                        .getResult(0);
          if (!r) {
            r = p;
            continue;
          }
          Value here = arith::CmpIOp::create(
              rewriter, loc, arith::CmpIPredicate::eq, high, splat(row));
          r = arith::SelectOp::create(rewriter, loc, here, p, r);
        }
        return r;
      });
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no byte permute on this target");
  }

  CPUTarget target;
};

struct QNNCPULowerTableLookupsPass
    : qmlir::impl::QNNCPULowerTableLookupsBase<QNNCPULowerTableLookupsPass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<CPUTarget> target = CPUTarget::getOrEmitError(
        getOperation(), getArgument(), targetTriple, targetCPU,
        targetFeatures);
    if (failed(target))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateLowerTableLookupPatterns(patterns, *target);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void qmlir::populateLowerTableLookupPatterns(RewritePatternSet &patterns,
                                             const CPUTarget &target) {
  patterns.add<LowerTableGather>(patterns.getContext(), target);
}
