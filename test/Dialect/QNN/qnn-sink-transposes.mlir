// RUN: quant-opt %s --split-input-file --qnn-sink-transposes --canonicalize | FileCheck %s

// Hard-swish between NHWC convolutions, written in NCHW: both transposes go.
// CHECK-LABEL: func @hardswish
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x8xf32>)
// CHECK-NOT: tosa.transpose
// CHECK: %[[A:.*]] = tosa.add %[[X]], %{{.*}} : (tensor<1x4x5x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x4x5x8xf32>
// CHECK: %[[C:.*]] = tosa.clamp %[[A]]
// CHECK: %[[M:.*]] = tosa.mul %[[X]], %[[C]], %{{.*}} : (tensor<1x4x5x8xf32>, tensor<1x4x5x8xf32>, tensor<1xi8>) -> tensor<1x4x5x8xf32>
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%[[M]], %{{.*}} : tensor<1x4x5x8xf32>, tensor<1x1x1x1xf32>)
// CHECK:   arith.divf
// CHECK: return %[[D]] : tensor<1x4x5x8xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#one = affine_map<(d0, d1, d2, d3) -> (0, 0, 0, 0)>
func.func @hardswish(%x: tensor<1x4x5x8xf32>) -> tensor<1x4x5x8xf32> {
  %three = "tosa.const"() <{values = dense<3.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %six = "tosa.const"() <{values = dense<6.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x5x8xf32>) -> tensor<1x8x4x5xf32>
  %a = tosa.add %t, %three : (tensor<1x8x4x5xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x4x5xf32>
  %c = tosa.clamp %a {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x8x4x5xf32>) -> tensor<1x8x4x5xf32>
  %m = tosa.mul %t, %c, %shift : (tensor<1x8x4x5xf32>, tensor<1x8x4x5xf32>, tensor<1xi8>) -> tensor<1x8x4x5xf32>
  %e = tensor.empty() : tensor<1x8x4x5xf32>
  %d = linalg.generic {indexing_maps = [#id, #one, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%m, %six : tensor<1x8x4x5xf32>, tensor<1x1x1x1xf32>) outs(%e : tensor<1x8x4x5xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %q = arith.divf %in, %s : f32
    linalg.yield %q : f32
  } -> tensor<1x8x4x5xf32>
  %back = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x5xf32>) -> tensor<1x4x5x8xf32>
  return %back : tensor<1x4x5x8xf32>
}

// -----

// Squeeze-excite: the per-channel scale [1, 1, 1, C] reshaped to NCHW
// [1, C, 1, 1] is a transpose of unit dimensions; the scaling runs in NHWC.
// CHECK-LABEL: func @squeeze_excite
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x8xf32>, %[[S:.*]]: tensor<1x1x1x8xf32>)
// CHECK-NOT: tosa.transpose
// CHECK-NOT: tosa.reshape
// CHECK: %[[M:.*]] = tosa.mul %[[X]], %[[S]], %{{.*}} : (tensor<1x4x5x8xf32>, tensor<1x1x1x8xf32>, tensor<1xi8>) -> tensor<1x4x5x8xf32>
// CHECK: return %[[M]]
func.func @squeeze_excite(%x: tensor<1x4x5x8xf32>, %s: tensor<1x1x1x8xf32>) -> tensor<1x4x5x8xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %shape = tosa.const_shape {values = dense<[1, 8, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x5x8xf32>) -> tensor<1x8x4x5xf32>
  %r = tosa.reshape %s, %shape : (tensor<1x1x1x8xf32>, !tosa.shape<4>) -> tensor<1x8x1x1xf32>
  %m = tosa.mul %t, %r, %shift : (tensor<1x8x4x5xf32>, tensor<1x8x1x1xf32>, tensor<1xi8>) -> tensor<1x8x4x5xf32>
  %back = tosa.transpose %m {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x5xf32>) -> tensor<1x4x5x8xf32>
  return %back : tensor<1x4x5x8xf32>
}

// -----

// Not sunk: a non-scalar operand in the other layout, and a quantize (the
// lowering has no transpose of quantized tensors).
// CHECK-LABEL: func @kept
// CHECK: tosa.transpose
// CHECK: tosa.add
// CHECK: tosa.transpose
// CHECK: quant.qcast
func.func @kept(%x: tensor<1x4x5x8xf32>, %y: tensor<1x8x4x5xf32>) -> (tensor<1x8x4x5xf32>, tensor<1x8x4x5x!quant.uniform<u8:f32, 0.1>>) {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x5x8xf32>) -> tensor<1x8x4x5xf32>
  %a = tosa.add %t, %y : (tensor<1x8x4x5xf32>, tensor<1x8x4x5xf32>) -> tensor<1x8x4x5xf32>
  %t2 = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x5x8xf32>) -> tensor<1x8x4x5xf32>
  %q = quant.qcast %t2 : tensor<1x8x4x5xf32> to tensor<1x8x4x5x!quant.uniform<u8:f32, 0.1>>
  return %a, %q : tensor<1x8x4x5xf32>, tensor<1x8x4x5x!quant.uniform<u8:f32, 0.1>>
}

// -----

// An FPN concat of NCHW views of NHWC maps happens in NHWC: the transposes
// of the operands and the one after the concat cancel.
// CHECK-LABEL: func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<1x4x5x8xf32>, %[[B:.*]]: tensor<1x4x5x2xf32>)
// CHECK-NOT: tosa.transpose
// CHECK: %[[C:.*]] = tosa.concat %[[A]], %[[B]] {axis = 3 : i32} : (tensor<1x4x5x8xf32>, tensor<1x4x5x2xf32>) -> tensor<1x4x5x10xf32>
// CHECK: return %[[C]]
func.func @concat(%a: tensor<1x4x5x8xf32>, %b: tensor<1x4x5x2xf32>) -> tensor<1x4x5x10xf32> {
  %ta = tosa.transpose %a {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x5x8xf32>) -> tensor<1x8x4x5xf32>
  %tb = tosa.transpose %b {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x5x2xf32>) -> tensor<1x2x4x5xf32>
  %c = tosa.concat %ta, %tb {axis = 1 : i32} : (tensor<1x8x4x5xf32>, tensor<1x2x4x5xf32>) -> tensor<1x10x4x5xf32>
  %back = tosa.transpose %c {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x10x4x5xf32>) -> tensor<1x4x5x10xf32>
  return %back : tensor<1x4x5x10xf32>
}

// -----

// An operand that is not a transpose keeps the concat where it is.
// CHECK-LABEL: func @concat_mixed
// CHECK: tosa.concat {{.*}} {axis = 1 : i32}
func.func @concat_mixed(%a: tensor<1x4x5x8xf32>, %b: tensor<1x2x4x5xf32>) -> tensor<1x10x4x5xf32> {
  %ta = tosa.transpose %a {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x5x8xf32>) -> tensor<1x8x4x5xf32>
  %c = tosa.concat %ta, %b {axis = 1 : i32} : (tensor<1x8x4x5xf32>, tensor<1x2x4x5xf32>) -> tensor<1x10x4x5xf32>
  return %c : tensor<1x10x4x5xf32>
}
