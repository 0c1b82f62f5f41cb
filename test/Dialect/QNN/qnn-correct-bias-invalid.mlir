// RUN: quant-opt %s --qnn-correct-bias=mode=empirical --verify-diagnostics

// Empirical correction without calibrated means is an error.
// expected-error @+1 {{empirical bias correction needs calibrated means: run qnn-insert-observers and qnn-calibrate with means=true first}}
func.func @no_means(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x3x1xf32> {
  %w2 = "tosa.const"() <{values = dense<[[[[1.0], [0.3]]]]> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b2 = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3x1xf32>
  return %c : tensor<1x4x3x1xf32>
}
