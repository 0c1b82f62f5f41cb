// Two inputs (a frame and a state) and two outputs (a new state and a
// probability), named as the ONNX importer names them.
func.func @main(%x: tensor<1x1x8xf32>, %s: tensor<1x1x4xf32>)
    -> (tensor<1x1x4xf32>, tensor<1x1x1xf32>)
    attributes {qmlir.input_names = ["x", "state"],
                qmlir.output_names = ["y", "p"]} {
  %w = "tosa.const"() <{values = dense<[[[0.5, -0.25, 0.125, 1.0],
      [-1.0, 0.75, 0.25, -0.5], [0.25, 0.5, -0.75, 0.125],
      [1.0, 0.125, 0.5, -0.25], [-0.5, -1.0, 0.25, 0.75],
      [0.75, 0.25, -0.125, 0.5], [-0.25, 0.5, 1.0, -1.0],
      [0.125, -0.75, 0.5, 0.25]]]> : tensor<1x8x4xf32>}> : () -> tensor<1x8x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  %y = tosa.add %m, %s : (tensor<1x1x4xf32>, tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
  %r = tosa.reduce_sum %y {axis = 2 : i32} : (tensor<1x1x4xf32>) -> tensor<1x1x1xf32>
  %p = tosa.sigmoid %r : (tensor<1x1x1xf32>) -> tensor<1x1x1xf32>
  return %y, %p : tensor<1x1x4xf32>, tensor<1x1x1xf32>
}
