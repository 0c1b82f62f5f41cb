//===- qmlir-cuda-launch.cpp - Run the int8 GPU kernels of a model --------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Builds the int8 tensor-core kernels of a quantized model (one per
// qnn.matmul / 1x1 qnn.conv2d), compiles them to PTX for the GPU found,
// launches each through the CUDA driver API on random activations with the
// model's weights, and compares with requant::requantize on the CPU, bit for
// bit.
//
// The driver is loaded at run time (dlopen libcuda.so.1), so this builds and
// runs anywhere. Exit status: 0 all kernels pass; 1 a failure; 77 and a
// "SKIPPED: ..." line when there is no usable driver or GPU (sm_80+).
// `--probe` only checks for a GPU (exit 0 or 77). `--emulate` runs the same
// kernels (their device LLVM IR) on the CPU with a warp emulator instead.
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Support/Requantize.h"
#include "qmlir/Target/GPU.h"

#include "WarpEmulator.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <cuda.h>
#include <dlfcn.h>

#include <cstdio>
#include <random>

using namespace mlir;
using namespace mlir::qmlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<quantized .mlir>"));
static cl::opt<bool> probe("probe", cl::desc("Only check for a usable GPU"));
static cl::opt<bool>
    emulate("emulate",
            cl::desc("Run the kernels' device code on the CPU (warp "
                     "emulator) instead of a GPU"));
static cl::opt<unsigned> seed("seed", cl::desc("Random seed"), cl::init(7));

namespace {

constexpr int kExitSkip = 77;

// cuda.h maps names to versioned symbols (cuMemAlloc -> cuMemAlloc_v2);
// QMLIR_STR expands the macro so dlsym gets the real name.
#define QMLIR_STR2(x) #x
#define QMLIR_STR(x) QMLIR_STR2(x)
#define QMLIR_DRIVER_FUNCS(X)                                                  \
  X(cuInit)                                                                    \
  X(cuGetErrorName)                                                            \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetName)                                                           \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuDevicePrimaryCtxRelease)                                                 \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxSynchronize)                                                          \
  X(cuModuleLoadData)                                                          \
  X(cuModuleGetFunction)                                                       \
  X(cuModuleUnload)                                                            \
  X(cuMemAlloc)                                                                \
  X(cuMemFree)                                                                 \
  X(cuMemcpyHtoD)                                                              \
  X(cuMemcpyDtoH)                                                              \
  X(cuLaunchKernel)

struct Driver {
#define QMLIR_DECL(fn) decltype(&::fn) fn = nullptr;
  QMLIR_DRIVER_FUNCS(QMLIR_DECL)
#undef QMLIR_DECL
  CUdevice device = 0;
  CUcontext context = nullptr;
  int major = 0, minor = 0;
  char name[256] = {0};

  /// Loads the driver and picks device 0; an empty string when usable.
  std::string open() {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
      return std::string("dlopen libcuda.so.1: ") + dlerror();
#define QMLIR_LOAD(fn)                                                         \
  fn = reinterpret_cast<decltype(fn)>(dlsym(lib, QMLIR_STR(fn)));              \
  if (!fn)                                                                     \
    return "libcuda.so.1 lacks " QMLIR_STR(fn);
    QMLIR_DRIVER_FUNCS(QMLIR_LOAD)
#undef QMLIR_LOAD
    if (CUresult r = cuInit(0))
      return "cuInit: " + error(r);
    int count = 0;
    if (CUresult r = cuDeviceGetCount(&count))
      return "cuDeviceGetCount: " + error(r);
    if (count == 0)
      return "no CUDA device";
    if (CUresult r = cuDeviceGet(&device, 0))
      return "cuDeviceGet: " + error(r);
    cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                         device);
    cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                         device);
    cuDeviceGetName(name, sizeof(name) - 1, device);
    if (major < 8)
      return std::string(name) + " is sm_" + std::to_string(major * 10 + minor) +
             "; int8 mma.sync m16n8k32 needs sm_80";
    return "";
  }

  std::string error(CUresult r) const {
    const char *text = nullptr;
    if (cuGetErrorName)
      cuGetErrorName(r, &text);
    return text ? text : ("CUresult " + std::to_string(int(r)));
  }
};

