// RUN: quant-opt %s --split-input-file --qnn-cpu-microkernels="target-triple=x86_64-unknown-linux-gnu target-features=+avx512f,+avx512bw,+avx512vnni" | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnn-cpu-microkernels="target-triple=aarch64-unknown-linux-gnu target-features=+neon,+i8mm" | FileCheck %s --check-prefix=USDOT
// RUN: quant-opt %s --split-input-file --qnn-cpu-microkernels="target-triple=aarch64-unknown-linux-gnu target-features=+neon,+dotprod" | FileCheck %s --check-prefix=SDOT
// RUN: quant-opt %s --split-input-file --qnn-cpu-microkernels="target-triple=x86_64-unknown-linux-gnu target-features=+sse4.2" | FileCheck %s --check-prefix=NONE
// RUN: quant-opt %s --split-input-file --qnn-cpu-microkernels="target-triple=x86_64-unknown-linux-gnu target-features=+avx2,+avxvnni" | FileCheck %s --check-prefix=YMM
// RUN: quant-opt %s --split-input-file --qnn-cpu-microkernels="target-triple=x86_64-unknown-linux-gnu target-features=+avx2" | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --split-input-file --qnn-cpu-microkernels="target-triple=x86_64-unknown-linux-gnu target-features=+avx512f,+avx512bw,+avx512vnni threads=2 parallel-macs=0" | FileCheck %s --check-prefix=PAR

// Two threads: one panel per thread, the row blocks split in two chunks.
// PAR-LABEL: func.func private @__qnn_kernel_0(%{{.*}}: memref<5x7xi8>
// PAR: %[[P:.*]] = memref.alloca() {alignment = 64 : i64} : memref<2x5x8xi8>
// PAR: scf.parallel (%[[C:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// PAR:   memref.subview %[[P]][%[[C]], 0, 0] [1, 5, 8] [1, 1, 1]
// PAR:   scf.for

// A matmul with K = 7: weights packed into [N/16][K/4][64] (zero-padded),
// bias' = bias - zp * sum_k W = 5 - 3 * 21 = -58, rows gathered into a panel
// (K is not a multiple of 4), 4-way dot products on 16 lanes. The
// accumulators start from bias' + 2^31 = 2147483590 (mod 2^32): the short
// double_round epilogue multiplies them unsigned instead of doubling them.
// CHECK-DAG: memref.global "private" constant @__qnn_kernel_0_bias : memref<32xi32> = dense<[2147483590,
// CHECK-DAG: memref.global "private" constant @__qnn_kernel_0_weights : memref<2x2x64xi8>
// CHECK-LABEL: func.func @matmul
// CHECK: %[[S:.*]] = quant.scast %{{.*}} : tensor<5x7x!quant.uniform{{.*}}> to tensor<5x7xi8>
// CHECK: %[[A:.*]] = bufferization.to_buffer %[[S]] read_only : tensor<5x7xi8> to memref<5x7xi8>
// CHECK: %[[C:.*]] = memref.alloc() {alignment = 64 : i64} : memref<5x19xi8>
// CHECK: call @__qnn_kernel_0(%[[A]], %[[C]])
// CHECK: bufferization.to_tensor %[[C]] restrict writable
// CHECK-NOT: qnn.matmul
// CHECK: func.func private @__qnn_kernel_0(%{{.*}}: memref<5x7xi8>, %{{.*}}: memref<5x19xi8>) attributes {llvm.linkage = #llvm.linkage<internal>, qnn.microkernel}
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<1x5x8xi8>
// CHECK: scf.for
// CHECK: vector.load %{{.*}} : memref<2x2x64xi8>, vector<64xi8>
// CHECK: arith.extui %{{.*}} : vector<64xi8> to vector<64xi32>
// CHECK: arith.extsi %{{.*}} : vector<64xi8> to vector<64xi32>
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<16x4xi32> to vector<16xi32>
// The last columns (19 of 32) are stored with a mask.
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : vector<16xi8>, memref<5x19xi8>

