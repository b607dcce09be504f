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

# The 公文 fallbacks (used when the system has no 方正小标宋/仿宋/楷体): Noto Serif CJK SC
# (宋体 style: titles and body) and LXGW WenKai (楷体 style), cut to GB 2312 plus ASCII and
# punctuation — a character outside falls back, glyph by glyph, to Noto Sans CJK SC above.
# Needs also: apt-get install fonts-lxgw-wenkai.
kai=${LXGW_WENKAI_DIR:-/usr/share/fonts/truetype/lxgw-wenkai}
chars=$(mktemp)
python3 - "$chars" <<'PY'
import sys
chars = set()
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars.update(chr(c) for c in range(0x20, 0x7F))
chars.update(chr(c) for c in range(0x3000, 0x3040))
chars.update(chr(c) for c in range(0xFF01, 0xFF5F))
chars.update("〔〕【】《》〈〉「」『』—–·“”‘’×÷≤≥％‰℃№①②③④⑤⑥⑦⑧⑨⑩ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ￥〇√✓✗□■○●★☆→←↑↓")
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
for weight in Regular Bold; do
  pyftsubset "$src/NotoSerifCJK-$weight.ttc" --font-number=$face \
    --text-file="$chars" --layout-features='*' --no-hinting \
    --name-IDs='*' --name-languages='*' --notdef-outline \
    --output-file="$out/NotoSerifCJKsc-$weight-GB2312.otf"
done
# LXGW WenKai reserves the names "霞鹜" and "LXGW" (OFL 1.1): the subset is a Modified
# Version, so it is renamed "Pingcha Kai".
pyftsubset "$kai/LXGWWenKai-Regular.ttf" \
  --text-file="$chars" --layout-features='*' --no-hinting \
  --name-IDs='*' --name-languages='*' --notdef-outline \
  --output-file="$out/PingchaKai-Regular-GB2312.ttf"
python3 - "$out/PingchaKai-Regular-GB2312.ttf" <<'PY'
import sys
from fontTools.ttLib import TTFont
path = sys.argv[1]
font = TTFont(path)
names = {1: "Pingcha Kai", 2: "Regular", 3: "Pingcha Kai Regular GB2312 subset", 4: "Pingcha Kai Regular",
         6: "PingchaKai-Regular", 16: "Pingcha Kai", 17: "Regular"}
table = font["name"]
for record in list(table.names):
    if record.nameID in names:
        table.removeNames(nameID=record.nameID)
for name_id, value in names.items():
    table.setName(value, name_id, 3, 1, 0x409)
    table.setName(value, name_id, 1, 0, 0)
font.save(path)
PY
rm -f "$chars"
ls -l "$out"
