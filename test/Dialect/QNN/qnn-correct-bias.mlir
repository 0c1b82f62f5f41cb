// RUN: quant-opt %s --qnn-correct-bias --split-input-file --verify-diagnostics | FileCheck %s
// The @analytic case has no calibrated means, which fails in empirical mode:
// RUN: not quant-opt %s --qnn-correct-bias=mode=empirical --split-input-file 2>/dev/null | FileCheck %s --check-prefix=EMPIRICAL
// RUN: not quant-opt %s --qnn-correct-bias=mode=magic --split-input-file 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not quant-opt %s --qnn-correct-bias=weight-bits=9 --split-input-file 2>&1 | FileCheck %s --check-prefix=BITS
// MODE: error: unknown bias correction mode 'magic' (expected analytic or empirical)
// BITS: error: weight-bits must be between 2 and 8, got 9

// The second layer's weights [1.0, 0.3] (a 1x2 window) quantize at scale
// 1/127 to [127, 38]: eps = 38/127 - 0.3 = -7.874e-4 on the second tap. The
// input is ReLU(N(0, 1)): E[x] = phi(0) = 0.39894, so b -= eps * E[x] =
// +3.1413e-4. With ReLU6 of N(1, 2^2): E[x] = 1.39158, b = +1.0957e-3.
// Without activation, N(-0.5, 1): E[x] = -0.5, b = -3.937e-4.
// CHECK-LABEL: func @analytic
// CHECK-DAG: dense<3.1413{{[0-9]*}}E-4> : tensor<1xf32>
// CHECK-DAG: dense<0.0010957{{[0-9]*}}> : tensor<1xf32>
// CHECK-DAG: dense<-3.937{{[0-9]*}}E-4> : tensor<1xf32>
func.func @analytic(%x: tensor<1x4x4x1xf32>) -> (tensor<1x4x3x1xf32>, tensor<1x4x3x1xf32>, tensor<1x4x3x1xf32>) {
  %w1 = "tosa.const"() <{values = dense<1.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[1.0], [0.3]]]]> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b2 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @+1 {{bias not corrected: its input is not the output of a convolution with a folded batch norm (through a clamp)}}
  %a = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, qnn.folded_bn = #qnn.folded_bn<beta = [0.0], gamma = [1.0]>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %r = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  %c = tosa.conv2d %r, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x1xf32>
  // expected-remark @+1 {{bias not corrected: its input is not the output of a convolution with a folded batch norm (through a clamp)}}
  %a2 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, qnn.folded_bn = #qnn.folded_bn<beta = [1.0], gamma = [-2.0]>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %r2 = tosa.clamp %a2 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  %c2 = tosa.conv2d %r2, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x1xf32>
  // expected-remark @+1 {{bias not corrected: its input is not the output of a convolution with a folded batch norm (through a clamp)}}
  %a3 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, qnn.folded_bn = #qnn.folded_bn<beta = [-0.5], gamma = [1.0]>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %c3 = tosa.conv2d %a3, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x1xf32>
  return %c, %c2, %c3 : tensor<1x4x3x1xf32>, tensor<1x4x3x1xf32>, tensor<1x4x3x1xf32>
}

// -----

// Empirical: E[x] is the observer's calibrated mean, 2: b = 1 + 1.5748e-3.
// Per tensor the weights share the scale of the largest, 1.0.
// EMPIRICAL-LABEL: func @empirical
// EMPIRICAL: dense<1.00157{{[0-9]*}}> : tensor<1xf32>
// CHECK-LABEL: func @empirical
// CHECK: dense<1.000000e+00> : tensor<1xf32>
func.func @empirical(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x3x1xf32> {
  %w2 = "tosa.const"() <{values = dense<[[[[1.0], [0.3]]]]> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b2 = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o = qnn.observe %x {max = 4.0 : f32, mean = array<f32: 2.0>, min = 0.0 : f32} : tensor<1x4x4x1xf32>
  // expected-remark @+1 {{bias not corrected: its input is not the output of a convolution with a folded batch norm (through a clamp)}}
  %c = tosa.conv2d %o, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x1xf32>
  return %c : tensor<1x4x3x1xf32>
}


// -----

// Matmuls (empirical only): weights [1.0, 0.3] along K, input means [2, 4]
// (through a reshape): the bias gains 7.874e-4 * 4 = 3.1496e-3, in the
// existing constant add or in a new one.
// EMPIRICAL-LABEL: func @matmul
// EMPIRICAL: %[[MM:.*]] = tosa.matmul
// EMPIRICAL: %[[B:.*]] = "tosa.const"() <{values = dense<0.50314{{[0-9]*}}> : tensor<1x1x1xf32>}>
// EMPIRICAL: tosa.add %[[MM]], %[[B]]
// EMPIRICAL: %[[MM2:.*]] = tosa.matmul
// EMPIRICAL: %[[B2:.*]] = "tosa.const"() <{values = dense<0.0031496{{[0-9]*}}> : tensor<1x1x1xf32>}>
// EMPIRICAL: %[[ADD:.*]] = tosa.add %[[MM2]], %[[B2]]
// EMPIRICAL: return %{{.*}}, %[[ADD]]
// CHECK-LABEL: func @matmul
// CHECK-NOT: 0.50314
func.func @matmul(%x: tensor<1x1x1x2xf32>) -> (tensor<1x1x1xf32>, tensor<1x1x1xf32>) {
  %w = "tosa.const"() <{values = dense<[[[1.0], [0.3]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %o = qnn.observe %x {max = 4.0 : f32, mean = array<f32: 2.0, 4.0>, min = 0.0 : f32} : tensor<1x1x1x2xf32>
  %r = tosa.reshape %o, %s : (tensor<1x1x1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %m = tosa.matmul %r, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %a = tosa.add %m, %b : (tensor<1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1xf32>
  %m2 = tosa.matmul %r, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %a, %m2 : tensor<1x1x1xf32>, tensor<1x1x1xf32>
}
