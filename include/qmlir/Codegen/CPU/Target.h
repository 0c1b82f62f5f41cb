//===- Target.h - CPU target description ------------------------*- C++ -*-===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// What the CPU code generator needs to know about the machine it generates
// code for: the triple, the CPU name and the ISA features that decide which
// int8 dot-product instruction the microkernels use and how wide they are.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CODEGEN_CPU_TARGET_H
#define QMLIR_CODEGEN_CPU_TARGET_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::qmlir {

/// The int8 dot-product instruction a microkernel is built on. Each one
/// computes, per 32-bit lane j, acc[j] += sum_{i<4} a[4j+i] * b[4j+i].
enum class DotProductKind {
  /// No dot-product instruction: the generic linalg lowering is used.
  None,
  /// x86 AVX-512 VNNI `vpdpbusd` on zmm: u8 x s8, 16 lanes.
  X86AVX512VNNI,
  /// x86 AVX-VNNI `{vex} vpdpbusd` on ymm (16 registers): u8 x s8, 8 lanes.
  X86AVXVNNI,
  /// x86 AVX2 without a dot instruction: the same 4-way reductions on ymm,
  /// left to LLVM (widened to i16, `vpmaddwd`, exact), 8 lanes.
  X86AVX2,
  /// AArch64 `usdot` (+i8mm): u8 x s8, 4 lanes.
  AArch64USDot,
  /// AArch64 `sdot` (+dotprod): s8 x s8, 4 lanes; u8 activations are
  /// shifted by 128 and the shift is folded into the bias.
  AArch64SDot,
};

/// A CPU target: triple, CPU and feature string as LLVM spells them, and the
/// features the code generator reads.
struct CPUTarget {
  std::string triple;
  std::string cpu;
  /// Comma-separated LLVM features ("+avx512vnni,+avx512bw,...").
  std::string features;
  bool isX86 = false, isAArch64 = false;
  bool avx512f = false, avx512bw = false, avx512vnni = false;
  /// vpermb / vpermi2b: byte table lookups.
  bool avx512vbmi = false;
  bool avx2 = false, avxvnni = false;
  bool dotprod = false, i8mm = false;

  /// The machine this process runs on (what the JIT compiles for).
  static CPUTarget host();

  /// `triple` is "host" or an LLVM triple ("x86_64-unknown-linux-gnu",
  /// "aarch64-unknown-linux-gnu"); `cpu` an LLVM CPU name ("" = generic);
  /// `features` "+a,+b,-c". Fails with a message on an unknown triple.
  static FailureOr<CPUTarget> get(StringRef triple, StringRef cpu,
                                  StringRef features, std::string &error);

  /// `get`, or an error on `op` prefixed with `passName`.
  static FailureOr<CPUTarget> getOrEmitError(Operation *op, StringRef passName,
                                             StringRef triple, StringRef cpu,
                                             StringRef features);

  /// The dot-product instruction to build microkernels on.
  DotProductKind getDotProductKind() const;

  /// 32-bit lanes of the dot-product instruction's vector (0 for None).
  int64_t getDotProductLanes() const;
};

/// Makes the OpenMP runtime (libomp, which parallel kernels call) visible to
/// JIT-compiled code; loads it once per process. Returns false if it cannot
/// be found: then kernels must stay sequential.
bool loadOpenMPRuntime();

} // namespace mlir::qmlir

#endif // QMLIR_CODEGEN_CPU_TARGET_H
