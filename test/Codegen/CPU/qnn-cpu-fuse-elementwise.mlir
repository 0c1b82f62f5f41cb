// RUN: quant-opt %s --qnn-cpu-fuse-elementwise | FileCheck %s

// dequantize -> transpose -> add -> quantize becomes one generic that reads
// the i8 input through the transposed map and writes i8.
// CHECK-LABEL: func @chain
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<1x4x5x8xi8>) outs(%{{.*}} : tensor<1x8x4x5xi8>)
// CHECK:   arith.uitofp
// CHECK:   arith.addf
// CHECK:   arith.fptosi
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.transpose
// CHECK: return %[[R]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @chain(%q: tensor<1x4x5x8xi8>) -> tensor<1x8x4x5xi8> {
  %e0 = tensor.empty() : tensor<1x4x5x8xf32>
  %f = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q : tensor<1x4x5x8xi8>) outs(%e0 : tensor<1x4x5x8xf32>) {
  ^bb0(%in: i8, %out: f32):
    %v = arith.uitofp %in : i8 to f32
    linalg.yield %v : f32
  } -> tensor<1x4x5x8xf32>
  %e1 = tensor.empty() : tensor<1x8x4x5xf32>
  %t = linalg.transpose ins(%f : tensor<1x4x5x8xf32>) outs(%e1 : tensor<1x8x4x5xf32>) permutation = [0, 3, 1, 2]
  %e2 = tensor.empty() : tensor<1x8x4x5xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%t : tensor<1x8x4x5xf32>) outs(%e2 : tensor<1x8x4x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.constant 3.0 : f32
    %v = arith.addf %in, %c : f32
    linalg.yield %v : f32
  } -> tensor<1x8x4x5xf32>
  %e3 = tensor.empty() : tensor<1x8x4x5xi8>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : tensor<1x8x4x5xf32>) outs(%e3 : tensor<1x8x4x5xi8>) {
  ^bb0(%in: f32, %out: i8):
    %v = arith.fptosi %in : f32 to i8
    linalg.yield %v : i8
  } -> tensor<1x8x4x5xi8>
  return %r : tensor<1x8x4x5xi8>
}
