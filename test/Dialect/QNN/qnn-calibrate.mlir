// RUN: rm -rf %t && mkdir -p %t/calib %t/empty %t/bad
// RUN: python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<4f', 1, -2, 3, 0.5))" %t/calib/a.bin
// RUN: python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<4f', 0, 4, -1, 2))" %t/calib/b.bin
// RUN: python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<3f', 0, 4, -1))" %t/bad/short.bin
// RUN: quant-opt %s --qnn-calibrate=calib-dir=%t/calib | FileCheck %s
// RUN: quant-opt %s --qnn-calibrate="calib-dir=%t/calib max-inputs=1" | FileCheck %s --check-prefix=ONE
// RUN: quant-opt %s --qnn-calibrate="calib-dir=%t/calib means=true" | FileCheck %s --check-prefix=MEANS
// RUN: quant-opt %s --qnn-calibrate="calib-dir=%t/calib method=percentile percentile=75 bins=6" | FileCheck %s --check-prefix=PCT
// RUN: quant-opt %s --qnn-calibrate="calib-dir=%t/calib method=entropy bins=6" | FileCheck %s
// RUN: not quant-opt %s --qnn-calibrate="calib-dir=%t/calib method=median" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not quant-opt %s --qnn-calibrate="calib-dir=%t/calib method=percentile percentile=40" 2>&1 | FileCheck %s --check-prefix=PERCENT
// RUN: not quant-opt %s --qnn-calibrate=calib-dir=%t/missing 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not quant-opt %s --qnn-calibrate=calib-dir=%t/empty 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not quant-opt %s --qnn-calibrate=calib-dir=%t/bad 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: not quant-opt %s --qnn-calibrate 2>&1 | FileCheck %s --check-prefix=NODIR

// The copy for the JIT keeps the constants even when the tool elides them in
// its output; the ReLU6 output of the small CNN saturates at exactly 6.
// RUN: quant-opt %models/small_cnn.mlir --qnn-fold-batch-norm --qnn-insert-observers --qnn-calibrate=calib-dir=%models/calib --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=MODEL
// MODEL: qnn.observe %arg0 {max = 1.000000e+00 : f32, min = 0.000000e+00 : f32}
// MODEL: tosa.depthwise_conv2d
// MODEL: qnn.observe %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}

// The ranges are the exact extremes over both inputs.
// CHECK-LABEL: func @main
// CHECK: %[[O0:.*]] = qnn.observe %{{.*}} {max = 4.000000e+00 : f32, min = -2.000000e+00 : f32}
// CHECK: %[[A:.*]] = tosa.abs %[[O0]]
// CHECK: qnn.observe %[[A]] {max = 4.000000e+00 : f32, min = 0.000000e+00 : f32}
// Percentile 75 over 6 bins: x = -2, -1, 0, 0.5, 1, 2, 3, 4 in bins of width
// 1 from -2 holding 1, 1, 2, 1, 1, 2; each tail may hold 8 * 25 % = 2
// values: [0, 3] (the lower end stops at 0, the activations' zero). |x| in
// bins of 2/3 from 0 holding 2, 2, 0, 2, 1, 1: [0, 4 * 2/3].
// PCT: qnn.observe %{{.*}} {max = 3.000000e+00 : f32, min = 0.000000e+00 : f32}
// PCT: qnn.observe %{{.*}} {max = 2.66666{{[0-9]*}} : f32, min = 0.000000e+00 : f32}
// Entropy with no more bins than levels keeps min-max (the CHECK lines).
// METHOD: error: qnn-calibrate: unknown method 'median' (expected minmax, percentile, mse or entropy)
// PERCENT: error: qnn-calibrate: percentile must be in (50, 100], got 4.000000e+01
// Means per channel (the last dimension) over both inputs and both rows:
// x[:, 0] = 1, 3, 0, -1 and x[:, 1] = -2, 0.5, 4, 2; |x| likewise.
// MEANS: qnn.observe %{{.*}} {max = 4.000000e+00 : f32, mean = array<f32: 7.500000e-01, 1.125000e+00>, min = -2.000000e+00 : f32}
// MEANS: qnn.observe %{{.*}} {max = 4.000000e+00 : f32, mean = array<f32: 1.250000e+00, 2.125000e+00>, min = 0.000000e+00 : f32}
// ONE: qnn.observe %{{.*}} {max = 3.000000e+00 : f32, min = -2.000000e+00 : f32}
// ONE: qnn.observe %{{.*}} {max = 3.000000e+00 : f32, min = 5.000000e-01 : f32}
// MISSING: error: qnn-calibrate: input directory '{{.*}}missing' does not exist
// EMPTY: error: qnn-calibrate: no inputs (*.bin, *.npy) in '{{.*}}empty'
// SIZE: error: qnn-calibrate: calibration input '{{.*}}short.bin' has 12 bytes, expected 16 (4 f32 values)
// NODIR: error: qnn-calibrate needs calib-dir=<directory of *.bin calibration inputs>
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = qnn.observe %x : tensor<2x2xf32>
  %1 = tosa.abs %0 : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %2 = qnn.observe %1 : tensor<2x2xf32>
  return %2 : tensor<2x2xf32>
}
