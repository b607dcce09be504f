#!/usr/bin/env bash
# Installs the shared libraries the desktop window loads at run time (OpenGL/EGL, X11 or
# Wayland, xkbcommon), if any are missing. Building and the tests need none of them.
# Does nothing when everything is already there.
set -euo pipefail
need=()
# ldconfig lives in /sbin, which is not on an ordinary user's PATH on Debian.
ldconfig_bin=$(command -v ldconfig || echo /sbin/ldconfig)
libraries=$("$ldconfig_bin" -p 2>/dev/null || true)
have() { grep -q "$1" <<<"$libraries"; }
have 'libGL.so.1' || need+=(libgl1)
have 'libEGL.so.1' || need+=(libegl1)
have 'libxkbcommon.so.0' || need+=(libxkbcommon0)
have 'libxkbcommon-x11.so.0' || need+=(libxkbcommon-x11-0)
have 'libX11-xcb.so.1' || need+=(libx11-xcb1)
have 'libXcursor.so.1' || need+=(libxcursor1)
have 'libXrandr.so.2' || need+=(libxrandr2)
have 'libXi.so.6' || need+=(libxi6)
have 'libwayland-client.so.0' || need+=(libwayland-client0)
have 'libwayland-egl.so.1' || need+=(libwayland-egl1)
[ ${#need[@]} -eq 0 ] && exit 0
echo "安装图形界面所需的系统库：${need[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
else
  echo "请以 root 身份运行：apt-get install ${need[*]}" >&2
  exit 1
fi
