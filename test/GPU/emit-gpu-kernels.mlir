// RUN: quant-translate --emit-gpu-kernels %s | FileCheck %s

// A u8 x s8 matmul [20 x 40] x [40 x 10]: padded to 32 x 16 x 64, one warp
// per 16x8 tile, mma.sync m16n8k32 with u8 activations, the requantization
// epilogue of the op (double rounding) per output element.
// CHECK: gpu.module @qmlir_kernels
// CHECK: gpu.func @qmlir_matmul_0_32x16x64(%{{.*}}: memref<32x64xi8>, %{{.*}}: memref<64x16xi8>, %{{.*}}: memref<16xi32>, %{{.*}}: memref<16xi32>, %{{.*}}: memref<16xi32>, %{{.*}}: memref<32x16xi8>) kernel
// CHECK-SAME: known_block_size = array<i32: 32, 1, 1>
// CHECK-SAME: known_grid_size = array<i32: 2, 2, 1>
// CHECK: scf.for
// CHECK-COUNT-4: vector.load {{.*}} : memref<32x64xi8>, vector<4xi8>
// CHECK: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>
// CHECK: arith.shrsi {{.*}} : i64
// CHECK-COUNT-4: memref.store {{.*}} : memref<32x16xi8>
func.func @main(%a: tensor<20x40x!quant.uniform<u8:f32, 0.02:128>>) -> tensor<20x10x!quant.uniform<i8:f32, 0.1:-3>> {
  %wi = arith.constant dense<3> : tensor<40x10xi8>
  %w = quant.scast %wi : tensor<40x10xi8> to tensor<40x10x!quant.uniform<i8<-127:127>:f32, 0.01>>
  %b = arith.constant dense<7> : tensor<10xi32>
  %0 = qnn.matmul %a, %w, %b {clamp_max = 127 : i32, clamp_min = -128 : i32, multiplier = array<i32: 1518500250>, rounding = #qnn.rounding<double_round>, shift = array<i32: 37>} : tensor<20x40x!quant.uniform<u8:f32, 0.02:128>>, tensor<40x10x!quant.uniform<i8<-127:127>:f32, 0.01>>, tensor<10xi32> -> tensor<20x10x!quant.uniform<i8:f32, 0.1:-3>>
  return %0 : tensor<20x10x!quant.uniform<i8:f32, 0.1:-3>>
}

