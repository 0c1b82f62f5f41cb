// RUN: quant-opt %s --qnn-cpu-lower-dot-products="target-triple=x86_64-unknown-linux-gnu target-features=+avx2,+avxvnni" | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s --qnn-cpu-lower-dot-products="target-triple=x86_64-unknown-linux-gnu target-features=+avx2" | FileCheck %s --check-prefix=AVX2

// AVX-VNNI: vpdpbusd on ymm (8 lanes of 4 bytes).
// VNNI-LABEL: func.func @dot8
// VNNI-SAME: (%[[ACC:.*]]: vector<8xi32>, %[[A:.*]]: vector<32xi8>, %[[W:.*]]: vector<32xi8>)
// VNNI: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[ACC]], %[[A]], %[[W]]) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// VNNI: return %[[R]]
// AVX2 (no dot instruction): two rounds of even + odd lanes of the i32
// products, which the backend selects as vpmaddwd and a horizontal add.
// AVX2-LABEL: func.func @dot8
// AVX2-NOT: llvm.call_intrinsic
// AVX2-NOT: vector.multi_reduction
// AVX2: %[[P:.*]] = arith.muli {{.*}} : vector<32xi32>
// AVX2-DAG: %[[E1:.*]] = vector.shuffle %[[P]], %[[P]] [0, 2, 4,
// AVX2-DAG: %[[O1:.*]] = vector.shuffle %[[P]], %[[P]] [1, 3, 5,
// AVX2: %[[S1:.*]] = arith.addi %[[E1]], %[[O1]] : vector<16xi32>
// AVX2: arith.addi {{.*}} : vector<8xi32>
// AVX2: %[[R:.*]] = arith.addi %{{.*}}, %{{.*}} : vector<8xi32>
// AVX2: return %[[R]]
func.func @dot8(%acc: vector<8xi32>, %a: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  %0 = arith.extui %a : vector<32xi8> to vector<32xi32>
  %1 = arith.extsi %w : vector<32xi8> to vector<32xi32>
  %2 = arith.muli %0, %1 : vector<32xi32>
  %3 = vector.shape_cast %2 : vector<32xi32> to vector<8x4xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<8x4xi32> to vector<8xi32>
  return %4 : vector<8xi32>
}

// AVX2 pairs of i16 (the widened GEMM kernels): one vpmaddwd and an add.
// The byte form above is not a pair reduction, and an AVX-VNNI target keeps
// the pair form as it is (its kernels never produce it).
// AVX2-LABEL: func.func @pairs8
// AVX2-SAME: (%[[ACC:.*]]: vector<8xi32>, %[[A:.*]]: vector<16xi16>, %[[W:.*]]: vector<16xi16>)
// AVX2: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[A]], %[[W]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// AVX2: %[[R:.*]] = arith.addi %[[ACC]], %[[P]] : vector<8xi32>
// AVX2: return %[[R]]
// VNNI-LABEL: func.func @pairs8
// VNNI: vector.multi_reduction
func.func @pairs8(%acc: vector<8xi32>, %a: vector<16xi16>, %w: vector<16xi16>) -> vector<8xi32> {
  %0 = arith.extsi %a : vector<16xi16> to vector<16xi32>
  %1 = arith.extsi %w : vector<16xi16> to vector<16xi32>
  %2 = arith.muli %0, %1 : vector<16xi32>
  %3 = vector.shape_cast %2 : vector<16xi32> to vector<8x2xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %4 : vector<8xi32>
}

// Pairs of zero-extended i16 are not what vpmaddwd computes on values past
// 2^15: left as they are.
// AVX2-LABEL: func.func @pairs8_unsigned
// AVX2-NOT: llvm.call_intrinsic
// AVX2: vector.multi_reduction
func.func @pairs8_unsigned(%acc: vector<8xi32>, %a: vector<16xi16>, %w: vector<16xi16>) -> vector<8xi32> {
  %0 = arith.extui %a : vector<16xi16> to vector<16xi32>
  %1 = arith.extsi %w : vector<16xi16> to vector<16xi32>
  %2 = arith.muli %0, %1 : vector<16xi32>
  %3 = vector.shape_cast %2 : vector<16xi32> to vector<8x2xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %4 : vector<8xi32>
}

// The AVX2 depthwise form: 4 input bytes per channel zero-extended, i16
// weights, pair sums for 16 lanes (two per channel): widened to i16 once,
// two vpmaddwd on the halves, concatenated.
// AVX2-LABEL: func.func @pairs16_bytes
// AVX2-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[Z:.*]]: vector<32xi8>, %[[W:.*]]: vector<32xi16>)
// AVX2: %[[Z16:.*]] = arith.extui %[[Z]] : vector<32xi8> to vector<32xi16>
// AVX2: %[[ZL:.*]] = vector.extract_strided_slice %[[Z16]] {offsets = [0], sizes = [16], strides = [1]}
// AVX2: %[[WL:.*]] = vector.extract_strided_slice %[[W]] {offsets = [0], sizes = [16], strides = [1]}
// AVX2: %[[L:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[ZL]], %[[WL]])
// AVX2: %[[ZH:.*]] = vector.extract_strided_slice %[[Z16]] {offsets = [16], sizes = [16], strides = [1]}
// AVX2: %[[WH:.*]] = vector.extract_strided_slice %[[W]] {offsets = [16], sizes = [16], strides = [1]}
// AVX2: %[[H:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[ZH]], %[[WH]])
// AVX2: %[[LH:.*]] = vector.shuffle %[[L]], %[[H]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// AVX2: arith.addi %[[ACC]], %[[LH]] : vector<16xi32>
func.func @pairs16_bytes(%acc: vector<16xi32>, %z: vector<32xi8>, %w: vector<32xi16>) -> vector<16xi32> {
  %0 = arith.extui %z : vector<32xi8> to vector<32xi32>
  %1 = arith.extsi %w : vector<32xi16> to vector<32xi32>
  %2 = arith.muli %0, %1 : vector<32xi32>
  %3 = vector.shape_cast %2 : vector<32xi32> to vector<16x2xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<16x2xi32> to vector<16xi32>
  return %4 : vector<16xi32>
}

