#!/usr/bin/env bash
# Sets up (installs packages, builds) and runs the main job. Until the Linux guest lands,
# the main job is the bare-metal demo in roms/demo, which rvisor runs in M-mode.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
builddir=${RVISOR_BUILD_DIR:-build}
exec "$builddir/rvisor" -M virt -bios none -m 64M -nographic -kernel "$builddir/roms/demo.elf"
