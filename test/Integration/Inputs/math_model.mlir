// sigmoid, tanh, exp and erf of one tensor, concatenated on channels:
// vectorized, they lower through qnn-cpu-vector-math's polynomials.
// math_ref.py computes them in double precision.
func.func @main(%x: tensor<1x4x4x16xf32>) -> tensor<1x4x4x64xf32> {
  %s = tosa.sigmoid %x : (tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %t = tosa.tanh %x : (tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %e = tosa.exp %x : (tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %f = tosa.erf %x : (tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %c = tosa.concat %s, %t, %e, %f {axis = 3 : i32} : (tensor<1x4x4x16xf32>, tensor<1x4x4x16xf32>, tensor<1x4x4x16xf32>, tensor<1x4x4x16xf32>) -> tensor<1x4x4x64xf32>
  return %c : tensor<1x4x4x64xf32>
}
