// RUN: quant-opt %s --qnn-cpu-tile-and-vectorize --canonicalize | FileCheck %s

// Depthwise: tiled over output rows and kernel rows, decomposed to 1-D and
// vectorized over 8 output columns x 16 channels.
// CHECK-LABEL: func @depthwise
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     vector.transfer_read {{.*}} : tensor<1x10x16xi32>, vector<1x10x16xi32>
// CHECK:     arith.muli {{.*}} : vector<1x8x16xi32>
// CHECK:     vector.transfer_write {{.*}} : vector<1x8x16xi32>, tensor<1x8x16xi32>
// CHECK-NOT: linalg.depthwise_conv
func.func @depthwise(%x: tensor<1x10x10x16xi32>, %w: tensor<3x3x16xi8>, %acc: tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32> {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x10x10x16xi32>, tensor<3x3x16xi8>) outs(%acc : tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32>
  return %0 : tensor<1x8x8x16xi32>
}

// Dense convolution: the weights stay i8 in registers and are sign-extended
// per kernel tap; outer products over 16 output channels.
// CHECK-LABEL: func @conv
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     vector.transfer_read {{.*}} : tensor<3x8x16xi8>, vector<3x8x16xi8>
// CHECK:     arith.extsi {{.*}} : vector<8x16xi8> to vector<8x16xi32>
// CHECK:     arith.muli {{.*}} : vector<16xi32>
// CHECK-NOT: linalg.conv_2d
func.func @conv(%x: tensor<1x10x10x8xi32>, %w: tensor<3x3x8x16xi8>, %acc: tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x10x10x8xi32>, tensor<3x3x8x16xi8>) outs(%acc : tensor<1x8x8x16xi32>) -> tensor<1x8x8x16xi32>
  return %0 : tensor<1x8x8x16xi32>
}

// Matmul: 8x16x32 tiles.
// CHECK-LABEL: func @matmul
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     scf.for
// CHECK:       vector.transfer_read {{.*}} : tensor<8x32xi32>, vector<8x32xi32>
// CHECK:       vector.transfer_read {{.*}} : tensor<32x16xi8>, vector<32x16xi8>
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: tensor<16x64xi32>, %b: tensor<64x32xi8>, %c: tensor<16x32xi32>) -> tensor<16x32xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x64xi32>, tensor<64x32xi8>) outs(%c : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %0 : tensor<16x32xi32>
}

// Elementwise: one row of 16 per tile.
// CHECK-LABEL: func @elementwise
// CHECK: scf.for
// CHECK:   arith.extui {{.*}} : vector<1x16xi8> to vector<1x16xi32>
func.func @elementwise(%x: tensor<4x32xi8>) -> tensor<4x32xi32> {
  %e = tensor.empty() : tensor<4x32xi32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x32xi8>) outs(%e : tensor<4x32xi32>) {
  ^bb0(%in: i8, %out: i32):
    %1 = arith.extui %in : i8 to i32
    linalg.yield %1 : i32
  } -> tensor<4x32xi32>
  return %0 : tensor<4x32xi32>
}

// Dynamic shapes are left for the loop lowering.
// CHECK-LABEL: func @dynamic
// CHECK: linalg.matmul
func.func @dynamic(%a: tensor<?x64xi32>, %b: tensor<64x32xi8>, %c: tensor<?x32xi32>) -> tensor<?x32xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<?x64xi32>, tensor<64x32xi8>) outs(%c : tensor<?x32xi32>) -> tensor<?x32xi32>
  return %0 : tensor<?x32xi32>
}
