// A float model with 64 MiB of activations (four 1x256x256x64 f32 tensors):
// convolutions, clamps and an add through the tiled and vectorized lowering.
func.func @qmlir_model(%x: tensor<1x256x256x64xf32>) -> tensor<1x256x256x64xf32> attributes {llvm.emit_c_interface} {
  %w = arith.constant dense<0.01> : tensor<64x3x3x64xf32>
  %b = arith.constant dense<0.5> : tensor<64xf32>
  %zp = arith.constant dense<0.0> : tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x256x256x64xf32>, tensor<64x3x3x64xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x256x256x64xf32>
  %1 = tosa.clamp %0 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x256x256x64xf32>) -> tensor<1x256x256x64xf32>
  %2 = tosa.conv2d %1, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x256x256x64xf32>, tensor<64x3x3x64xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x256x256x64xf32>
  %3 = tosa.add %2, %x : (tensor<1x256x256x64xf32>, tensor<1x256x256x64xf32>) -> tensor<1x256x256x64xf32>
  return %3 : tensor<1x256x256x64xf32>
}
