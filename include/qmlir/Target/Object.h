//===- Object.h - Object file emission --------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_TARGET_OBJECT_H
#define QMLIR_TARGET_OBJECT_H

#include "mlir/IR/BuiltinOps.h"

namespace mlir::qmlir {

/// Fails, with a message in `error`, unless `features` ("+a,-b") are all
/// features LLVM knows for `triple`.
LogicalResult checkTargetFeatures(StringRef triple, StringRef features,
                                  std::string &error);

/// Translates `module` (LLVM dialect) to LLVM IR, optimizes it at O3 for
/// `triple`/`cpu`/`features` and writes a relocatable object to `path`.
/// `cpu` "host" selects the host CPU and its features. The object's bytes
/// are also left in `object` when given. With `threads` > 1 the module's
/// functions are split into up to that many partitions, optimized and
/// compiled on as many threads, and their objects merged with `ld.lld -r`
/// (when no ld.lld is found, on one thread); the symbols the split makes
/// global are hidden and prefixed with the name of the module's first
/// external function (the entry).
LogicalResult emitObjectFile(ModuleOp module, StringRef triple, StringRef cpu,
                             StringRef features, StringRef path,
                             SmallVectorImpl<char> *object = nullptr,
                             unsigned threads = 1);

/// The same object, in memory.
LogicalResult emitObject(ModuleOp module, StringRef triple, StringRef cpu,
                         StringRef features, SmallVectorImpl<char> &object,
                         unsigned threads = 1);

} // namespace mlir::qmlir

#endif // QMLIR_TARGET_OBJECT_H
