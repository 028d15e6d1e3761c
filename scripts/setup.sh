#!/usr/bin/env bash
# Installs what rvisor needs to build and test on Debian/Ubuntu (apt), then configures and
# builds it in ./build. Safe to run again: it installs only what is missing.
# Usage: scripts/setup.sh [extra cmake options...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libfdt-dev check libsdl2-dev zlib1g-dev opensbi
          gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu device-tree-compiler
          qemu-system-misc gdb-multiarch libslirp-dev libpng-dev libjansson-dev
          xvfb xdotool e2fsprogs python3 cpio)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    for attempt in 1 2 3; do
        if $sudo apt-get update -qq && \
           DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
               "${missing[@]}"; then
            break
        fi
        [ "$attempt" -eq 3 ] && { echo "setup: apt-get failed three times" >&2; exit 1; }
        echo "setup: apt-get failed, retrying in 10 s" >&2
        sleep 10
    done
fi

builddir=${RVISOR_BUILD_DIR:-build}
cmake -S . -B "$builddir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$builddir" -j"$(nproc 2>/dev/null || echo 2)"
