// qnn-lower-to-llvm with results-as-out-params: the result's allocation
// becomes a trailing argument the caller provides (no malloc left in the
// function); without it the function allocates and returns its result.
// RUN: quant-opt %s --qnn-lower-to-llvm=results-as-out-params \
// RUN:   | FileCheck %s --implicit-check-not=malloc
// RUN: quant-opt %s --qnn-lower-to-llvm | FileCheck %s --check-prefix=RETURNED

// The input's descriptor (7 fields), then the output's; no result.
// CHECK-LABEL: llvm.func @model(
// CHECK-SAME: %arg6: i64, %arg7: !llvm.ptr, %arg8: !llvm.ptr,
// CHECK-SAME: %arg13: i64) attributes
// CHECK-NOT: llvm.return %
// CHECK: llvm.return
// CHECK-LABEL: llvm.func @_mlir_ciface_model(
// CHECK-SAME: %arg0: !llvm.ptr, %arg1: !llvm.ptr)

// RETURNED-LABEL: llvm.func @model(
// RETURNED: llvm.call @malloc
// RETURNED-LABEL: llvm.func @_mlir_ciface_model(
// RETURNED-SAME: %arg0: !llvm.ptr, %arg1: !llvm.ptr)
func.func @model(%x: tensor<4x16xf32>) -> tensor<4x16xf32>
    attributes {llvm.emit_c_interface} {
  %c = "tosa.const"() <{values = dense<1.5> : tensor<4x16xf32>}> : () -> tensor<4x16xf32>
  %y = tosa.add %x, %c : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
