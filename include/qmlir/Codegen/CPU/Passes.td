//===- Passes.td - CPU code generation passes --------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_CPU_PASSES_TD
#define QMLIR_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def QNNCPUMicrokernels : Pass<"qnn-cpu-microkernels", "ModuleOp"> {
  let summary = "Lower quantized contractions to data-tiled dot-product "
                "microkernels";
  let description = [{
    Rewrites `qnn.matmul`, dense `qnn.conv2d` (any kernel size, stride,
    dilation and padding; one group) and depthwise `qnn.conv2d` (channels in
    vector lanes over a ring of interleaved input rows, `docs/architecture.md`
    section 5b) whose weights and bias are constants
    into a call to a generated kernel function on memrefs, built on the
    target's int8 dot-product instruction (`vpdpbusd` zmm with AVX-512 VNNI,
    `{vex} vpdpbusd` ymm with AVX-VNNI, `usdot` with +i8mm, `sdot` with
    +dotprod; with AVX2 alone, `vpmaddubsw` + `vpmaddwd` by ones on byte
    pairs when the weights allow it exactly, else `vpmaddwd` on i16
    weights and an i16 activation panel):

    * an op whose i32 accumulator could overflow (the bound of
      `convert-qnn-to-linalg`) is an error, checked before any rewrite;
    * the weights are packed at compile time into the microkernel's layout
      `[N/L][K/4][L][4]` (L lanes of 4 bytes: one vector load feeds one dot
      instruction), zero-padded to whole tiles;
    * the input zero point (and the 128 shift where the instruction's
      signedness differs from the activation's) is folded into the bias:
      `bias'[n] = bias[n] - zp * sum_k W[k, n]`;
    * the kernel loops over register tiles of MR rows x NR columns whose i32
      accumulators stay in registers over the whole K loop (on AVX-512 the
      tile shape is chosen per op by a cost model, rows spread evenly over
      the row blocks); a matmul's rows are read in place; convolutions are
      implicit GEMMs: row blocks whose windows lie inside the image read
      the input in place (each kernel row's KW * C bytes padded to a
      multiple of 4 columns with zero weights), the others are gathered
      into an MR-row panel, padding with the input zero point;
    * AVX2 has no byte dot product and `vpmaddubsw` saturates its i16 pair
      sums: where in every output column (depthwise: every channel's taps)
      the two largest positive weights sum to at most 128, and the
      magnitudes of the two most negative ones too (always so for 7-bit
      weights, `qnn-quantize weight-bits=7`), the dot sums u8 x s8 pairs in
      i16 and those in i32 (exact: 255 * 128 < 2^15); otherwise the weights
      are packed as i16 pairs `[N/8][K/2][8][2]`, the activations widened
      into an i16 panel, one `vpmaddwd` per K pair;
    * the epilogue adds the bias, requantizes (bit-exact with the reference
      lowering in every rounding mode), clamps and stores u8/i8 (or the i32
      accumulator).

    With `threads` > 1, a kernel of at least `parallel-macs` multiply-adds
    (a depthwise kernel counts 16 more per output, for its epilogue) runs
    its row blocks in an `scf.parallel`, one chunk per thread, each with its
    own gather panel, depthwise row ring and tile scratch allocated at the
    function's entry; `qnn-lower-to-llvm` lowers it to OpenMP. Smaller
    kernels stay sequential, where a fork costs more than it gains.

    Ops it does not handle (non-constant weights, weights whose zero-point
    corrected values leave i8, grouped convolutions other than depthwise, targets
    without a dot-product instruction) are left to `convert-qnn-to-linalg`,
    whose loops are the reference.

    Before:
    ```mlir
    %y = qnn.matmul %a, %w, %b {...} : tensor<64x256x!quant.uniform<u8:f32, 0.02:128>>,
          tensor<256x100x!quant.uniform<i8<-127:127>:f32:1, {...}>>, tensor<100xi32>
          -> tensor<64x100x!quant.uniform<u8:f32, 0.05:3>>
    ```
    After:
    ```mlir
    %0 = quant.scast %a : tensor<64x256x!quant.uniform<...>> to tensor<64x256xi8>
    %1 = bufferization.to_buffer %0 read_only : tensor<64x256xi8> to memref<64x256xi8>
    %2 = memref.alloc() {alignment = 64 : i64} : memref<64x100xi8>
    call @__qnn_kernel_0(%1, %2) : (memref<64x256xi8>, memref<64x100xi8>) -> ()
    %3 = bufferization.to_tensor %2 restrict writable : memref<64x100xi8> to tensor<64x100xi8>
    %y = quant.scast %3 : tensor<64x100xi8> to tensor<64x100x!quant.uniform<...>>
    ...
    memref.global "private" constant @__qnn_kernel_0_weights : memref<7x64x64xi8> = dense<...>
    func.func private @__qnn_kernel_0(%a: memref<64x256xi8>, %c: memref<64x100xi8>) {
      scf.for %m = ... {            // MR rows
        scf.for %n = ... {          // NR columns
          %acc:24 = scf.for %k = ... iter_args(...) {
            %w = vector.load %weights[...] : memref<7x64x64xi8>, vector<64xi8>
            %d = vector.multi_reduction <add>, %products, %acc [1] : vector<16x4xi32> to vector<16xi32>
          }
          // bias, requantize, clamp, store
    ```
  }];
  let options = [
    Option<"targetTriple", "target-triple", "std::string", /*default=*/"\"host\"",
           "Target triple, or \"host\" for the machine the compiler runs on">,
    Option<"targetCPU", "target-cpu", "std::string", /*default=*/"\"\"",
           "LLVM CPU name of a non-host target">,
    Option<"targetFeatures", "target-features", "std::string",
           /*default=*/"\"\"",
           "LLVM features of a non-host target (\"+avx512vnni,+avx512bw\")">,
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Kernels with at least `parallel-macs` multiply-adds split their "
           "rows over this many threads (an scf.parallel that the lowering "
           "turns into OpenMP); 1: sequential">,
    Option<"parallelMacs", "parallel-macs", "int64_t", /*default=*/"1 << 22",
           "Smallest kernel (in multiply-adds) worth a parallel loop">,
  ];
  let dependentDialects = ["arith::ArithDialect", "bufferization::BufferizationDialect",
                           "func::FuncDialect", "LLVM::LLVMDialect",
                           "memref::MemRefDialect", "quant::QuantDialect",
                           "scf::SCFDialect", "vector::VectorDialect"];
}

