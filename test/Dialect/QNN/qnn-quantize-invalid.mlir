// RUN: quant-opt %s --qnn-quantize=rounding=nearest --verify-diagnostics
// RUN: not quant-opt %s --qnn-quantize=weight-bits=9 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not quant-opt %s --qnn-quantize=weight-bits=1 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: error: weight-bits must be between 2 and 8, got {{1|9}}

// expected-error @+1 {{unknown rounding mode 'nearest' (expected double_round, single_round or half_even)}}
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
