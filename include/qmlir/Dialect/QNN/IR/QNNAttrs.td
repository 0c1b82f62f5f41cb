//===- QNNAttrs.td - QNN attributes ------------------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_IR_QNNATTRS_TD
#define QMLIR_DIALECT_QNN_IR_QNNATTRS_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "qmlir/Dialect/QNN/IR/QNNDialect.td"

def QNN_RoundingMode : I32EnumAttr<"RoundingMode",
    "rounding of the fixed-point requantization", [
  // gemmlowp / TFLite: saturating rounding doubling high multiply, then a
  // rounding (half away from zero) divide by a power of two.
  I32EnumAttrCase<"DoubleRound", 0, "double_round">,
  // TOSA SINGLE_ROUND: (x * m + 2^(t-1)) >> t, ties towards +infinity.
  I32EnumAttrCase<"SingleRound", 1, "single_round">,
  // Exact x * m * 2^-t rounded half to even (ONNX QuantizeLinear rounding).
  I32EnumAttrCase<"HalfEven", 2, "half_even">
]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::qmlir::qnn";
}

def QNN_RoundingModeAttr : EnumAttr<QNN_Dialect, QNN_RoundingMode, "rounding"> {
  let assemblyFormat = "`<` $value `>`";
}

def QNN_FoldedBatchNormAttr : AttrDef<QNN_Dialect, "FoldedBatchNorm"> {
  let mnemonic = "folded_bn";
  let summary = "The output distribution of a batch norm folded into a layer";
  let description = [{
    Kept by `qnn-fold-batch-norm` on the convolution a batch norm folded
    into, under the discardable name `qnn.folded_bn`: per output channel,
    the batch norm's `beta` and `gamma`, i.e. the layer's pre-activation
    output is modelled as N(beta, gamma^2). `qnn-equalize` divides both by a
    channel's equalization scale, `qnn-absorb-high-bias` lowers `beta` by
    what it absorbs, and analytic `qnn-correct-bias` reads them to estimate
    the mean of the next layer's input.

    ```mlir
    #qnn.folded_bn<beta = [0.25, -1.0], gamma = [4.0, 0.5]>
    ```
  }];
  let parameters = (ins "::mlir::DenseF32ArrayAttr":$beta,
                        "::mlir::DenseF32ArrayAttr":$gamma);
  let assemblyFormat = "`<` `beta` `=` $beta `,` `gamma` `=` $gamma `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The name under which a layer carries it.
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("qnn.folded_bn");
    }
  }];
}

#endif // QMLIR_DIALECT_QNN_IR_QNNATTRS_TD
