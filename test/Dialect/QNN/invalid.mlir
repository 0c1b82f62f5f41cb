// RUN: quant-opt %s -split-input-file -verify-diagnostics

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:300>> {
  // expected-error @+1 {{output zero point 300 is outside the storage range [0, 255]}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:300>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:300>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<i8:f32, 0.1:-129>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{input zero point -129 is outside the storage range [-128, 127]}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<i8:f32, 0.1:-129>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:5, {0.01, 0.02}>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{weight quantized dimension 5 is out of range for rank 4}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32:5, {0.01, 0.02}>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{weight has 3 scales but dimension 0 has size 2}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32:3, {0.01, 0.02, 0.03}>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{per-axis weight must be quantized on dimension 0 (output channels), got dimension 3}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32:3, {0.01, 0.02, 0.03}>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f16, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{input must express f32, got 'f16'}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f16, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i16:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{weight storage type must be 8-bit, got 'i16'}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i16:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x2x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{weight has 2 input channels, expected 3 (input channels / groups)}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x2x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<3xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{bias has 3 elements but there are 2 output channels}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<3xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{output spatial dimension 0 is 4, expected 2}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 2, 2>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{expected 1 or 2 multiplier/shift entries, got 3}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 31, 31, 31>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{multiplier has 1 entries but shift has 2}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 31, 31>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{multiplier 5 is not normalized to [2^30, 2^31)}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 5>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{shift must be in [0, 62], got 63}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 63>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{clamp_min 10 is greater than clamp_max 5}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 5 : i32, clamp_min = 10 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{clamp range [-1, 255] is outside the output storage range [0, 255]}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = -1 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{input channels 3 are not divisible by groups 2}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 2 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{strides and dilations must be positive}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 0, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{expected 2 strides, 2 dilations and 4 paddings}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi64>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{operand #2 must be ranked tensor of 32-bit signless integer values, but got 'tensor<2xi64>'}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.1:0>>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi64> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

func.func @f(%x: tensor<1x4x4x3xf32>, %w: tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  // expected-error @+1 {{operand #0 must be ranked tensor of quantized type values, but got 'tensor<1x4x4x3xf32>'}}
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38>, strides = array<i64: 1, 1>} : tensor<1x4x4x3xf32>, tensor<2x3x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// -----

// expected-error @+1 {{scale -1.000000e+00 out of expressed type range}}
func.func @bad_scale(%x: tensor<2x!quant.uniform<u8:f32, -1.0:0>>) { return }

// -----

// expected-error @+1 {{scale 0.000000e+00 out of expressed type range}}
func.func @zero_scale(%x: tensor<2x!quant.uniform<u8:f32, 0.0:0>>) { return }

// -----

func.func @mm(%a: tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>, %w: tensor<16x10x!quant.uniform<i8:f32, 0.01>>, %b: tensor<10xi32>) -> tensor<4x10x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{contraction sizes differ: lhs has 32 columns, rhs has 16 rows}}
  %0 = qnn.matmul %a, %w, %b {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<half_even>, shift = array<i32: 37>} : tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>, tensor<16x10x!quant.uniform<i8:f32, 0.01>>, tensor<10xi32> -> tensor<4x10x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x10x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @mm(%a: tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>, %w: tensor<32x10x!quant.uniform<i8:f32:0, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>, %b: tensor<10xi32>) -> tensor<4x10x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{per-axis rhs must be quantized on dimension 1 (output columns), got dimension 0}}
  %0 = qnn.matmul %a, %w, %b {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<half_even>, shift = array<i32: 37>} : tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>, tensor<32x10x!quant.uniform<i8:f32:0, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01}>>, tensor<10xi32> -> tensor<4x10x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x10x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @mm(%a: tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>, %w: tensor<32x10x!quant.uniform<i8:f32, 0.01>>, %b: tensor<8xi32>) -> tensor<4x10x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{bias has 8 elements but there are 10 output channels}}
  %0 = qnn.matmul %a, %w, %b {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<half_even>, shift = array<i32: 37>} : tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>, tensor<32x10x!quant.uniform<i8:f32, 0.01>>, tensor<8xi32> -> tensor<4x10x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x10x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @rq(%a: tensor<4x8xi32>) -> tensor<4x8x!quant.uniform<i16:f32, 0.1>> {
  // expected-error @+1 {{output storage type must be 8-bit, got 'i16'}}
  %0 = qnn.requantize %a {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<half_even>, shift = array<i32: 37>} : tensor<4x8xi32> -> tensor<4x8x!quant.uniform<i16:f32, 0.1>>
  return %0 : tensor<4x8x!quant.uniform<i16:f32, 0.1>>
}

// -----

func.func @rq(%a: tensor<4x8xi32>) -> tensor<4x8x!quant.uniform<i8:f32:1, {0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1}>> {
  // expected-error @+1 {{output must be per-tensor quantized}}
  %0 = qnn.requantize %a {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<half_even>, shift = array<i32: 37>} : tensor<4x8xi32> -> tensor<4x8x!quant.uniform<i8:f32:1, {0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1}>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32:1, {0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1}>>
}

