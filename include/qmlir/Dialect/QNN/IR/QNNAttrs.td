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

#endif // QMLIR_DIALECT_QNN_IR_QNNATTRS_TD
