//===- QNNDialect.td - Quantized neural network dialect ----*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD
#define QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD

include "mlir/IR/OpBase.td"

def QNN_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::mlir::qmlir::qnn";
  let summary = "Quantized neural network operations";
  let description = [{
    The `qnn` dialect models what upstream MLIR lacks for post-training
    quantization: an inference-form batch normalization (TOSA has none),
    calibration observers, and integer convolution / matmul ops with a fused
    requantization epilogue (fixed-point multiplier and shift per output
    channel, output zero point, activation clamp, explicit rounding mode).

    Quantized values use the upstream `!quant.uniform` types; boundaries use
    the upstream `quant.qcast`, `quant.dcast` and `quant.scast` ops.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
  // `qnn.folded_bn` on a layer: a #qnn.folded_bn of its output channels.
  let hasOperationAttrVerify = 1;
}

class QNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QNN_Dialect, mnemonic, traits>;

#endif // QMLIR_DIALECT_QNN_IR_QNNDIALECT_TD
