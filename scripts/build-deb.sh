#!/usr/bin/env bash
# Builds target/debian/pingcha_<version>_amd64.deb from a fresh machine with Rust and Python:
# the glibc 2.28 binary (scripts/build-glibc228.sh installs cargo-zigbuild and zig), then
# cargo-deb (installed if missing). The package holds the binary in /usr/bin, a .desktop
# entry (评查, Office), the icons, the fonts' OFL text and the copyright file; it has no
# maintainer scripts, and its Depends pull the window's runtime libraries.
#
#   scripts/build-deb.sh            release build (for users)
#   scripts/build-deb.sh --debug    debug build (CI's smoke test: faster to build)
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_DEB_VERSION=3.8.0
TARGET=x86_64-unknown-linux-gnu
mode=${1:-}
profile=release
[ "$mode" = "--debug" ] && profile=dev

scripts/build-glibc228.sh $mode
binary=target/$TARGET/$([ "$profile" = dev ] && echo debug || echo release)/pingcha
scripts/check-glibc.sh "$binary" 2.28

if ! cargo-deb --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
  echo "安装 cargo-deb $CARGO_DEB_VERSION（crates.io）…" >&2
  cargo install --locked cargo-deb --version "$CARGO_DEB_VERSION"
fi
mkdir -p target/debian
cargo deb --no-build --target "$TARGET" --profile "$profile" --output target/debian/
ls -l target/debian/*.deb
