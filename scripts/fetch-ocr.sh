#!/usr/bin/env bash
# Installs the offline OCR engine: ONNX Runtime 1.31.1 (PyPI `onnxruntime`, MIT) and the
# PP-OCRv4 models (PyPI `rapidocr-onnxruntime` 1.4.4, Apache-2.0), fetched with `pip download`
# from PyPI only, checked against the SHA-256 sums below, unpacked into one folder:
#
#   $PINGCHA_OCR_DIR                      when set
#   $PINGCHA_HOME/data/ocr                when PINGCHA_HOME is set
#   ${XDG_DATA_HOME:-~/.local/share}/pingcha/ocr   otherwise (where the app looks)
#
# or the folder given as the first argument. Does nothing when that folder already holds the
# pinned files. The wheels are kept in ${PINGCHA_OCR_CACHE:-~/.cache/pingcha/wheels}.
# A different version is a deliberate change: new sums here and in src/ocr/install.rs, and
# the accuracy test (tests/ocr.rs) re-run.
set -euo pipefail

ORT_VERSION=1.31.1
RAPIDOCR_VERSION=1.4.4
ORT_WHEEL_SHA256_X86_64=5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f
RAPIDOCR_WHEEL_SHA256=971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf
# The files as unpacked (the app checks the models' sums again when it loads them).
FILE_SUMS="fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3  libonnxruntime.so.${ORT_VERSION}
d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9  ch_PP-OCRv4_det_infer.onnx
48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b  ch_PP-OCRv4_rec_infer.onnx
e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c  ch_ppocr_mobile_v2.0_cls_infer.onnx"

here="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -ge 1 ]; then
  dest="$1"
elif [ -n "${PINGCHA_OCR_DIR:-}" ]; then
  dest="$PINGCHA_OCR_DIR"
elif [ -n "${PINGCHA_HOME:-}" ]; then
  dest="$PINGCHA_HOME/data/ocr"
else
  dest="${XDG_DATA_HOME:-$HOME/.local/share}/pingcha/ocr"
fi

if [ -d "$dest" ] && (cd "$dest" && echo "$FILE_SUMS" | sha256sum --check --quiet --strict >/dev/null 2>&1); then
  echo "OCR engine already installed in $dest"
  exit 0
fi

case "$(uname -m)" in
  x86_64) platform=manylinux_2_28_x86_64; ort_sum=$ORT_WHEEL_SHA256_X86_64 ;;
  *) echo "fetch-ocr.sh: no pinned ONNX Runtime wheel for $(uname -m); OCR stays unavailable" >&2; exit 1 ;;
esac

python=$(command -v python3 || command -v python || true)
if { [ -z "$python" ] || ! "$python" -m pip --version >/dev/null 2>&1; } && command -v apt-get >/dev/null; then
  # A fresh Debian has Python but not always pip.
  echo "fetch-ocr.sh: installing python3-pip (pip download fetches the wheels from PyPI)"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq python3-pip >/dev/null
  else sudo apt-get install -y -qq python3-pip >/dev/null; fi
  python=$(command -v python3)
fi
if [ -z "$python" ] || ! "$python" -m pip --version >/dev/null 2>&1; then
  echo "fetch-ocr.sh: needs Python 3 with pip (Debian: apt-get install python3-pip)" >&2
  exit 1
fi

cache="${PINGCHA_OCR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pingcha/wheels}"
mkdir -p "$cache"
ort_wheel="$cache/onnxruntime-${ORT_VERSION}-cp311-cp311-${platform}.whl"
rapid_wheel="$cache/rapidocr_onnxruntime-${RAPIDOCR_VERSION}-py3-none-any.whl"

check() { # file sum
  [ -f "$1" ] && echo "$2  $1" | sha256sum --check --quiet --strict >/dev/null 2>&1
}

if ! check "$ort_wheel" "$ort_sum"; then
  "$python" -m pip download --quiet --no-deps --only-binary=:all: --platform "$platform" \
    --python-version 3.11 "onnxruntime==${ORT_VERSION}" -d "$cache"
fi
if ! check "$rapid_wheel" "$RAPIDOCR_WHEEL_SHA256"; then
  "$python" -m pip download --quiet --no-deps --only-binary=:all: \
    "rapidocr-onnxruntime==${RAPIDOCR_VERSION}" -d "$cache"
fi
check "$ort_wheel" "$ort_sum" || { echo "fetch-ocr.sh: $ort_wheel does not have the pinned SHA-256" >&2; exit 1; }
check "$rapid_wheel" "$RAPIDOCR_WHEEL_SHA256" || { echo "fetch-ocr.sh: $rapid_wheel does not have the pinned SHA-256" >&2; exit 1; }

# Unpacked into a fresh folder beside the destination, then moved in place: an interrupted
# run never leaves a half-written install where the app looks.
mkdir -p "$(dirname "$dest")"
tmp="$(mktemp -d "$(dirname "$dest")/.ocr-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$python" - "$ort_wheel" "$rapid_wheel" "$tmp" "$ORT_VERSION" <<'PY'
import sys, zipfile, os
ort_wheel, rapid_wheel, out, version = sys.argv[1:5]
members = {
    ort_wheel: {
        f"onnxruntime/capi/libonnxruntime.so.{version}": f"libonnxruntime.so.{version}",
        "onnxruntime/LICENSE": "LICENSE-onnxruntime.txt",
        "onnxruntime/ThirdPartyNotices.txt": "ThirdPartyNotices-onnxruntime.txt",
    },
    rapid_wheel: {
        "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx": "ch_PP-OCRv4_det_infer.onnx",
        "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx": "ch_PP-OCRv4_rec_infer.onnx",
        "rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx": "ch_ppocr_mobile_v2.0_cls_infer.onnx",
        "rapidocr_onnxruntime/config.yaml": "rapidocr-config.yaml",
    },
}
for wheel, wanted in members.items():
    with zipfile.ZipFile(wheel) as z:
        for name, target in wanted.items():
            with z.open(name) as src, open(os.path.join(out, target), "wb") as dst:
                dst.write(src.read())
PY
cp "$here/assets/ocr/NOTICE.txt" "$here/assets/ocr/LICENSE-Apache-2.0.txt" "$tmp/"
(cd "$tmp" && echo "$FILE_SUMS" | sha256sum --check --quiet --strict)
chmod 755 "$tmp"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "OCR engine installed in $dest"