def QNNCPUFuseElementwise : Pass<"qnn-cpu-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse chains of elementwise linalg ops, layout copies included";
  let description = [{
    Float islands of a quantized model (dequantize, hard-swish, residual
    add, quantize) and the NCHW<->NHWC transposes around them lower to one
    `linalg.generic` each, i.e. one pass over memory per op. This pass turns
    `linalg.transpose` into generics and fuses producers into consumers
    (`linalg::populateElementwiseOpsFusionPatterns`) when the producer has
    one use or only moves data (a transpose or broadcast, recomputed by each
    consumer as an indexing map): a dequantize -> transpose -> hard-swish ->
    transpose -> quantize chain becomes one loop nest from u8 to u8.

    Before:
    ```mlir
    %0 = linalg.generic {...} ins(%q : tensor<1x24x96x8xi8>) outs(...)      // dequantize
    %1 = linalg.transpose ins(%0 : tensor<1x24x96x8xf32>) outs(...) permutation = [0, 3, 1, 2]
    %2 = linalg.generic {...} ins(%1, %cst : ...) outs(...)                   // x + 3
    ...
    %6 = linalg.generic {...} ins(%5 : tensor<1x24x96x8xf32>) outs(...)       // quantize
    ```
    After:
    ```mlir
    %6 = linalg.generic {indexing_maps = [...]} ins(%q, ... : tensor<1x24x96x8xi8>, ...) outs(...) {
      // extui, uitofp, subf, mulf, addf, maximumf, minimumf, mulf, divf, roundeven, ...
    }
    ```
  }];
  let dependentDialects = ["linalg::LinalgDialect", "tensor::TensorDialect"];
}

