// Calibration statistics files: saved, restored without inputs (also after a
// hand edit), and every malformed file rejected with its line.
// RUN: rm -rf %t && mkdir -p %t/calib
// RUN: python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<4f', 1, -2, 3, 0.5))" %t/calib/a.bin
// RUN: python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<4f', 0, 4, -1, 2))" %t/calib/b.bin
// RUN: quant-opt %s --qnn-calibrate="calib-dir=%t/calib save-stats=%t/stats.txt means=true" -o %t/measured.mlir
// RUN: FileCheck %s --check-prefix=FILE < %t/stats.txt
// RUN: quant-opt %s --qnn-calibrate="load-stats=%t/stats.txt" -o %t/loaded.mlir
// RUN: cmp %t/measured.mlir %t/loaded.mlir
// FILE: qmlir-calibration 1
// FILE-NEXT: method minmax
// FILE-NEXT: inputs 2
// FILE-NEXT: observers 2
// FILE-NEXT: 0 tensor<2x2xf32> min -2 max 4 mean 0.75 1.125  # loc(
// FILE-NEXT: 1 tensor<2x2xf32> min 0 max 4 mean 1.25 2.125  # loc(
//
// A hand edit (a narrower range, no means) is taken as written.
// RUN: printf 'qmlir-calibration 1\n# edited\nobservers 2\n0 tensor<2x2xf32> min -1 max 2.5\n1 tensor<2x2xf32> min 0 max 3\n' > %t/edited.txt
// RUN: quant-opt %s --qnn-calibrate="load-stats=%t/edited.txt" | FileCheck %s --check-prefix=EDITED
// EDITED: qnn.observe %{{.*}} {max = 2.500000e+00 : f32, min = -1.000000e+00 : f32}
// EDITED: qnn.observe %{{.*}} {max = 3.000000e+00 : f32, min = 0.000000e+00 : f32}
//
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/missing.txt" 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: qnn-calibrate: cannot read '{{.*}}missing.txt'
// RUN: printf 'qmlir-calibration 2\n' > %t/v2.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/v2.txt" 2>&1 | FileCheck %s --check-prefix=VERSION
// VERSION: v2.txt:1: unsupported version 2 (this compiler reads version 1)
// RUN: printf 'qmlir-calibration 1\nobservers 3\n' > %t/count.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/count.txt" 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: count.txt:3: the file describes 3 observers, the model has 2
// RUN: printf 'qmlir-calibration 1\nobservers 2\n0 tensor<4xf32> min 0 max 1\n' > %t/type.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/type.txt" 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: type.txt:3: observer 0 is tensor<2x2xf32> in the model, tensor<4xf32> in the file
// RUN: printf 'qmlir-calibration 1\nobservers 2\n0 tensor<2x2xf32> min 2 max 1\n' > %t/order.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/order.txt" 2>&1 | FileCheck %s --check-prefix=ORDER
// ORDER: order.txt:3: min 2 is greater than max 1
// RUN: printf 'qmlir-calibration 1\nobservers 2\n0 tensor<2x2xf32> min 0 max nan\n' > %t/nan.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/nan.txt" 2>&1 | FileCheck %s --check-prefix=NAN
// NAN: nan.txt:3: expected 'min <value> max <value>' of finite values
// RUN: printf 'qmlir-calibration 1\nobservers 2\n0 tensor<2x2xf32> min 0 max 1 mean 0.5\n' > %t/mean.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/mean.txt" 2>&1 | FileCheck %s --check-prefix=MEAN
// MEAN: mean.txt:3: expected 2 means, got 1
// RUN: printf 'qmlir-calibration 1\nobservers 2\n0 tensor<2x2xf32> min 0 max 1\n' > %t/short.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/short.txt" 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: short.txt: the file ends before the line of observer 1
// RUN: printf 'qmlir-calibration 1\nobservers 2\n0 tensor<2x2xf32> min 0 max 1\n1 tensor<2x2xf32> min 0 max 1\nextra\n' > %t/extra.txt
// RUN: not quant-opt %s --qnn-calibrate="load-stats=%t/extra.txt" 2>&1 | FileCheck %s --check-prefix=EXTRA
// EXTRA: extra.txt:5: unexpected line after the last observer
func.func @main(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = qnn.observe %x : tensor<2x2xf32>
  %1 = tosa.abs %0 : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %2 = qnn.observe %1 : tensor<2x2xf32>
  return %2 : tensor<2x2xf32>
}
