#!/usr/bin/env bash
# Builds qmlir and runs the whole test suite (lit: dialect, passes,
# conversions, integration on x86-64 / AArch64 under qemu / NVVM, unit tests).
# Ends with lit's summary and one line "N passed, N failed, N skipped".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
xml="$root/build/test-results.xml"
status=0
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