// usdot: 4 lanes, u8 x s8.
// USDOT: memref.global "private" constant @__qnn_kernel_0_weights : memref<5x2x16xi8>
// USDOT: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// USDOT: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<4x4xi32> to vector<4xi32>

// sdot: s8 x s8: the u8 activations are shifted by 128 (xor 0x80), and
// bias' = 5 - (3 - 128) * 21 = 2630, plus 2^31: -2147481018.
// SDOT: @__qnn_kernel_0_bias : memref<20xi32> = dense<[-2147481018,
// SDOT: arith.xori %{{.*}}, %c-2139062144_i32 : i32
// SDOT: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>

// AVX-VNNI (ymm, 16 registers): 8 lanes of 4 bytes; the packed weights are
// [N/8][K/4][8 x 4 bytes].
// YMM-LABEL: func.func @matmul
// YMM: call @__qnn_kernel_0
// YMM: @__qnn_kernel_0_weights : memref<3x2x32xi8>
// YMM: vector<32xi8>

// AVX2 with weights whose same-signed pairs sum to at most 128 (here all
// 3): the bytes stay in groups of 4 as for VNNI, and each group is two u8 x
// s8 pairs summed in i16 (vpmaddubsw, exact under that bound), then in i32
// (vpmaddwd by ones). The u8 activations need no xor.
// AVX2-DAG: @__qnn_kernel_0_bias : memref<24xi32> = dense<[2147483590,
// AVX2-DAG: @__qnn_kernel_0_weights : memref<3x2x32xi8>
// AVX2-LABEL: func.func @matmul
// AVX2: func.func private @__qnn_kernel_0
// AVX2-NOT: arith.xori
// AVX2: arith.extui %{{.*}} : vector<32xi8> to vector<32xi16>
// AVX2: arith.extsi %{{.*}} : vector<32xi8> to vector<32xi16>
// AVX2: %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : vector<32xi16>
// AVX2: %[[P2:.*]] = vector.shape_cast %[[P]] : vector<32xi16> to vector<16x2xi16>
// AVX2: %[[H:.*]] = vector.multi_reduction <add>, %[[P2]], %{{.*}} [1] : vector<16x2xi16> to vector<16xi16>
// AVX2: %[[H32:.*]] = arith.extsi %[[H]] : vector<16xi16> to vector<16xi32>
// AVX2: %[[Q:.*]] = vector.shape_cast %[[H32]] : vector<16xi32> to vector<8x2xi32>
// AVX2: vector.multi_reduction <add>, %[[Q]], %{{.*}} [1] : vector<8x2xi32> to vector<8xi32>

// Without a dot-product instruction (SSE only) the op is left to
// convert-qnn-to-linalg.
// NONE-LABEL: func.func @matmul
// NONE: qnn.matmul
// NONE-NOT: __qnn_kernel
func.func @matmul(%a: tensor<5x7x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<5x19x!quant.uniform<u8:f32, 0.5:2>> {
  %w = arith.constant dense<3> : tensor<7x19xi8>
  %wq = quant.scast %w : tensor<7x19xi8> to tensor<7x19x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<5> : tensor<19xi32>
  %0 = qnn.matmul %a, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1073741824>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>} : tensor<5x7x!quant.uniform<u8:f32, 0.1:3>>, tensor<7x19x!quant.uniform<i8:f32, 0.2>>, tensor<19xi32> -> tensor<5x19x!quant.uniform<u8:f32, 0.5:2>>
  return %0 : tensor<5x19x!quant.uniform<u8:f32, 0.5:2>>
}

// -----

