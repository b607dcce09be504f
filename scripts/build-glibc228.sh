#!/usr/bin/env bash
# Builds the pingcha binary for glibc 2.28 (麒麟 V10, 统信 UOS 20 and newer) on any Linux
# machine with Rust and Python: cargo-zigbuild (crates.io) links against zig's glibc 2.28
# stubs, zig comes from the PyPI package `ziglang` (pinned by hash in
# packaging/zig-requirements.txt). Installs what is missing, into ~/.cargo/bin and
# target/tools/; changes nothing else on the machine.
#
#   scripts/build-glibc228.sh            → target/x86_64-unknown-linux-gnu/release/pingcha
#   scripts/build-glibc228.sh --debug    → target/x86_64-unknown-linux-gnu/debug/pingcha
#
# Then scripts/check-glibc.sh checks the result.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_ZIGBUILD_VERSION=0.24.1
TARGET=x86_64-unknown-linux-gnu
profile_args=(--release)
[ "${1:-}" = "--debug" ] && profile_args=()

if ! cargo-zigbuild --version 2>/dev/null | grep -q "$CARGO_ZIGBUILD_VERSION"; then
  echo "安装 cargo-zigbuild $CARGO_ZIGBUILD_VERSION（crates.io）…" >&2
  cargo install --locked cargo-zigbuild --version "$CARGO_ZIGBUILD_VERSION"
fi

venv=target/tools/zig
if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -m ziglang version >/dev/null 2>&1; then
  echo "安装 zig（PyPI ziglang，按哈希校验）…" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    --only-binary=:all: -r packaging/zig-requirements.txt
fi
zig_bin=$("$venv/bin/python" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
export CARGO_ZIGBUILD_ZIG_PATH="$zig_bin"

cargo zigbuild --locked "${profile_args[@]}" --bin pingcha --target "$TARGET.2.28"
