// RUN: quant-opt %s --qnn-cpu-expand-strided-copies | FileCheck %s

// CHECK-LABEL: func @strided
// CHECK: linalg.copy ins(%{{.*}} : memref<1x8xi32, strided<[64, 1], offset: ?>>) outs(%{{.*}} : memref<1x8xi32>)
// CHECK-NOT: memref.copy
func.func @strided(%a: memref<1x8xi32, strided<[64, 1], offset: ?>>, %b: memref<1x8xi32>) {
  memref.copy %a, %b : memref<1x8xi32, strided<[64, 1], offset: ?>> to memref<1x8xi32>
  return
}

// Contiguous copies stay (they become memcpy).
// CHECK-LABEL: func @contiguous
// CHECK: memref.copy
func.func @contiguous(%a: memref<4x8xi32>, %b: memref<4x8xi32>) {
  memref.copy %a, %b : memref<4x8xi32> to memref<4x8xi32>
  return
}
