#!/usr/bin/env bash
# virtio-blk and virtio-rng under Linux: boot from an ext4 root disk (roms/mkrootfs.sh),
# write a file, sync, power off; boot again and read it back; e2fsck is clean afterwards.
# A second rvisor on the same writable image is refused; readonly=on refuses writes in the
# guest; the legacy transport and xv6's command line work; /dev/hwrng gives bytes.
# Needs the images of roms/build.sh and e2fsprogs.
source "$(dirname "$0")/common.bash"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
ROMSRC="$HERE/../../roms"
PATH=$PATH:/sbin:/usr/sbin
for f in "$ROMS/Image" "$ROMS/busybox"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done
command -v mkfs.ext4 >/dev/null || { not_ok "mkfs.ext4 missing (e2fsprogs)"; finish; exit 1; }

mkdir -p "$WORK/disk"
cat >"$WORK/disk/test.sh" <<'T'
echo "T:root: $(grep ' / ' /proc/mounts | cut -d' ' -f3)"
echo "T:vda: $(readlink /sys/block/vda)"
if [ -f /data.txt ]; then
    echo "T:readback: $(cat /data.txt)"
else
    echo "written by rvisor $$" >/data.txt
    sync
    echo "T:wrote"
fi
T
"$ROMSRC/mkrootfs.sh" "$WORK/root.img" 32M "$WORK/disk" || { not_ok "mkrootfs"; finish; exit 1; }
ok "mkrootfs.sh made an ext4 image"

BOOT=(-m 256M -no-reboot -kernel "$ROMS/Image")
DISK_APPEND="console=ttyS0 panic=-1 root=/dev/vda rw rvisor.test=1"

expect_status 0 "boot from the disk" -- "${BOOT[@]}" \
    -drive "file=$WORK/root.img,format=raw,if=virtio" -append "$DISK_APPEND"
expect_output "root is ext4 on vda" "T:root: ext4"
expect_output "file written" "T:wrote"
expect_status 0 "boot again" -- "${BOOT[@]}" \
    -drive "file=$WORK/root.img,format=raw,if=virtio" -append "$DISK_APPEND"
expect_output "file read back" "T:readback: written by rvisor"
if e2fsck -fn "$WORK/root.img" >"$WORK/fsck" 2>&1; then ok "e2fsck -fn clean"
else not_ok "e2fsck: $(tail -3 "$WORK/fsck")"; fi

# xv6's exact options (modern transport, if=none drive on bus 0) and the legacy transport.
expect_status 0 "xv6-style -drive if=none + -device on virtio-mmio-bus.0" -- "${BOOT[@]}" \
    -global virtio-mmio.force-legacy=false \
    -drive "file=$WORK/root.img,if=none,format=raw,id=x0" \
    -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0 -append "$DISK_APPEND"
expect_output "xv6-style: read back" "T:readback: written by rvisor"
expect_output "xv6-style: disk at 0x10001000" "T:vda: .*/10001000.virtio_mmio/"
expect_status 0 "legacy virtio-mmio (force-legacy=true)" -- "${BOOT[@]}" \
    -global virtio-mmio.force-legacy=true \
    -drive "file=$WORK/root.img,format=raw,if=virtio" -append "$DISK_APPEND"
expect_output "legacy: read back" "T:readback: written by rvisor"

# readonly=on and virtio-rng, from an initramfs test.
mkdir -p "$WORK/ro"
cat >"$WORK/ro/test.sh" <<'T'
echo "T:ro: $(cat /sys/block/vda/ro)"
if dd if=/dev/zero of=/dev/vda bs=512 count=1 conv=fsync 2>/dev/null; then echo "T:write: ok"
else echo "T:write: refused"; fi
echo "T:rng: $(cat /sys/class/misc/hw_random/rng_current)"
echo "T:rngbytes: $(head -c 64 /dev/hwrng | wc -c)"
T
"$ROMSRC/mkinitramfs.sh" "$WORK/ro.cpio.gz" "$WORK/ro" >/dev/null || not_ok "mkinitramfs"
sum_before=$(cksum <"$WORK/root.img")
expect_status 0 "readonly=on + virtio-rng boot" -- "${BOOT[@]}" -initrd "$WORK/ro.cpio.gz" \
    -drive "file=$WORK/root.img,format=raw,if=virtio,readonly=on" -device virtio-rng-device \
    -append "console=ttyS0 panic=-1 rvisor.test=1"
expect_output "readonly: the guest sees a read-only disk" "T:ro: 1"
expect_output "readonly: writes fail in the guest" "T:write: refused"
[ "$(cksum <"$WORK/root.img")" = "$sum_before" ] && ok "readonly: image unchanged" ||
    not_ok "readonly: image changed"
expect_output "virtio-rng is the current hwrng" "T:rng: virtio_rng"
expect_output "/dev/hwrng gives bytes" "T:rngbytes: 64"

# A second writer is refused while the first runs.
timeout 60 "$RVISOR" "${BOOT[@]}" -drive "file=$WORK/root.img,format=raw,if=virtio" \
    -append "console=ttyS0 root=/dev/vda rw" </dev/null >"$WORK/first.out" 2>&1 &
first=$!
# The image is locked when the machine is built, before the guest prints its first line.
for _ in $(seq 300); do [ -s "$WORK/first.out" ] && break; sleep 0.1; done
expect_status 2 "second writer refused" -- "${BOOT[@]}" \
    -drive "file=$WORK/root.img,format=raw,if=virtio" -append "$DISK_APPEND"
expect_one_error_line "second writer"
expect_output "second writer: message" "is in use by another VM or process" "$WORK/err"
expect_status 2 "a reader is refused while a writer runs" -- "${BOOT[@]}" \
    -drive "file=$WORK/root.img,format=raw,if=virtio,readonly=on" -append "$DISK_APPEND"
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null

# Bad options: exit 2 with one line.
bad_opt() { # description, then options
    local what=$1
    shift
    expect_status 2 "$what" -- "${BOOT[@]}" "$@"
    expect_one_error_line "$what"
}
bad_opt "unknown -drive key" -drive "file=$WORK/root.img,format=raw,bogus=1"
bad_opt "missing image" -drive "file=$WORK/nope.img,format=raw,if=virtio"
bad_opt "format=qcow2" -drive "file=$WORK/root.img,format=qcow2"
bad_opt "unknown -device" -device virtio-gpu-device
bad_opt "unused drive id" -drive "file=$WORK/root.img,if=none,id=d0"
bad_opt "drive used twice" -drive "file=$WORK/root.img,if=none,id=d0" \
    -device virtio-blk-device,drive=d0 -device virtio-blk-device,drive=d0
bad_opt "unknown drive id" -device virtio-blk-device,drive=zz
bad_opt "bus used twice" -device virtio-rng-device,bus=virtio-mmio-bus.3 \
    -device virtio-rng-device,bus=virtio-mmio-bus.3
bad_opt "bad bus" -device virtio-rng-device,bus=virtio-mmio-bus.8
bad_opt "bad cache" -drive "file=$WORK/root.img,cache=directsync"
nine=()
for i in 1 2 3 4 5 6 7 8 9; do nine+=(-device virtio-rng-device); done
bad_opt "nine virtio devices" "${nine[@]}"

finish
