// RUN: not quant-opt %s --qnn-cpu-microkernels="target-triple=riscv64-unknown-linux-gnu" 2>&1 | FileCheck %s --check-prefix=TRIPLE
// RUN: not quant-opt %s --qnn-cpu-microkernels="target-triple=x86_64-unknown-linux-gnu target-features=avx512vnni" 2>&1 | FileCheck %s --check-prefix=FEATURE
// RUN: not quant-opt %s --qnn-cpu-lower-dot-products="target-cpu=znver5" 2>&1 | FileCheck %s --check-prefix=HOST

// TRIPLE: error: qnn-cpu-microkernels: unsupported target triple 'riscv64-unknown-linux-gnu' (x86_64-* or aarch64-*)
// FEATURE: error: qnn-cpu-microkernels: malformed target feature 'avx512vnni' (expected +name or -name)
// HOST: error: qnn-cpu-lower-dot-products: a host target takes no cpu or features
func.func @f() {
  return
}
