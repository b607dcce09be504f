#!/usr/bin/env bash
# Renders assets/icons/pingcha.svg to the PNG sizes the .deb and the window use.
# Needs rsvg-convert (Debian: librsvg2-bin). The PNGs are committed; run this after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"
for size in 16 32 48 64 128 256; do
  rsvg-convert -w "$size" -h "$size" pingcha.svg -o "pingcha-$size.png"
done
