#!/usr/bin/env bash
# The main job: sets up (packages, build), makes the default Linux guest from Debian
# packages (roms/build.sh, cached after the first run) and boots it to a busybox shell on
# this terminal. `poweroff` in the guest ends rvisor with status 0; Ctrl-A x quits.
# Extra arguments go to rvisor (e.g. -smp 2, -bios default).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
roms=$(roms/build.sh | tail -n 2)
kernel=$(echo "$roms" | sed -n 1p)
initrd=$(echo "$roms" | sed -n 2p)
builddir=${RVISOR_BUILD_DIR:-build}
exec "$builddir/rvisor" -M virt -m 512M -nographic -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0" "$@"
