//===- Passes.td - QNN transformation passes ---------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
#define QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QNNFoldBatchNorm : Pass<"qnn-fold-batch-norm", "func::FuncOp"> {
  let summary = "Fold qnn.batch_norm into the producing convolution";
  let description = [{
    Folds an inference batch normalization into the `tosa.conv2d`,
    `tosa.depthwise_conv2d` or `tosa.transpose_conv2d` (OHWI weights like
    conv2d) that produces its input, when the convolution
    has no other user and its weight, bias and the BN parameters are
    constants:

    `W'[o] = W[o] * g[o]`, `b'[o] = (b[o] - mean[o]) * g[o] + beta[o]`,
    `g = gamma / sqrt(variance + epsilon)`, computed in double precision.

    BN's `beta` and `gamma` are kept on the convolution as the discardable
    attribute `qnn.folded_bn = #qnn.folded_bn<beta = [...], gamma = [...]>`
    for equalization, high-bias absorption and analytic bias correction. A batch norm that cannot be folded
    is left in place with a remark; it still lowers (`qnn-lower-to-llvm`).

    A `tosa.add` of a per-channel constant (shape `[1, ..., 1, N]`, `[N]` or
    a single value) after such a convolution folds into its bias first,
    `b'[o] = b[o] + c[o]`: the ONNX importer gives ConvTranspose's bias that
    form, and a batch norm after it then folds as well.

    Before:
    ```mlir
    %c = tosa.conv2d %x, %w, %b, %zp, %zp {...} : (...) -> tensor<1x16x16x8xf32>
    %y = qnn.batch_norm %c, %mean, %var, %gamma, %beta {epsilon = 1.0e-03 : f32}
        : (...) -> tensor<1x16x16x8xf32>
    ```
    After:
    ```mlir
    %y = tosa.conv2d %x, %w_folded, %b_folded, %zp, %zp {...,
           qnn.folded_bn = #qnn.folded_bn<beta = [...], gamma = [...]>}
        : (...) -> tensor<1x16x16x8xf32>
    ```
  }];
  let dependentDialects = ["tosa::TosaDialect"];
}

def QNNInsertObservers : Pass<"qnn-insert-observers", "func::FuncOp"> {
  let summary = "Insert calibration observers on the activations to quantize";
  let description = [{
    Inserts an uncalibrated `qnn.observe` after every float tensor argument
    of the function, on the input of every quantizable group (looking
    through reshapes) and after every quantizable group: a `tosa.conv2d`,
    `tosa.depthwise_conv2d` or `tosa.matmul` (with a following constant bias
    `tosa.add`), followed by an optional `tosa.clamp` (ReLU/ReLU6), and after
    `tosa.avg_pool2d`. Existing observers are not duplicated.

    Before:
    ```mlir
    %c = tosa.conv2d %x, ... ; %r = tosa.clamp %c {min_val = 0.0, max_val = 6.0}
    ```
    After:
    ```mlir
    %o = qnn.observe %x : tensor<1x16x16x3xf32>
    %c = tosa.conv2d %o, ... ; %r = tosa.clamp %c ...
    %o1 = qnn.observe %r : tensor<1x16x16x8xf32>
    ```
  }];
  let dependentDialects = ["qnn::QNNDialect"];
}

