// RUN: quant-opt %s --split-input-file --qnn-cpu-interleave-channels --canonicalize | FileCheck %s

// The quantized image input: the qcast moves onto the NCHW planes, the
// bytes are interleaved a row at a time (37 columns: a block of 32, then
// pieces of 4 and 1), each piece one read per channel, one shuffle, one
// write into the [N, H, W * C] result.
// CHECK-LABEL: func.func @quantized
// CHECK: %[[Q:.*]] = quant.qcast %arg0 : tensor<1x3x4x37xf32> to tensor<1x3x4x37x!quant.uniform<u8:f32, 7.812500e-03:128>>
// CHECK: %[[S:.*]] = quant.scast %[[Q]] : {{.*}} to tensor<1x3x4x37xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x111xi8>
// CHECK: %[[R:.*]] = scf.for %[[H:.*]] = %c0 to %c4 step %c1 iter_args(%[[A:.*]] = %[[E]]) -> (tensor<1x4x111xi8>)
// CHECK: vector.transfer_read %[[S]][%c0, %c0, %[[H]], %c0], %{{.*}} {in_bounds = [true]} : tensor<1x3x4x37xi8>, vector<32xi8>
// CHECK: vector.transfer_read %[[S]][%c0, %c1, %[[H]], %c0]
// CHECK: vector.transfer_read %[[S]][%c0, %c2, %[[H]], %c0]
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 32, 64, 1, 33, 65, 2, 34, 66,
// CHECK: %[[W:.*]] = vector.transfer_write %{{.*}}, %[[A]][%c0, %[[H]], %c0] {in_bounds = [true]} : vector<96xi8>, tensor<1x4x111xi8>
// CHECK: vector.transfer_read %[[S]][%c0, %c0, %[[H]], %c32], %{{.*}} {in_bounds = [true]} : tensor<1x3x4x37xi8>, vector<4xi8>
// CHECK: vector.transfer_write %{{.*}}[%c0, %[[H]], %c96] {in_bounds = [true]} : vector<12xi8>, tensor<1x4x111xi8>
// CHECK: vector.transfer_write %{{.*}}[%c0, %[[H]], %c108] {in_bounds = [true]} : vector<3xi8>, tensor<1x4x111xi8>
// CHECK: %[[X:.*]] = tensor.expand_shape %[[R]] {{\[}}[0], [1], [2, 3]] output_shape [1, 4, 37, 3] : tensor<1x4x111xi8> into tensor<1x4x37x3xi8>
// CHECK: quant.scast %[[X]] : tensor<1x4x37x3xi8> to tensor<1x4x37x3x!quant.uniform<u8:f32, 7.812500e-03:128>>
// CHECK-NOT: tosa.transpose
func.func @quantized(%x: tensor<1x3x4x37xf32>) -> tensor<1x4x37x3x!quant.uniform<u8:f32, 0.0078125:128>> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x4x37xf32>) -> tensor<1x4x37x3xf32>
  %q = quant.qcast %t : tensor<1x4x37x3xf32> to tensor<1x4x37x3x!quant.uniform<u8:f32, 0.0078125:128>>
  return %q : tensor<1x4x37x3x!quant.uniform<u8:f32, 0.0078125:128>>
}

// -----

// A float transpose of 4 channels: blocks of 8 floats (32 bytes).
// CHECK-LABEL: func.func @float
// CHECK: vector.transfer_read %arg0[%{{.*}}, %c3, %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<2x4x3x16xf32>, vector<8xf32>
// CHECK: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<32xf32>, tensor<2x3x64xf32>
// CHECK: tensor.expand_shape
func.func @float(%x: tensor<2x4x3x16xf32>) -> tensor<2x3x16x4xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x4x3x16xf32>) -> tensor<2x3x16x4xf32>
  return %t : tensor<2x3x16x4xf32>
}

// -----

// Left alone: more than 4 channels, another permutation, a per-axis qcast
// (the transpose is then interleaved in f32).
// CHECK-LABEL: func.func @others
// CHECK: tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x2x16xf32>)
// CHECK: tosa.transpose %arg1 {perms = array<i32: 0, 3, 1, 2>}
// CHECK-NOT: tosa.transpose
// CHECK: quant.qcast %{{.*}} : tensor<1x2x16x3xf32> to tensor<1x2x16x3x!quant.uniform<u8:f32:3, {1.000000e-01,2.000000e-01,3.000000e-01}>>
func.func @others(%a: tensor<1x8x2x16xf32>, %b: tensor<1x2x16x3xf32>, %c: tensor<1x3x2x16xf32>) -> (tensor<1x2x16x8xf32>, tensor<1x3x2x16xf32>, tensor<1x2x16x3x!quant.uniform<u8:f32:3, {0.1, 0.2, 0.3}>>) {
  %0 = tosa.transpose %a {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x2x16xf32>) -> tensor<1x2x16x8xf32>
  %1 = tosa.transpose %b {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x16x3xf32>) -> tensor<1x3x2x16xf32>
  %2 = tosa.transpose %c {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x2x16xf32>) -> tensor<1x2x16x3xf32>
  %3 = quant.qcast %2 : tensor<1x2x16x3xf32> to tensor<1x2x16x3x!quant.uniform<u8:f32:3, {0.1, 0.2, 0.3}>>
  return %0, %1, %3 : tensor<1x2x16x8xf32>, tensor<1x3x2x16xf32>, tensor<1x2x16x3x!quant.uniform<u8:f32:3, {0.1, 0.2, 0.3}>>
}
