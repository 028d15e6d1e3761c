#!/usr/bin/env bash
# Sets up (installs packages, builds rvisor and the guest images) and runs the whole test
# suite with ctest.
# Usage: scripts/test.sh [extra cmake options...]   (RVISOR_BUILD_DIR picks the build dir)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh "$@"
# The guest images the boot tests use: our kernel + busybox, and Debian's own kernel.
roms/build.sh --distro
builddir=${RVISOR_BUILD_DIR:-build}
cd "$builddir"
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)"
