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
    `method` picks each observer's range from the values it saw:
    - `minmax`: their extremes;
    - `percentile`: the central `percentile` % of them (both tails);
    - `mse`: the clipping of min-max shrunk towards 0 (each end on a grid of
      1, 0.99, ..., 0.2) whose asymmetric 8-bit quantization has the least
      squared error;
    - `entropy`: TensorRT's KL threshold `t` on a histogram of |x|
      (`bins` bins merged into 128 levels), the range [max(min, -t),
      min(max, t)].
    The histogram methods run the calibration inputs twice: the first pass
    fixes each histogram's range (min-max), the second counts. The counts
    are integers over fixed bins, so the result does not depend on the
    order or batching of the inputs (TensorRT's entropy calibrator, whose
    histogram range grows as data arrives, does: its issues #3922, #2705).
    A range is never wider than min-max.

    `save-stats=FILE` writes what was measured to a versioned text file, one
    line per observer in the function's order (index, type, min, max, means,
    location as a comment); `load-stats=FILE` restores it without running
    anything (no `calib-dir` needed), after checking the observer count and
    each type: a quantization reproduced, or with ranges edited by hand.

    ```
    qmlir-calibration 1
    method minmax
    inputs 32
    observers 2
    0 tensor<1x16x16x3xf32> min 0 max 1  # loc("model.mlir":6:10)
    1 tensor<1x8x8x16xf32> min 0 max 6  # loc("model.mlir":9:10)
    ```

    Errors: a missing or empty directory, an input file of the wrong size,
    non-finite statistics, or a function the JIT cannot call.
  }];
  let options = [
    Option<"calibDir", "calib-dir", "std::string", /*default=*/"",
           "Directory of calibration inputs (*.bin, raw f32)">,
    Option<"maxInputs", "max-inputs", "unsigned", /*default=*/"0",
           "Use at most this many inputs (0: all)">,
    Option<"method", "method", "std::string", /*default=*/"\"minmax\"",
           "Range of each observer: minmax, percentile, mse or entropy">,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "For method=percentile: the central percentage of values kept">,
    Option<"bins", "bins", "unsigned", /*default=*/"2048",
           "Histogram bins of the percentile, mse and entropy methods">,
    Option<"saveStats", "save-stats", "std::string", /*default=*/"",
           "Also write the statistics to this text file">,
    Option<"loadStats", "load-stats", "std::string", /*default=*/"",
           "Take the statistics from this file (written by save-stats, "
           "possibly edited) instead of running the calibration inputs">,
    Option<"means", "means", "bool", /*default=*/"false",
           "Also record each observer's per-channel mean (`mean`, over the "
           "last dimension), for empirical qnn-correct-bias">,
  ];
}

#endif // QMLIR_CALIBRATION_PASSES_TD