// The AVX2 byte-pair form (7-bit weights): u8 x s8 pairs summed in i16,
// then pairs of those in i32 -> vpmaddubsw, vpmaddwd by ones, an add.
// AVX2-LABEL: func.func @bytepairs8
// AVX2-SAME: (%[[ACC:.*]]: vector<8xi32>, %[[A:.*]]: vector<32xi8>, %[[W:.*]]: vector<32xi8>)
// AVX2-DAG: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// AVX2: %[[H:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[A]], %[[W]]) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// AVX2: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[H]], %[[ONES]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// AVX2: %[[R:.*]] = arith.addi %[[ACC]], %[[P]] : vector<8xi32>
// AVX2: return %[[R]]
func.func @bytepairs8(%acc: vector<8xi32>, %a: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  %z = arith.constant dense<0> : vector<16xi16>
  %0 = arith.extui %a : vector<32xi8> to vector<32xi16>
  %1 = arith.extsi %w : vector<32xi8> to vector<32xi16>
  %2 = arith.muli %0, %1 : vector<32xi16>
  %3 = vector.shape_cast %2 : vector<32xi16> to vector<16x2xi16>
  %4 = vector.multi_reduction <add>, %3, %z [1] : vector<16x2xi16> to vector<16xi16>
  %5 = arith.extsi %4 : vector<16xi16> to vector<16xi32>
  %6 = vector.shape_cast %5 : vector<16xi32> to vector<8x2xi32>
  %7 = vector.multi_reduction <add>, %6, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %7 : vector<8xi32>
}

// 16 result lanes: two halves of 32 bytes, concatenated.
// AVX2-LABEL: func.func @bytepairs16
// AVX2: vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [32], strides = [1]} : vector<64xi8> to vector<32xi8>
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// AVX2: vector.extract_strided_slice %{{.*}} {offsets = [32], sizes = [32], strides = [1]} : vector<64xi8> to vector<32xi8>
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// AVX2: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xi32>, vector<8xi32>
func.func @bytepairs16(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %z = arith.constant dense<0> : vector<32xi16>
  %0 = arith.extui %a : vector<64xi8> to vector<64xi16>
  %1 = arith.extsi %w : vector<64xi8> to vector<64xi16>
  %2 = arith.muli %0, %1 : vector<64xi16>
  %3 = vector.shape_cast %2 : vector<64xi16> to vector<32x2xi16>
  %4 = vector.multi_reduction <add>, %3, %z [1] : vector<32x2xi16> to vector<32xi16>
  %5 = arith.extsi %4 : vector<32xi16> to vector<32xi32>
  %6 = vector.shape_cast %5 : vector<32xi32> to vector<16x2xi32>
  %7 = vector.multi_reduction <add>, %6, %acc [1] : vector<16x2xi32> to vector<16xi32>
  return %7 : vector<16xi32>
}

// Not vpmaddubsw: signed activations (its first operand is unsigned), and an
// i16 sum that starts from something other than zero.
// AVX2-LABEL: func.func @bytepairs_signed
// AVX2-NOT: llvm.call_intrinsic
// AVX2: return
// AVX2-LABEL: func.func @bytepairs_acc
// AVX2-NOT: llvm.call_intrinsic
// AVX2: return
func.func @bytepairs_signed(%acc: vector<8xi32>, %a: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  %z = arith.constant dense<0> : vector<16xi16>
  %0 = arith.extsi %a : vector<32xi8> to vector<32xi16>
  %1 = arith.extsi %w : vector<32xi8> to vector<32xi16>
  %2 = arith.muli %0, %1 : vector<32xi16>
  %3 = vector.shape_cast %2 : vector<32xi16> to vector<16x2xi16>
  %4 = vector.multi_reduction <add>, %3, %z [1] : vector<16x2xi16> to vector<16xi16>
  %5 = arith.extsi %4 : vector<16xi16> to vector<16xi32>
  %6 = vector.shape_cast %5 : vector<16xi32> to vector<8x2xi32>
  %7 = vector.multi_reduction <add>, %6, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %7 : vector<8xi32>
}
func.func @bytepairs_acc(%acc: vector<8xi32>, %a: vector<32xi8>, %w: vector<32xi8>, %z: vector<16xi16>) -> vector<8xi32> {
  %0 = arith.extui %a : vector<32xi8> to vector<32xi16>
  %1 = arith.extsi %w : vector<32xi8> to vector<32xi16>
  %2 = arith.muli %0, %1 : vector<32xi16>
  %3 = vector.shape_cast %2 : vector<32xi16> to vector<16x2xi16>
  %4 = vector.multi_reduction <add>, %3, %z [1] : vector<16x2xi16> to vector<16xi16>
  %5 = arith.extsi %4 : vector<16xi16> to vector<16xi32>
  %6 = vector.shape_cast %5 : vector<16xi32> to vector<8x2xi32>
  %7 = vector.multi_reduction <add>, %6, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %7 : vector<8xi32>
}
