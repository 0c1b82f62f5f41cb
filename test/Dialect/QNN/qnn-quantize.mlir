// RUN: quant-opt %s --qnn-quantize --split-input-file --verify-diagnostics | FileCheck %s
// RUN: quant-opt %s --qnn-quantize=per-channel=false --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=TENSOR
// RUN: quant-opt %s --qnn-quantize=rounding=half_even --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=EVEN
// RUN: quant-opt %s --qnn-quantize=rounding=double_round --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=DOUBLE
// RUN: quant-opt %s --qnn-quantize=weight-bits=7 --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=SEVEN
// RUN: quant-opt %s --qnn-quantize=pair-bounded=true --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=PAIRS

// Input range [0, 2.55] -> scale 0.01, zp 0; output [0, 5.1] -> 0.02, zp 0.
// Weights [0.5, -0.25] per channel -> scales 0.5/127, 0.25/127, both q = +-127.
// Bias 0.1 / (0.01 * 0.5/127) = 2540; 0.2 / (0.01 * 0.25/127) = 10160.
// M = 0.01 * (0.5/127) / 0.02 = 0.0019685... = 1082196484 * 2^-39.
// ReLU6: clamp [0, min(255, 6 / 0.02)].
// CHECK-LABEL: func @conv_relu6
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x1xf32>)
// CHECK: %[[Q:.*]] = quant.qcast %[[X]] : tensor<1x2x2x1xf32> to tensor<1x2x2x1x!quant.uniform<u8:f32, {{0.0099999|0.01}}{{[0-9]*}}>>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-127]]]]> : tensor<2x1x1x1xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.003937007874015748,0.001968503937007874}>>
// CHECK: %[[B:.*]] = arith.constant dense<[2540, 10160]> : tensor<2xi32>
// CHECK: %[[C:.*]] = qnn.conv2d %[[Q]], %[[WQ]], %[[B]] {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1082196484, 1082196484>, padding = array<i64: 0, 0, 0, 0>, rounding = #qnn.rounding<single_round>, shift = array<i32: 39, 40>, strides = array<i64: 1, 1>}
// CHECK: %[[D:.*]] = quant.dcast %[[C]] : tensor<1x2x2x2x!quant.uniform<u8:f32, {{0.0199999|0.02}}{{[0-9]*}}>> to tensor<1x2x2x2xf32>
// CHECK-NOT: qnn.observe
// CHECK-NOT: tosa.conv2d
// CHECK: return %[[D]]
// TENSOR-LABEL: func @conv_relu6
// TENSOR: dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-64]]]]> : tensor<2x1x1x1xi8>
// TENSOR: quant.scast {{.*}} to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32, 0.003937007874015748>>
// TENSOR: multiplier = array<i32: 1082196484>{{.*}}shift = array<i32: 39>
// EVEN-LABEL: func @conv_relu6
// EVEN: rounding = #qnn.rounding<half_even>
// DOUBLE-LABEL: func @conv_relu6
// DOUBLE: rounding = #qnn.rounding<double_round>
// 7-bit weights: scales 0.5/63 and 0.25/63, q = +-63; bias 0.1 / (0.01 *
// 0.5/63) = 1260 and 0.2 / (0.01 * 0.25/63) = 5040.
// SEVEN-LABEL: func @conv_relu6
// SEVEN: dense<{{\[\[\[\[}}63]]], {{\[\[\[}}-63]]]]> : tensor<2x1x1x1xi8>
// SEVEN: quant.scast {{.*}} to tensor<2x1x1x1x!quant.uniform<i8<-63:63>:f32:0, {0.00793650793650793{{[0-9]*}},0.003968253968253968}>>
// SEVEN: arith.constant dense<[1260, 5040]> : tensor<2xi32>
func.func @conv_relu6(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[0.1, 0.2]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = 0.0 : f32, max = 2.55 : f32} : tensor<1x2x2x1xf32>
  %c = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %o1 = qnn.observe %r {min = 0.0 : f32, max = 5.1 : f32} : tensor<1x2x2x2xf32>
  return %o1 : tensor<1x2x2x2xf32>
}

// -----

