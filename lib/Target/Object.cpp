//===- Object.cpp - Object file emission ----------------------------------===//
//
// Part of the qmlir project.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Target/Object.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <thread>

using namespace mlir;

LogicalResult qmlir::checkTargetFeatures(StringRef tripleName,
                                         StringRef features,
                                         std::string &error) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargetMCs();
  llvm::Triple triple(tripleName);
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return failure();
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, "", ""));
  SmallVector<StringRef> list;
  features.split(list, ',', -1, /*KeepEmpty=*/false);
  for (StringRef feature : list) {
    feature = feature.trim();
    if (feature.size() < 2 || (feature[0] != '+' && feature[0] != '-')) {
      error = ("malformed target feature '" + feature +
               "' (expected +name or -name)")
                  .str();
      return failure();
    }
    StringRef name = feature.drop_front();
    if (!llvm::any_of(info->getAllProcessorFeatures(),
                      [&](const llvm::SubtargetFeatureKV &kv) {
                        return name == kv.Key;
                      })) {
      error = ("unknown target feature '" + name + "' for " + tripleName)
                  .str();
      return failure();
    }
  }
  return success();
}

LogicalResult qmlir::emitObjectFile(ModuleOp module, StringRef tripleName,
                                    StringRef cpu, StringRef features,
                                    StringRef path,
                                    SmallVectorImpl<char> *bytes,
                                    unsigned threads) {
  SmallVector<char, 0> local;
  SmallVectorImpl<char> &object = bytes ? *bytes : local;
  if (failed(emitObject(module, tripleName, cpu, features, object, threads)))
    return failure();
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return module.emitError("cannot open '") << path << "': " << ec.message();
  out.os().write(object.data(), object.size());
  out.keep();
  return success();
}

namespace {

/// What a code generation thread needs to build its own target machine.
struct MachineSpec {
  const llvm::Target *target;
  llvm::Triple triple;
  std::string cpu, features;

