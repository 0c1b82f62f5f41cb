//===- InitAllPasses.cpp - Register every qmlir pass ----------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"

#include "qmlir/Calibration/Passes.h"
#include "qmlir/Codegen/CPU/Passes.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Pipelines/Pipelines.h"

#include "mlir/InitAllPasses.h"

using namespace mlir;

void qmlir::registerAllPasses() {
  mlir::registerAllPasses();
  registerQNNPasses();
  registerQMLIRCodegenCPUPasses();
  registerQMLIRConversionPasses();
  registerCalibrationPasses();
  registerPipelines();
}
