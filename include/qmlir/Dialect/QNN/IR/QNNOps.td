//===- QNNOps.td - QNN operations --------------------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNOPS_TD
#define QMLIR_DIALECT_QNN_IR_QNNOPS_TD

include "qmlir/Dialect/QNN/IR/QNNDialect.td"
include "qmlir/Dialect/QNN/IR/QNNAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def QNN_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;
def QNN_QuantTensor : RankedTensorOf<[quant_QuantizedType]>;
def QNN_I32Tensor : RankedTensorOf<[I32]>;

//===----------------------------------------------------------------------===//
// Float graph ops
//===----------------------------------------------------------------------===//

def QNN_BatchNormOp : QNN_Op<"batch_norm", [Pure]> {
  let summary = "Inference-form batch normalization over the last dimension";
  let description = [{
    `y = (x - mean) / sqrt(variance + epsilon) * gamma + beta`, per channel,
    where the channel is the last (innermost) dimension (NHWC). TOSA has no
    batch normalization; keeping it as one op lets `qnn-fold-batch-norm` fold
    it exactly and keep `beta`/`gamma` for analytic bias correction.

    ```mlir
    %y = qnn.batch_norm %x, %mean, %var, %gamma, %beta {epsilon = 1.0e-03 : f32}
        : (tensor<1x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>,
           tensor<16xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
    ```
  }];
  let arguments = (ins QNN_FloatTensor:$input, QNN_FloatTensor:$mean,
                   QNN_FloatTensor:$variance, QNN_FloatTensor:$gamma,
                   QNN_FloatTensor:$beta, F32Attr:$epsilon);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $mean `,` $variance `,` $gamma `,` $beta attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_ObserveOp : QNN_Op<"observe", [Pure, SameOperandsAndResultType]> {
  let summary = "Calibration observer: identity on a float tensor";
  let description = [{
    Marks a float activation whose range the calibration must record. It
    computes the identity. `qnn-calibrate` fills `min` and `max` with the
    range seen on the calibration inputs; `qnn-quantize` derives the
    activation's scale and zero point from them and removes the observer.
    With `means=true`, `qnn-calibrate` also records `mean`, the mean of each
    channel (the last dimension) over the calibration inputs, which
    empirical `qnn-correct-bias` reads.

    ```mlir
    %0 = qnn.observe %x : tensor<1x16x16x3xf32>
    %1 = qnn.observe %y {max = 5.9 : f32, min = 0.0 : f32} : tensor<1x8x8x16xf32>
    %2 = qnn.observe %z {max = 2.0 : f32, mean = array<f32: 0.5, 1.25>, min = 0.0 : f32} : tensor<1x8x8x2xf32>
    ```
  }];
  let arguments = (ins QNN_FloatTensor:$input, OptionalAttr<F32Attr>:$min,
                   OptionalAttr<F32Attr>:$max,
                   OptionalAttr<DenseF32ArrayAttr>:$mean);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True when calibration statistics are present.
    bool isCalibrated() { return getMin().has_value() && getMax().has_value(); }
  }];
}

