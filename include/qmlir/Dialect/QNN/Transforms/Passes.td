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
    for equalization, high-bias absorption and analytic bias correction. A
    batch norm that cannot be folded is left in place with a remark; it
    still lowers (`qnn-lower-to-llvm`).

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

def QNNEqualize : Pass<"qnn-equalize", "func::FuncOp"> {
  let summary = "Cross-layer equalization of consecutive convolutions";
  let description = [{
    Data-free cross-layer equalization (Nagel et al. 2019, arXiv:1906.04721
    section 4.1). For two convolutions joined by a positively homogeneous
    path (a ReLU or an identity `tosa.clamp`, `tosa.max_pool2d`, observers;
    every op with one user), output channel `i` of the first layer and input
    channel `i` of the second are rescaled by
    `s_i = sqrt(r1_i / r2_i)` (`r1_i`: largest |w| of the first layer's
    output channel, `r2_i`: of the second layer's input channel):
    `W1[i] /= s_i`, `b1[i] /= s_i`, `W2[:, i] *= s_i`, after which both
    channels have range `sqrt(r1_i * r2_i)`. Since `relu(x / s) = relu(x) /
    s` and the padding is 0, the function is unchanged (up to f32 rounding
    of the new weights). A depthwise convolution counts as a layer on both
    sides, so a conv -> depthwise -> conv chain balances all three (the
    fixed point of the pairwise steps equals AIMET's triplet scaling). The
    steps repeat over all pairs until no scale differs from 1 by more than
    `threshold`, at most `iterations` times. A folded batch norm's beta and
    gamma on the first layer are divided by `s_i` too.

    Refused, each with a remark on the first layer: a result with several
    users (a split), a path through any other op (a residual add, a
    concatenation, hard-swish or sigmoid, which are not homogeneous), a
    clamp with a bound other than 0 or infinity (ReLU6: `min(x, 6) / s` is
    a per-channel bound that `tosa.clamp` cannot express; AIMET instead
    replaces ReLU6 by ReLU, which changes the function), non-constant
    weights. Matmuls are not equalized.

    Before (r1 = [4, 1], r2 = [1, 4]):
    ```mlir
    %a = tosa.conv2d %x, %w1, %b1, ... // out channels: |w| <= 4, |w| <= 1
    %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32}
    %c = tosa.conv2d %r, %w2, %b2, ... // in channels: |w| <= 1, |w| <= 4
    ```
    After (s = [2, 0.5]; every channel's range is 2):
    ```mlir
    %a = tosa.conv2d %x, %w1_div_s, %b1_div_s, ...
    %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32}
    %c = tosa.conv2d %r, %w2_mul_s, %b2, ...
    ```
  }];
  let options = [
    Option<"iterations", "iterations", "unsigned", /*default=*/"20",
           "Largest number of sweeps over all pairs">,
    Option<"threshold", "threshold", "double", /*default=*/"1e-3",
           "Stop once every scale of a sweep is within this of 1">,
  ];
  let statistics = [
    Statistic<"numPairs", "pairs", "Layer pairs equalized">,
    Statistic<"numSweeps", "sweeps", "Sweeps run">,
  ];
  let dependentDialects = ["tosa::TosaDialect"];
}

def QNNAbsorbHighBias : Pass<"qnn-absorb-high-bias", "func::FuncOp"> {
  let summary = "Move the part of a bias that a ReLU passes on into the next layer";
  let description = [{
    High-bias absorption (Nagel et al. 2019, section 4.1; AIMET
    HighBiasFold). When a convolution with a folded batch norm (its output
    ~ N(beta, gamma^2), `qnn.folded_bn`) is followed by a ReLU (and
    optionally a max pool) and another convolution without padding, the
    amount `c_i = max(0, beta_i - 3 * |gamma_i|)` that every output of
    channel `i` almost surely exceeds passes the ReLU unchanged:
    `relu(y) = relu(y - c) + c` whenever `y >= c`. So `b1 -= c`,
    `beta -= c`, and the next layer's bias absorbs it:
    `b2[o] += sum_{kh, kw, i} W2[o, kh, kw, i] * c_i`. The first layer's
    output range shrinks by `c`, which is what its 8-bit activation scale
    gains. The function changes only for inputs whose pre-activation falls
    below `beta - 3 * gamma` (0.13 % of a normal distribution). Run it after
    `qnn-equalize`, which can make biases large.

    Refused with a remark: no folded batch norm on the first layer, an
    activation other than a ReLU (ReLU6 would need a per-channel bound), a
    next layer that pads its input (its border would see `-c` instead of 0).

    Before (beta = 5, gamma = 1, so c = 2):
    ```mlir
    %a = tosa.conv2d %x, %w1, %b1 {..., qnn.folded_bn = #qnn.folded_bn<beta = [5.0], gamma = [1.0]>}
    %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32}
    %c = tosa.conv2d %r, %w2, %b2 {pad = array<i64: 0, 0, 0, 0>, ...}
    ```
    After:
    ```mlir
    %a = tosa.conv2d %x, %w1, %b1_minus_2 {..., qnn.folded_bn = #qnn.folded_bn<beta = [3.0], gamma = [1.0]>}
    %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32}
    %c = tosa.conv2d %r, %w2, %b2_plus_2_sum_w2 {pad = array<i64: 0, 0, 0, 0>, ...}
    ```
  }];
  let statistics = [
    Statistic<"numAbsorbed", "absorbed", "Layer pairs with a bias absorbed">,
  ];
  let dependentDialects = ["tosa::TosaDialect"];
}

def QNNCorrectBias : Pass<"qnn-correct-bias", "func::FuncOp"> {
  let summary = "Remove the mean error that weight quantization adds to each output";
  let description = [{
    Bias correction (Nagel et al. 2019, section 4.2). Quantizing a layer's
    weights to `W_q` shifts the mean of its output by `eps * E[x]`,
    `eps = W_q - W` summed over the kernel window; subtracting that from the
    float bias before `qnn-quantize` removes the shift:
    `b[o] -= sum_{kh, kw, i} eps[o, kh, kw, i] * E[x_i]`. `W_q` is computed
    exactly as `qnn-quantize` will (the same `per-channel`, `weight-bits`
    and `pair-bounded` options, symmetric scales from the largest |w| of a
    channel), so the pass must run with the quantizer's options, after
    calibration and before quantization.

    `E[x_i]`, the mean of input channel `i`:
    - `mode=analytic` (data-free): the input is the output of a convolution
      with a folded batch norm, N(beta, gamma^2), through an optional clamp
      `[a, b]` (ReLU, ReLU6, none): with `alpha = (a - beta) / gamma`,
      `beta' = (b - beta) / gamma`,
      `E[x] = gamma (phi(alpha) - phi(beta')) + beta (Phi(beta') - Phi(alpha))
      + a Phi(alpha) + b (1 - Phi(beta'))` (`beta` when unclamped). Layers
      whose input has no such statistics are left with a remark.
    - `mode=empirical`: the per-channel mean of the layer's input on the
      calibration data, which `qnn-calibrate` records on the input's
      observer (`mean`). This is the layer's float output minus its output
      with quantized weights, on the same float inputs, averaged (NNCF's
      fast bias correction); it needs no batch norm.

    Zero padding is not modelled: a border output's input mean is lower.
    Matmuls are corrected in `mode=empirical` only.

    Before (E[x] = 2, weights 0.3 quantize to 0.2992 at scale 0.3/127 ...):
    ```mlir
    %c = tosa.conv2d %x, %w, %b, ...
    ```
    After:
    ```mlir
    %c = tosa.conv2d %x, %w, %b_corrected, ...
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"analytic\"",
           "analytic (batch-norm statistics) or empirical (calibration "
           "means)">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"true",
           "As qnn-quantize's option">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "As qnn-quantize's option">,
    Option<"pairBounded", "pair-bounded", "bool", /*default=*/"false",
           "As qnn-quantize's option">,
  ];
  let statistics = [
    Statistic<"numCorrected", "corrected", "Layers whose bias was corrected">,
  ];
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
