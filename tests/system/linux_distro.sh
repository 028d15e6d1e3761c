#!/usr/bin/env bash
# Debian's own riscv64 distribution kernel (linux-image-riscv64 from forky, made by
# roms/build.sh --distro) boots on rvisor with its virtio modules loaded from the initramfs:
# stock distribution kernels must work, not only ours.
source "$(dirname "$0")/common.bash"
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
if [ -f "$ROMS/debian-Image" ] && [ -f "$ROMS/debian-initramfs.cpio.gz" ]; then
    # The distribution kernel is large and decompresses its xz modules in busybox insmod.
    TIMEOUT=900 expect_status 0 "Debian's distribution kernel boots" -- -m 512M -no-reboot \
        -kernel "$ROMS/debian-Image" -initrd "$ROMS/debian-initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 rvisor.bench=1"
    expect_output "Debian kernel: init reached" "rvisor-init: ready"
    expect_output "Debian kernel: it is Debian's build" "Linux version [^ ]+ \\(debian-kernel@lists.debian.org\\)"
    expect_output "Debian kernel: powered off" "reboot: Power down"
    if grep -q "rvisor-init: insmod .* failed" "$WORK/out"; then
        not_ok "Debian kernel: a virtio module failed to load"
    else
        ok "Debian kernel: its virtio modules loaded"
    fi
else
    not_ok "Debian kernel images missing in $ROMS: run roms/build.sh --distro"
fi
finish
