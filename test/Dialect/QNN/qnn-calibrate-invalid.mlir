// RUN: quant-opt %s --qnn-calibrate=calib-dir=%S --split-input-file --verify-diagnostics

// expected-error @+1 {{qnn-calibrate supports functions with one static f32 tensor argument}}
func.func @two_args(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  %0 = qnn.observe %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// expected-error @+1 {{qnn-calibrate supports functions with one static f32 tensor argument}}
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %0 = qnn.observe %x : tensor<?xf32>
  return %0 : tensor<?xf32>
}
