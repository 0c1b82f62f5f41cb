// Several inputs: a calibration sample is one file <sample>.<input>.bin per
// input (names from qmlir.input_names, else input0, input1, ...).
// RUN: rm -rf %t && mkdir -p %t/ok %t/missing
// x = [0.5, 1], y = [-2, 3]; then x = [4, -1], y = [0.25, 0.5].
// RUN: printf '\000\000\000\077\000\000\200\077' > %t/ok/a.x.bin
// RUN: printf '\000\000\000\300\000\000\100\100' > %t/ok/a.y.bin
// RUN: printf '\000\000\200\100\000\000\200\277' > %t/ok/b.x.bin
// RUN: printf '\000\000\200\076\000\000\000\077' > %t/ok/b.y.bin
// RUN: quant-opt %s --qnn-calibrate=calib-dir=%t/ok | FileCheck %s
// RUN: cp %t/ok/a.x.bin %t/missing/
// RUN: not quant-opt %s --qnn-calibrate=calib-dir=%t/missing 2>&1 | FileCheck %s --check-prefix=MISSING

// CHECK-LABEL: func.func @main
// CHECK: qnn.observe %arg0 {max = 4.000000e+00 : f32, min = -1.000000e+00 : f32}
// CHECK: qnn.observe %arg1 {max = 3.000000e+00 : f32, min = -2.000000e+00 : f32}
// x + y: [-1.5, 4] and [4.25, -0.5].
// CHECK: qnn.observe %{{.*}} {max = 4.250000e+00 : f32, min = -1.500000e+00 : f32}
// MISSING: error: qnn-calibrate: sample 'a' of '{{.*}}missing' has no file for input 'y' (expected '{{.*}}a.y.bin' or .npy)
func.func @main(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32>
    attributes {qmlir.input_names = ["x", "y"]} {
  %a = qnn.observe %x : tensor<2xf32>
  %b = qnn.observe %y : tensor<2xf32>
  %s = tosa.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %o = qnn.observe %s : tensor<2xf32>
  return %o : tensor<2xf32>
}