// Two quantized convolutions in a row share the quantized value: no
// dequantize/quantize pair between them.
// CHECK-LABEL: func @chain
// CHECK: %[[C1:.*]] = qnn.conv2d
// CHECK-NOT: quant.dcast
// CHECK: qnn.conv2d %[[C1]]
// TENSOR-LABEL: func @chain
// EVEN-LABEL: func @chain
func.func @chain(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = -1.0 : f32, max = 1.0 : f32} : tensor<1x2x2x1xf32>
  %c1 = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %o1 = qnn.observe %c1 {min = -0.5 : f32, max = 0.5 : f32} : tensor<1x2x2x1xf32>
  %c2 = tosa.conv2d %o1, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %o2 = qnn.observe %c2 {min = -0.25 : f32, max = 0.25 : f32} : tensor<1x2x2x1xf32>
  return %o2 : tensor<1x2x2x1xf32>
}

// -----

// The pass fails on this function: nothing is printed for it.
func.func @uncalibrated(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{observer has no calibration statistics; run qnn-calibrate before qnn-quantize}}
  %o0 = qnn.observe %x : tensor<1x2x2x1xf32>
  %c1 = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %o1 = qnn.observe %c1 {min = -0.5 : f32, max = 0.5 : f32} : tensor<1x2x2x1xf32>
  return %o1 : tensor<1x2x2x1xf32>
}

// -----

// Non-constant weights stay in float, with a remark.
// CHECK-LABEL: func @dynamic_weights
// CHECK: tosa.conv2d
// TENSOR-LABEL: func @dynamic_weights
// EVEN-LABEL: func @dynamic_weights
func.func @dynamic_weights(%x: tensor<1x2x2x1xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32> {
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = -1.0 : f32, max = 1.0 : f32} : tensor<1x2x2x1xf32>
  // expected-remark @+1 {{left in float: weights are not a constant tensor}}
  %c1 = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %o1 = qnn.observe %c1 {min = -0.5 : f32, max = 0.5 : f32} : tensor<1x2x2x1xf32>
  return %o1 : tensor<1x2x2x1xf32>
}

// -----

// Degenerate channels quantize instead of failing. Channel 1's weights are
// ~0 (1e-30) with bias 0.3: its weight scale is raised to the floor that keeps
// the bias in i32 (0.3 / (0.01 * (2^31 - 1 - 255 * 127))), so its weights
// become 0, its bias ~2^31 and its output the constant 0.3 / 0.02 = 15.
// Channel 2 is all zero: scale 1, multiplier 0.01 / 0.02 = 2^30 * 2^-31.
// CHECK-LABEL: func @dead_channels
// CHECK: arith.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}0]]], {{\[\[\[}}0]]]]> : tensor<3x1x1x1xi8>
// CHECK: arith.constant dense<[2540, 21474{{[0-9]+}}, 0]> : tensor<3xi32>
// CHECK: qnn.conv2d {{.*}}multiplier = array<i32: 1082196484, {{[0-9]+}}, 1073741824>{{.*}}shift = array<i32: 39, 58, 31>
// TENSOR-LABEL: func @dead_channels
// TENSOR: arith.constant dense<[2540, 7620, 0]> : tensor<3xi32>
// TENSOR: qnn.conv2d
// EVEN-LABEL: func @dead_channels
func.func @dead_channels(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5]]], [[[1.0e-30]]], [[[0.0]]]]> : tensor<3x1x1x1xf32>}> : () -> tensor<3x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[0.1, 0.3, 0.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = 0.0 : f32, max = 2.55 : f32} : tensor<1x2x2x1xf32>
  %c = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %o1 = qnn.observe %c {min = 0.0 : f32, max = 5.1 : f32} : tensor<1x2x2x3xf32>
  return %o1 : tensor<1x2x2x3xf32>
}

// -----

// An output range narrower than one accumulator step (multiplier >= 2^31)
// cannot be requantized: the group stays in float, with a remark.
// CHECK-LABEL: func @output_range_too_narrow
// CHECK: tosa.conv2d
// CHECK-NOT: qnn.conv2d
// TENSOR-LABEL: func @output_range_too_narrow
// EVEN-LABEL: func @output_range_too_narrow
func.func @output_range_too_narrow(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = 0.0 : f32, max = 2.55 : f32} : tensor<1x2x2x1xf32>
  // expected-remark @+1 {{left in float: requantization multiplier}}
  %c = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %o1 = qnn.observe %c {min = 0.0 : f32, max = 1.0e-30 : f32} : tensor<1x2x2x1xf32>
  return %o1 : tensor<1x2x2x1xf32>
}

// -----

// Weights with a NaN are an error (the float model computes NaN too).
func.func @nan_weights(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0x7FC00000> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = 0.0 : f32, max = 2.55 : f32} : tensor<1x2x2x1xf32>
  // expected-error @+1 {{weights contain NaN or infinity}}
  %c = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %o1 = qnn.observe %c {min = 0.0 : f32, max = 1.0 : f32} : tensor<1x2x2x1xf32>
  return %o1 : tensor<1x2x2x1xf32>
}

