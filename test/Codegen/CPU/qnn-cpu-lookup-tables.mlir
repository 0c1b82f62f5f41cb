// RUN: quant-opt %s --split-input-file --qnn-cpu-lookup-tables --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s

// A requantization from u8 (scale 1, zp 0) to u8 (scale 2, zp 1, rounding
// half to even, clamped): entry v = clamp(roundeven(v / 2) + 1, 0, 255)
// (entries above 127 print as i8: 128 is -128).
// CHECK-LABEL: func.func @requantize
// CHECK-SAME: (%[[X:.*]]: tensor<300xi8>)
// CHECK: %[[T:.*]] = arith.constant dense<[1, 1, 2, 3, 3, 3, 4, 5, 5, 5, {{.*}}, 127, -128, -127]> : tensor<256xi8>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<300xi8>) {{.*}} attrs =  {qnn.lookup_table}
// CHECK-NEXT: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[I:.*]] = arith.index_castui %[[IN]] : i8 to index
// CHECK-NEXT: %[[E:.*]] = tensor.extract %[[T]][%[[I]]] : tensor<256xi8>
// CHECK-NEXT: linalg.yield %[[E]] : i8
#id = affine_map<(d0) -> (d0)>
func.func @requantize(%x: tensor<300xi8>) -> tensor<300xi8> {
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  %lo = arith.constant 0.0 : f32
  %hi = arith.constant 255.0 : f32
  %e = tensor.empty() : tensor<300xi8>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<300xi8>) outs(%e : tensor<300xi8>) {
  ^bb0(%in: i8, %out: i8):
    %0 = arith.uitofp %in : i8 to f32
    %1 = arith.mulf %0, %half : f32
    %2 = math.roundeven %1 : f32
    %3 = arith.addf %2, %one : f32
    %4 = arith.maximumf %3, %lo : f32
    %5 = arith.minimumf %4, %hi : f32
    %6 = arith.fptosi %5 : f32 to i32
    %7 = arith.trunci %6 : i32 to i8
    linalg.yield %7 : i8
  } -> tensor<300xi8>
  return %r : tensor<300xi8>
}

// -----

// A splat-constant second input is folded into the table; a transposing
// indexing map is kept.
// CHECK-LABEL: func.func @splat_operand_transposed
// CHECK: %[[T:.*]] = arith.constant dense<[3, 4, 5, {{.*}}]> : tensor<256xi8>
// CHECK: linalg.generic {indexing_maps = [#[[$T:.*]], #[[$ID:.*]]], {{.*}} ins(%{{.*}} : tensor<4x8xi8>) outs(%{{.*}} : tensor<8x4xi8>) attrs =  {qnn.lookup_table}
#t = affine_map<(d0, d1) -> (d1, d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#zero = affine_map<(d0, d1) -> (0, 0)>
func.func @splat_operand_transposed(%x: tensor<4x8xi8>) -> tensor<8x4xi8> {
  %three = arith.constant dense<3> : tensor<1x1xi32>
  %e = tensor.empty() : tensor<8x4xi8>
  %r = linalg.generic {indexing_maps = [#t, #zero, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %three : tensor<4x8xi8>, tensor<1x1xi32>) outs(%e : tensor<8x4xi8>) {
  ^bb0(%in: i8, %c: i32, %out: i8):
    %0 = arith.extui %in : i8 to i32
    %1 = arith.addi %0, %c : i32
    %2 = arith.trunci %1 : i32 to i8
    linalg.yield %2 : i8
  } -> tensor<8x4xi8>
  return %r : tensor<8x4xi8>
}

// -----

// Left alone: two varying inputs (65536 combinations), an index-dependent
// body, a body reading the init, a plain cast, a float result.
// CHECK-LABEL: func.func @not_tables
// CHECK-NOT: qnn.lookup_table
// CHECK-NOT: tensor<256xi8>
// CHECK: return
#id1 = affine_map<(d0) -> (d0)>
func.func @not_tables(%x: tensor<64xi8>, %y: tensor<64xi8>) -> (tensor<64xi8>, tensor<64xi8>, tensor<64xi8>, tensor<64xi8>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<64xi8>
  %ef = tensor.empty() : tensor<64xf32>
  %two = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]} ins(%x, %y : tensor<64xi8>, tensor<64xi8>) outs(%e : tensor<64xi8>) {
  ^bb0(%a: i8, %b: i8, %out: i8):
    %0 = arith.addi %a, %b : i8
    %1 = arith.muli %0, %a : i8
    linalg.yield %1 : i8
  } -> tensor<64xi8>
  %index = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<64xi8>) outs(%e : tensor<64xi8>) {
  ^bb0(%a: i8, %out: i8):
    %i = linalg.index 0 : index
    %0 = arith.index_cast %i : index to i8
    %1 = arith.addi %a, %0 : i8
    linalg.yield %1 : i8
  } -> tensor<64xi8>
  %init = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<64xi8>) outs(%y : tensor<64xi8>) {
  ^bb0(%a: i8, %out: i8):
    %0 = arith.addi %a, %out : i8
    %1 = arith.muli %0, %a : i8
    linalg.yield %1 : i8
  } -> tensor<64xi8>
  %cast = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<64xi8>) outs(%e : tensor<64xi8>) {
  ^bb0(%a: i8, %out: i8):
    %0 = arith.addi %a, %a : i8
    linalg.yield %0 : i8
  } -> tensor<64xi8>
  %float = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<64xi8>) outs(%ef : tensor<64xf32>) {
  ^bb0(%a: i8, %out: f32):
    %0 = arith.uitofp %a : i8 to f32
    %1 = arith.mulf %0, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<64xf32>
  return %two, %index, %init, %cast, %float : tensor<64xi8>, tensor<64xi8>, tensor<64xi8>, tensor<64xi8>, tensor<64xf32>
}