def QNNQuantize : Pass<"qnn-quantize", "func::FuncOp"> {
  let summary = "Quantize calibrated convolutions and matmuls to qnn ops";
  let description = [{
    Rewrites every quantizable group (see `qnn-insert-observers`) whose input
    and output are calibrated into a `qnn.conv2d` / `qnn.matmul`:
    activations asymmetric u8 per tensor (range widened to include 0),
    weights symmetric i8 in [-127, 127] per output channel (or per tensor;
    `weight-bits=7`: [-63, 63], which AVX2 multiplies with `vpmaddubsw`
    exactly, see qnn-cpu-microkernels; `pair-bounded`: each channel's scale
    maps its two largest positive weights, and its two most negative ones,
    to at most 127 together, so that rounded any two same-signed values sum
    to at most 128, the same kernels' bound, with nearly 8-bit accuracy
    where a channel's largest weight stands out),
    bias i32 with scale `s_in * s_w[c]`, and the requantization
    `M[c] = s_in * s_w[c] / s_out` as a fixed-point multiplier and shift with
    the chosen rounding mode. A fused ReLU/ReLU6 becomes the output clamp.
    Boundaries to the float ops left in place (pooling, reshapes, the
    function results) are `quant.qcast` / `quant.dcast`; the observers are
    removed. An uncalibrated observer on a quantized path is an error.
    Reshapes, transposes and tiles between a `quant.dcast` and a
    `quant.qcast` of one quantized type (a depth to space between two
    quantized convolutions) then move the stored integers instead
    (`quant.scast` to the storage type and back): exact, since dequantizing
    is elementwise and the round trip is the identity.

    Degenerate channels (all-zero or near-zero weights, a bias far beyond
    what the weights produce; common in pretrained networks) never fail: a
    channel's weight scale is raised to the smallest value at which its bias
    fits in i32 with room for the accumulation and its multiplier stays at
    or above 2^-31. Such a channel's weights round to 0 and it outputs its
    bias. A group whose calibrated output range is narrower than one
    accumulator step (multiplier >= 2^31) stays in float with a remark; so
    does a group whose result feeds a logarithm, reciprocal or reciprocal
    square root (through shape-only ops and the addition of a constant: a
    log-mel front end's log(x + eps)), where one 8-bit step near 0 becomes
    an error of any size. NaN or infinite weights or bias are an error.

    Before:
    ```mlir
    %o = qnn.observe %x {max = 1.0 : f32, min = 0.0 : f32} : tensor<1x16x16x3xf32>
    %c = tosa.conv2d %o, %w, %b, %zp, %zp {...} : (...) -> tensor<1x16x16x8xf32>
    %r = tosa.clamp %c {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : ...
    %o1 = qnn.observe %r {max = 4.2 : f32, min = 0.0 : f32} : tensor<1x16x16x8xf32>
    ```
    After:
    ```mlir
    %q = quant.qcast %x : tensor<1x16x16x3xf32> to tensor<1x16x16x3x!quant.uniform<u8:f32, 0.0039:0>>
    %wq = quant.scast %wi8 : tensor<8x3x3x3xi8> to tensor<8x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {...}>>
    %y = qnn.conv2d %q, %wq, %bias {clamp_max = 255 : i32, clamp_min = 0 : i32, ...}
        : ... -> tensor<1x16x16x8x!quant.uniform<u8:f32, 0.0165:0>>
    %f = quant.dcast %y : ... to tensor<1x16x16x8xf32>
    ```
  }];
  let options = [
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "Quantize weights per output channel (else per tensor)">,
    Option<"rounding", "rounding", "std::string", /*default=*/"\"single_round\"",
           "Requantization rounding: single_round (x*M rounded once, ties "
           "up), double_round (gemmlowp/TFLite) or half_even">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Weight precision, 2 to 8 bits: symmetric in "
           "[-(2^(bits-1) - 1), 2^(bits-1) - 1]">,
    Option<"pairBounded", "pair-bounded", "bool", /*default=*/"false",
           "Per-channel scales that keep the two largest same-signed "
           "weights of each channel within 127 together (the AVX2 "
           "vpmaddubsw kernels' exactness bound, at nearly 8-bit "
           "accuracy)">,
  ];
  let dependentDialects = ["qnn::QNNDialect", "quant::QuantDialect",
                           "arith::ArithDialect", "tensor::TensorDialect"];
}

def QNNFoldConstantDataMovement
    : Pass<"qnn-fold-constant-data-movement", "func::FuncOp"> {
  let summary = "Evaluate slices, concatenations, reshapes and transposes of constants";
  let description = [{
    Exported models rearrange weights at run time: an LSTM cell exported
    from PyTorch slices its stacked gate weights and concatenates them in
    another gate order; importers reshape and transpose matmul weights.
    TOSA's folders leave non-splat constants alone, so such weights would
    reach `qnn-quantize` as computed tensors (it quantizes constant weights
    only) and the compiled model would copy them on every inference. This
    pass evaluates `tosa.slice`, `tosa.concat`, `tosa.reshape` and
    `tosa.transpose` whose operands are all constants (any element type of
    whole bytes; results up to 64 MiB) into `tosa.const`. The ONNX importer
    runs it on every imported model.

    Before:
    ```mlir
    %w = "tosa.const"() <{values = dense<...> : tensor<512x128xf32>}> : () -> tensor<512x128xf32>
    %a = tosa.slice %w, %start0, %size : (tensor<512x128xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<128x128xf32>
    %b = tosa.slice %w, %start1, %size : (tensor<512x128xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<128x128xf32>
    %c = tosa.concat %b, %a {axis = 0 : i32} : (tensor<128x128xf32>, tensor<128x128xf32>) -> tensor<256x128xf32>
    %t = tosa.transpose %c {perms = array<i32: 1, 0>} : (tensor<256x128xf32>) -> tensor<128x256xf32>
    ```
    After:
    ```mlir
    %t = "tosa.const"() <{values = dense<...> : tensor<128x256xf32>}> : () -> tensor<128x256xf32>
    ```
  }];
  let dependentDialects = ["tosa::TosaDialect"];
}

def QNNSinkTransposes : Pass<"qnn-sink-transposes", "func::FuncOp"> {
  let summary = "Move layout transposes through elementwise ops until they cancel";
  let description = [{
    An NCHW model imported onto NHWC convolutions has a transpose pair
    around each stretch of elementwise ops (activations, residual adds, the
    squeeze-excite scale). An elementwise op commutes with a transpose of
    all its operands, `op(T(x), T(y)) = T(op(x, y))`, and a constant whose
    dimensions are all 1 is its own transpose; so each transpose is moved
    below the op it feeds (TOSA elementwise ops, per-tensor
    `quant.qcast`/`quant.dcast`, all-parallel `linalg.generic`s with
    identity maps) until it meets its inverse, and the pair folds away. The
    elementwise ops then run in NHWC, the layout of the convolutions.

    Before:
    ```mlir
    %1 = tosa.transpose %0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x24x96x8xf32>) -> tensor<1x8x24x96xf32>
    %2 = tosa.add %1, %three : (tensor<1x8x24x96xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x24x96xf32>
    %3 = tosa.clamp %2 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x8x24x96xf32>) -> tensor<1x8x24x96xf32>
    %4 = tosa.transpose %3 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x24x96xf32>) -> tensor<1x24x96x8xf32>
    ```
    After:
    ```mlir
    %1 = tosa.add %0, %three : (tensor<1x24x96x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x24x96x8xf32>
    %2 = tosa.clamp %1 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x24x96x8xf32>) -> tensor<1x24x96x8xf32>
    ```
  }];
  let dependentDialects = ["tosa::TosaDialect", "tensor::TensorDialect"];
}

def QNNResizeAsTile : Pass<"qnn-resize-as-tile", "func::FuncOp"> {
  let summary = "Nearest-neighbour upsampling by integer factors as reshape + tile";
  let description = [{
    tosa-to-linalg lowers every `tosa.resize` to a gather (an index
    division, remainder, rounding compare and clamp per output element and
    axis, one scalar load). A nearest-neighbour resize in which output row
    `o` reads input row `o / s` and column `o / t` (the 2x/4x/8x upsampling
    of FPN and DBNet necks) is a repetition instead: reshape to
    `[N, H, 1, W, 1, C]`, `tosa.tile` by `[1, 1, s, 1, t, 1]`, reshape to
    `[N, H*s, W*t, C]`, which lowers to copies vectorized along C. The pass
    decides it by evaluating the lowering's own index computation for every
    output index at compile time, so the rewrite is exact; other resizes
    (bilinear, fractional or shifted scales) are left as they are.

    Before:
    ```mlir
    %r = tosa.resize %x, %scale, %offset, %border {mode = NEAREST_NEIGHBOR}
        : (tensor<1x10x10x96xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x20x20x96xf32>
    ```
    (`%scale = [2, 1, 2, 1]`, `%offset = [-1, -1]`, `%border = [0, 0]`)
    After:
    ```mlir
    %0 = tosa.reshape %x, %s6 : (tensor<1x10x10x96xf32>, !tosa.shape<6>) -> tensor<1x10x1x10x1x96xf32>
    %1 = tosa.tile %0, %m : (tensor<1x10x1x10x1x96xf32>, !tosa.shape<6>) -> tensor<1x10x2x10x2x96xf32>
    %r = tosa.reshape %1, %s4 : (tensor<1x10x2x10x2x96xf32>, !tosa.shape<4>) -> tensor<1x20x20x96xf32>
    ```
  }];
  let dependentDialects = ["tosa::TosaDialect"];
}

def QNNTransposeConvAsConv : Pass<"qnn-transpose-conv-as-conv", "func::FuncOp"> {
  let summary = "Transposed convolutions whose kernel is their stride as 1x1 convolutions";
  let description = [{
    A `tosa.transpose_conv2d` whose kernel equals its stride, with no
    output padding and zero zero points (the learned 2x upsampling of
    DBNet heads and U-Net decoders), writes one sy x sx output block per
    input pixel: it is a 1x1 `tosa.conv2d` with sy*sx*OC output channels
    (channel `(ky*sx + kx)*OC + oc` holds `W[oc, ky, kx, :]`, the bias
    tiled) followed by a depth-to-space (reshape, transpose, reshape). The
    1x1 convolution is quantizable and runs on the int8 microkernels. Run
    after `qnn-fold-batch-norm`, which folds a batch norm into the
    transposed convolution first. Other transposed convolutions are left
    alone. A `tosa.clamp` (ReLU) that is the transposed convolution's only
    user moves before the depth to space, beside the convolution, whose
    quantization then fuses it.

    Before:
    ```mlir
    %y = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}
        : (tensor<1x80x80x24xf32>, tensor<24x2x2x24xf32>, tensor<24xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x160x160x24xf32>
    ```
    After:
    ```mlir
    %c = tosa.conv2d %x, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
        : (tensor<1x80x80x24xf32>, tensor<96x1x1x24xf32>, tensor<96xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x80x80x96xf32>
    %r = tosa.reshape %c, %s6 : (tensor<1x80x80x96xf32>, !tosa.shape<6>) -> tensor<1x80x80x2x2x24xf32>
    %t = tosa.transpose %r {perms = array<i32: 0, 1, 3, 2, 4, 5>} : (tensor<1x80x80x2x2x24xf32>) -> tensor<1x80x2x80x2x24xf32>
    %y = tosa.reshape %t, %s4 : (tensor<1x80x2x80x2x24xf32>, !tosa.shape<4>) -> tensor<1x160x160x24xf32>
    ```
  }];
  let dependentDialects = ["tosa::TosaDialect"];
}

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_PASSES_TD
