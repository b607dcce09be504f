#!/usr/bin/env bash
# Rebuilds the bundled CJK fonts in assets/fonts/ from Debian's fonts-noto-cjk.
#
# Needs: apt-get install fonts-noto-cjk; pip install fonttools.
# The subset keeps every CJK Unified Ideograph (U+4E00–9FFF) and Extension A
# (U+3400–4DBF), so rare characters in personal names (喆 堃 旻 珺 玥 彧 赟 镕 燊 垚)
# render; plus ASCII, Latin-1, general and CJK punctuation, full-width forms and the
# symbols the UI and reports use (arrows, circled numbers, ✓ ✗ ★ ●).
set -euo pipefail
src=${NOTO_CJK_DIR:-/usr/share/fonts/opentype/noto}
out=$(cd "$(dirname "$0")/.." && pwd)/assets/fonts
# Face 2 of Debian's Noto Sans CJK collections is "Noto Sans CJK SC".
face=2
unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+02C6-02DD,U+0391-03C9,U+0401-0451,\
U+2000-206F,U+20AC,U+2100-214F,U+2150-218F,U+2190-21FF,U+2200-22FF,U+2300-23FF,\
U+2460-24FF,U+2500-257F,U+2580-259F,U+25A0-25FF,U+2600-26FF,U+2700-27BF,\
U+2E80-2EFF,U+2F00-2FDF,U+3000-303F,U+3040-30FF,U+3100-312F,U+31C0-31EF,U+3200-32FF,U+3300-33FF,\
U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FE10-FE1F,U+FE30-FE4F,U+FF00-FFEF"
for weight in Regular Bold; do
  pyftsubset "$src/NotoSansCJK-$weight.ttc" --font-number=$face \
    --unicodes="$unicodes" --layout-features='*' --no-hinting \
    --name-IDs='*' --name-languages='*' --notdef-outline \
    --output-file="$out/NotoSansCJKsc-$weight.otf"
done
ls -l "$out"
