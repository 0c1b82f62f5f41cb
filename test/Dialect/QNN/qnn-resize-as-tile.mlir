// RUN: quant-opt %s --split-input-file --qnn-resize-as-tile | FileCheck %s

// 2x nearest upsampling as the ONNX importer writes it (asymmetric, floor):
// output o reads input o / 2.
// CHECK-LABEL: func @up2
// CHECK-SAME: (%[[X:.*]]: tensor<1x10x10x96xf32>)
// CHECK-NOT: tosa.resize
// CHECK: %[[E:.*]] = tosa.reshape %[[X]], %{{.*}} : (tensor<1x10x10x96xf32>, !tosa.shape<6>) -> tensor<1x10x1x10x1x96xf32>
// CHECK: %[[T:.*]] = tosa.tile %[[E]], %{{.*}} : (tensor<1x10x1x10x1x96xf32>, !tosa.shape<6>) -> tensor<1x10x2x10x2x96xf32>
// CHECK: %[[R:.*]] = tosa.reshape %[[T]], %{{.*}} : (tensor<1x10x2x10x2x96xf32>, !tosa.shape<4>) -> tensor<1x20x20x96xf32>
// CHECK: return %[[R]]
func.func @up2(%x: tensor<1x10x10x96xf32>) -> tensor<1x20x20x96xf32> {
  %scale = tosa.const_shape {values = dense<[2, 1, 2, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %offset = tosa.const_shape {values = dense<-1> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.resize %x, %scale, %offset, %border {mode = NEAREST_NEIGHBOR} : (tensor<1x10x10x96xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x20x20x96xf32>
  return %r : tensor<1x20x20x96xf32>
}

// -----

// 8x (offset -4, border 3) in a DBNet neck, and different factors per axis
// on an integer tensor (the integer index rule).
// CHECK-LABEL: func @up8
// CHECK: tosa.tile {{.*}} -> tensor<1x10x8x10x8x24xf32>
// CHECK-LABEL: func @up_4x1_int
// CHECK: tosa.tile {{.*}} -> tensor<1x3x4x5x1x2xi8>
func.func @up8(%x: tensor<1x10x10x24xf32>) -> tensor<1x80x80x24xf32> {
  %scale = tosa.const_shape {values = dense<[8, 1, 8, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %offset = tosa.const_shape {values = dense<-4> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border = tosa.const_shape {values = dense<3> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.resize %x, %scale, %offset, %border {mode = NEAREST_NEIGHBOR} : (tensor<1x10x10x24xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x80x80x24xf32>
  return %r : tensor<1x80x80x24xf32>
}
func.func @up_4x1_int(%x: tensor<1x3x5x2xi8>) -> tensor<1x12x5x2xi8> {
  %scale = tosa.const_shape {values = dense<[4, 1, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %offset = tosa.const_shape {values = dense<[-2, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border = tosa.const_shape {values = dense<[1, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.resize %x, %scale, %offset, %border {mode = NEAREST_NEIGHBOR} : (tensor<1x3x5x2xi8>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x12x5x2xi8>
  return %r : tensor<1x12x5x2xi8>
}

// -----

// Not repetitions, left alone: rounding half up (o reads (o + 1) / 2),
// a fractional factor (3 -> 4), bilinear.
// CHECK-LABEL: func @round_half_up
// CHECK: tosa.resize
// CHECK-LABEL: func @fractional
// CHECK: tosa.resize
// CHECK-LABEL: func @bilinear
// CHECK: tosa.resize
func.func @round_half_up(%x: tensor<1x4x4x1xf32>) -> tensor<1x8x8x1xf32> {
  %scale = tosa.const_shape {values = dense<[2, 1, 2, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %offset = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border = tosa.const_shape {values = dense<1> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.resize %x, %scale, %offset, %border {mode = NEAREST_NEIGHBOR} : (tensor<1x4x4x1xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x8x8x1xf32>
  return %r : tensor<1x8x8x1xf32>
}
func.func @fractional(%x: tensor<1x3x3x1xf32>) -> tensor<1x4x4x1xf32> {
  %scale = tosa.const_shape {values = dense<[3, 2, 3, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %offset = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.resize %x, %scale, %offset, %border {mode = NEAREST_NEIGHBOR} : (tensor<1x3x3x1xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4x4x1xf32>
  return %r : tensor<1x4x4x1xf32>
}
func.func @bilinear(%x: tensor<1x4x4x1xf32>) -> tensor<1x8x8x1xf32> {
  %scale = tosa.const_shape {values = dense<[2, 1, 2, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %offset = tosa.const_shape {values = dense<-1> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.resize %x, %scale, %offset, %border {mode = BILINEAR} : (tensor<1x4x4x1xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x8x8x1xf32>
  return %r : tensor<1x8x8x1xf32>
}
