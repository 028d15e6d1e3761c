#!/usr/bin/env bash
# Bad boot inputs give one clear "rvisor: ..." line and status 2, never a crash or a hang:
# garbage, truncated or compressed kernels, truncated initrds, malformed device trees,
# RAM too small for what must be loaded, missing firmware.
source "$(dirname "$0")/common.bash"
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
[ -f "$ROMS/Image" ] || { not_ok "missing $ROMS/Image: run roms/build.sh"; finish; exit 1; }

bad() {
    local what=$1
    shift
    expect_status 2 "$what" -- "$@"
    expect_one_error_line "$what"
}

head -c 3000 /dev/urandom >"$WORK/garbage"
head -c 40 "$ROMS/Image" >"$WORK/short-Image"
gzip -c "$ROMS/Image" >"$WORK/Image.gz"
head -c 300000 "$ROMS/initramfs.cpio.gz" >"$WORK/truncated.cpio.gz"
gunzip -c "$ROMS/initramfs.cpio.gz" | head -c 200000 >"$WORK/truncated.cpio"
: >"$WORK/empty"
printf '\xd0\x0d\xfe\xed\x00\x00\x10\x00garbage' >"$WORK/bad.dtb"
"$RVISOR" --dump-dtb "$WORK/good.dtb" </dev/null
head -c 200 "$WORK/good.dtb" >"$WORK/truncated.dtb"

bad "garbage kernel" -kernel "$WORK/garbage"
bad "empty kernel" -kernel "$WORK/empty"
bad "header-only kernel" -kernel "$WORK/short-Image"
bad "gzip-compressed kernel" -kernel "$WORK/Image.gz"
bad "missing kernel" -kernel "$WORK/nope"
bad "truncated gzip initrd" -kernel "$ROMS/Image" -initrd "$WORK/truncated.cpio.gz"
bad "truncated cpio initrd" -kernel "$ROMS/Image" -initrd "$WORK/truncated.cpio"
bad "empty initrd" -kernel "$ROMS/Image" -initrd "$WORK/empty"
bad "missing initrd" -kernel "$ROMS/Image" -initrd "$WORK/nope"
bad "malformed DTB" -kernel "$ROMS/Image" -dtb "$WORK/bad.dtb"
bad "truncated DTB" -kernel "$ROMS/Image" -dtb "$WORK/truncated.dtb"
bad "garbage DTB" -kernel "$ROMS/Image" -dtb "$WORK/garbage"
bad "RAM too small for the kernel" -m 4M -kernel "$ROMS/Image"
bad "RAM too small for kernel and initrd" -m 8M -kernel "$ROMS/Image" \
    -initrd "$ROMS/initramfs.cpio.gz"
bad "missing firmware" -bios "$WORK/nope.bin" -kernel "$ROMS/Image"
bad "garbage firmware" -bios "$WORK/garbage" -kernel "$ROMS/Image"
bad "-bios none without a kernel" -bios none
bad "unwritable --dump-dtb" --dump-dtb /nonexistent/dir/x.dtb
finish
