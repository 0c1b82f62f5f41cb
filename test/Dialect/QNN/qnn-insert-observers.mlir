// RUN: quant-opt %s --qnn-insert-observers | FileCheck %s
// RUN: quant-opt %s --qnn-insert-observers --qnn-insert-observers | FileCheck %s

// CHECK-LABEL: func @conv_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x1xf32>)
// CHECK: %[[O0:.*]] = qnn.observe %[[X]] : tensor<1x4x4x1xf32>
// CHECK: %[[C:.*]] = tosa.conv2d %[[O0]]
// CHECK-NOT: qnn.observe %[[C]]
// CHECK: %[[R:.*]] = tosa.clamp %[[C]]
// CHECK: %[[O1:.*]] = qnn.observe %[[R]] : tensor<1x4x4x1xf32>
// CHECK: %[[P:.*]] = tosa.avg_pool2d %[[O1]]
// CHECK: %[[O2:.*]] = qnn.observe %[[P]] : tensor<1x1x1x1xf32>
// CHECK: return %[[O2]]
func.func @conv_relu(%x: tensor<1x4x4x1xf32>) -> tensor<1x1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<2.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  %p = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %p : tensor<1x1x1x1xf32>
}

// The matmul group ends after its constant bias add.
// CHECK-LABEL: func @fc
// CHECK: %[[M:.*]] = tosa.matmul
// CHECK-NOT: qnn.observe %[[M]]
// CHECK: %[[A:.*]] = tosa.add %[[M]]
// CHECK: qnn.observe %[[A]]
func.func @fc(%x: tensor<1x1x4xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x4x2xf32>}> : () -> tensor<1x4x2xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<1x1x2xf32>}> : () -> tensor<1x1x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %a = tosa.add %m, %b : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  return %a : tensor<1x1x2xf32>
}
