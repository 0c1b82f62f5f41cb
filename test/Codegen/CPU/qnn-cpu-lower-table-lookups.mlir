// RUN: quant-opt %s --split-input-file --qnn-cpu-lower-table-lookups="target-triple=x86_64-unknown-linux-gnu target-features=+avx512f,+avx512bw,+avx512vbmi" | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnn-cpu-lower-table-lookups="target-triple=aarch64-unknown-linux-gnu target-features=+neon" | FileCheck %s --check-prefix=ARM
// RUN: quant-opt %s --split-input-file --qnn-cpu-lower-table-lookups="target-triple=x86_64-unknown-linux-gnu target-features=+avx512f,+avx512bw" | FileCheck %s --check-prefix=NOVBMI
// RUN: quant-opt %s --split-input-file --qnn-cpu-lower-table-lookups="target-triple=x86_64-unknown-linux-gnu target-features=+avx2" | FileCheck %s --check-prefix=AVX2

// 64 lanes: two vpermi2b over the table halves, the index's top bit picks.
// CHECK-LABEL: func.func @lookup64
// CHECK-SAME: (%[[T:.*]]: memref<256xi8>, %[[X:.*]]: vector<64xi8>)
// CHECK-DAG: %[[T0:.*]] = vector.load %[[T]][%{{.*}}] : memref<256xi8>, vector<64xi8>
// CHECK: %[[LO:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%{{.*}}, %[[X]], %{{.*}}) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
// CHECK: %[[HI:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%{{.*}}, %[[X]], %{{.*}})
// CHECK: %[[UP:.*]] = arith.cmpi slt, %[[X]], %{{.*}} : vector<64xi8>
// CHECK: %[[R:.*]] = arith.select %[[UP]], %[[HI]], %[[LO]] : vector<64xi1>, vector<64xi8>
// CHECK-NOT: vector.gather
// CHECK: return %[[R]]
// ARM-LABEL: func.func @lookup64
// ARM-COUNT-4: llvm.call_intrinsic "llvm.aarch64.neon.tbl4.v16i8"
// ARM-NOT: vector.gather
// NOVBMI-LABEL: func.func @lookup64
// NOVBMI: vector.gather
// AVX2 (64 lanes: two chunks of 32): each 16-byte row of the table in both
// 128-bit lanes, vpshufb by the low nibble, kept where the high nibble is
// the row's number.
// AVX2-LABEL: func.func @lookup64
// AVX2-COUNT-16: vector.load %{{.*}} : memref<256xi8>, vector<16xi8>
// AVX2: %[[C0:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [32], strides = [1]}
// AVX2: %[[LO:.*]] = arith.andi %[[C0]], %{{.*}} : vector<32xi8>
// AVX2: %[[HI:.*]] = arith.shrui %[[C0]], %{{.*}} : vector<32xi8>
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%{{.*}}, %[[LO]]) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// AVX2: arith.cmpi eq, %[[HI]], %{{.*}} : vector<32xi8>
// AVX2: arith.select
// AVX2-COUNT-14: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"
// AVX2: vector.insert_strided_slice
// AVX2-COUNT-16: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"
// AVX2-NOT: vector.gather
func.func @lookup64(%table: memref<256xi8>, %x: vector<64xi8>) -> vector<64xi8> {
  %c0 = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<64xi1>
  %pass = arith.constant dense<0> : vector<64xi8>
  %i = arith.index_castui %x : vector<64xi8> to vector<64xindex>
  %r = vector.gather %table[%c0] [%i], %all, %pass : memref<256xi8>, vector<64xindex>, vector<64xi1>, vector<64xi8> into vector<64xi8>
  return %r : vector<64xi8>
}

// -----

// 7 lanes (a ragged tail): widened to a register and narrowed back.
// CHECK-LABEL: func.func @lookup7
// CHECK: vector.shuffle {{.*}} : vector<7xi8>, vector<7xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"
// CHECK: %[[R:.*]] = vector.shuffle {{.*}} : vector<64xi8>, vector<64xi8>
// CHECK: return %[[R]] : vector<7xi8>
// ARM-LABEL: func.func @lookup7
// ARM: llvm.call_intrinsic "llvm.aarch64.neon.tbl4.v16i8"
// ARM-COUNT-3: llvm.call_intrinsic "llvm.aarch64.neon.tbx4.v16i8"
// ARM: return {{.*}} : vector<7xi8>
// AVX2-LABEL: func.func @lookup7
// AVX2-COUNT-16: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"
// AVX2: return {{.*}} : vector<7xi8>
func.func @lookup7(%table: memref<256xi8>, %x: vector<7xi8>) -> vector<7xi8> {
  %c0 = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<7xi1>
  %pass = arith.constant dense<0> : vector<7xi8>
  %i = arith.index_castui %x : vector<7xi8> to vector<7xindex>
  %r = vector.gather %table[%c0] [%i], %all, %pass : memref<256xi8>, vector<7xindex>, vector<7xi1>, vector<7xi8> into vector<7xi8>
  return %r : vector<7xi8>
}

// -----

// Not a byte table lookup: a masked gather, a 128-entry table.
// CHECK-LABEL: func.func @not_lookups
// CHECK-COUNT-2: vector.gather
// AVX2-LABEL: func.func @not_lookups
// AVX2-COUNT-2: vector.gather
func.func @not_lookups(%table: memref<256xi8>, %small: memref<128xi8>, %x: vector<16xi8>, %m: vector<16xi1>) -> (vector<16xi8>, vector<16xi8>) {
  %c0 = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %pass = arith.constant dense<0> : vector<16xi8>
  %i = arith.index_castui %x : vector<16xi8> to vector<16xindex>
  %a = vector.gather %table[%c0] [%i], %m, %pass : memref<256xi8>, vector<16xindex>, vector<16xi1>, vector<16xi8> into vector<16xi8>
  %b = vector.gather %small[%c0] [%i], %all, %pass : memref<128xi8>, vector<16xindex>, vector<16xi1>, vector<16xi8> into vector<16xi8>
  return %a, %b : vector<16xi8>, vector<16xi8>
}