def QNNCPULowerDotProducts : Pass<"qnn-cpu-lower-dot-products", "ModuleOp"> {
  let summary = "Turn 4-way int8 dot products into the target's instruction";
  let description = [{
    The microkernels express each dot-product step target-neutrally: a
    `vector.multi_reduction <add>` over groups of 4 of the product of two
    extended i8 vectors. This pass rewrites that form into the instruction
    of the target: `llvm.x86.avx512.vpdpbusd.512` (u8 x s8, 16 lanes),
    `llvm.x86.avx512.vpdpbusd.256` (AVX-VNNI without AVX-512: the VEX
    form, 8 lanes), `llvm.aarch64.neon.usdot` (u8 x s8, 4 lanes) or
    `llvm.aarch64.neon.sdot` (s8 x s8, 4 lanes). On AVX2 without VNNI
    the AVX2 kernels' forms: a pair reduction of extended i16 (or
    zero-extended u8) products becomes `llvm.x86.avx2.pmadd.wd` per 8
    lanes; a pair reduction in i32 of a pair reduction in i16 (from zero)
    of u8 x s8 products, which the kernels emit only where the weights
    keep it exact, becomes `llvm.x86.avx2.pmadd.ub.sw` and
    `llvm.x86.avx2.pmadd.wd` by ones; a 4-way byte group (no AVX2 kernel
    makes one) is summed as two rounds of even + odd lanes. It runs after buffer
    deallocation, which does not accept LLVM intrinsic calls. What it does
    not match is left to the generic vector lowering (same result, slower).

    Before:
    ```mlir
    %a8 = vector.bitcast %a : vector<16xi32> to vector<64xi8>
    %w8 = vector.bitcast %w : vector<16xi32> to vector<64xi8>
    %0 = arith.extui %a8 : vector<64xi8> to vector<64xi32>
    %1 = arith.extsi %w8 : vector<64xi8> to vector<64xi32>
    %2 = arith.muli %0, %1 : vector<64xi32>
    %3 = vector.shape_cast %2 : vector<64xi32> to vector<16x4xi32>
    %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<16x4xi32> to vector<16xi32>
    ```
    After:
    ```mlir
    %4 = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %a8, %w8) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```

    On AVX-512 it also stores requantized bytes four vectors at a time: a
    truncation to `vector<64xi8>` of four concatenated `vector<16xi32>`,
    each clamped (`arith.maxsi` then `arith.minsi` with constants) into
    [0, 255] or into [-128, 127], becomes `vpackssdw` twice, `vpackuswb`
    (or `vpacksswb`) and one dword permutation. The packs saturate, so a
    clamp to exactly the byte range is dropped and a narrower one kept;
    a value range beyond a byte is left alone (truncation is not
    saturation).

    Before:
    ```mlir
    %a1 = arith.minsi (arith.maxsi %a, dense<0>), dense<255>   // b, c, d alike
    %all = vector.shuffle ...  // concatenation of %a1, %b1, %c1, %d1
    %r = arith.trunci %all : vector<64xi32> to vector<64xi8>
    ```
    After:
    ```mlir
    %ab = llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%a, %b) : (vector<16xi32>, vector<16xi32>) -> vector<32xi16>
    %cd = llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%c, %d) : (vector<16xi32>, vector<16xi32>) -> vector<32xi16>
    %p = llvm.call_intrinsic "llvm.x86.avx512.packuswb.512"(%ab, %cd) : (vector<32xi16>, vector<32xi16>) -> vector<64xi8>
    %w = vector.bitcast %p : vector<64xi8> to vector<16xi32>
    %o = vector.shuffle %w, %w [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] : vector<16xi32>, vector<16xi32>
    %r = vector.bitcast %o : vector<16xi32> to vector<64xi8>
    ```
  }];
  let options = [
    Option<"targetTriple", "target-triple", "std::string", /*default=*/"\"host\"",
           "Target triple, or \"host\"">,
    Option<"targetCPU", "target-cpu", "std::string", /*default=*/"\"\"",
           "LLVM CPU name of a non-host target">,
    Option<"targetFeatures", "target-features", "std::string",
           /*default=*/"\"\"", "LLVM features of a non-host target">,
  ];
  let dependentDialects = ["LLVM::LLVMDialect", "vector::VectorDialect"];
}

