// RUN: quant-opt %s --qnn-quantize=rounding=nearest --verify-diagnostics

// expected-error @+1 {{unknown rounding mode 'nearest' (expected double_round, single_round or half_even)}}
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
