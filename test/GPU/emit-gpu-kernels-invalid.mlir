// RUN: not quant-translate --emit-gpu-kernels %s 2>&1 | FileCheck %s
// RUN: not quant-translate --emit-ptx --gpu-chip=sm_75 %S/emit-gpu-kernels.mlir 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: error: int8 mma.sync m16n8k32 needs sm_80 or newer, got '75'

// A 3x3 convolution has no GPU kernel yet: a remark, and an error when
// nothing is left to compile.
// CHECK: remark: no GPU kernel: only 1x1, stride-1, unpadded, ungrouped convolutions are matmuls
// CHECK: error: no qnn.matmul or 1x1 qnn.conv2d to compile for the GPU
func.func @conv3x3(%x: tensor<1x4x4x1x!quant.uniform<u8:f32, 0.1>>) -> tensor<1x2x2x1x!quant.uniform<u8:f32, 0.1>> {
  %wi = arith.constant dense<1> : tensor<1x3x3x1xi8>
  %w = quant.scast %wi : tensor<1x3x3x1xi8> to tensor<1x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<0> : tensor<1xi32>
  %0 = qnn.conv2d %x, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 0, 0, 0, 0>, rounding = #qnn.rounding<double_round>, shift = array<i32: 31>, strides = array<i64: 1, 1>} : tensor<1x4x4x1x!quant.uniform<u8:f32, 0.1>>, tensor<1x3x3x1x!quant.uniform<i8:f32, 0.01>>, tensor<1xi32> -> tensor<1x2x2x1x!quant.uniform<u8:f32, 0.1>>
  return %0 : tensor<1x2x2x1x!quant.uniform<u8:f32, 0.1>>
}
