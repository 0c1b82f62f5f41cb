//===- quant-translate.cpp - qmlir translations ---------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//
//
// Translations out of (and, later, into) qmlir IR:
//   --import-onnx        ONNX model -> TOSA + qnn (float graph IR)
//   --emit-gpu-kernels   quantized IR -> gpu.module of int8 mma.sync kernels
//   --emit-ptx           quantized IR -> PTX for --gpu-chip (sm_80, sm_90)
//
//===----------------------------------------------------------------------===//

#include "qmlir/InitAll.h"
#include "qmlir/Target/GPU.h"
#include "qmlir/Target/ONNX.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::qmlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<quantized .mlir>"),
                                      cl::init("-"));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::init("-"));
enum class Action { None, ImportONNX, EmitGPUKernels, EmitPTX };
static cl::opt<Action> action(
    cl::desc("Translation:"), cl::init(Action::None),
    cl::values(clEnumValN(Action::ImportONNX, "import-onnx",
                          "ONNX model to TOSA + qnn"),
               clEnumValN(Action::EmitGPUKernels, "emit-gpu-kernels",
                          "int8 tensor-core kernels as a gpu.module (MLIR)"),
               clEnumValN(Action::EmitPTX, "emit-ptx",
                          "int8 tensor-core kernels as PTX")));
static cl::opt<std::string> gpuChip("gpu-chip",
                                    cl::desc("NVIDIA target for --emit-ptx"),
                                    cl::init("sm_80"));

static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape for a model input: name=1x3x48x192"));
static cl::list<std::string> inputValues(
    "input-value",
    cl::desc("Fix a model input to constant values (it stops being an "
             "input; what depends only on it folds): name=16000 or "
             "name=1,2,3"));

static const char *roundingName(qnn::RoundingMode mode) {
  return qnn::stringifyRoundingMode(mode).data();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "qmlir translations\n");
  if (action == Action::None) {
    llvm::errs() << "quant-translate: choose a translation (--help)\n";
    return 1;
  }
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllTranslations(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  std::string error;
  if (action == Action::ImportONNX) {
    ONNXImportOptions importOptions;
    for (const std::string &spec : inputShapes)
      if (!parseInputShape(spec, importOptions)) {
        llvm::errs() << "quant-translate: bad --input-shape '" << spec
                     << "' (expected name=1x3x48x192)\n";
        return 1;
      }
    for (const std::string &spec : inputValues)
      if (!parseInputValue(spec, importOptions)) {
        llvm::errs() << "quant-translate: bad --input-value '" << spec
                     << "' (expected name=16000 or name=1,2,3)\n";
        return 1;
      }
    auto file = openInputFile(inputFile, &error);
    if (!file) {
      llvm::errs() << error << "\n";
      return 1;
    }
    auto imported = importONNX(file->getBuffer(), &context, importOptions,
                               inputFile == "-" ? std::string("<stdin>")
                                                : std::string(inputFile));
    if (failed(imported))
      return 1;
    auto output = openOutputFile(outputFile, &error);
    if (!output) {
      llvm::errs() << error << "\n";
      return 1;
    }
    (*imported)->print(output->os());
    output->keep();
    return 0;
  }
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputFile, sourceMgr, ParserConfig(&context));
  if (!module)
    return 1;

  std::vector<GPUKernelInfo> kernels;
  auto gpuModule = buildGPUKernels(*module, kernels);
  if (failed(gpuModule))
    return 1;

  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (action == Action::EmitGPUKernels) {
    (*gpuModule)->print(output->os());
    output->keep();
    return 0;
  }
  auto ptx = translateGPUKernelsToPTX(**gpuModule, gpuChip);
  if (failed(ptx))
    return 1;
  // A manifest in PTX comments: what a host needs to launch each kernel.
  raw_ostream &os = output->os();
  os << "// qmlir int8 tensor-core kernels for " << gpuChip << "\n";
  os << "// params: A i8[Mp x Kp], B i8[Kp x Np], bias i32[Np], multiplier "
        "i32[Np], shift i32[Np], C i8[Mp x Np] (bare pointers)\n";
  os << "// launch: grid (Np / 8, Mp / 16, 1), block (32, 1, 1)\n";
  for (const GPUKernelInfo &k : kernels)
    os << "// kernel " << k.name << " M=" << k.m << " N=" << k.n
       << " K=" << k.k << " Mp=" << k.mPadded << " Np=" << k.nPadded
       << " Kp=" << k.kPadded << " lhs=" << (k.lhsUnsigned ? "u8" : "s8")
       << " rounding=" << roundingName(k.rounding)
       << " zp_out=" << k.outputZeroPoint << " clamp=[" << k.clampMin << ","
       << k.clampMax << "]\n";
  os << *ptx;
  output->keep();
  return 0;
}
