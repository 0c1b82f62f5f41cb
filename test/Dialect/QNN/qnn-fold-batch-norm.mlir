// RUN: quant-opt %s --qnn-fold-batch-norm --split-input-file --verify-diagnostics | FileCheck %s

// g = gamma / sqrt(var + eps) = 4 / sqrt(3 + 1) = 2
// W' = 2 * 2 = 4, b' = (1 - 0.5) * 2 + 0.25 = 1.25
// CHECK-LABEL: func @conv
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<4.000000e+00> : tensor<1x1x1x1xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<1.250000e+00> : tensor<1xf32>}>
// CHECK: %[[C:.*]] = tosa.conv2d %{{.*}}, %[[W]], %[[B]], %{{.*}}, %{{.*}} {{{.*}}qnn.folded_bn = #qnn.folded_bn<beta = [2.500000e-01], gamma = [4.000000e+00]>
// CHECK-NOT: qnn.batch_norm
// CHECK: return %[[C]]
func.func @conv(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<2.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %var = "tosa.const"() <{values = dense<3.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %gamma = "tosa.const"() <{values = dense<4.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %beta = "tosa.const"() <{values = dense<0.25> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %y = qnn.batch_norm %c, %mean, %var, %gamma, %beta {epsilon = 1.0 : f32} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// -----

// Depthwise weights [KH, KW, C, M]: channel c scales the innermost index.
// g = [2, 0.5]; W' = [1 * 2, 1 * 0.5]; b' = [(0 - 1) * 2 + 0, (0 - 1) * 0.5 + 1].
// CHECK-LABEL: func @depthwise
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00], [5.000000e-01]]]]> : tensor<1x1x2x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[-2.000000e+00, 5.000000e-01]> : tensor<2xf32>}>
// CHECK: tosa.depthwise_conv2d
// CHECK-NOT: qnn.batch_norm
func.func @depthwise(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "tosa.const"() <{values = dense<[1.0, 4.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %gamma = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %beta = "tosa.const"() <{values = dense<[0.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %y = qnn.batch_norm %c, %mean, %var, %gamma, %beta {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Transposed convolution weights are OHWI like conv2d's: channel o scales
// W[o]. g = [2, 0.5]; W' = [1 * 2, 1 * 0.5]; b' = [(0 - 1) * 2 + 0,
// (0 - 1) * 0.5 + 1].
// CHECK-LABEL: func @transpose_conv
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00, 2.000000e+00]], {{\[\[}}2.000000e+00, 2.000000e+00]]], {{\[\[\[}}5.000000e-01, 5.000000e-01]], {{\[\[}}5.000000e-01, 5.000000e-01]]]]> : tensor<2x2x1x2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[-2.000000e+00, 5.000000e-01]> : tensor<2xf32>}>
// CHECK: tosa.transpose_conv2d
// CHECK-NOT: qnn.batch_norm
func.func @transpose_conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x2x1x2xf32>}> : () -> tensor<2x2x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "tosa.const"() <{values = dense<[1.0, 4.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %gamma = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %beta = "tosa.const"() <{values = dense<[0.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 1>} : (tensor<1x2x2x2xf32>, tensor<2x2x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x2x2xf32>
  %y = qnn.batch_norm %c, %mean, %var, %gamma, %beta {epsilon = 0.0 : f32} : (tensor<1x4x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}

// -----

// A batch norm without a convolution producer stays, with a remark.
// CHECK-LABEL: func @not_foldable
// CHECK: qnn.batch_norm
func.func @not_foldable(%x: tensor<1x2x2x1xf32>, %p: tensor<1xf32>) -> tensor<1x2x2x1xf32> {
  // expected-remark @+1 {{batch norm not folded}}
  %y = qnn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-3 : f32} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// -----

// ConvTranspose as the ONNX importer gives it: a zero bias and a tosa.add of
// the bias per channel. The add folds into the bias (b = 0 + [0.5, 1.5]),
// then the batch norm: g = [2, 0.5], b' = [(0.5 - 1) * 2 + 0,
// (1.5 - 1) * 0.5 + 1] = [-1, 1.25].
// CHECK-LABEL: func @transpose_conv_bias_add
// CHECK-DAG: "tosa.const"() <{values = dense<[-1.000000e+00, 1.250000e+00]> : tensor<2xf32>}>
// CHECK: tosa.transpose_conv2d
// CHECK-NOT: tosa.add
// CHECK-NOT: qnn.batch_norm
func.func @transpose_conv_bias_add(%x: tensor<1x2x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x2x1x2xf32>}> : () -> tensor<2x2x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c1 = "tosa.const"() <{values = dense<[[[[0.5, 1.5]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mean = "tosa.const"() <{values = dense<1.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %var = "tosa.const"() <{values = dense<[1.0, 4.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %gamma = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %beta = "tosa.const"() <{values = dense<[0.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %c = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 1>} : (tensor<1x2x2x2xf32>, tensor<2x2x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x2x2xf32>
  %a = tosa.add %c1, %c : (tensor<1x1x1x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %y = qnn.batch_norm %a, %mean, %var, %gamma, %beta {epsilon = 0.0 : f32} : (tensor<1x4x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}

// -----

// An add that varies along a spatial dimension is not a bias: it stays, and
// so does the batch norm after it.
// CHECK-LABEL: func @spatial_add
// CHECK: tosa.conv2d
// CHECK: tosa.add
// CHECK: qnn.batch_norm
func.func @spatial_add(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<2.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s = "tosa.const"() <{values = dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>}> : () -> tensor<1x2x1x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %p = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %a = tosa.add %c, %s : (tensor<1x2x2x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x1xf32>
  // expected-remark @+1 {{batch norm not folded}}
  %y = qnn.batch_norm %a, %p, %p, %p, %p {epsilon = 0.0 : f32} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}
