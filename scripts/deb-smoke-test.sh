#!/usr/bin/env bash
# CI's check of the package: installs target/debian/pingcha_*.deb (apt pulls its Depends),
# runs the installed /usr/bin/pingcha — --version, sample, import, check — then purges it
# and checks that none of its files remain. Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls -t target/debian/pingcha_*_amd64.deb | head -n 1)
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
# No maintainer scripts: installing changes nothing beyond the package's own files.
control=$(mktemp -d)
dpkg-deb --control "$deb" "$control"
extra=$(ls "$control" | grep -v -x -e control -e md5sums || true)
[ -z "$extra" ] || { echo "软件包不应带维护脚本：$extra" >&2; exit 1; }

"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb"
files=$(dpkg -L pingcha)
for f in /usr/bin/pingcha /usr/share/applications/pingcha.desktop \
         /usr/share/icons/hicolor/scalable/apps/pingcha.svg /usr/share/icons/hicolor/256x256/apps/pingcha.png \
         /usr/share/doc/pingcha/copyright /usr/share/doc/pingcha/OFL-NotoSansCJK.txt; do
  grep -qx "$f" <<<"$files" || { echo "软件包缺少 $f" >&2; exit 1; }
done
grep -q '^Name=评查$' /usr/share/applications/pingcha.desktop
grep -q '^Categories=Office;$' /usr/share/applications/pingcha.desktop

work=$(mktemp -d)
export PINGCHA_HOME="$work/home"
/usr/bin/pingcha --version
/usr/bin/pingcha sample "$work/samples" --cases 4
/usr/bin/pingcha import "$work/project" "$work/samples"
/usr/bin/pingcha check "$work/project"
ldd /usr/bin/pingcha

"${as_root[@]}" dpkg --purge pingcha
if dpkg -s pingcha >/dev/null 2>&1; then echo "pingcha 仍登记为已安装" >&2; exit 1; fi
for f in $files; do
  [ -d "$f" ] && continue
  [ ! -e "$f" ] || { echo "卸载后仍有 $f" >&2; exit 1; }
done
rm -rf "$work" "$control"
echo "软件包安装、运行、卸载均正常：$deb"