// The AVX2 byte-pair bound per column: the two largest positive weights and
// the two most negative ones each sum to at most 128 in magnitude, since
// 255 * 128 = 32640 fits i16. Column 0 of @pairs_at_bound has 64, 64, -64,
// -64 (sums of exactly 128): bytes. @pairs_past_bound has 65 beside 64 in
// one column: i16 pairs.
// AVX2-LABEL: func.func @pairs_at_bound
// AVX2: func.func private @__qnn_kernel_0
// AVX2: vector<16x2xi16> to vector<16xi16>
func.func @pairs_at_bound(%a: tensor<3x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<3x2x!quant.uniform<u8:f32, 0.5:2>> {
  %w = arith.constant dense<[[64, 1], [-64, 2], [64, -1], [-64, 5]]> : tensor<4x2xi8>
  %wq = quant.scast %w : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<5> : tensor<2xi32>
  %0 = qnn.matmul %a, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1073741824>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>} : tensor<3x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x2x!quant.uniform<i8:f32, 0.2>>, tensor<2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 0.5:2>>
  return %0 : tensor<3x2x!quant.uniform<u8:f32, 0.5:2>>
}

// -----

// AVX2-LABEL: func.func @pairs_past_bound
// AVX2: func.func private @__qnn_kernel_0
// AVX2-NOT: xi16> to vector<16xi16>
// AVX2: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<8x2xi32> to vector<8xi32>
func.func @pairs_past_bound(%a: tensor<3x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<3x2x!quant.uniform<u8:f32, 0.5:2>> {
  %w = arith.constant dense<[[1, 65], [2, 3], [-1, 64], [5, 0]]> : tensor<4x2xi8>
  %wq = quant.scast %w : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<5> : tensor<2xi32>
  %0 = qnn.matmul %a, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1073741824>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>} : tensor<3x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x2x!quant.uniform<i8:f32, 0.2>>, tensor<2xi32> -> tensor<3x2x!quant.uniform<u8:f32, 0.5:2>>
  return %0 : tensor<3x2x!quant.uniform<u8:f32, 0.5:2>>
}

// -----

// AVX2 with 8-bit weights (two weights of 100 sum to more than 128):
// packed as i16 pairs [N/8][K/2][8 x 2 x i16]
// (K = 7 padded to 8 with zero weights), the rows widened to i16 in the
// panel (u8: zero extension, no xor; bias' = 5 - 3 * 700 + 2^31), and one pair
// reduction (vpmaddwd) per K pair.
// AVX2-DAG: @__qnn_kernel_0_bias : memref<24xi32> = dense<[2147481553,
// AVX2-DAG: @__qnn_kernel_0_weights : memref<3x4x16xi16>
// AVX2-LABEL: func.func @matmul_wide
// AVX2: call @__qnn_kernel_0
// AVX2: func.func private @__qnn_kernel_0
// AVX2: memref.alloca() {alignment = 64 : i64} : memref<1x5x8xi16>
// A row's 7 bytes are copied as 4 + 2 + 1 (no masked access), then the
// padding column 7 gets the zero point.
// AVX2: vector.transfer_read %{{.*}} {in_bounds = [true]} : memref<5x7xi8>, vector<4xi8>
// AVX2: arith.extui %{{.*}} : vector<4xi8> to vector<4xi16>
// AVX2: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<4xi16>, memref<5x8xi16
// AVX2: vector<2xi16>, memref<5x8xi16
// AVX2: vector<1xi16>, memref<5x8xi16
// AVX2: %[[ZP:.*]] = vector.broadcast %c3_i16 : i16 to vector<1xi16>
// AVX2: vector.transfer_write %[[ZP]], %{{.*}}[%{{.*}}, %c7] {in_bounds = [true]} : vector<1xi16>, memref<5x8xi16
// AVX2-NOT: arith.xori
// AVX2: vector.load %{{.*}} : memref<3x4x16xi16>, vector<16xi16>
// AVX2: vector.load %{{.*}} : memref<5x8xi16, {{.*}}>, vector<2xi16>
// AVX2: arith.extsi %{{.*}} : vector<16xi16> to vector<16xi32>
// AVX2: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<8x2xi32> to vector<8xi32>

