#!/usr/bin/env bash
# Encodes every *.textproto of IN_DIR (onnx.ModelProto in protobuf text
# format) into OUT_DIR/<name>.onnx with protoc and Debian's onnx.proto.
set -euo pipefail
in=$1 out=$2
mkdir -p "$out"
for f in "$in"/*.textproto; do
  protoc --encode=onnx.ModelProto -I /usr/include/onnx /usr/include/onnx/onnx.proto \
    < "$f" > "$out/$(basename "$f" .textproto).onnx"
done
