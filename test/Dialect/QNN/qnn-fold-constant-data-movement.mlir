// RUN: quant-opt %s --split-input-file --qnn-fold-constant-data-movement | FileCheck %s

// The gate reordering of an LSTM cell exported from PyTorch: slices of the
// stacked weights, concatenated in another order, transposed, reshaped for
// tosa.matmul. Every step on constants: one constant is left, the matmul's.
// CHECK-LABEL: func.func @gates
// CHECK-NOT: tosa.slice
// CHECK-NOT: tosa.concat
// CHECK-NOT: tosa.transpose
// CHECK-NOT: tosa.reshape
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}3.000000e+00, 4.000000e+00, 5.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00], [3.500000e+00, 4.500000e+00, 5.500000e+00, 5.000000e-01, 1.500000e+00, 2.500000e+00]]]> : tensor<1x2x6xf32>}>
// CHECK: tosa.matmul %{{.*}}, %[[W]]
func.func @gates(%x: tensor<1x1x2xf32>) -> tensor<1x1x6xf32> {
  // Rows are gates (i: 0..2, f: 3..5), columns the two inputs.
  %w = "tosa.const"() <{values = dense<[[0.0, 0.5], [1.0, 1.5], [2.0, 2.5], [3.0, 3.5], [4.0, 4.5], [5.0, 5.5]]> : tensor<6x2xf32>}> : () -> tensor<6x2xf32>
  %s0 = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s3 = tosa.const_shape {values = dense<[3, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[3, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %i = tosa.slice %w, %s0, %size : (tensor<6x2xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<3x2xf32>
  %f = tosa.slice %w, %s3, %size : (tensor<6x2xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<3x2xf32>
  %fi = tosa.concat %f, %i {axis = 0 : i32} : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<6x2xf32>
  %t = tosa.transpose %fi {perms = array<i32: 1, 0>} : (tensor<6x2xf32>) -> tensor<2x6xf32>
  %shape = tosa.const_shape {values = dense<[1, 2, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %t3 = tosa.reshape %t, %shape : (tensor<2x6xf32>, !tosa.shape<3>) -> tensor<1x2x6xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %t3, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x6xf32>
  return %y : tensor<1x1x6xf32>
}

// -----

// Integers, a concatenation along an inner axis, a 3-D transpose and a
// splat operand.
// CHECK-LABEL: func.func @ints
// CHECK: "tosa.const"() <{values = dense<{{\[\[\[}}1, 2, 7], [3, 4, 7]]]> : tensor<1x2x3xi8>}>
// CHECK: "tosa.const"() <{values = dense<{{\[\[\[}}1, 3], [2, 4]]]> : tensor<1x2x2xi8>}>
func.func @ints() -> (tensor<1x2x3xi8>, tensor<1x2x2xi8>) {
  %a = "tosa.const"() <{values = dense<[[[1, 2], [3, 4]]]> : tensor<1x2x2xi8>}> : () -> tensor<1x2x2xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<1x2x1xi8>}> : () -> tensor<1x2x1xi8>
  %c = tosa.concat %a, %b {axis = 2 : i32} : (tensor<1x2x2xi8>, tensor<1x2x1xi8>) -> tensor<1x2x3xi8>
  %t = tosa.transpose %a {perms = array<i32: 0, 2, 1>} : (tensor<1x2x2xi8>) -> tensor<1x2x2xi8>
  return %c, %t : tensor<1x2x3xi8>, tensor<1x2x2xi8>
}

// -----

// Computed operands are left alone (a concatenation with one constant
// operand, a slice of an argument).
// CHECK-LABEL: func.func @computed
// CHECK: tosa.slice %arg0
// CHECK: tosa.concat
func.func @computed(%x: tensor<4xf32>) -> tensor<6xf32> {
  %c = "tosa.const"() <{values = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>}> : () -> tensor<4xf32>
  %start = tosa.const_shape {values = dense<1> : tensor<1xindex>} : () -> !tosa.shape<1>
  %size = tosa.const_shape {values = dense<2> : tensor<1xindex>} : () -> !tosa.shape<1>
  %s = tosa.slice %x, %start, %size : (tensor<4xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<2xf32>
  %y = tosa.concat %s, %c {axis = 0 : i32} : (tensor<2xf32>, tensor<4xf32>) -> tensor<6xf32>
  return %y : tensor<6xf32>
}
