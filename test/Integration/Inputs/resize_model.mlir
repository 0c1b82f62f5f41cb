// Two nearest-neighbour resizes of one image, concatenated on channels:
// %a (offset -1: output o reads input o / 2) is a repetition that
// qnn-resize-as-tile rewrites; %b (offset 0, border 1: o reads (o + 1) / 2)
// is not and keeps the gather lowering. resize_ref.py computes both.
func.func @main(%x: tensor<1x4x5x3xf32>) -> tensor<1x8x10x6xf32> {
  %scale = tosa.const_shape {values = dense<[2, 1, 2, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %off_a = tosa.const_shape {values = dense<-1> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border_a = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %off_b = tosa.const_shape {values = dense<0> : tensor<2xindex>} : () -> !tosa.shape<2>
  %border_b = tosa.const_shape {values = dense<1> : tensor<2xindex>} : () -> !tosa.shape<2>
  %a = tosa.resize %x, %scale, %off_a, %border_a {mode = NEAREST_NEIGHBOR} : (tensor<1x4x5x3xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x8x10x3xf32>
  %b = tosa.resize %x, %scale, %off_b, %border_b {mode = NEAREST_NEIGHBOR} : (tensor<1x4x5x3xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x8x10x3xf32>
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x8x10x3xf32>, tensor<1x8x10x3xf32>) -> tensor<1x8x10x6xf32>
  return %c : tensor<1x8x10x6xf32>
}
