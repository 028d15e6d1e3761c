#!/usr/bin/env bash
# Sets up (installs packages, builds) and runs the whole test suite with ctest.
# Usage: scripts/test.sh [extra cmake options...]   (RVISOR_BUILD_DIR picks the build dir)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh "$@"
builddir=${RVISOR_BUILD_DIR:-build}
cd "$builddir"
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)"
