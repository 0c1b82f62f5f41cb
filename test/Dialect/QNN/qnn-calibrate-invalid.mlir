// RUN: quant-opt %s --qnn-calibrate=calib-dir=%S --split-input-file --verify-diagnostics

// expected-error @+1 {{qnn-calibrate supports functions of static f32 tensor arguments; argument 0 is 'tensor<?xf32>'}}
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %0 = qnn.observe %x : tensor<?xf32>
  return %0 : tensor<?xf32>
}