def QNNCPULookupTables : Pass<"qnn-cpu-lookup-tables", "func::FuncOp"> {
  let summary = "Byte-to-byte elementwise chains as 256-entry lookup tables";
  let description = [{
    After `qnn-cpu-fuse-elementwise`, a float island of a quantized model
    whose only varying input is one 8-bit tensor (dequantize -> hard-swish
    -> quantize, dequantize -> sigmoid -> quantize, a requantization from
    one scale to another) is a `linalg.generic` from i8 to i8: a function
    of 256 values. This pass evaluates the body for each of them at compile
    time (MLIR constant folding of every op: the same IEEE f32 arithmetic
    the loop would do; `math` functions fold through the host's libm) and
    replaces the generic by a lookup in the resulting table, marked
    `qnn.lookup_table`. Other inputs must be splat constants; bodies with an
    op that does not fold, an index, or a read of the init are left alone.

    Before:
    ```mlir
    %r = linalg.generic {...} ins(%x : tensor<6144xi8>) outs(%e : tensor<6144xi8>) {
    ^bb0(%in: i8, %out: i8):
      %0 = arith.extui %in : i8 to i32
      %1 = arith.uitofp %0 : i32 to f32
      ...                                 // dequantize, hard-swish, quantize
      %9 = arith.trunci %8 : i32 to i8
      linalg.yield %9 : i8
    } -> tensor<6144xi8>
    ```
    After:
    ```mlir
    %table = arith.constant dense<[0, 0, 1, ...]> : tensor<256xi8>
    %r = linalg.generic {...} ins(%x : tensor<6144xi8>) outs(%e : tensor<6144xi8>) attrs = {qnn.lookup_table} {
    ^bb0(%in: i8, %out: i8):
      %i = arith.index_castui %in : i8 to index
      %t = tensor.extract %table[%i] : tensor<256xi8>
      linalg.yield %t : i8
    } -> tensor<6144xi8>
    ```
  }];
  let dependentDialects = ["arith::ArithDialect", "linalg::LinalgDialect",
                           "tensor::TensorDialect"];
}

def QNNCPULowerTableLookups : Pass<"qnn-cpu-lower-table-lookups", "ModuleOp"> {
  let summary = "Vectorized byte table lookups as the target's byte permutes";
  let description = [{
    The vectorized form of a `qnn-cpu-lookup-tables` lookup is a
    `vector.gather` of bytes from the 256-byte table at zero-extended byte
    indices. On x86 with AVX-512 VBMI it becomes two
    `llvm.x86.avx512.vpermi2var.qi.512` (each looks up 64 lanes in one
    128-byte half of the table) and a select on the index's top bit; with
    AVX2, per 32 lanes, sixteen `llvm.x86.avx2.pshuf.b` (one per 16-byte
    row of the table, in both 128-bit lanes, by the index's low nibble),
    each kept where the index's high nibble is its row; on
    AArch64, per 16 lanes, one `tbl4` and three `tbx4` over the four
    64-byte quarters. Elsewhere the gather stays (LLVM scalarizes it: same
    values, slower). Runs after buffer deallocation, like
    `qnn-cpu-lower-dot-products`.

    Before:
    ```mlir
    %i = arith.index_castui %x : vector<64xi8> to vector<64xindex>
    %r = vector.gather %table[%c0] [%i], %all, %pass : memref<256xi8>, vector<64xindex>, vector<64xi1>, vector<64xi8> into vector<64xi8>
    ```
    After (x86):
    ```mlir
    %t0 = vector.load %table[%c0] : memref<256xi8>, vector<64xi8>
    ...
    %lo = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%t0, %x, %t1) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
    %hi = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%t2, %x, %t3) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
    %up = arith.cmpi slt, %x, %zero : vector<64xi8>
    %r = arith.select %up, %hi, %lo : vector<64xi1>, vector<64xi8>
    ```
  }];
  let options = [
    Option<"targetTriple", "target-triple", "std::string", /*default=*/"\"host\"",
           "Target triple, or \"host\"">,
    Option<"targetCPU", "target-cpu", "std::string", /*default=*/"\"\"",
           "LLVM CPU name of a non-host target">,
    Option<"targetFeatures", "target-features", "std::string",
           /*default=*/"\"\"", "LLVM features of a non-host target">,
  ];
  let dependentDialects = ["LLVM::LLVMDialect", "vector::VectorDialect",
                           "arith::ArithDialect"];
}

def QNNCPUVectorMath : Pass<"qnn-cpu-vector-math", "func::FuncOp"> {
  let summary = "Vector math functions as polynomial approximations";
  let description = [{
    A `math.exp` (sigmoid, softmax), `math.tanh`, `math.erf` (GELU) or
    `math.log` on a vector would lower through math-to-libm into one libm
    call per lane, with every lane extracted and inserted around it. This
    pass rewrites the math ops that produce vectors with upstream's
    polynomial approximations (`populateMathPolynomialApproximationPatterns`:
    range reduction and minimax polynomials, within a few ulp of libm), so
    they stay vector arithmetic. Scalar math ops keep libm.

    Before:
    ```mlir
    %e = math.exp %x : vector<16xf32>
    ```
    After (abridged):
    ```mlir
    %k = math.roundeven (%x * log2(e)) ...
    %p = math.fma ... : vector<16xf32>        // polynomial in the reduced argument
    %e = ... scaled by 2^k through the exponent bits ...
    ```
  }];
  let dependentDialects = ["arith::ArithDialect", "math::MathDialect",
                           "vector::VectorDialect"];
}

def QNNCPUPlanMemory : Pass<"qnn-cpu-plan-memory", "ModuleOp"> {
  let summary = "Place a function's static intermediate buffers in one arena";
  let description = [{
    Runs after bufferization and before buffer deallocation. Every
    `memref.alloc` with a static shape and identity layout in the body (not
    in a loop) of a function, whose buffer is not returned, gets a live
    range: from the allocation to the last operation of the body that uses
    it or a view of it. The buffers are placed in one byte arena with
    first-fit offsets (64-byte aligned), so buffers whose live ranges do not
    overlap share memory; the arena is a zero-initialized private
    `memref.global` of the module, and each allocation becomes a
    `memref.view` into it. An inference then calls no allocator for its
    intermediates. The arena makes the function non-reentrant: two threads
    must not call it at the same time.

    Before:
    ```mlir
    %0 = memref.alloc() {alignment = 64 : i64} : memref<1x24x96x16xi8>
    ...
    %1 = memref.alloc() {alignment = 64 : i64} : memref<1x24x96x16xf32>
    ```
    After:
    ```mlir
    memref.global "private" @__qnn_arena_main : memref<184320xi8> {alignment = 64 : i64}
    %a = memref.get_global @__qnn_arena_main : memref<184320xi8>
    %0 = memref.view %a[%c0][] : memref<184320xi8> to memref<1x24x96x16xi8>
    ...
    %1 = memref.view %a[%c36864][] : memref<184320xi8> to memref<1x24x96x16xf32>
    ```
  }];
  let dependentDialects = ["arith::ArithDialect", "memref::MemRefDialect"];
}

def QNNCPUTileAndVectorize : Pass<"qnn-cpu-tile-and-vectorize", "func::FuncOp"> {
  let summary = "Tile and vectorize the integer linalg kernels";
  let description = [{
    Prepares the linalg ops produced by `convert-qnn-to-linalg` (and the
    float ones from TOSA) for vector code (the generic path: what the
    microkernels do not cover, and the float ops); it skips the kernel
    functions of `qnn-cpu-microkernels`: 2-D convolutions are tiled so that
    the output height and kernel height are 1 and decomposed into 1-D
    convolutions; matmuls are tiled into register-sized blocks; then every
    linalg op with static shapes is vectorized (`linalg::vectorize`) and the
    vector patterns (transfer folding, contraction lowering) applied. Ops the
    vectorizer rejects stay as linalg and lower to loops.

    Before:
    ```mlir
    %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%x, %w : tensor<1x10x10x16xi32>, tensor<3x3x16xi8>) outs(%acc : tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32>
    ```
    After (one output row per iteration of the outer loop, one kernel row
    per iteration of the inner one):
    ```mlir
    %0 = scf.for %oh = %c0 to %c8 step %c1 iter_args(%a = %acc) -> (tensor<1x8x8x16xi32>) {
      %1 = scf.for %kh = %c0 to %c3 step %c1 iter_args(%b = %a) -> (tensor<1x8x8x16xi32>) {
        %3 = vector.transfer_read %in[%c0, %c0, %c0], %c0_i32 {in_bounds = [true, true, true]} : tensor<1x10x16xi32>, vector<1x10x16xi32>
        %4 = vector.transfer_read %w[%c0, %c0], %c0_i8 {in_bounds = [true, true]} : tensor<3x16xi8>, vector<3x16xi8>
        %6 = vector.extract_strided_slice %3 {offsets = [0, 0, 0], sizes = [1, 8, 16], strides = [1, 1, 1]} : vector<1x10x16xi32> to vector<1x8x16xi32>
        %23 = arith.muli %6, %22 : vector<1x8x16xi32>
        %24 = arith.addi %23, %5 : vector<1x8x16xi32>
        ...
    ```
  }];
  let dependentDialects = ["linalg::LinalgDialect", "scf::SCFDialect",
                           "vector::VectorDialect", "tensor::TensorDialect",
                           "arith::ArithDialect", "affine::AffineDialect"];
}

def QNNCPUInterleaveChannels : Pass<"qnn-cpu-interleave-channels",
                                    "func::FuncOp"> {
  let summary = "NCHW -> NHWC transposes of 2-4 channels as vector interleaves";
  let description = [{
    An NCHW model's input (an image: 3 channels) is transposed into the
    NHWC layout of the first convolution and, in an int8 model, quantized.
    Vectorized as a linalg op, that transpose (fused with the quantization)
    reads a vector along W from each channel plane and scatters it element
    by element into the interleaved output (a store per element: ~8 % of
    the int8 PaddleOCR classifier's time). This pass lowers each
    `tosa.transpose` with perms [0, 2, 3, 1] of a static tensor with 2-4
    channels (elements of 1-4 bytes) to loops over (n, h, blocks of 32
    bytes of W) that read one vector per channel, interleave them with one
    `vector.shuffle` and write one contiguous vector (the rest of W in
    power-of-two pieces, all in bounds). A per-tensor `quant.qcast` of such
    a transpose moves before it first, onto the contiguous planes, so the
    interleave moves bytes. Runs in `qnn-lower-to-llvm` (vectorize) before
    the TOSA lowering.

    Before:
    ```mlir
    %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x48x192xf32>) -> tensor<1x48x192x3xf32>
    %q = quant.qcast %t : tensor<1x48x192x3xf32> to tensor<1x48x192x3x!quant.uniform<u8:f32, 0.0078:128>>
    ```
    After:
    ```mlir
    %q = quant.qcast %x : tensor<1x3x48x192xf32> to tensor<1x3x48x192x!quant.uniform<u8:f32, 0.0078:128>>
    %s = quant.scast %q : tensor<1x3x48x192x!quant.uniform<u8:f32, 0.0078:128>> to tensor<1x3x48x192xi8>
    %r = scf.for %n = %c0 to %c1 step %c1 iter_args(%a = %empty) -> (tensor<1x48x576xi8>) {
      scf.for %h ... {
        scf.for %w0 = %c0 to %c192 step %c32 ... {
          %p0 = vector.transfer_read %s[%n, %c0, %h, %w0], %pad {in_bounds = [true]} : tensor<1x3x48x192xi8>, vector<32xi8>
          ... %p1, %p2 ...
          %i = vector.shuffle %all, %all [0, 32, 64, 1, 33, 65, ...] : vector<128xi8>, vector<128xi8>
          %w = vector.transfer_write %i, %b[%n, %h, %col] {in_bounds = [true]} : vector<96xi8>, tensor<1x48x576xi8>
          ...
    %e = tensor.expand_shape %r [[0], [1], [2, 3]] output_shape [1, 48, 192, 3] : tensor<1x48x576xi8> into tensor<1x48x192x3xi8>
    %y = quant.scast %e : tensor<1x48x192x3xi8> to tensor<1x48x192x3x!quant.uniform<u8:f32, 0.0078:128>>
    ```
  }];
  let dependentDialects = ["arith::ArithDialect", "scf::SCFDialect",
                           "tensor::TensorDialect", "vector::VectorDialect",
                           "quant::QuantDialect"];
}

def QNNCPUExpandStridedCopies : Pass<"qnn-cpu-expand-strided-copies",
                                     "func::FuncOp"> {
  let summary = "Turn memref.copy of non-contiguous buffers into linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` between non-contiguous
    (strided) buffers to a call to `memrefCopy` from MLIR's C runner
    library, which a standalone object (AArch64 under qemu, an embedded
    library) does not have. This pass rewrites those copies to `linalg.copy`,
    which lowers to loops; contiguous copies stay `memref.copy` (memcpy).

    Before:
    ```mlir
    memref.copy %a, %b : memref<1x8xi32, strided<[64, 1], offset: ?>> to memref<1x8xi32>
    ```
    After:
    ```mlir
    linalg.copy ins(%a : memref<1x8xi32, strided<[64, 1], offset: ?>>) outs(%b : memref<1x8xi32>)
    ```
  }];
  let dependentDialects = ["linalg::LinalgDialect"];
}

#endif // QMLIR_CODEGEN_CPU_PASSES_TD