// -----

func.func @rq(%a: tensor<4x8xi32>) -> tensor<4x8x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+2 {{expected ::mlir::qmlir::qnn::RoundingMode to be one of: double_round, single_round, half_even}}
  // expected-error @+1 {{failed to parse QNN_RoundingModeAttr parameter 'value'}}
  %0 = qnn.requantize %a {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<round_up>, shift = array<i32: 37>} : tensor<4x8xi32> -> tensor<4x8x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @bn(%x: tensor<1x4x4x2xf32>, %p: tensor<3xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error @+1 {{mean has 3 elements but the input has 2 channels (last dimension)}}
  %0 = qnn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-03 : f32} : (tensor<1x4x4x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

func.func @bn(%x: tensor<1x4x4x2xf32>, %p: tensor<2xf16>) -> tensor<1x4x4x2xf32> {
  // expected-error @+1 {{mean element type 'f16' differs from input element type 'f32'}}
  %0 = qnn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-03 : f32} : (tensor<1x4x4x2xf32>, tensor<2xf16>, tensor<2xf16>, tensor<2xf16>, tensor<2xf16>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

func.func @bn(%x: tensor<1x4x4x2xf32>, %p: tensor<2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error @+1 {{epsilon must be finite and non-negative, got -1.000000e+00}}
  %0 = qnn.batch_norm %x, %p, %p, %p, %p {epsilon = -1.0 : f32} : (tensor<1x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

func.func @obs(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{calibrated min 3.000000e+00 is greater than max 1.000000e+00}}
  %0 = qnn.observe %x {min = 3.0 : f32, max = 1.0 : f32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @obs(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{min and max must be given together}}
  %0 = qnn.observe %x {min = 3.0 : f32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @acc_with_attrs(%a: tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>, %m: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2xi32>) -> tensor<4x2xi32> {
  // expected-error @+1 {{an i32 (accumulator) result takes no requantization attributes}}
  %0 = qnn.matmul %a, %m, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32> -> tensor<4x2xi32>
  return %0 : tensor<4x2xi32>
}

// -----

func.func @missing_requant(%a: tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>, %m: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2xi32>) -> tensor<4x2x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{a quantized result needs multiplier, shift, clamp_min, clamp_max and rounding}}
  %0 = qnn.matmul %a, %m, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 31>} : tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32> -> tensor<4x2x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x2x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @dq_shape(%x: tensor<3x4xf32>) -> tensor<4x3xi8> {
  // expected-error @+1 {{output shape 4, 3 differs from input shape 3, 4}}
  %y, %s, %zp = qnn.dynamic_quantize %x : tensor<3x4xf32> -> tensor<4x3xi8>, tensor<f32>, tensor<i8>
  return %y : tensor<4x3xi8>
}

// -----

func.func @ql_per_axis(%x: tensor<3x4xf32>, %s: tensor<4xf32>, %zp: tensor<i8>) -> tensor<3x4xi8> {
  // expected-error @+1 {{scale and zero point must have one element (per-tensor)}}
  %0 = qnn.quantize_linear %x, %s, %zp : (tensor<3x4xf32>, tensor<4xf32>, tensor<i8>) -> tensor<3x4xi8>
  return %0 : tensor<3x4xi8>
}

// -----

func.func @folded_bn_sizes(%x: tensor<1x2x2x2xf32>, %w: tensor<2x1x1x2xf32>, %b: tensor<2xf32>, %zp: tensor<1xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{expected as many beta as gamma values (at least one), got 2 and 1}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qnn.folded_bn = #qnn.folded_bn<beta = [1.0, 2.0], gamma = [1.0]>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

func.func @folded_bn_channels(%x: tensor<1x2x2x2xf32>, %w: tensor<2x1x1x2xf32>, %b: tensor<2xf32>, %zp: tensor<1xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qnn.folded_bn' needs one ranked tensor result whose last (channel) dimension is 3}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qnn.folded_bn = #qnn.folded_bn<beta = [1.0, 2.0, 3.0], gamma = [1.0, 1.0, 1.0]>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

func.func @folded_bn_kind(%x: tensor<1x2x2x2xf32>, %w: tensor<2x1x1x2xf32>, %b: tensor<2xf32>, %zp: tensor<1xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qnn.folded_bn' must be a #qnn.folded_bn attribute}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qnn.folded_bn = {beta = array<f32: 1.0, 2.0>}} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

func.func @observe_mean_size(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expected one mean per channel (last dimension), got 2}}
  %0 = qnn.observe %x {max = 1.0 : f32, mean = array<f32: 0.5, 0.5>, min = 0.0 : f32} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @observe_mean_range(%x: tensor<2x1xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{mean 2.000000e+00 is outside the range [0.000000e+00, 1.000000e+00]}}
  %0 = qnn.observe %x {max = 1.0 : f32, mean = array<f32: 2.0>, min = 0.0 : f32} : tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @observe_mean_uncalibrated(%x: tensor<2x1xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{a mean needs the calibrated min and max}}
  %0 = qnn.observe %x {mean = array<f32: 0.5>} : tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
