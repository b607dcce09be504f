#!/usr/bin/env bash
# Fails when BINARY needs a glibc newer than MAX (default 2.28): reads the versions of the
# dynamic symbols it imports (objdump -T, from binutils).
#   scripts/check-glibc.sh target/x86_64-unknown-linux-gnu/release/pingcha [2.28]
set -euo pipefail
binary=${1:?用法：check-glibc.sh 可执行文件 [最高 glibc 版本]}
max=${2:-2.28}
versions=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -u -V)
[ -n "$versions" ] || { echo "$binary：没有读到 glibc 符号版本" >&2; exit 2; }
newest=$(printf '%s\n' "$versions" | tail -n 1)
too_new=$(printf '%s\n' "$versions" | awk -v max="$max" '
  function cmp(a, b,   x, y, i, n) {
    n = split(a, x, "."); split(b, y, ".");
    for (i = 1; i <= 3; i++) { if ((x[i] + 0) != (y[i] + 0)) return (x[i] + 0) - (y[i] + 0) }
    return 0
  }
  cmp($0, max) > 0')
if [ -n "$too_new" ]; then
  echo "$binary 需要 glibc $newest，超过 $max：" >&2
  objdump -T "$binary" | grep -E "GLIBC_($(printf '%s\n' "$too_new" | sed 's/\./\\./g' | paste -sd'|'))[^0-9.]" | awk '{print "  " $NF " " $(NF-1)}' >&2
  exit 1
fi
echo "$binary：最高需要 glibc $newest（不超过 $max）"