/// Device buffer freed on scope exit.
struct DeviceBuffer {
  Driver &d;
  CUdeviceptr ptr = 0;
  ~DeviceBuffer() {
    if (ptr)
      d.cuMemFree(ptr);
  }
};

int64_t reference(const GPUKernelInfo &k, const std::vector<uint8_t> &a,
                  int64_t row, int64_t col) {
  int64_t acc = k.bias[col];
  for (int64_t i = 0; i < k.k; ++i) {
    int64_t x = k.lhsUnsigned ? int64_t(a[row * k.kPadded + i])
                              : int64_t(int8_t(a[row * k.kPadded + i]));
    acc += x * k.weights[i * k.n + col];
  }
  requant::RoundingMode mode =
      k.rounding == qnn::RoundingMode::DoubleRound
          ? requant::RoundingMode::DoubleRound
      : k.rounding == qnn::RoundingMode::SingleRound
          ? requant::RoundingMode::SingleRound
          : requant::RoundingMode::HalfEven;
  return requant::requantize(int32_t(acc), {k.multiplier[col], k.shift[col]},
                             mode, k.outputZeroPoint, k.clampMin, k.clampMax);
}

/// Random activations, the model's weights (both padded) and a poisoned
/// output for kernel `k`.
struct KernelData {
  std::vector<uint8_t> a, b, c;
};

KernelData makeData(const GPUKernelInfo &k, std::mt19937 &rng) {
  int64_t mp = k.mPadded, np = k.nPadded, kp = k.kPadded;
  KernelData data{std::vector<uint8_t>(mp * kp, 0),
                  std::vector<uint8_t>(kp * np, 0),
                  std::vector<uint8_t>(mp * np, 0xA5)};
  std::uniform_int_distribution<int> byte(0, 255);
  for (int64_t i = 0; i < k.m; ++i)
    for (int64_t j = 0; j < k.k; ++j)
      data.a[i * kp + j] = uint8_t(byte(rng));
  for (int64_t i = 0; i < k.k; ++i)
    for (int64_t j = 0; j < k.n; ++j)
      data.b[i * np + j] = uint8_t(k.weights[i * k.n + j]);
  return data;
}

/// Compares the kernel's output with the CPU reference; returns true if equal.
bool check(const char *device, const GPUKernelInfo &k, const KernelData &d) {
  int64_t mismatches = 0, clamped = 0;
  for (int64_t i = 0; i < k.m; ++i)
    for (int64_t j = 0; j < k.n; ++j) {
      uint8_t raw = d.c[i * k.nPadded + j];
      int64_t got = k.outputUnsigned ? int64_t(raw) : int64_t(int8_t(raw));
      int64_t expected = reference(k, d.a, i, j);
      mismatches += got != expected;
      clamped += expected == k.clampMin || expected == k.clampMax;
    }
  std::printf("%s: %s %s: %lld of %lld outputs differ from the CPU "
              "reference (%lld at a clamp bound)\n",
              device, mismatches ? "FAIL" : "PASS", k.name.c_str(),
              (long long)mismatches, (long long)(k.m * k.n),
              (long long)clamped);
  return mismatches == 0;
}

