//===- QNNDialect.cpp - QNN dialect ---------------------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qmlir::qnn;

#include "qmlir/Dialect/QNN/IR/QNNOpsDialect.cpp.inc"
#include "qmlir/Dialect/QNN/IR/QNNEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNAttrs.cpp.inc"

LogicalResult
FoldedBatchNormAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                            DenseF32ArrayAttr betaAttr,
                            DenseF32ArrayAttr gammaAttr) {
  if (!betaAttr || !gammaAttr)
    return emitError() << "expected beta and gamma arrays";
  ArrayRef<float> beta = betaAttr.asArrayRef(), gamma = gammaAttr.asArrayRef();
  if (beta.empty() || beta.size() != gamma.size())
    return emitError() << "expected as many beta as gamma values (at least "
                          "one), got "
                       << beta.size() << " and " << gamma.size();
  for (float v : llvm::concat<const float>(beta, gamma))
    if (!std::isfinite(v))
      return emitError() << "expected finite beta and gamma values";
  return success();
}

LogicalResult QNNDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  // The codegen markers (qnn.microkernel, qnn.lookup_table) are unit
  // attributes the CPU passes own.
  if (attribute.getName() != FoldedBatchNormAttr::getAttrName())
    return success();
  auto bn = dyn_cast<FoldedBatchNormAttr>(attribute.getValue());
  if (!bn)
    return op->emitError("'qnn.folded_bn' must be a #qnn.folded_bn attribute");
  auto type = op->getNumResults() == 1
                  ? dyn_cast<RankedTensorType>(op->getResult(0).getType())
                  : RankedTensorType();
  if (!type || type.getRank() == 0 || type.isDynamicDim(type.getRank() - 1) ||
      type.getDimSize(type.getRank() - 1) != (int64_t)bn.getBeta().size())
    return op->emitError("'qnn.folded_bn' needs one ranked tensor result whose "
                         "last (channel) dimension is ")
           << bn.getBeta().size();
  return success();
}

void QNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qmlir/Dialect/QNN/IR/QNNOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qmlir/Dialect/QNN/IR/QNNAttrs.cpp.inc"
      >();
}
