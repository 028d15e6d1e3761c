#!/usr/bin/env bash
# --deterministic: time follows executed instructions, so two runs of the same inputs print
# byte-identical consoles (kernel timestamps, RTC date and all), with one hart and with two.
source "$(dirname "$0")/common.bash"
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
[ -f "$ROMS/Image" ] || { not_ok "missing $ROMS/Image: run roms/build.sh"; finish; exit 1; }
for smp in 1 2; do
    for run in 1 2; do
        expect_status 0 "-smp $smp, run $run" -- --deterministic -smp $smp -m 256M -no-reboot \
            -kernel "$ROMS/Image" -initrd "$ROMS/initramfs.cpio.gz" \
            -append "console=ttyS0 panic=-1 rvisor.bench=1"
        cp "$WORK/out" "$WORK/console-$smp-$run"
    done
    if cmp -s "$WORK/console-$smp-1" "$WORK/console-$smp-2"; then
        ok "-smp $smp: the two consoles are identical"
    else
        not_ok "-smp $smp: the consoles differ:"
        diff "$WORK/console-$smp-1" "$WORK/console-$smp-2" | head -10
    fi
    expect_output "-smp $smp: the guest reached init" "rvisor-init: ready" "$WORK/console-$smp-1"
done
finish
