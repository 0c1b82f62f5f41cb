//===- Target.cpp - CPU target description --------------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Codegen/CPU/Target.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::qmlir;

namespace {

void setFeature(CPUTarget &t, StringRef name, bool on) {
  if (name == "avx512f")
    t.avx512f = on;
  else if (name == "avx512bw")
    t.avx512bw = on;
  else if (name == "avx512vnni")
    t.avx512vnni = on;
  else if (name == "avx512vbmi")
    t.avx512vbmi = on;
  else if (name == "avx2")
    t.avx2 = on;
  else if (name == "avxvnni")
    t.avxvnni = on;
  else if (name == "dotprod")
    t.dotprod = on;
  else if (name == "i8mm")
    t.i8mm = on;
}

} // namespace

CPUTarget CPUTarget::host() {
  CPUTarget t;
  t.triple = llvm::sys::getDefaultTargetTriple();
  t.cpu = llvm::sys::getHostCPUName().str();
  llvm::Triple triple(t.triple);
  t.isX86 = triple.getArch() == llvm::Triple::x86_64;
  t.isAArch64 = triple.getArch() == llvm::Triple::aarch64;
  SmallVector<std::string> parts;
  for (auto &feature : llvm::sys::getHostCPUFeatures()) {
    setFeature(t, feature.first(), feature.second);
    parts.push_back((feature.second ? "+" : "-") + feature.first().str());
  }
  llvm::sort(parts);
  t.features = llvm::join(parts, ",");
  return t;
}

FailureOr<CPUTarget> CPUTarget::get(StringRef triple, StringRef cpu,
                                    StringRef features, std::string &error) {
  if (triple == "host" || triple.empty()) {
    CPUTarget t = host();
    if (!cpu.empty() || !features.empty()) {
      error = "a host target takes no cpu or features";
      return failure();
    }
    return t;
  }
  CPUTarget t;
  llvm::Triple parsed(triple);
  t.isX86 = parsed.getArch() == llvm::Triple::x86_64;
  t.isAArch64 = parsed.getArch() == llvm::Triple::aarch64;
  if (!t.isX86 && !t.isAArch64) {
    error = ("unsupported target triple '" + triple +
             "' (x86_64-* or aarch64-*)")
                .str();
    return failure();
  }
  t.triple = triple.str();
  t.cpu = cpu.str();
  t.features = features.str();
  SmallVector<StringRef> list;
  features.split(list, ',', -1, /*KeepEmpty=*/false);
  for (StringRef f : list) {
    f = f.trim();
    if (f.size() < 2 || (f[0] != '+' && f[0] != '-')) {
      error = ("malformed target feature '" + f + "' (expected +name or -name)")
                  .str();
      return failure();
    }
    setFeature(t, f.drop_front(), f[0] == '+');
  }
  return t;
}

FailureOr<CPUTarget> CPUTarget::getOrEmitError(Operation *op,
                                               StringRef passName,
                                               StringRef triple, StringRef cpu,
                                               StringRef features) {
  std::string error;
  FailureOr<CPUTarget> target = get(triple, cpu, features, error);
  if (failed(target))
    op->emitError(passName) << ": " << error;
  return target;
}

DotProductKind CPUTarget::getDotProductKind() const {
  if (isX86 && avx512f && avx512bw && avx512vnni)
    return DotProductKind::X86AVX512VNNI;
  if (isX86 && avx2 && avxvnni)
    return DotProductKind::X86AVXVNNI;
  if (isX86 && avx2)
    return DotProductKind::X86AVX2;
  if (isAArch64 && i8mm)
    return DotProductKind::AArch64USDot;
  if (isAArch64 && dotprod)
    return DotProductKind::AArch64SDot;
  return DotProductKind::None;
}

int64_t CPUTarget::getDotProductLanes() const {
  switch (getDotProductKind()) {
  case DotProductKind::X86AVX512VNNI:
    return 16;
  case DotProductKind::X86AVXVNNI:
  case DotProductKind::X86AVX2:
    return 8;
  case DotProductKind::AArch64USDot:
  case DotProductKind::AArch64SDot:
    return 4;
  case DotProductKind::None:
    return 0;
  }
  return 0;
}

bool qmlir::loadOpenMPRuntime() {
  static const bool loaded = [] {
    for (const char *path : {"libomp.so.5", "/usr/lib/llvm-22/lib/libomp.so.5",
                             "/usr/lib/llvm-22/lib/libomp.so"})
      if (!llvm::sys::DynamicLibrary::LoadLibraryPermanently(path))
        return true;
    return false;
  }();
  return loaded;
}

