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

// -----

// Four vectors clamped to [0, 255], concatenated and truncated to bytes:
// the saturating packs take the clamp over (on the unclamped values), and
// one dword permutation restores the order. Not on AArch64.
// CHECK-LABEL: func.func @pack_u8
// CHECK-SAME: (%[[A:.*]]: vector<16xi32>, %[[B:.*]]: vector<16xi32>, %[[C:.*]]: vector<16xi32>, %[[D:.*]]: vector<16xi32>)
// CHECK-NOT: arith.maxsi
// CHECK: %[[AB:.*]] = llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%[[A]], %[[B]]) : (vector<16xi32>, vector<16xi32>) -> vector<32xi16>
// CHECK: %[[CD:.*]] = llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%[[C]], %[[D]])
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx512.packuswb.512"(%[[AB]], %[[CD]]) : (vector<32xi16>, vector<32xi16>) -> vector<64xi8>
// CHECK: %[[W:.*]] = vector.bitcast %[[P]] : vector<64xi8> to vector<16xi32>
// CHECK: %[[O:.*]] = vector.shuffle %[[W]], %[[W]] [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
// CHECK: %[[R:.*]] = vector.bitcast %[[O]] : vector<16xi32> to vector<64xi8>
// CHECK: return %[[R]]
// ARM-LABEL: func.func @pack_u8
// ARM-NOT: llvm.call_intrinsic
// ARM: arith.trunci
func.func @pack_u8(%a: vector<16xi32>, %b: vector<16xi32>, %c: vector<16xi32>, %d: vector<16xi32>) -> vector<64xi8> {
  %lo = arith.constant dense<0> : vector<16xi32>
  %hi = arith.constant dense<255> : vector<16xi32>
  %a0 = arith.maxsi %a, %lo : vector<16xi32>
  %a1 = arith.minsi %a0, %hi : vector<16xi32>
  %b0 = arith.maxsi %b, %lo : vector<16xi32>
  %b1 = arith.minsi %b0, %hi : vector<16xi32>
  %c0 = arith.maxsi %c, %lo : vector<16xi32>
  %c1 = arith.minsi %c0, %hi : vector<16xi32>
  %d0 = arith.maxsi %d, %lo : vector<16xi32>
  %d1 = arith.minsi %d0, %hi : vector<16xi32>
  %ab = vector.shuffle %a1, %b1 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xi32>, vector<16xi32>
  %cd = vector.shuffle %c1, %d1 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xi32>, vector<16xi32>
  %all = vector.shuffle %ab, %cd [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63] : vector<32xi32>, vector<32xi32>
  %r = arith.trunci %all : vector<64xi32> to vector<64xi8>
  return %r : vector<64xi8>
}

// -----

// A clamp narrower than [-128, 127] stays; signed packs.
// CHECK-LABEL: func.func @pack_s8_narrow
// CHECK: %[[A1:.*]] = arith.minsi
// CHECK: %[[B1:.*]] = arith.minsi
// CHECK: %[[C1:.*]] = arith.minsi
// CHECK: %[[D1:.*]] = arith.minsi
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%[[A1]], %[[B1]])
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.packssdw.512"(%[[C1]], %[[D1]])
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.packsswb.512"
func.func @pack_s8_narrow(%a: vector<16xi32>, %b: vector<16xi32>, %c: vector<16xi32>, %d: vector<16xi32>) -> vector<64xi8> {
  %lo = arith.constant dense<-100> : vector<16xi32>
  %hi = arith.constant dense<120> : vector<16xi32>
  %a0 = arith.maxsi %a, %lo : vector<16xi32>
  %a1 = arith.minsi %a0, %hi : vector<16xi32>
  %b0 = arith.maxsi %b, %lo : vector<16xi32>
  %b1 = arith.minsi %b0, %hi : vector<16xi32>
  %c0 = arith.maxsi %c, %lo : vector<16xi32>
  %c1 = arith.minsi %c0, %hi : vector<16xi32>
  %d0 = arith.maxsi %d, %lo : vector<16xi32>
  %d1 = arith.minsi %d0, %hi : vector<16xi32>
  %ab = vector.shuffle %a1, %b1 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xi32>, vector<16xi32>
  %cd = vector.shuffle %c1, %d1 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xi32>, vector<16xi32>
  %all = vector.shuffle %ab, %cd [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63] : vector<32xi32>, vector<32xi32>
  %r = arith.trunci %all : vector<64xi32> to vector<64xi8>
  return %r : vector<64xi8>
}

// -----

// Values that may leave the byte range (a clamp to [0, 300]) are truncated,
// not saturated: left alone.
// CHECK-LABEL: func.func @no_pack_wide
// CHECK-NOT: llvm.call_intrinsic
// CHECK: arith.trunci
func.func @no_pack_wide(%a: vector<16xi32>, %b: vector<16xi32>) -> vector<64xi8> {
  %lo = arith.constant dense<0> : vector<16xi32>
  %hi = arith.constant dense<300> : vector<16xi32>
  %a0 = arith.maxsi %a, %lo : vector<16xi32>
  %a1 = arith.minsi %a0, %hi : vector<16xi32>
  %b0 = arith.maxsi %b, %lo : vector<16xi32>
  %b1 = arith.minsi %b0, %hi : vector<16xi32>
  %ab = vector.shuffle %a1, %b1 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xi32>, vector<16xi32>
  %all = vector.shuffle %ab, %ab [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63] : vector<32xi32>, vector<32xi32>
  %r = arith.trunci %all : vector<64xi32> to vector<64xi8>
  return %r : vector<64xi8>
}
