// RUN: quant-opt %s --qnn-equalize --split-input-file --verify-diagnostics | FileCheck %s
// RUN: quant-opt %s --qnn-equalize="iterations=100 threshold=1e-9" --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=CONVERGED

// r1 = [4, 1], r2 = [1, 4]: s = sqrt(r1 / r2) = [2, 0.5]. W1 /= s, b1 /= s,
// beta and gamma /= s, W2 *= s: every channel's range becomes 2; the second
// sweep finds s = 1 and stops. The second layer's padding (zeros) and the
// max pool commute with the scale.
// CHECK-LABEL: func @pair
// CHECK-DAG: %[[W1:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: %[[B1:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// CHECK: %[[A:.*]] = tosa.conv2d %{{.*}}, %[[W1]], %[[B1]], {{.*}}qnn.folded_bn = #qnn.folded_bn<beta = [1.000000e+00, 2.000000e+00], gamma = [2.000000e+00, 2.000000e+00]>
// CHECK: %[[R:.*]] = tosa.clamp %[[A]]
// CHECK: %[[M:.*]] = tosa.max_pool2d %[[R]]
// CHECK-DAG: %[[W2:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x2xf32>}>
// CHECK-DAG: %[[B2:.*]] = "tosa.const"() <{values = dense<5.000000e-01> : tensor<1xf32>}>
// CHECK: tosa.conv2d %[[M]], %[[W2]], %[[B2]]
func.func @pair(%x: tensor<1x4x4x1xf32>) -> tensor<1x6x6x1xf32> {
  %w1 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, qnn.folded_bn = #qnn.folded_bn<beta = [2.0, 1.0], gamma = [4.0, 1.0]>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %m = tosa.max_pool2d %r {kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c = tosa.conv2d %m, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x1xf32>
  return %c : tensor<1x6x6x1xf32>
}

// -----

// conv -> depthwise -> conv: the pairwise steps converge to every channel's
// three ranges at cbrt(r1 r2 r3) = cbrt(8 * 1 * 1) = 2 (AIMET's triplet).
// CONVERGED-LABEL: func @triplet
// CONVERGED-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
// CONVERGED-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x2x1xf32>}>
// CONVERGED-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x2xf32>}>
// CHECK-LABEL: func @triplet
func.func @triplet(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w1 = "tosa.const"() <{values = dense<[[[[8.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<[1.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %wd = "tosa.const"() <{values = dense<[[[[1.0], [1.0]]]]> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %bd = "tosa.const"() <{values = dense<[0.0, 0.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w3 = "tosa.const"() <{values = dense<[[[[1.0, 8.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b3 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %d = tosa.depthwise_conv2d %r, %wd, %bd, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %r2 = tosa.clamp %d {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c = tosa.conv2d %r2, %w3, %b3, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %c : tensor<1x4x4x1xf32>
}

// -----

// Refusals, each with its reason; nothing changes.
// CHECK-LABEL: func @refused
// CHECK-NOT: dense<2.000000e+00>
// CHECK: return
func.func @refused(%x: tensor<1x4x4x1xf32>) -> (tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x1xf32>) {
  %w1 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @+1 {{not equalized with a following layer: its activation clamps to [0.000000e+00, 6.000000e+00]: a bound other than 0 or infinity would become a per-channel bound (ReLU6 is not replaced by ReLU)}}
  %a = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %r6 = tosa.clamp %a {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c = tosa.conv2d %r6, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  // expected-remark @+1 {{not equalized with a following layer: its result has 2 users (a split)}}
  %a2 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  // expected-remark @+1 {{not equalized with a following layer: it is followed by 'tosa.add', which is no convolution's input, clamp or max pool}}
  %c2 = tosa.conv2d %a2, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  // expected-remark @+1 {{not equalized with a following layer: it is followed by 'tosa.sigmoid', which is no convolution's input, clamp or max pool}}
  %a3 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %sg = tosa.sigmoid %a3 : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  // expected-remark @+1 {{not equalized with a following layer: it is followed by 'tosa.add', which is no convolution's input, clamp or max pool}}
  %c3 = tosa.conv2d %sg, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %sum = tosa.add %c2, %c3 : (tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  return %c, %a2, %sum : tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x1xf32>
}

// -----

// A next layer with computed weights is not handled.
// CHECK-LABEL: func @computed_weights
func.func @computed_weights(%x: tensor<1x4x4x1xf32>, %w2: tensor<1x1x1x2xf32>) -> tensor<1x4x4x1xf32> {
  %w1 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @+1 {{not equalized with a following layer: the next layer is not handled: its weight or bias is not a constant f32 tensor}}
  %a = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %c = tosa.conv2d %a, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %c : tensor<1x4x4x1xf32>
}
