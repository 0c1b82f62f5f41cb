// transpose_conv_model.mlir as the ONNX importer gives ConvTranspose: the
// first transposed convolution's bias is a tosa.add of a [1, 1, 1, 3]
// constant after it (zero bias in the op). The same function:
// transpose_conv_ref.py computes it from the same constants.
func.func @main(%x: tensor<1x4x5x6xf32>) -> tensor<1x16x20x1xf32> {
  %w1 = "tosa.const"() <{values = dense<[[[[0.3, -0.2, 0.1, 0.5, -0.4, 0.2], [0.1, 0.1, -0.3, 0.2, 0.0, 0.6]], [[-0.5, 0.2, 0.4, -0.1, 0.3, 0.1], [0.2, -0.6, 0.1, 0.3, 0.2, -0.2]]], [[[0.4, 0.1, -0.2, -0.3, 0.5, 0.1], [-0.1, 0.3, 0.2, 0.1, -0.2, 0.4]], [[0.2, 0.2, 0.2, -0.5, 0.1, 0.0], [0.6, -0.1, -0.4, 0.2, 0.3, -0.3]]], [[[-0.2, 0.5, 0.3, 0.1, -0.1, 0.2], [0.3, -0.3, 0.1, 0.4, 0.2, -0.1]], [[0.1, 0.0, -0.2, 0.3, 0.4, 0.5], [-0.4, 0.2, 0.6, -0.2, 0.1, 0.1]]]]> : tensor<3x2x2x6xf32>}> : () -> tensor<3x2x2x6xf32>
  %b1 = "tosa.const"() <{values = dense<[[[[0.1, -0.2, 0.05]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %b0 = "tosa.const"() <{values = dense<0.0> : tensor<3xf32>}> : () -> tensor<3xf32>
  %mean = "tosa.const"() <{values = dense<[0.2, -0.1, 0.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %var = "tosa.const"() <{values = dense<[1.5, 0.8, 2.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %gamma = "tosa.const"() <{values = dense<[1.2, 0.7, 1.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %beta = "tosa.const"() <{values = dense<[0.3, 0.1, -0.2]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[0.5, -0.3, 0.2], [0.1, 0.4, -0.2]], [[-0.1, 0.2, 0.6], [0.3, -0.5, 0.1]]]]> : tensor<1x2x2x3xf32>}> : () -> tensor<1x2x2x3xf32>
  %b2 = "tosa.const"() <{values = dense<0.25> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t0 = tosa.transpose_conv2d %x, %w1, %b0, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x5x6xf32>, tensor<3x2x2x6xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x10x3xf32>
  %t1 = tosa.add %t0, %b1 : (tensor<1x8x10x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x8x10x3xf32>
  %bn = qnn.batch_norm %t1, %mean, %var, %gamma, %beta {epsilon = 1.000000e-05 : f32} : (tensor<1x8x10x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x8x10x3xf32>
  %r = tosa.clamp %bn {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<1x8x10x3xf32>) -> tensor<1x8x10x3xf32>
  %t2 = tosa.transpose_conv2d %r, %w2, %b2, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x10x3xf32>, tensor<1x2x2x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x20x1xf32>
  return %t2 : tensor<1x16x20x1xf32>
}
