# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QMLIR"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qmlir_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "models", "GPU-proto-notes",
                   "Inputs"]

config.environment["FILECHECK_OPTS"] = (
    "-enable-var-scope --allow-unused-prefixes=false")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%qmlir_src", config.qmlir_src_root))
config.substitutions.append(("%models",
    os.path.join(config.qmlir_src_root, "test", "Integration", "models")))

tool_dirs = [config.qmlir_tools_dir, config.llvm_tools_dir]
tools = ["not", "count", "FileCheck", "quant-opt", "quant-compile", "quant-translate",
         "qmlir-requantize-test", "qmlir-requantize-jit-test", "qmlir-microkernel-test",
         "qmlir-cuda-launch", "qmlir-onnx-conformance", "qmlir-fuzz-onnx",
         "qmlir-fuzz-opt"]
llvm_config.add_tool_substitutions(
    [ToolSubst(t, unresolved="ignore") for t in tools], tool_dirs)

# Optional capabilities.
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")
if shutil.which("protoc") and os.path.exists("/usr/include/onnx/onnx.proto"):
    config.available_features.add("protoc")
# The libFuzzer targets (built with clang, QMLIR_BUILD_FUZZERS).
if os.path.exists(os.path.join(config.qmlir_tools_dir, "qmlir-fuzz-onnx")):
    config.available_features.add("fuzzers")
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("aarch64-emulation")
# The host's int8 dot-product instruction (the JIT compiles for the host).
try:
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    if " avx512_vnni" in flags and " avx512bw" in flags:
        config.available_features.add("host-avx512vnni")
    if " avx2" in flags:
        config.available_features.add("host-avx2")
    if " avx_vnni" in flags and " avx2" in flags:
        config.available_features.add("host-avxvnni")
except OSError:
    pass
if os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", "/usr/local/cuda/bin/ptxas"))

# A usable NVIDIA GPU (sm_80+) and driver: the launch tests run, else they are
# reported as unsupported (skipped).
import subprocess
launcher = os.path.join(config.qmlir_tools_dir, "qmlir-cuda-launch")
if os.path.exists(launcher):
    config.available_features.add("cuda-launcher")
    try:
        probe = subprocess.run([launcher, "--probe"], capture_output=True,
                               timeout=120)
        if probe.returncode == 0:
            config.available_features.add("cuda-gpu")
        else:
            lit_config.note("GPU launch tests skipped: " +
                            probe.stdout.decode().strip())
    except (OSError, subprocess.TimeoutExpired) as e:
        lit_config.note("GPU launch tests skipped: " + str(e))

# The PaddleOCR classifier and onnxruntime (scripts/fetch-models.sh).
build_dir = config.qmlir_obj_root
if (os.path.exists(os.path.join(build_dir, "models",
                                "ch_ppocr_mobile_v2.0_cls_infer.onnx")) and
        os.path.isdir(os.path.join(build_dir, "npm", "node_modules",
                                   "onnxruntime-node")) and
        os.path.exists("/usr/bin/convert")):
    config.available_features.add("ppocr")

# The Silero voice-activity detector, onnxruntime (scripts/fetch-models.sh)
# and real speech (alsa-utils).
if (os.path.exists(os.path.join(build_dir, "models", "silero_vad_v5.onnx")) and
        os.path.isdir(os.path.join(build_dir, "npm", "node_modules",
                                   "onnxruntime-node")) and
        os.path.isdir("/usr/share/sounds/alsa")):
    config.available_features.add("vad")