func.func @matmul_wide(%a: tensor<5x7x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<5x19x!quant.uniform<u8:f32, 0.5:2>> {
  %w = arith.constant dense<100> : tensor<7x19xi8>
  %wq = quant.scast %w : tensor<7x19xi8> to tensor<7x19x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<5> : tensor<19xi32>
  %0 = qnn.matmul %a, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1073741824>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>} : tensor<5x7x!quant.uniform<u8:f32, 0.1:3>>, tensor<7x19x!quant.uniform<i8:f32, 0.2>>, tensor<19xi32> -> tensor<5x19x!quant.uniform<u8:f32, 0.5:2>>
  return %0 : tensor<5x19x!quant.uniform<u8:f32, 0.5:2>>
}

// -----

// A 1x1 convolution on NHWC rows with C % 4 == 0 reads its rows in place.
// CHECK-LABEL: func.func @pointwise
// CHECK: call @__qnn_kernel_0
// CHECK: func.func private @__qnn_kernel_0(%{{.*}}: memref<1x4x4x8xi8>, %{{.*}}: memref<1x4x4x16xi8>)
// CHECK-NOT: memref.alloca
// CHECK: memref.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3]] : memref<1x4x4x8xi8> into memref<16x8xi8>
func.func @pointwise(%x: tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x4x4x16x!quant.uniform<u8:f32, 0.5>> {
  %w = arith.constant dense<1> : tensor<16x1x1x8xi8>
  %wq = quant.scast %w : tensor<16x1x1x8xi8> to tensor<16x1x1x8x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<0> : tensor<16xi32>
  %0 = qnn.conv2d %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 0, 0, 0, 0>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>, strides = array<i64: 1, 1>} : tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1:128>>, tensor<16x1x1x8x!quant.uniform<i8:f32, 0.2>>, tensor<16xi32> -> tensor<1x4x4x16x!quant.uniform<u8:f32, 0.5>>
  return %0 : tensor<1x4x4x16x!quant.uniform<u8:f32, 0.5>>
}

// -----

// A 3x3 RGB stem as implicit GEMM: each kernel row's 9 input bytes padded to
// 12 columns (zero weights), 36 in all (9 groups of 4); a row block whose
// windows lie inside the image reads its 4-byte groups straight from the
// input (flattened), the others from the panel [9 rows][36] they are
// gathered into (25 rows in 3 blocks of 9).
// CHECK-DAG: @__qnn_kernel_0_weights : memref<1x9x64xi8>
// CHECK-LABEL: func.func @stem
// CHECK: func.func private @__qnn_kernel_0(%[[IN:.*]]: memref<1x9x9x3xi8>, %{{.*}}: memref<1x5x5x16xi8>)
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<1x9x36xi8>
// CHECK: %[[COLL:.*]] = memref.collapse_shape %[[IN]] {{\[}}[0, 1, 2, 3]] : memref<1x9x9x3xi8> into memref<243xi8>
// CHECK: %[[FLAT:.*]] = memref.cast %[[COLL]] : memref<243xi8> to memref<?xi8, strided<[1], offset: ?>>
// One copy of the tiles reads either, the panel gathered only when needed:
// CHECK: scf.if %[[INSIDE:.*]] {
// CHECK-NEXT: } else {
// CHECK: vector.transfer_write
// CHECK: %[[SRC:.*]] = arith.select %[[INSIDE]], %[[FLAT]], %{{.*}} : memref<?xi8, strided<[1], offset: ?>>
// CHECK: vector.load %[[SRC]][%{{.*}}] : memref<?xi8, strided<[1], offset: ?>>, vector<4xi8>
func.func @stem(%x: tensor<1x9x9x3x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x5x5x16x!quant.uniform<u8:f32, 0.5>> {
  %w = arith.constant dense<1> : tensor<16x3x3x3xi8>
  %wq = quant.scast %w : tensor<16x3x3x3xi8> to tensor<16x3x3x3x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<0> : tensor<16xi32>
  %0 = qnn.conv2d %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 1 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>, strides = array<i64: 2, 2>} : tensor<1x9x9x3x!quant.uniform<u8:f32, 0.1:128>>, tensor<16x3x3x3x!quant.uniform<i8:f32, 0.2>>, tensor<16xi32> -> tensor<1x5x5x16x!quant.uniform<u8:f32, 0.5>>
  return %0 : tensor<1x5x5x16x!quant.uniform<u8:f32, 0.5>>
}