// -----

// Data movement between two quantized convolutions whose sides carry one
// quantized type (the depth to space of a transposed convolution) moves the
// stored bytes: no dequantize/quantize pair around the transpose.
// CHECK-LABEL: func @transpose_between
// CHECK: %[[C1:.*]] = qnn.conv2d
// CHECK: %[[S:.*]] = quant.scast %[[C1]] : tensor<1x2x2x2x!quant.uniform<u8:f32, {{[0-9.e-]+}}>> to tensor<1x2x2x2xi8>
// CHECK: %[[T:.*]] = tosa.transpose %[[S]] {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK: %[[B:.*]] = quant.scast %[[T]] : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<u8:f32, {{[0-9.e-]+}}>>
// CHECK: qnn.conv2d %[[B]]
// CHECK-NOT: quant.qcast
func.func @transpose_between(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[0.5, 0.25]]], [[[-0.25, 1.0]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<[0.1, 0.2]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = 0.0 : f32, max = 2.55 : f32} : tensor<1x2x2x1xf32>
  %c = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %o1 = qnn.observe %r {min = 0.0 : f32, max = 5.1 : f32} : tensor<1x2x2x2xf32>
  %t = tosa.transpose %o1 {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %o2 = qnn.observe %t {min = 0.0 : f32, max = 5.1 : f32} : tensor<1x2x2x2xf32>
  %c2 = tosa.conv2d %o2, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %o3 = qnn.observe %c2 {min = -2.0 : f32, max = 3.1 : f32} : tensor<1x2x2x2xf32>
  return %o3 : tensor<1x2x2x2xf32>
}

// -----

// A contraction whose result feeds a logarithm (through an observer and the
// addition of an epsilon: a log-mel front end) stays in float: near 0 the
// log magnifies one 8-bit step into an error of any size (the epsilon,
// folded into an i32 bias, would even round away: log(0) = -inf).
// CHECK-LABEL: func @feeds_log
// CHECK: tosa.conv2d
// CHECK-NOT: qnn.conv2d
// TENSOR-LABEL: func @feeds_log
// EVEN-LABEL: func @feeds_log
func.func @feeds_log(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-6> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %o0 = qnn.observe %x {min = 0.0 : f32, max = 1.0 : f32} : tensor<1x2x2x1xf32>
  // expected-remark @+1 {{left in float: its result feeds tosa.log, which magnifies errors near 0 far beyond an 8-bit step}}
  %c = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %o1 = qnn.observe %c {min = 0.0 : f32, max = 0.5 : f32} : tensor<1x2x2x1xf32>
  %a = tosa.add %o1, %eps : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x1xf32>
  %l = tosa.log %a : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  return %l : tensor<1x2x2x1xf32>
}

// -----

// Pair-bounded scales. Channel 0 has 0.5 and 0.4 (the two largest positive
// weights): scale 0.9 / 127, so q = 71 and 56 (127 together) and -14 for
// -0.1 (8 bits: 127, 102, -25 at 0.5 / 127). Channel 1's pairs stay within
// its largest magnitude (0.8 + 0.1 = 0.9 = |-0.9|): its 8-bit scale
// 0.9 / 127, q = 113, 14, -127, with or without the option.
// PAIRS-LABEL: func @pair_bounded
// PAIRS: arith.constant dense<{{\[\[\[\[}}71, 56, -14]]], {{\[\[\[}}113, 14, -127]]]]> : tensor<2x1x1x3xi8>
// CHECK-LABEL: func @pair_bounded
// CHECK: arith.constant dense<{{\[\[\[\[}}127, 102, -25]]], {{\[\[\[}}113, 14, -127]]]]> : tensor<2x1x1x3xi8>
// TENSOR-LABEL: func @pair_bounded
// EVEN-LABEL: func @pair_bounded
func.func @pair_bounded(%x: tensor<1x2x2x3xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5, 0.4, -0.1]]], [[[0.8, 0.1, -0.9]]]]> : tensor<2x1x1x3xf32>}> : () -> tensor<2x1x1x3xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %o0 = qnn.observe %x {min = 0.0 : f32, max = 1.0 : f32} : tensor<1x2x2x3xf32>
  %c = tosa.conv2d %o0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %o1 = qnn.observe %c {min = -1.0 : f32, max = 1.0 : f32} : tensor<1x2x2x2xf32>
  return %o1 : tensor<1x2x2x2xf32>
}
