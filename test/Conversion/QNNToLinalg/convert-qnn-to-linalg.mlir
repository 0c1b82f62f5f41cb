// RUN: quant-opt %s --convert-qnn-to-linalg --canonicalize --split-input-file --verify-diagnostics | FileCheck %s

// Dense conv, per-channel weights, input zero point 3: the input is widened
// (extui, u8), the zero-point term 3 * sum(W[o]) = [-3, 21] is folded into
// the bias, the weights are transposed to HWCF at compile time, and the
// requantization is a half-even fixed-point multiply in i64, then clamped in
// i32.
// CHECK-LABEL: func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
// CHECK-DAG: %[[SHIFT:.*]] = arith.constant dense<[34, 33]> : tensor<2xi32>
// CHECK-DAG: %[[MULT:.*]] = arith.constant dense<1073741824> : tensor<2xi32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1, 3], [-2, 4]]]]> : tensor<1x1x2x2xi8>
// CHECK-DAG: %[[CORR:.*]] = arith.constant dense<[-3, 21]> : tensor<2xi32>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<[10, -20]> : tensor<2xi32>
// CHECK: %[[WIDE:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<1x4x4x2xi8>)
// CHECK:   arith.extui %{{.*}} : i8 to i32
// CHECK: %[[ACC0:.*]] = linalg.generic {{.*}} ins(%[[BIAS]], %[[CORR]] : tensor<2xi32>, tensor<2xi32>)
// CHECK:   arith.subi
// CHECK: %[[ACC:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[WIDE]], %[[W]] : tensor<1x4x4x2xi32>, tensor<1x1x2x2xi8>) outs(%[[ACC0]] : tensor<1x4x4x2xi32>)
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[MULT]], %[[SHIFT]] : tensor<1x4x4x2xi32>, tensor<2xi32>, tensor<2xi32>)
// CHECK:   arith.muli %{{.*}}, %{{.*}} : i64
// CHECK:   arith.shrsi
// CHECK:   arith.trunci %{{.*}} : i64 to i32
// CHECK:   arith.trunci %{{.*}} : i32 to i8
// CHECK: return %[[OUT]]
func.func @conv(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:7>> {
  %wi = arith.constant dense<[[[[1, -2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8>
  %w = quant.scast %wi : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %b = arith.constant dense<[10, -20]> : tensor<2xi32>
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 200 : i32, clamp_min = 7 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824, 1073741824>, padding = array<i64: 0, 0, 0, 0>, rounding = #qnn.rounding<half_even>, shift = array<i32: 34, 33>, strides = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x1x1x2x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:7>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:7>>
}

// -----

// Depthwise with padding: the input is padded with its zero point (the real
// value 0.0), weights [C, KH, KW, 1] become [KH, KW, C].
// CHECK-LABEL: func @depthwise
// CHECK: %[[ZP:.*]] = arith.constant 5 : i32
// CHECK: tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK:   tensor.yield %[[ZP]] : i32
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x2xi32>, tensor<3x3x2xi8>)
func.func @depthwise(%x: tensor<1x4x4x2x!quant.uniform<u8:f32, 0.1:5>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.05>> {
  %wi = arith.constant dense<1> : tensor<2x3x3x1xi8>
  %w = quant.scast %wi : tensor<2x3x3x1xi8> to tensor<2x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<0> : tensor<2xi32>
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 2 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>, strides = array<i64: 2, 2>} : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.1:5>>, tensor<2x3x3x1x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.05>>
  return %0 : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.05>>
}

// -----

// Grouped convolution (2 groups of 2 channels): one convolution per group on
// channel slices, inserted into the accumulator.
// CHECK-LABEL: func @grouped
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x2x2xi32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 2, 2, 2]
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x2x2x2xi32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 2] [1, 2, 2, 2]
func.func @grouped(%x: tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.05>> {
  %wi = arith.constant dense<1> : tensor<4x1x1x2xi8>
  %w = quant.scast %wi : tensor<4x1x1x2xi8> to tensor<4x1x1x2x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<0> : tensor<4xi32>
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 127 : i32, clamp_min = -128 : i32, dilations = array<i64: 1, 1>, groups = 2 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 0, 0, 0, 0>, rounding = #qnn.rounding<single_round>, shift = array<i32: 33>, strides = array<i64: 1, 1>} : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x1x1x2x!quant.uniform<i8:f32, 0.01>>, tensor<4xi32> -> tensor<1x2x2x4x!quant.uniform<i8:f32, 0.05>>
  return %0 : tensor<1x2x2x4x!quant.uniform<i8:f32, 0.05>>
}

// -----

// Non-constant weights with a zero point: the input zero point is subtracted
// from the widened input, the weight zero point from the widened weights.
// CHECK-LABEL: func @matmul_dynamic_weights
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xi8>, %[[B:.*]]: tensor<3x4xi8>
// CHECK: %[[BW:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3x4xi8>)
// CHECK:   arith.extui
// CHECK:   arith.subi %{{.*}}, %c7_i32
// CHECK: %[[AW:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<2x3xi8>)
// CHECK:   arith.extsi
// CHECK:   arith.subi %{{.*}}, %c-4_i32
// CHECK: linalg.matmul ins(%[[AW]], %[[BW]] : tensor<2x3xi32>, tensor<3x4xi32>)
func.func @matmul_dynamic_weights(%a: tensor<2x3x!quant.uniform<i8:f32, 0.1:-4>>, %b: tensor<3x4x!quant.uniform<u8:f32, 0.2:7>>, %bias: tensor<4xi32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.5>> {
  %0 = qnn.matmul %a, %b, %bias {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1073741824>, rounding = #qnn.rounding<double_round>, shift = array<i32: 35>} : tensor<2x3x!quant.uniform<i8:f32, 0.1:-4>>, tensor<3x4x!quant.uniform<u8:f32, 0.2:7>>, tensor<4xi32> -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// quant.qcast: round half to even of x / s, plus zp, saturated.
// CHECK-LABEL: func @qcast
// CHECK: linalg.generic
// CHECK:   arith.divf
// CHECK:   math.roundeven
// CHECK:   arith.addf
// CHECK:   arith.maximumf
// CHECK:   arith.minimumf
// CHECK:   arith.fptosi
// CHECK:   arith.trunci {{.*}} : i32 to i8
func.func @qcast(%x: tensor<8xf32>) -> tensor<8x!quant.uniform<u8:f32, 0.5:10>> {
  %0 = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<u8:f32, 0.5:10>>
  return %0 : tensor<8x!quant.uniform<u8:f32, 0.5:10>>
}

// -----

// Per-axis quant.dcast reads the scale and zero point of each channel.
// CHECK-LABEL: func @dcast_per_axis
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<[0.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[S]], %[[Z]] : tensor<4x2xi8>, tensor<2xf32>, tensor<2xf32>)
// CHECK:   arith.sitofp
// CHECK:   arith.subf
// CHECK:   arith.mulf
func.func @dcast_per_axis(%q: tensor<4x2x!quant.uniform<i8:f32:1, {1.0, 0.5:3}>>) -> tensor<4x2xf32> {
  %0 = quant.dcast %q : tensor<4x2x!quant.uniform<i8:f32:1, {1.0, 0.5:3}>> to tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @dynamic(%x: tensor<?x4x4x2x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<2x1x1x2x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<?x4x4x2x!quant.uniform<u8:f32, 0.05:7>> {
  // expected-error @+2 {{convert-qnn-to-linalg supports static shapes only}}
  // expected-error @+1 {{failed to legalize operation 'qnn.conv2d'}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 200 : i32, clamp_min = 7 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 0, 0, 0, 0>, rounding = #qnn.rounding<half_even>, shift = array<i32: 34>, strides = array<i64: 1, 1>} : tensor<?x4x4x2x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x1x1x2x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<?x4x4x2x!quant.uniform<u8:f32, 0.05:7>>
  return %0 : tensor<?x4x4x2x!quant.uniform<u8:f32, 0.05:7>>
}

// -----

// An i32 result is the accumulator: no requantization generic.
// CHECK-LABEL: func @matmul_accumulator
// CHECK: %[[ACC:.*]] = linalg.matmul
// CHECK-NEXT: return %[[ACC]] : tensor<4x2xi32>
func.func @matmul_accumulator(%a: tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>, %m: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2xi32>) -> tensor<4x2xi32> {
  %0 = qnn.matmul %a, %m, %b : tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32> -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

// Dynamic quantization: run-time min/max reductions, f32 division (by 1 for
// an all-zero input, whose scale is 0), round half to even.
// CHECK-LABEL: func @dynamic_quantize
// CHECK-COUNT-2: linalg.reduce
// CHECK: %[[SCALE:.*]] = arith.divf
// CHECK: %[[ZERO:.*]] = arith.cmpf oeq, %[[SCALE]]
// CHECK: %[[DIV:.*]] = arith.select %[[ZERO]], %{{.*}}, %[[SCALE]] : f32
// CHECK: linalg.generic
// CHECK:   arith.divf %{{.*}}, %[[DIV]] : f32
// CHECK:   math.roundeven
// CHECK: tensor.from_elements %[[SCALE]] : tensor<f32>
func.func @dynamic_quantize(%x: tensor<3x4xf32>) -> (tensor<3x4xi8>, tensor<f32>, tensor<i8>) {
  %y, %s, %zp = qnn.dynamic_quantize %x : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<f32>, tensor<i8>
  return %y, %s, %zp : tensor<3x4xi8>, tensor<f32>, tensor<i8>
}

// -----

// Run-time scale and zero point: scalars read once, exact f32 division,
// round half to even, u8 saturation.
// CHECK-LABEL: func @quantize_linear
// CHECK: %[[S:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: %[[Z:.*]] = tensor.extract %{{.*}}[] : tensor<i8>
// CHECK: %[[ZF:.*]] = arith.uitofp %[[Z]] : i8 to f32
// CHECK: linalg.generic
// CHECK:   arith.divf %{{.*}}, %[[S]] : f32
// CHECK:   math.roundeven
// CHECK:   arith.addf %{{.*}}, %[[ZF]] : f32
func.func @quantize_linear(%x: tensor<3x4xf32>, %s: tensor<f32>, %zp: tensor<i8>) -> tensor<3x4xi8> {
  %0 = qnn.quantize_linear %x, %s, %zp {is_unsigned} : (tensor<3x4xf32>, tensor<f32>, tensor<i8>) -> tensor<3x4xi8>
  return %0 : tensor<3x4xi8>
}