// -----

// Depthwise: channels in lanes, 4 kernel columns per dot instruction:
// weights [3 kernel rows x ceil(3/4) = 1 group][16 channels x 4 taps] bytes
// (the 4th tap zero); weights 2 with input zero point 10:
// bias' = 1 - 10 * 9 * 2 = -179, plus 2^31: 2147483469. Each input row is interleaved once into a
// ring of 3 rows x 6 entries of [channel][4 pixels] bytes (one per thread),
// which the output rows read with one load per dot.
// CHECK-DAG: @__qnn_kernel_0_bias : memref<16xi32> = dense<2147483469>
// CHECK-DAG: @__qnn_kernel_0_weights : memref<3x64xi8>
// CHECK-LABEL: func.func @depthwise
// CHECK: call @__qnn_kernel_0
// CHECK: func.func private @__qnn_kernel_0
// The ring: 3 input rows and, in slot 3, a row of the padding byte (the
// input zero point 10) that kernel rows outside the image read.
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<1x4x6x64xi8>
// CHECK: vector.broadcast %c10_i8 : i8 to vector<64xi8>
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: vector.store %{{[0-9]+}}, %{{.*}}[%[[C3]], %{{.*}}, %{{.*}}] : memref<4x6x64xi8, strided<[384, 64, 1], offset: ?>>, vector<64xi8>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 16, 32, 48, 1, 17, 33, 49, {{.*}}] : vector<64xi8>, vector<64xi8>
// CHECK: vector.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<4x6x64xi8, strided<[384, 64, 1], offset: ?>>, vector<64xi8>
// CHECK: arith.select %{{.*}}, %{{.*}}, %c3{{(_[0-9]+)?}} : index
// CHECK: vector.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<4x6x64xi8, strided<[384, 64, 1], offset: ?>>, vector<64xi8>
// CHECK: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<16x4xi32> to vector<16xi32>
// With AVX2 and taps whose pairs cannot saturate vpmaddubsw (here all 2),
// the same ring of bytes (8 channels x 4 pixels per entry) and byte
// weights: per dot, pairs of u8 x s8 products summed in i16, then in i32.
// AVX2-DAG: @__qnn_kernel_0_weights : memref<3x64xi8>
// AVX2-LABEL: func.func @depthwise
// AVX2: func.func private @__qnn_kernel_0
// AVX2: memref.alloca() {alignment = 64 : i64} : memref<1x4x6x32xi8>
// AVX2: arith.extui %{{.*}} : vector<32xi8> to vector<32xi16>
// AVX2: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<16x2xi16> to vector<16xi16>
// AVX2: vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<8x2xi32> to vector<8xi32>
func.func @depthwise(%x: tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<1x6x6x16x!quant.uniform<u8:f32, 0.5>> {
  %w = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %wq = quant.scast %w : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<1> : tensor<16xi32>
  %0 = qnn.conv2d %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 16 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>, strides = array<i64: 1, 1>} : tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:10>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.2>>, tensor<16xi32> -> tensor<1x6x6x16x!quant.uniform<u8:f32, 0.5>>
  return %0 : tensor<1x6x6x16x!quant.uniform<u8:f32, 0.5>>
}

// -----

