#!/usr/bin/env bash
# The simple framebuffer, headless: -fb validation, its device-tree node, then Linux
# boots with it (simplefb + fbcon bind), the guest draws a red band and a green bar into
# /dev/fb0 with dd, and the --screenshot PNG taken at power-off has those pixels
# (checked by fb_pixels.py, zlib only); --screenshot-after while the run goes on; and the
# kernel's messages drawn by fbcon (console=tty0) on an 800x600 framebuffer.
# Needs the images of roms/build.sh and an rvisor built with libpng.
source "$(dirname "$0")/common.bash"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
MKINITRAMFS="$HERE/../../roms/mkinitramfs.sh"
PIXELS="$HERE/fb_pixels.py"

# ---- command line
expect_status 2 "-fb too small" -- -fb 10x10 -kernel /dev/null
expect_one_error_line "-fb too small"
expect_output "-fb too small: says the range" "out of range" "$WORK/err"
expect_status 2 "-fb too large" -- -fb 8192x8192 -kernel /dev/null
expect_output "-fb too large: says the limit" "MiB" "$WORK/err"
expect_status 2 "-fb without a height" -- -fb 1024 -kernel /dev/null
expect_one_error_line "-fb without a height"
expect_status 2 "-display with an unknown back end" -- -display gtk -kernel /dev/null
expect_one_error_line "-display gtk"
expect_status 2 "--screenshot-after without --screenshot" -- --screenshot-after 3 -kernel /dev/null
expect_one_error_line "--screenshot-after alone"

# ---- the device tree
expect_status 0 "--dump-dtb with -fb 800x600" -- --dump-dtb "$WORK/fb.dtb" -fb 800x600
if dtc -I dtb -O dts -o "$WORK/fb.dts" "$WORK/fb.dtb" 2>"$WORK/dtc.err" && [ ! -s "$WORK/dtc.err" ]; then
    ok "dtc reads the tree without warnings"
else not_ok "dtc: $(head -3 "$WORK/dtc.err")"; fi
expect_output "framebuffer node" "framebuffer@28000000" "$WORK/fb.dts"
expect_output "compatible" 'compatible = "simple-framebuffer"' "$WORK/fb.dts"
expect_output "format" 'format = "x8r8g8b8"' "$WORK/fb.dts"
expect_output "width, height, stride" 'stride = <0xc80>' "$WORK/fb.dts"
expect_status 0 "--dump-dtb without a framebuffer" -- --dump-dtb "$WORK/nofb.dtb"
if dtc -I dtb -O dts "$WORK/nofb.dtb" 2>/dev/null | grep -q framebuffer; then
    not_ok "no -fb: the tree has no framebuffer node"
else ok "no -fb: no framebuffer node"; fi

for f in "$ROMS/Image" "$ROMS/busybox"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done

# ---- Linux draws; the screenshot shows it
mkdir -p "$WORK/extra"
cat >"$WORK/extra/test.sh" <<'EOS'
echo "T:fb: $(cat /proc/fb)"
echo "T:mode: $(cat /sys/class/graphics/fb0/virtual_size) $(cat /sys/class/graphics/fb0/stride)"
echo 0 > /sys/class/graphics/fbcon/cursor_blink
# a red band: rows 100..115, x8r8g8b8 little-endian = bytes B G R X
printf '\000\000\377\000' > /tmp/red
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do cat /tmp/red /tmp/red > /tmp/x; mv /tmp/x /tmp/red; done
dd if=/tmp/red of=/dev/fb0 bs=4096 seek=100 count=16 conv=notrunc 2>/dev/null
# a green bar: x 512..575, rows 300..307
printf '\000\377\000\000' > /tmp/g
for i in 1 2 3 4 5 6; do cat /tmp/g /tmp/g > /tmp/x; mv /tmp/x /tmp/g; done
r=300
while [ $r -lt 308 ]; do
    dd if=/tmp/g of=/dev/fb0 bs=4 seek=$((r * 1024 + 512)) count=64 conv=notrunc 2>/dev/null
    r=$((r + 1))
done
echo "T:drawn"
sleep 4
echo "T:done"
EOS
"$MKINITRAMFS" "$WORK/fb.cpio.gz" "$WORK/extra" >/dev/null || { not_ok "mkinitramfs failed"; finish; exit 1; }

TIMEOUT=300 expect_status 0 "Linux with a framebuffer boots and powers off" -- -m 256M -no-reboot \
    -kernel "$ROMS/Image" -initrd "$WORK/fb.cpio.gz" --screenshot "$WORK/end.png" \
    -append "console=ttyS0 panic=-1 rvisor.test=1"
expect_output "simplefb registered" "simple-framebuffer 28000000.framebuffer: fb0: simplefb registered"
expect_output "fbcon took the framebuffer" "Console: switching to colour frame buffer device 128x48"
expect_output "/proc/fb" "T:fb: 0 simple"
expect_output "mode and stride" "T:mode: 1024,768 4096"
expect_output "the script ran" "rvisor-init: test exit 0"
check_png() { # what file pixel-specs...
    local what=$1 png=$2
    shift 2
    if [ ! -s "$png" ]; then not_ok "$what: no $png"; return; fi
    local r
    r=$(python3 "$PIXELS" "$png" 1024 768 "$@" 2>&1)
    if [ "$r" = ok ]; then ok "$what"; else not_ok "$what: $r"; fi
}
check_png "screenshot at power-off has the guest's pixels" "$WORK/end.png" \
    0,100=ff0000 1023,115=ff0000 0,99=000000 0,116=000000 \
    512,300=00ff00 575,307=00ff00 511,300=000000 576,300=000000 512,308=000000

# --screenshot-after: taken while the guest sleeps after drawing (guest time follows
# instructions with --deterministic: drawn at about 1.4 s, the sleep ends at about 5.4 s)
rm -f "$WORK/mid.png"
TIMEOUT=300 expect_status 0 "--screenshot-after, then the run goes on" -- -m 256M -no-reboot \
    -fb 1024x768 --deterministic -kernel "$ROMS/Image" -initrd "$WORK/fb.cpio.gz" \
    --screenshot "$WORK/mid.png" --screenshot-after 3 \
    -append "console=ttyS0 panic=-1 rvisor.test=1"
expect_output "--screenshot-after: the guest went on to the end" "T:done"
check_png "--screenshot-after: the picture of mid-run" "$WORK/mid.png" 0,100=ff0000 \
    512,300=00ff00 0,116=000000

# fbcon text: kernel messages on tty0 make non-black pixels in the first text rows
TIMEOUT=300 expect_status 0 "console=tty0 boot" -- -m 256M -no-reboot -kernel "$ROMS/Image" \
    -initrd "$WORK/fb.cpio.gz" --screenshot "$WORK/con.png" -fb 800x600 \
    -append "console=tty0 console=ttyS0 panic=-1 rvisor.test=1"
r=$(python3 "$PIXELS" "$WORK/con.png" 800 600 "lit:0,0,800,64>=500" 2>&1)
if [ "$r" = ok ]; then ok "console text drawn on an 800x600 framebuffer"; else not_ok "console text: $r"; fi

finish
