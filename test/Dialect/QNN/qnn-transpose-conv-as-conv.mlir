// RUN: quant-opt %s --split-input-file --qnn-transpose-conv-as-conv --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s

// 2x2 stride 2, OC = 2, IC = 3: W'[(ky*2 + kx)*2 + o] = W[o][ky][kx], the
// bias tiled 4 times; then depth to space.
// CHECK-LABEL: func.func @up2
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x3xf32>)
// CHECK-NOT: tosa.transpose_conv2d
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00]]], {{\[\[\[}}1.200000e+01, 1.300000e+01, 1.400000e+01]]], {{\[\[\[}}3.000000e+00, 4.000000e+00, 5.000000e+00]]]{{.*}}> : tensor<8x1x1x3xf32>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[5.000000e-01, -1.000000e+00, 5.000000e-01, -1.000000e+00, 5.000000e-01, -1.000000e+00, 5.000000e-01, -1.000000e+00]> : tensor<8xf32>
// CHECK: %[[C:.*]] = tosa.conv2d %[[X]], %[[W]], %[[B]], {{.*}} -> tensor<1x3x4x8xf32>
// CHECK: %[[R:.*]] = tosa.reshape %[[C]], %{{.*}} -> tensor<1x3x4x2x2x2xf32>
// CHECK: %[[T:.*]] = tosa.transpose %[[R]] {perms = array<i32: 0, 1, 3, 2, 4, 5>} : (tensor<1x3x4x2x2x2xf32>) -> tensor<1x3x2x4x2x2xf32>
// CHECK: %[[Y:.*]] = tosa.reshape %[[T]], %{{.*}} -> tensor<1x6x8x2xf32>
// CHECK: return %[[Y]]
func.func @up2(%x: tensor<1x3x4x3xf32>) -> tensor<1x6x8x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [[6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]], [[[12.0, 13.0, 14.0], [15.0, 16.0, 17.0]], [[18.0, 19.0, 20.0], [21.0, 22.0, 23.0]]]]> : tensor<2x2x2x3xf32>}> : () -> tensor<2x2x2x3xf32>
  %b = "tosa.const"() <{values = dense<[0.5, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x3x4x3xf32>, tensor<2x2x2x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x8x2xf32>
  return %y : tensor<1x6x8x2xf32>
}

// -----

// Overlapping windows (3x3 kernel, stride 2) and output padding are not
// a 1x1 convolution: left alone.
// CHECK-LABEL: func.func @overlapping
// CHECK: tosa.transpose_conv2d
// CHECK-LABEL: func.func @out_pad
// CHECK: tosa.transpose_conv2d
func.func @overlapping(%x: tensor<1x3x3x2xf32>) -> tensor<1x7x7x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x3x3x2xf32>}> : () -> tensor<2x3x3x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x7x7x2xf32>
  return %y : tensor<1x7x7x2xf32>
}
func.func @out_pad(%x: tensor<1x3x3x2xf32>) -> tensor<1x7x7x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x2x2x2xf32>}> : () -> tensor<2x2x2x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x3x3x2xf32>, tensor<2x2x2x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x7x7x2xf32>
  return %y : tensor<1x7x7x2xf32>
}

// -----

// A ReLU that is the only user moves before the depth to space, next to the
// 1x1 convolution (whose quantization then fuses it).
// CHECK-LABEL: func.func @up2_relu
// CHECK: %[[C:.*]] = tosa.conv2d {{.*}} -> tensor<1x3x4x8xf32>
// CHECK: %[[R:.*]] = tosa.clamp %[[C]] {max_val = 6.000000e+00 : f32, min_val = 0.000000e+00 : f32} : (tensor<1x3x4x8xf32>) -> tensor<1x3x4x8xf32>
// CHECK: tosa.reshape %[[R]]
// CHECK: tosa.transpose
// CHECK: %[[Y:.*]] = tosa.reshape {{.*}} -> tensor<1x6x8x2xf32>
// CHECK-NOT: tosa.clamp
// CHECK: return %[[Y]]
func.func @up2_relu(%x: tensor<1x3x4x3xf32>) -> tensor<1x6x8x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x2x2x3xf32>}> : () -> tensor<2x2x2x3xf32>
  %b = "tosa.const"() <{values = dense<[0.5, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x3x4x3xf32>, tensor<2x2x2x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x8x2xf32>
  %r = tosa.clamp %y {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x6x8x2xf32>) -> tensor<1x6x8x2xf32>
  return %r : tensor<1x6x8x2xf32>
}
