// RUN: quant-opt %s --split-input-file --qnn-cpu-plan-memory | FileCheck %s

// %a dies when %b is born: they share offset 0. %c overlaps %b: next
// 64-byte boundary after %b's 4096 bytes. The returned buffer stays a
// malloc (the caller owns it).
// CHECK: memref.global "private" @__qnn_arena_f : memref<4106xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func @f
// CHECK: %[[G:.*]] = memref.get_global @__qnn_arena_f : memref<4106xi8>
// CHECK: memref.view %[[G]][%c0{{.*}}][] : memref<4106xi8> to memref<16x16xf32>
// CHECK: memref.view %[[G]][%c0{{.*}}][] : memref<4106xi8> to memref<1024xf32>
// CHECK: memref.view %[[G]][%c4096{{.*}}][] : memref<4106xi8> to memref<10xi8>
// CHECK: %[[R:.*]] = memref.alloc() : memref<4xf32>
// CHECK: return %[[R]]
func.func @f(%x: f32) -> memref<4xf32> {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<16x16xf32>
  memref.store %x, %a[%c0, %c0] : memref<16x16xf32>
  %v = memref.load %a[%c0, %c0] : memref<16x16xf32>
  %b = memref.alloc() : memref<1024xf32>
  memref.store %v, %b[%c0] : memref<1024xf32>
  %c = memref.alloc() : memref<10xi8>
  %i = arith.constant 1 : i8
  memref.store %i, %c[%c0] : memref<10xi8>
  %w = memref.load %b[%c0] : memref<1024xf32>
  %r = memref.alloc() : memref<4xf32>
  memref.store %w, %r[%c0] : memref<4xf32>
  return %r : memref<4xf32>
}

// -----

// A buffer used inside a loop lives until the loop ends; an alias (a view)
// extends the live range; dynamic shapes stay malloc'ed.
// CHECK-LABEL: func.func @loop
// CHECK: memref.view {{.*}} to memref<8xf32>
// CHECK: memref.view {{.*}} to memref<8xf32>
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
func.func @loop(%n: index, %x: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc() : memref<8xf32>
  %s = memref.subview %a[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
  %b = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %n step %c1 {
    memref.store %x, %b[%c0] : memref<8xf32>
    memref.store %x, %s[%c0] : memref<4xf32, strided<[1]>>
  }
  %d = memref.alloc(%n) : memref<?xf32>
  memref.store %x, %d[%c0] : memref<?xf32>
  return
}
