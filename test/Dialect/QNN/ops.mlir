// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// CHECK-LABEL: func @batch_norm
// CHECK: qnn.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<1x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
func.func @batch_norm(%x: tensor<1x4x4x2xf32>, %p: tensor<2xf32>) -> tensor<1x4x4x2xf32> {
  %0 = qnn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-03 : f32} : (tensor<1x4x4x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// CHECK-LABEL: func @observe
// CHECK: qnn.observe %{{.*}} : tensor<4xf32>
// CHECK: qnn.observe %{{.*}} {max = 2.500000e+00 : f32, min = -1.000000e+00 : f32} : tensor<4xf32>
func.func @observe(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnn.observe %x : tensor<4xf32>
  %1 = qnn.observe %0 {min = -1.0 : f32, max = 2.5 : f32} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// CHECK-LABEL: func @conv2d_per_axis
// CHECK: qnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824, 1518500250>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 38, 37>, strides = array<i64: 1, 1>}
// CHECK-SAME: -> tensor<1x4x4x2x!quant.uniform<u8:f32, 5.000000e-02>>
func.func @conv2d_per_axis(%x: tensor<1x4x4x3x!quant.uniform<u8:f32, 0.0039:0>>,
                           %w: tensor<2x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>,
                           %b: tensor<2xi32>) -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>> {
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32,
         dilations = array<i64: 1, 1>, groups = 1 : i64,
         multiplier = array<i32: 1073741824, 1518500250>,
         padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>,
         shift = array<i32: 38, 37>, strides = array<i64: 1, 1>}
      : tensor<1x4x4x3x!quant.uniform<u8:f32, 0.0039:0>>,
        tensor<2x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02}>>,
        tensor<2xi32> -> tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
  return %0 : tensor<1x4x4x2x!quant.uniform<u8:f32, 0.05:0>>
}

// CHECK-LABEL: func @depthwise_strided
// CHECK: qnn.conv2d {{.*}}groups = 4 : i64{{.*}}rounding = #qnn.rounding<single_round>{{.*}}strides = array<i64: 2, 2>
func.func @depthwise_strided(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.1:10>>,
                             %w: tensor<4x3x3x1x!quant.uniform<i8:f32, 0.01>>,
                             %b: tensor<4xi32>) -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:3>> {
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 200 : i32, clamp_min = 3 : i32,
         dilations = array<i64: 1, 1>, groups = 4 : i64,
         multiplier = array<i32: 1073741824>, padding = array<i64: 0, 1, 0, 1>,
         rounding = #qnn.rounding<single_round>, shift = array<i32: 40>,
         strides = array<i64: 2, 2>}
      : tensor<1x8x8x4x!quant.uniform<u8:f32, 0.1:10>>,
        tensor<4x3x3x1x!quant.uniform<i8:f32, 0.01>>,
        tensor<4xi32> -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:3>>
  return %0 : tensor<1x4x4x4x!quant.uniform<u8:f32, 0.2:3>>
}

// CHECK-LABEL: func @matmul
// CHECK: qnn.matmul %{{.*}}, %{{.*}}, %{{.*}} {{.*}}rounding = #qnn.rounding<half_even>
// CHECK-SAME: -> tensor<4x10x!quant.uniform<i8:f32, 1.000000e-01:-3>>
func.func @matmul(%a: tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>,
                  %w: tensor<32x10x!quant.uniform<i8<-127:127>:f32:1, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.02}>>,
                  %b: tensor<10xi32>) -> tensor<4x10x!quant.uniform<i8:f32, 0.1:-3>> {
  %0 = qnn.matmul %a, %w, %b {clamp_max = 127 : i32, clamp_min = -128 : i32,
         multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<half_even>,
         shift = array<i32: 37>}
      : tensor<4x32x!quant.uniform<u8:f32, 0.02:128>>,
        tensor<32x10x!quant.uniform<i8<-127:127>:f32:1, {0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.01,0.02}>>,
        tensor<10xi32> -> tensor<4x10x!quant.uniform<i8:f32, 0.1:-3>>
  return %0 : tensor<4x10x!quant.uniform<i8:f32, 0.1:-3>>
}

// CHECK-LABEL: func @requantize
// CHECK: qnn.requantize %{{.*}} {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1073741824, 1073741825>, rounding = #qnn.rounding<single_round>, shift = array<i32: 33, 62>} : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<u8:f32, 5.000000e-01:10>>
func.func @requantize(%acc: tensor<4x2xi32>) -> tensor<4x2x!quant.uniform<u8:f32, 0.5:10>> {
  %0 = qnn.requantize %acc {clamp_max = 255 : i32, clamp_min = 0 : i32,
         multiplier = array<i32: 1073741824, 1073741825>,
         rounding = #qnn.rounding<single_round>, shift = array<i32: 33, 62>}
      : tensor<4x2xi32> -> tensor<4x2x!quant.uniform<u8:f32, 0.5:10>>
  return %0 : tensor<4x2x!quant.uniform<u8:f32, 0.5:10>>
}

// CHECK-LABEL: func @accumulators
// CHECK: qnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : {{.*}} -> tensor<1x2x2x2xi32>
// CHECK: qnn.matmul %{{.*}}, %{{.*}}, %{{.*}} : {{.*}} -> tensor<4x2xi32>
func.func @accumulators(%x: tensor<1x2x2x3x!quant.uniform<u8:f32, 1.0:3>>,
                        %w: tensor<2x1x1x3x!quant.uniform<i8:f32, 1.0>>,
                        %b: tensor<2xi32>,
                        %a: tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>,
                        %m: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) -> (tensor<1x2x2x2xi32>, tensor<4x2xi32>) {
  %0 = qnn.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : tensor<1x2x2x3x!quant.uniform<u8:f32, 1.0:3>>, tensor<2x1x1x3x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32> -> tensor<1x2x2x2xi32>
  %1 = qnn.matmul %a, %m, %b : tensor<4x3x!quant.uniform<u8:f32, 1.0:3>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2xi32> -> tensor<4x2xi32>
  return %0, %1 : tensor<1x2x2x2xi32>, tensor<4x2xi32>
}

// CHECK-LABEL: func @dynamic_quantize
// CHECK: qnn.dynamic_quantize %{{.*}} : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<f32>, tensor<i8>
func.func @dynamic_quantize(%x: tensor<3x4xf32>) -> (tensor<3x4xi8>, tensor<f32>, tensor<i8>) {
  %y, %s, %zp = qnn.dynamic_quantize %x : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<f32>, tensor<i8>
  return %y, %s, %zp : tensor<3x4xi8>, tensor<f32>, tensor<i8>
}

// CHECK-LABEL: func @quantize_linear
// CHECK: qnn.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} {is_unsigned} : (tensor<3x4xf32>, tensor<f32>, tensor<i8>) -> tensor<3x4xi8>
func.func @quantize_linear(%x: tensor<3x4xf32>, %s: tensor<f32>, %zp: tensor<i8>) -> tensor<3x4xi8> {
  %0 = qnn.quantize_linear %x, %s, %zp {is_unsigned} : (tensor<3x4xf32>, tensor<f32>, tensor<i8>) -> tensor<3x4xi8>
  return %0 : tensor<3x4xi8>
}
