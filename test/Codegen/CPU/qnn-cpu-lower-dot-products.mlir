// RUN: quant-opt %s --split-input-file --qnn-cpu-lower-dot-products="target-triple=x86_64-unknown-linux-gnu target-features=+avx512f,+avx512bw,+avx512vnni" | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnn-cpu-lower-dot-products="target-triple=aarch64-unknown-linux-gnu target-features=+neon,+i8mm" | FileCheck %s --check-prefix=ARM

// CHECK-LABEL: func.func @vnni
// CHECK-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[A:.*]]: vector<64xi8>, %[[W:.*]]: vector<64xi8>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[A]], %[[W]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: return %[[R]]
func.func @vnni(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %0 = arith.extui %a : vector<64xi8> to vector<64xi32>
  %1 = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %2 = arith.muli %0, %1 : vector<64xi32>
  %3 = vector.shape_cast %2 : vector<64xi32> to vector<16x4xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %4 : vector<16xi32>
}

// -----

// A signed first operand is not vpdpbusd's u8 x s8: left alone.
// CHECK-LABEL: func.func @signed_signed
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @signed_signed(%acc: vector<16xi32>, %a: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %0 = arith.extsi %a : vector<64xi8> to vector<64xi32>
  %1 = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %2 = arith.muli %0, %1 : vector<64xi32>
  %3 = vector.shape_cast %2 : vector<64xi32> to vector<16x4xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %4 : vector<16xi32>
}

// -----

// ARM-LABEL: func.func @usdot
// ARM: llvm.call_intrinsic "llvm.aarch64.neon.usdot.v4i32.v16i8"
func.func @usdot(%acc: vector<4xi32>, %a: vector<16xi8>, %w: vector<16xi8>) -> vector<4xi32> {
  %0 = arith.extui %a : vector<16xi8> to vector<16xi32>
  %1 = arith.extsi %w : vector<16xi8> to vector<16xi32>
  %2 = arith.muli %0, %1 : vector<16xi32>
  %3 = vector.shape_cast %2 : vector<16xi32> to vector<4x4xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<4x4xi32> to vector<4xi32>
  return %4 : vector<4xi32>
}

// -----

// Folded padding (a constant activation) on the left after canonicalization:
// still one vpdpbusd, with the constant back in bytes.
// CHECK-LABEL: func.func @constant_activations
// CHECK: %[[PAD:.*]] = arith.constant dense<10> : vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %[[PAD]], %{{.*}})
func.func @constant_activations(%acc: vector<16xi32>, %w: vector<64xi8>) -> vector<16xi32> {
  %pad = arith.constant dense<10> : vector<64xi32>
  %1 = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %2 = arith.muli %1, %pad : vector<64xi32>
  %3 = vector.shape_cast %2 : vector<64xi32> to vector<16x4xi32>
  %4 = vector.multi_reduction <add>, %3, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %4 : vector<16xi32>
}

// -----

// Both factors constant: the products were folded; their group sums are
// added at compile time.
// CHECK-LABEL: func.func @folded
// CHECK: %[[S:.*]] = arith.constant dense<8> : vector<16xi32>
// CHECK: arith.addi %{{.*}}, %[[S]] : vector<16xi32>
// CHECK-NOT: vector.multi_reduction
func.func @folded(%acc: vector<16xi32>) -> vector<16xi32> {
  %p = arith.constant dense<2> : vector<16x4xi32>
  %4 = vector.multi_reduction <add>, %p, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %4 : vector<16xi32>
}