def QNN_DynamicQuantizeOp : QNN_Op<"dynamic_quantize", [Pure]> {
  let summary = "Quantize to u8 with a range measured at run time";
  let description = [{
    Dynamic (run-time) asymmetric u8 quantization, as ONNX
    DynamicQuantizeLinear: with `lo = min(0, min(x))`, `hi = max(0, max(x))`,
    `scale = (hi - lo) / 255`, `zero_point = round_half_even(saturate(0 -
    lo / scale))` and `y = saturate(round_half_even(x / scale) + zero_point)`,
    all in f32. `output` and `zero_point` hold u8 values in i8 storage.

    ```mlir
    %y, %s, %zp = qnn.dynamic_quantize %x : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<f32>, tensor<i8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input);
  let results = (outs RankedTensorOf<[I8]>:$output, 0DTensorOf<[F32]>:$scale,
                      0DTensorOf<[I8]>:$zero_point);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output) `,` type($scale) `,`
    type($zero_point)
  }];
  let hasVerifier = 1;
}

def QNN_QuantizeLinearOp : QNN_Op<"quantize_linear", [Pure]> {
  let summary = "Quantize with a scale and zero point known only at run time";
  let description = [{
    `y = saturate(round_half_even(x / scale) + zero_point)` (ONNX
    QuantizeLinear) where `scale` and `zero_point` are one-element tensors
    computed at run time, as in graphs that measure their own range
    (DynamicQuantizeLinear's expansion). The result holds u8 values (with
    `is_unsigned`) or i8 values in i8 storage. Constant parameters use
    `quant.qcast` instead, whose quantized type carries them.

    ```mlir
    %y = qnn.quantize_linear %x, %s, %zp {is_unsigned} : (tensor<3x4xf32>, tensor<f32>, tensor<i8>) -> tensor<3x4xi8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input,
                   RankedTensorOf<[F32]>:$scale,
                   RankedTensorOf<[I8]>:$zero_point, UnitAttr:$is_unsigned);
  let results = (outs RankedTensorOf<[I8]>:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantized compute ops
//===----------------------------------------------------------------------===//

class QNN_RequantizedOp<string mnemonic, list<Trait> traits = []>
    : QNN_Op<mnemonic, !listconcat(traits, [Pure])> {
  dag requantArgs = (ins DenseI32ArrayAttr:$multiplier,
                     DenseI32ArrayAttr:$shift, I32Attr:$clamp_min,
                     I32Attr:$clamp_max, QNN_RoundingModeAttr:$rounding);
  // Conv and matmul may also return the raw i32 accumulator (ONNX
  // ConvInteger / MatMulInteger): then there is no requantization.
  dag optionalRequantArgs = (ins OptionalAttr<DenseI32ArrayAttr>:$multiplier,
                             OptionalAttr<DenseI32ArrayAttr>:$shift,
                             OptionalAttr<I32Attr>:$clamp_min,
                             OptionalAttr<I32Attr>:$clamp_max,
                             OptionalAttr<QNN_RoundingModeAttr>:$rounding);
}

def QNN_QuantOrI32Tensor : AnyTypeOf<[QNN_QuantTensor, QNN_I32Tensor]>;

def QNN_Conv2DOp : QNN_RequantizedOp<"conv2d"> {
  let summary = "Quantized 2-D convolution (NHWC, FHWC) with requantization";
  let description = [{
    Integer convolution of a quantized NHWC input with a quantized weight of
    layout [O, KH, KW, C/groups] (per-tensor or per-axis on dimension 0), plus
    an i32 bias of scale `s_in * s_w[o]`, accumulated in i32 and requantized
    to the output type:

    `out[o] = clamp(zp_out + round(acc[o] * multiplier[o] * 2^-shift[o]),
                    clamp_min, clamp_max)`

    with the rounding given by `rounding`. `multiplier`/`shift` have one entry
    or one per output channel; `clamp_min`/`clamp_max` are in output storage
    units (a fused ReLU/ReLU6). `padding` is [top, bottom, left, right];
    padded input elements are the real value 0.0 (i.e. the input zero point).
    `groups == C` with `O == C` is a depthwise convolution.

    With an `i32` result the op returns the accumulator (bias included, zero
    points applied) and takes no requantization attributes (ONNX
    ConvInteger).

    ```mlir
    %y = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32,
          dilations = array<i64: 1, 1>, groups = 1 : i64,
          multiplier = array<i32: 1518500250, 1200000000>,
          padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>,
          shift = array<i32: 38, 37>, strides = array<i64: 1, 1>}
        : tensor<1x16x16x3x!quant.uniform<u8:f32, 0.0039:0>>,
          tensor<2x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>,
          tensor<2xi32> -> tensor<1x16x16x2x!quant.uniform<u8:f32, 0.05:0>>
    ```
  }];
  let arguments = !con((ins QNN_QuantTensor:$input, QNN_QuantTensor:$weight,
                        QNN_I32Tensor:$bias, DenseI64ArrayAttr:$strides,
                        DenseI64ArrayAttr:$padding,
                        DenseI64ArrayAttr:$dilations, I64Attr:$groups),
                       optionalRequantArgs);
  let results = (outs QNN_QuantOrI32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias attr-dict `:` type($input) `,` type($weight)
    `,` type($bias) `->` type($output)
  }];
  let hasVerifier = 1;
}

def QNN_MatmulOp : QNN_RequantizedOp<"matmul"> {
  let summary = "Quantized matmul / fully connected with requantization";
  let description = [{
    `lhs` [M, K] (per-tensor quantized) times `rhs` [K, N] (per-tensor or
    per-axis on dimension 1), plus an i32 bias [N] of scale `s_lhs * s_rhs[n]`,
    accumulated in i32 and requantized like `qnn.conv2d`, or returned as the
    i32 accumulator when the result type is `i32` (ONNX MatMulInteger).

    ```mlir
    %y = qnn.matmul %a, %w, %b {clamp_max = 127 : i32, clamp_min = -128 : i32,
          multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<half_even>,
          shift = array<i32: 37>}
        : tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>,
          tensor<32x10x!quant.uniform<i8<-127:127>:f32, 0.01>>,
          tensor<10xi32> -> tensor<4x10x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = !con((ins QNN_QuantTensor:$lhs, QNN_QuantTensor:$rhs,
                        QNN_I32Tensor:$bias), optionalRequantArgs);
  let results = (outs QNN_QuantOrI32Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $bias attr-dict `:` type($lhs) `,` type($rhs) `,`
    type($bias) `->` type($output)
  }];
  let hasVerifier = 1;
}

def QNN_RequantizeOp : QNN_RequantizedOp<"requantize"> {
  let summary = "Requantize an i32 accumulator to a quantized tensor";
  let description = [{
    `out = clamp(zp_out + round(x * multiplier[c] * 2^-shift[c]), clamp_min,
    clamp_max)` where `c` indexes the last dimension (or a single entry for
    all elements) and `round` is the explicit rounding mode.

    ```mlir
    %q = qnn.requantize %acc {clamp_max = 255 : i32, clamp_min = 0 : i32,
          multiplier = array<i32: 1073741824>, rounding = #qnn.rounding<single_round>,
          shift = array<i32: 33>}
        : tensor<4x8xi32> -> tensor<4x8x!quant.uniform<u8:f32, 0.5:10>>
    ```
  }];
  let arguments = !con((ins QNN_I32Tensor:$input), requantArgs);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // QMLIR_DIALECT_QNN_IR_QNNOPS_TD