  std::unique_ptr<llvm::TargetMachine> create() const {
    return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
        triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
        std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  }
};

/// Optimizes `module` at O3 for `machine` and compiles it to an object.
/// Returns an error message or an empty string.
std::string compileModule(llvm::Module &module, llvm::TargetMachine &machine,
                          SmallVectorImpl<char> &object) {
  module.setTargetTriple(machine.getTargetTriple());
  module.setDataLayout(machine.createDataLayout());
  if (llvm::Error err = makeOptimizingTransformer(3, 0, &machine)(&module))
    return "LLVM optimization failed: " + llvm::toString(std::move(err));
  object.clear();
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return "the target cannot emit object files";
  codegen.run(module);
  return "";
}

/// The linker that merges the objects of the partitions into one
/// relocatable object (`ld.lld -r`): LLVM's own, else one on the PATH.
std::string findRelocatableLinker() {
  for (StringRef dir : {StringRef(QMLIR_LLVM_TOOLS_DIR)})
    if (auto path = llvm::sys::findProgramByName("ld.lld", {dir}))
      return *path;
  for (StringRef name : {"ld.lld-22", "ld.lld"})
    if (auto path = llvm::sys::findProgramByName(name))
      return *path;
  return "";
}

/// Compiles `module` as `parts` partitions, each optimized and compiled on
/// its own thread in its own LLVM context, and merges their objects with
/// `linker -r`. The symbols the split makes global (the microkernels, the
/// weights one of them reads from another partition) are hidden and
/// renamed after the module's first external function (the model's entry),
/// so that two models linked into one program do not collide.
std::string compileInParallel(llvm::Module &module, const MachineSpec &spec,
                              unsigned parts, StringRef linker,
                              SmallVectorImpl<char> &object) {
  std::string prefix;
  for (llvm::Function &f : module)
    if (!f.isDeclaration() && !f.hasLocalLinkage()) {
      prefix = f.getName().str();
      break;
    }
  for (llvm::GlobalValue &value : module.global_values())
    if (value.hasLocalLinkage())
      value.setName(prefix + "." +
                    (value.hasName() ? value.getName() : StringRef("anon")));
  SmallVector<SmallString<0>> bitcode;
  llvm::SplitModule(
      module, parts,
      [&](std::unique_ptr<llvm::Module> part) {
        SmallString<0> buffer;
        llvm::raw_svector_ostream os(buffer);
        llvm::WriteBitcodeToFile(*part, os);
        bitcode.push_back(std::move(buffer));
      },
      /*PreserveLocals=*/false, /*RoundRobin=*/true);
  std::vector<SmallVector<char, 0>> objects(bitcode.size());
  std::vector<std::string> errors(bitcode.size());
  std::vector<std::thread> workers;
  for (size_t i = 0; i < bitcode.size(); ++i)
    workers.emplace_back([&, i] {
      llvm::LLVMContext context;
      auto part = llvm::parseBitcodeFile(
          llvm::MemoryBufferRef(bitcode[i].str(), "partition"), context);
      if (!part) {
        errors[i] = llvm::toString(part.takeError());
        return;
      }
      std::unique_ptr<llvm::TargetMachine> machine = spec.create();
      errors[i] = machine ? compileModule(**part, *machine, objects[i])
                          : "cannot create a target machine";
    });
  for (std::thread &worker : workers)
    worker.join();
  for (const std::string &error : errors)
    if (!error.empty())
      return error;

  // ld.lld -r -o merged.o part0.o part1.o ...
  SmallVector<SmallString<128>> files;
  SmallVector<llvm::FileRemover> removers;
  auto temporary = [&](StringRef suffix) -> std::string {
    SmallString<128> path;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("qmlir-part", suffix, path))
      return "";
    files.push_back(path);
    return path.str().str();
  };
  std::string merged = temporary("o");
  if (merged.empty())
    return "cannot create a temporary file";
  removers.reserve(objects.size() + 1);
  removers.emplace_back(merged);
  SmallVector<std::string> inputs;
  for (auto &bytes : objects) {
    std::string path = temporary("o");
    if (path.empty())
      return "cannot create a temporary file";
    removers.emplace_back(path);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
    if (ec)
      return "cannot write '" + path + "': " + ec.message();
    os.write(bytes.data(), bytes.size());
    inputs.push_back(path);
  }
  SmallVector<StringRef> args = {linker, "-r", "-o", merged};
  for (const std::string &input : inputs)
    args.push_back(input);
  std::string message;
  if (llvm::sys::ExecuteAndWait(linker, args, /*Env=*/std::nullopt,
                                /*Redirects=*/{}, /*SecondsToWait=*/0,
                                /*MemoryLimit=*/0, &message) != 0)
    return "'" + linker.str() + " -r' failed" +
           (message.empty() ? "" : ": " + message);
  auto buffer = llvm::MemoryBuffer::getFile(merged, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return "cannot read the merged object: " + buffer.getError().message();
  object.assign((*buffer)->getBufferStart(), (*buffer)->getBufferEnd());
  return "";
}

} // namespace

LogicalResult qmlir::emitObject(ModuleOp module, StringRef tripleName,
                                StringRef cpu, StringRef features,
                                SmallVectorImpl<char> &object,
                                unsigned threads) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();

  MachineSpec spec;
  spec.cpu = cpu.str();
  spec.features = features.str();
  if (cpu == "host") {
    spec.cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures hostFeatures;
    for (auto &feature : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(feature.first(), feature.second);
    spec.features = hostFeatures.getString();
  }
  spec.triple = llvm::Triple(tripleName);
  std::string error;
  spec.target = llvm::TargetRegistry::lookupTarget(spec.triple, error);
  if (!spec.target)
    return module.emitError("unknown target '") << tripleName << "': " << error;
  std::unique_ptr<llvm::TargetMachine> machine = spec.create();
  if (!machine)
    return module.emitError("cannot create a target machine for ")
           << tripleName;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return module.emitError("translation to LLVM IR failed");

  // Several partitions where there are functions to share out and a linker
  // to merge their objects; else one.
  unsigned functions = llvm::count_if(
      *llvmModule, [](llvm::Function &f) { return !f.isDeclaration(); });
  unsigned parts = std::min(threads, functions);
  std::string linker = parts > 1 ? findRelocatableLinker() : "";
  if (!linker.empty())
    error = compileInParallel(*llvmModule, spec, parts, linker, object);
  else
    error = compileModule(*llvmModule, *machine, object);
  if (!error.empty())
    return module.emitError("object emission failed: ") << error;
  return success();
}
