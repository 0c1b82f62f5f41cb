//===- Passes.td - qmlir conversion passes -----------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_TD
#define QMLIR_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQNNToLinalg : Pass<"convert-qnn-to-linalg", "ModuleOp"> {
  let summary = "Lower qnn ops and quant casts to integer linalg + arith";
  let description = [{
    The reference lowering of the quantized ops. Quantized tensor types
    become their storage types (`!quant.uniform<u8:...>` -> `i8`), and:

    - first, for every `qnn.conv2d` / `qnn.matmul` with constant weights and
      bias, a proof that its i32 accumulator cannot overflow (per output
      channel, |bias - zp_in * sum(W')| + max|a| * sum|W'| <= 2^31 - 1,
      W' the weights less their zero point, max|a| 255 for u8 and 128 for i8
      inputs); an op that fails it is an error (its result would wrap).

    - `qnn.conv2d` -> the input widened with `arith.extui`/`extsi` to i32 and
      padded with its zero point (`tensor.pad`), then
      `linalg.conv_2d_nhwc_hwcf` (or `linalg.depthwise_conv_2d_nhwc_hwc`
      for depthwise) on the raw weights, accumulating into the bias. The
      input zero-point term `zp_in * sum(W[o])` is folded into the bias at
      compile time for constant weights; a non-zero weight zero point is
      subtracted from the weights first. Grouped convolutions are split per
      group.
    - `qnn.matmul` -> `linalg.matmul` the same way.
    - requantization -> a `linalg.generic` doing the fixed-point multiply in
      i64 with the op's rounding mode, adding the output zero point and
      clamping (bit-exact with `lib/Support/Requantize.cpp`).
    - `quant.qcast` -> round half to even of `x / scale` plus zero point,
      saturated; `quant.dcast` -> `(q - zp) * scale`; `quant.scast` -> a no-op.
    - `qnn.batch_norm` (left unfolded) and `qnn.observe` -> float linalg.

    Before:
    ```mlir
    %y = qnn.matmul %a, %w, %b {...} : tensor<1x32x!quant.uniform<u8:f32, 0.1:3>>, ...
    ```
    After:
    ```mlir
    %ext = linalg.generic ... { arith.extui %in : i8 to i32 }
    %acc = linalg.matmul ins(%ext, %w : tensor<1x32xi32>, tensor<32x10xi8>) outs(%bias : tensor<1x10xi32>)
    %y = linalg.generic ... { ... arith.muli ... arith.shrsi ... arith.trunci }
    ```
  }];
  let dependentDialects = ["linalg::LinalgDialect", "arith::ArithDialect",
                           "math::MathDialect", "tensor::TensorDialect"];
}

#endif // QMLIR_CONVERSION_PASSES_TD
