#!/usr/bin/env bash
# Boots Linux on every boot path and runs a script inside: the isa line of /proc/cpuinfo,
# timer and UART lines in /proc/interrupts, the date from the goldfish RTC, a shell
# arithmetic loop; checks what it printed and that `poweroff` ends rvisor with status 0.
# Needs the images of roms/build.sh (scripts/test.sh builds them first).
source "$(dirname "$0")/common.bash"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
MKINITRAMFS="$HERE/../../roms/mkinitramfs.sh"
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done

mkdir -p "$WORK/extra"
cat >"$WORK/extra/test.sh" <<'EOF'
echo "T:isa: $(grep -m1 '^isa' /proc/cpuinfo)"
grep -E 'riscv-timer|ttyS0' /proc/interrupts | sed 's/^/T:irq: /'
echo "T:year: $(date +%Y)"
echo "T:rtc: $(dmesg | grep -o 'goldfish_rtc.*registered as rtc0')"
i=0; s=0
while [ $i -lt 2000 ]; do s=$((s + i * i)); i=$((i + 1)); done
echo "T:sum: $s"
echo "T:cpus: $(grep -c ^processor /proc/cpuinfo)"
EOF
"$MKINITRAMFS" "$WORK/test-initramfs.cpio.gz" "$WORK/extra" >/dev/null ||
    { not_ok "mkinitramfs failed"; finish; exit 1; }

APPEND="console=ttyS0 panic=-1 rvisor.test=1"

check_boot() { # description, then rvisor arguments
    local what=$1
    shift
    expect_status 0 "$what: boots and powers off" -- -m 256M -no-reboot "$@" \
        -initrd "$WORK/test-initramfs.cpio.gz" -append "$APPEND"
    expect_output "$what: init ran the script" "rvisor-init: test exit 0"
    expect_output "$what: isa line" "T:isa: isa[[:space:]]+: rv64imafdc"
    expect_output "$what: timer interrupts counted" "T:irq: +[0-9]+: +[1-9][0-9]* .*riscv-timer"
    expect_output "$what: UART interrupt line" "T:irq: .*ttyS0"
    expect_output "$what: RTC date" "T:year: 20[2-9][0-9]"
    expect_output "$what: goldfish RTC bound" "T:rtc: goldfish_rtc .*registered as rtc0"
    expect_output "$what: shell arithmetic" "T:sum: 2664667000"
    if grep -qE "Kernel panic|Oops|BUG:|WARNING:" "$WORK/out"; then
        not_ok "$what: kernel complained"; grep -E "Kernel panic|Oops|BUG:|WARNING:" "$WORK/out" | head -5
    else
        ok "$what: no kernel panics, oopses or warnings"
    fi
}

check_boot "built-in SBI" -kernel "$ROMS/Image"
check_boot "OpenSBI (-bios default)" -bios default -kernel "$ROMS/Image"
check_boot "built-in SBI, 2 harts" -smp 2 -kernel "$ROMS/Image"
expect_output "2 harts: both CPUs online" "T:cpus: 2"

# The device tree round trip: dump it, check it with dtc, boot from it with -dtb.
expect_status 0 "--dump-dtb" -- --dump-dtb "$WORK/virt.dtb" -m 256M
if dtc -I dtb -O dts -o "$WORK/virt.dts" "$WORK/virt.dtb" 2>"$WORK/dtc.err" &&
    [ ! -s "$WORK/dtc.err" ]; then ok "dtc reads the dumped tree without warnings"
else not_ok "dtc: $(head -3 "$WORK/dtc.err")"; fi
check_boot "-dtb with the dumped tree" -dtb "$WORK/virt.dtb" -kernel "$ROMS/Image"

finish
