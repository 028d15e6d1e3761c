#!/usr/bin/env bash
# Bare-metal SMP (issue 6), -bios none: every hart starts at the entry at once in M-mode.
# The programs are in tests/system/smp/ (see the comment at the top of each):
#   counters  amoadd.w/.d, lr/sc.w/.d loops and an amoswap spinlock on one shared line,
#             exact totals; aligned 8/4/2-byte stores never torn; message passing with fences
#   ipi       ACLINT MSWI (one hart, all harts, self) and SSWI delivery; WFI woken by msip
#             with mstatus.MIE = 0
#   lrsc      an SC fails after another hart's store of the same value (sd, amoswap, sc,
#             sb, sw, amoadd of 0) to the reservation, and after a trap or an interrupt
#   mip_seip  csrs/csrc mip (OpenSBI's IPI forwarding) never latch the PLIC's SEIP
# Each runs RUNS times with -smp 4, since parallel bugs are intermittent; counters and ipi
# also with -smp 2 and -smp 32. Then -smp 0 / 33 / junk are usage errors.
source "$(dirname "$0")/common.bash"
SMP="$HERE/smp"
RUNS=${RUNS:-10}

build_smp() { # build_smp NAME NHARTS [extra cc flags]: $WORK/NAME-NHARTS.elf
    local name=$1 n=$2
    shift 2
    "$RISCV_CC" -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -O2 -Wall \
        -fno-strict-aliasing -ffreestanding -fno-pic -no-pie -nostdlib -nostartfiles -static \
        -T "$SMP/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments -DNHARTS="$n" "$@" \
        -o "$WORK/$name-$n.elf" "$SMP/start.S" "$SMP/$name.c" ||
        { not_ok "cannot build smp/$name.c for $n harts"; finish; exit 1; }
}

# run_smp NAME NHARTS RUNS: runs the program RUNS times, one ok/FAIL line for all of them.
run_smp() {
    local name=$1 n=$2 runs=$3 bad=0 st i first=""
    for ((i = 1; i <= runs; i++)); do
        timeout "${TIMEOUT:-60}" "$RVISOR" -M virt -bios none -smp "$n" -m 64M \
            -kernel "$WORK/$name-$n.elf" </dev/null >"$WORK/out" 2>"$WORK/err"
        st=$?
        cat "$WORK/out" >>"$WORK/$name-$n.log"
        if [ "$st" -ne 0 ] || ! grep -q "^smp $name: all passed" "$WORK/out"; then
            bad=$((bad + 1))
            [ -n "$first" ] || first="run $i: exit $st: $(grep -m1 FAIL "$WORK/out") $(head -c 300 "$WORK/err")"
        fi
    done
    if [ "$bad" -eq 0 ]; then ok "$name, -smp $n: passed $runs of $runs runs"
    else not_ok "$name, -smp $n: failed $bad of $runs runs; first: $first"; fi
}

build_smp counters 2
build_smp counters 4
build_smp counters 32 -DITERS=20000 # 32 harts on a few host threads: fewer rounds
for n in 2 4 32; do build_smp ipi $n; done
build_smp lrsc 4
build_smp mip_seip 4

start=$SECONDS
run_smp counters 4 "$RUNS"
run_smp ipi 4 "$RUNS"
run_smp lrsc 4 "$RUNS"
ctl=$(sed -n 's/^lrsc: control SC succeeded \([0-9]*\) of.*/\1/p' "$WORK/lrsc-4.log" |
    awk '{s += $1} END {print s + 0}')
echo "    (lrsc control rounds: $ctl successful SCs in $((RUNS * 20)); 0 means the failing"
echo "     cases may have failed for another reason, such as the end of a time slice)"
run_smp mip_seip 4 "$RUNS"
run_smp counters 2 3
run_smp ipi 2 3
run_smp counters 32 2
run_smp ipi 32 2
echo "    (the runs took $((SECONDS - start)) s)"

# Bad -smp values: one clear error line, exit status 2, before anything runs.
for bad in 0 33 -1 abc 4x ""; do
    expect_status 2 "-smp '$bad' is refused" -- -M virt -bios none -smp "$bad" -m 64M \
        -kernel "$WORK/counters-4.elf"
    expect_one_error_line "-smp '$bad'"
    expect_output "-smp '$bad': the message names -smp and the range" "-smp.*1 to 32" "$WORK/err"
done
finish
