//===- Passes.td - Calibration passes ----------------------*- tablegen -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CALIBRATION_PASSES_TD
#define QMLIR_CALIBRATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def QNNCalibrate : Pass<"qnn-calibrate", "ModuleOp"> {
  let summary = "Record activation ranges by JIT-running calibration inputs";
  let description = [{
    Min-max calibration. The function holding `qnn.observe` ops (exactly one,
    with one static f32 tensor argument) is copied into a fresh context and
    rewritten to return, for every observer, the minimum and maximum of the
    observed tensor (a `linalg.reduce` each, packed into one
    `tensor<2Nxf32>`). That module is lowered with `qnn-lower-to-llvm` and
    JIT-compiled (MLIR ExecutionEngine); every `*.bin` file of `calib-dir`
    (raw little-endian f32 in the argument's shape, sorted by name) is run
    through it and the ranges are merged. The observers get `min`/`max`;
    with `means=true` also `mean`, each channel's (last dimension's) mean
    over all inputs and positions (per-channel `tosa.reduce_sum`s appended
    to the packed result).

    Before:
    ```mlir
    %0 = qnn.observe %arg0 : tensor<1x16x16x3xf32>
    ```
    After:
    ```mlir
    %0 = qnn.observe %arg0 {max = 0.99 : f32, min = 0.01 : f32} : tensor<1x16x16x3xf32>
    ```
    Errors: a missing or empty directory, an input file of the wrong size,
    non-finite statistics, or a function the JIT cannot call.
  }];
  let options = [
    Option<"calibDir", "calib-dir", "std::string", /*default=*/"",
           "Directory of calibration inputs (*.bin, raw f32)">,
    Option<"maxInputs", "max-inputs", "unsigned", /*default=*/"0",
           "Use at most this many inputs (0: all)">,
    Option<"means", "means", "bool", /*default=*/"false",
           "Also record each observer's per-channel mean (`mean`, over the "
           "last dimension), for empirical qnn-correct-bias">,
  ];
}

#endif // QMLIR_CALIBRATION_PASSES_TD
