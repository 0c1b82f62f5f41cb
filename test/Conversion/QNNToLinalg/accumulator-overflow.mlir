// An i32 accumulator that can overflow (constant weights and bias: a bias
// near 2^31 plus 4 products of up to 255 * 127) is an error of both
// lowerings, not a silently wrapped result; one that cannot is lowered.
// RUN: quant-opt %s --split-input-file --verify-diagnostics --convert-qnn-to-linalg
// RUN: quant-opt %s --split-input-file --verify-diagnostics --qnn-cpu-microkernels="target-triple=x86_64-unknown-linux-gnu target-features=+avx512f,+avx512bw,+avx512vnni"

func.func @overflow(%x: tensor<1x4x!quant.uniform<u8:f32, 0.05:0>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.1:3>> {
  %w = arith.constant dense<127> : tensor<4x2xi8>
  %wq = quant.scast %w : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.01}>>
  %b = arith.constant dense<[100, 2147483000]> : tensor<2xi32>
  // expected-error @+1 {{'qnn.matmul' op the i32 accumulator of output channel 1 can overflow: |bias - zp_in * sum(W')| + 255 * sum|W'| = 2147612540 > 2^31 - 1}}
  %y = qnn.matmul %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1518500250, 1518500250>, rounding = #qnn.rounding<double_round>, shift = array<i32: 40, 40>} : tensor<1x4x!quant.uniform<u8:f32, 0.05:0>>, tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.01}>>, tensor<2xi32> -> tensor<1x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// The input zero point's share counts: 2146900000 + 255 * 16 * 127 fits
// i32, but bias - zp_in * sum(W') = 2146900000 + 128 * 16 * 127 plus the
// products does not.
func.func @overflow_zero_point(%x: tensor<3x16x!quant.uniform<u8:f32, 0.05:128>>) -> tensor<3x1x!quant.uniform<u8:f32, 0.1:3>> {
  %w = arith.constant dense<-127> : tensor<16x1xi8>
  %wq = quant.scast %w : tensor<16x1xi8> to tensor<16x1x!quant.uniform<i8<-127:127>:f32:1, {0.01}>>
  %b = arith.constant dense<2146900000> : tensor<1xi32>
  // expected-error @+1 {{the i32 accumulator of output channel 0 can overflow}}
  %y = qnn.matmul %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<double_round>, shift = array<i32: 40>} : tensor<3x16x!quant.uniform<u8:f32, 0.05:128>>, tensor<16x1x!quant.uniform<i8<-127:127>:f32:1, {0.01}>>, tensor<1xi32> -> tensor<3x1x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<3x1x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// Within the bound: no diagnostic.
func.func @fits(%x: tensor<1x4x!quant.uniform<u8:f32, 0.05:0>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.1:3>> {
  %w = arith.constant dense<127> : tensor<4x2xi8>
  %wq = quant.scast %w : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.01}>>
  %b = arith.constant dense<[100, 2147000000]> : tensor<2xi32>
  %y = qnn.matmul %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1518500250, 1518500250>, rounding = #qnn.rounding<double_round>, shift = array<i32: 40, 40>} : tensor<1x4x!quant.uniform<u8:f32, 0.05:0>>, tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.01}>>, tensor<2xi32> -> tensor<1x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x!quant.uniform<u8:f32, 0.1:3>>
}