// With AVX2 and 8-bit taps (two weights of 100 would saturate vpmaddubsw),
// the same ring of bytes (8 channels x 4 pixels per entry), i16 weights; per dot the 32 bytes are zero-extended and pairs of products
// summed into 16 lanes (vpmaddwd after qnn-cpu-lower-dot-products), the
// two pair sums of each channel added once per output.
// AVX2-DAG: @__qnn_kernel_0_weights : memref<3x64xi16>
// AVX2-LABEL: func.func @depthwise_wide
// AVX2: func.func private @__qnn_kernel_0
// AVX2: memref.alloca() {alignment = 64 : i64} : memref<1x4x6x32xi8>
// AVX2: %[[ZERO:.*]] = arith.constant dense<0> : vector<16xi32>
// AVX2: %[[Z:.*]] = arith.extui %{{.*}} : vector<32xi8> to vector<32xi32>
// AVX2: %[[W:.*]] = arith.extsi %{{.*}} : vector<32xi16> to vector<32xi32>
// AVX2: %[[P:.*]] = arith.muli %[[Z]], %[[W]] : vector<32xi32>
// AVX2: %[[G:.*]] = vector.shape_cast %[[P]] : vector<32xi32> to vector<16x2xi32>
// AVX2: vector.multi_reduction <add>, %[[G]], %[[ZERO]] [1] : vector<16x2xi32> to vector<16xi32>
// AVX2: vector.shuffle %{{.*}}, %{{.*}} [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xi32>, vector<16xi32>
// AVX2: vector.shuffle %{{.*}}, %{{.*}} [1, 3, 5, 7, 9, 11, 13, 15] : vector<16xi32>, vector<16xi32>
func.func @depthwise_wide(%x: tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<1x6x6x16x!quant.uniform<u8:f32, 0.5>> {
  %w = arith.constant dense<100> : tensor<16x3x3x1xi8>
  %wq = quant.scast %w : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<1> : tensor<16xi32>
  %0 = qnn.conv2d %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 16 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>, strides = array<i64: 1, 1>} : tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:10>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.2>>, tensor<16xi32> -> tensor<1x6x6x16x!quant.uniform<u8:f32, 0.5>>
  return %0 : tensor<1x6x6x16x!quant.uniform<u8:f32, 0.5>>
}

// -----

// A map 2 rows high: a third of its kernel rows are padding, so its border
// rows skip them and add their constant sums (no padding slot in the ring).
// CHECK-LABEL: func.func @depthwise_short
// CHECK: func.func private @__qnn_kernel_0
// CHECK: memref.get_global @__qnn_kernel_0_row_padding : memref<3x16xi32>
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<1x3x6x64xi8>
func.func @depthwise_short(%x: tensor<1x2x6x16x!quant.uniform<u8:f32, 0.1:10>>) -> tensor<1x2x6x16x!quant.uniform<u8:f32, 0.5>> {
  %w = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %wq = quant.scast %w : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.2>>
  %b = arith.constant dense<1> : tensor<16xi32>
  %0 = qnn.conv2d %x, %wq, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, dilations = array<i64: 1, 1>, groups = 16 : i64, multiplier = array<i32: 1073741824>, padding = array<i64: 1, 1, 1, 1>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>, strides = array<i64: 1, 1>} : tensor<1x2x6x16x!quant.uniform<u8:f32, 0.1:10>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.2>>, tensor<16xi32> -> tensor<1x2x6x16x!quant.uniform<u8:f32, 0.5>>
  return %0 : tensor<1x2x6x16x!quant.uniform<u8:f32, 0.5>>
}

// -----

// Non-constant weights stay on the reference lowering.
// CHECK-LABEL: func.func @dynamic_weights
// CHECK: qnn.matmul
// CHECK-NOT: call
func.func @dynamic_weights(%a: tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x8x!quant.uniform<i8:f32, 0.2>>) -> tensor<2x8x!quant.uniform<u8:f32, 0.5>> {
  %b = arith.constant dense<0> : tensor<8xi32>
  %0 = qnn.matmul %a, %w, %b {clamp_max = 255 : i32, clamp_min = 0 : i32, multiplier = array<i32: 1073741824>, rounding = #qnn.rounding<double_round>, shift = array<i32: 33>} : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x8x!quant.uniform<i8:f32, 0.2>>, tensor<8xi32> -> tensor<2x8x!quant.uniform<u8:f32, 0.5>>
  return %0 : tensor<2x8x!quant.uniform<u8:f32, 0.5>>
}