/// Runs every kernel in the warp emulator.
int runEmulated(ModuleOp kernelModule, const std::vector<GPUKernelInfo> &kernels) {
  auto llvmContext = std::make_unique<llvm::LLVMContext>();
  auto llvmModule = translateGPUKernelsToLLVMIR(kernelModule, *llvmContext);
  if (failed(llvmModule))
    return 1;
  auto emulator =
      WarpEmulator::create(std::move(*llvmModule), std::move(llvmContext));
  if (!emulator) {
    std::printf("EMU: FAIL %s\n", llvm::toString(emulator.takeError()).c_str());
    return 1;
  }
  std::mt19937 rng(seed);
  int failures = 0;
  for (const GPUKernelInfo &k : kernels) {
    KernelData d = makeData(k, rng);
    void *args[6] = {d.a.data(),
                     d.b.data(),
                     const_cast<int32_t *>(k.bias.data()),
                     const_cast<int32_t *>(k.multiplier.data()),
                     const_cast<int32_t *>(k.shift.data()),
                     d.c.data()};
    if (llvm::Error err = (*emulator)->run(k.name, unsigned(k.nPadded / 8),
                                           unsigned(k.mPadded / 16), args)) {
      std::printf("EMU: FAIL %s: %s\n", k.name.c_str(),
                  llvm::toString(std::move(err)).c_str());
      ++failures;
      continue;
    }
    failures += !check("EMU", k, d);
  }
  return failures ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "run qmlir's int8 GPU kernels\n");
  Driver d;
  std::string unusable = emulate ? "" : d.open();
  if (!unusable.empty()) {
    std::printf("SKIPPED: no CUDA driver/GPU (%s)\n", unusable.c_str());
    return kExitSkip;
  }
  if (!emulate)
    std::printf("GPU: %s (sm_%d%d)\n", d.name, d.major, d.minor);
  if (probe)
    return 0;
  if (inputFile.empty()) {
    std::fprintf(stderr, "qmlir-cuda-launch: no input model\n");
    return 1;
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllTranslations(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, ParserConfig(&context));
  if (!module)
    return 1;
  std::vector<GPUKernelInfo> kernels;
  auto gpuModule = buildGPUKernels(*module, kernels);
  if (failed(gpuModule))
    return 1;
  if (emulate)
    return runEmulated(**gpuModule, kernels);

  std::string chip = "sm_" + std::to_string(d.major * 10 + d.minor);
  auto ptx = translateGPUKernelsToPTX(**gpuModule, chip);
  if (failed(ptx))
    return 1;

  if (CUresult r = d.cuDevicePrimaryCtxRetain(&d.context, d.device);
      r || (r = d.cuCtxSetCurrent(d.context))) {
    std::printf("GPU: FAIL context: %s\n", d.error(r).c_str());
    return 1;
  }
  CUmodule cuModule = nullptr;
  if (CUresult r = d.cuModuleLoadData(&cuModule, ptx->c_str())) {
    std::printf("GPU: FAIL loading the PTX: %s\n", d.error(r).c_str());
    return 1;
  }
  std::mt19937 rng(seed);
  int failures = 0;
  for (const GPUKernelInfo &k : kernels) {
    KernelData data = makeData(k, rng);
    CUfunction fn;
    DeviceBuffer dA{d}, dB{d}, dBias{d}, dMult{d}, dShift{d}, dC{d};
    auto upload = [&](DeviceBuffer &buf, const void *bytes, size_t size) {
      CUresult r = d.cuMemAlloc(&buf.ptr, size);
      return r ? r : d.cuMemcpyHtoD(buf.ptr, bytes, size);
    };
    CUresult r = d.cuModuleGetFunction(&fn, cuModule, k.name.c_str());
    if (!r) r = upload(dA, data.a.data(), data.a.size());
    if (!r) r = upload(dB, data.b.data(), data.b.size());
    if (!r) r = upload(dBias, k.bias.data(), k.bias.size() * 4);
    if (!r) r = upload(dMult, k.multiplier.data(), k.multiplier.size() * 4);
    if (!r) r = upload(dShift, k.shift.data(), k.shift.size() * 4);
    if (!r) r = upload(dC, data.c.data(), data.c.size());
    void *params[] = {&dA.ptr, &dB.ptr, &dBias.ptr,
                      &dMult.ptr, &dShift.ptr, &dC.ptr};
    if (!r)
      r = d.cuLaunchKernel(fn, unsigned(k.nPadded / 8), unsigned(k.mPadded / 16),
                           1, 32, 1, 1, 0, nullptr, params, nullptr);
    if (!r) r = d.cuCtxSynchronize();
    if (!r) r = d.cuMemcpyDtoH(data.c.data(), dC.ptr, data.c.size());
    if (r) {
      std::printf("GPU: FAIL %s: %s\n", k.name.c_str(), d.error(r).c_str());
      ++failures;
      continue;
    }
    failures += !check("GPU", k, data);
  }
  d.cuModuleUnload(cuModule);
  d.cuDevicePrimaryCtxRelease(d.device);
  return failures ? 1 : 0;
}
