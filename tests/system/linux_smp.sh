#!/usr/bin/env bash
# SMP Linux (issue 6): boots our Linux with -smp 4 and runs a script inside that checks
# /proc/cpuinfo and nproc list 4 harts, runs tests/guest/smp_atomics (4 threads hammering
# shared counters with AMOs, LR/SC loops, a pthread mutex and an amoswap spinlock, plus
# message-passing and store-buffering fence checks) many times with exact totals, takes
# cpu1 offline and back through sysfs (CPU hotplug: SBI HSM hart_stop / hart_start) with a
# run in between and a thread pinned to cpu1 afterwards, and finds no RCU stall, BUG, Oops
# or WARNING in dmesg. The exit status of every step is checked here on the host.
#
# Under the built-in SBI by default; linux_smp_opensbi.sh runs the same checks (fewer
# atomics runs) with OpenSBI as firmware (RVISOR_SMP_FIRMWARE=opensbi).
# Needs the images of roms/build.sh (scripts/test.sh builds them first). TIMEOUT (seconds,
# default 240) bounds the boot; RVISOR_SMP_KEEP=FILE keeps a copy of the console.
source "$(dirname "$0")/common.bash"

FIRMWARE=${RVISOR_SMP_FIRMWARE:-builtin}
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
MKINITRAMFS="$HERE/../../roms/mkinitramfs.sh"
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done

case $FIRMWARE in
builtin) RUNS=20 BIOS=() ;;
opensbi) RUNS=4 BIOS=(-bios default) ;;
*) not_ok "unknown RVISOR_SMP_FIRMWARE=$FIRMWARE"; finish; exit 1 ;;
esac
ITERS=50000  # per thread and run
MP=10000     # message-passing rounds per run (store buffering: a tenth of it)

mkdir -p "$WORK/extra"
"$RISCV_CC" -static -O2 -pthread -o "$WORK/extra/smp_atomics" "$HERE/../guest/smp_atomics.c" ||
    { not_ok "cannot cross-build tests/guest/smp_atomics.c (static, pthread)"; finish; exit 1; }

# The in-guest script prints "T:name: value" lines; the checks are made on the host.
cat >"$WORK/extra/test.sh" <<EOF
RUNS=$RUNS ITERS=$ITERS MP=$MP
EOF
cat >>"$WORK/extra/test.sh" <<'EOF'
t() { echo "T:$*"; }
atomics() { # atomics TAG RUNS: runs smp_atomics RUNS times with 4 threads, counts passes
    local pass=0 i=0
    while [ $i -lt $2 ]; do
        /smp_atomics 4 $ITERS $MP >/tmp/atomics.out 2>&1 && pass=$((pass + 1)) ||
            sed 's/^/T:atomics-failure: /' /tmp/atomics.out
        i=$((i + 1))
    done
    t "$1: $pass/$2 passed"
}
# hart ids sorted: under OpenSBI any hart may win the boot lottery and become CPU 0
t "cpuinfo harts: $(grep -c '^processor' /proc/cpuinfo) ($(grep '^hart' /proc/cpuinfo | tr -d ' \t' | sort | tr '\n' ' '))"
t "nproc: $(nproc)"
t "online at boot: $(cat /sys/devices/system/cpu/online)"
start=$(cut -d' ' -f1 /proc/uptime)
atomics "atomics 4 cpus" $RUNS
t "atomics seconds: $start $(cut -d' ' -f1 /proc/uptime)"

echo 0 >/sys/devices/system/cpu/cpu1/online; t "offline write: $?"
t "online after offline: $(cat /sys/devices/system/cpu/online)"
t "cpu1 online file: $(cat /sys/devices/system/cpu/cpu1/online)"
t "nproc after offline: $(nproc)"
atomics "atomics 3 cpus" 2

echo 1 >/sys/devices/system/cpu/cpu1/online; t "online write: $?"
t "online after online: $(cat /sys/devices/system/cpu/online)"
t "nproc after online: $(nproc)"
# field 39 of /proc/self/stat: the CPU the task last ran on
t "pinned to cpu1 runs on: $(taskset -c 1 cat /proc/self/stat | cut -d' ' -f39)"
taskset -c 1 /smp_atomics 1 1000 0 >/dev/null; t "atomics pinned to cpu1: $?"
atomics "atomics after hotplug" 2

grep -E '^ *IPI' /proc/interrupts | sed 's/^/T:irq: /'
dmesg | grep -E 'stall|INFO: |BUG|Oops|WARNING|Call Trace|hung task' | sed 's/^/T:dmesg-bad: /'
t "dmesg checked: $(dmesg | wc -l) lines"
EOF

"$MKINITRAMFS" "$WORK/initramfs.cpio.gz" "$WORK/extra" >/dev/null ||
    { not_ok "mkinitramfs failed"; finish; exit 1; }

W="$FIRMWARE, -smp 4"
start=$SECONDS
fails=$FAILS
TIMEOUT=${TIMEOUT:-240} expect_status 0 "$W: Linux boots, runs the script and powers off" -- \
    -smp 4 -m 256M -no-reboot "${BIOS[@]}" -kernel "$ROMS/Image" \
    -initrd "$WORK/initramfs.cpio.gz" -append "console=ttyS0 panic=-1 rvisor.test=1"
echo "    (the run took $((SECONDS - start)) s)"
tr -d '\r' <"$WORK/out" >"$WORK/console" # the serial console ends lines with CR LF
if [ "$FAILS" -ne "$fails" ]; then
    echo "    the console ended with:"; tail -12 "$WORK/console" | sed 's/^/    | /'
fi
[ -n "${RVISOR_SMP_KEEP:-}" ] && cp "$WORK/console" "$RVISOR_SMP_KEEP"
C="$WORK/console"
# expect_t DESCRIPTION PATTERN: like expect_output on the console, but a failure shows the
# script's own T: lines rather than the start of the boot log.
expect_t() {
    if grep -qE -- "$2" "$C"; then ok "$1"; else
        not_ok "$1: no '$2' in the output; the script printed:"
        grep '^T:' "$C" | grep -vE '^T:(atomics-failure|irq):' | head -30 | sed 's/^/    /'
        grep '^T:' "$C" >/dev/null || tail -15 "$C" | sed 's/^/    /'
    fi
}
expect_t "$W: init ran the script" "^rvisor-init: test exit 0"
expect_t "$W: /proc/cpuinfo lists 4 harts (0-3)" \
    "^T:cpuinfo harts: 4 \(hart:0 hart:1 hart:2 hart:3 \)"
expect_t "$W: nproc = 4" "^T:nproc: 4$"
expect_t "$W: CPUs 0-3 online at boot" "^T:online at boot: 0-3$"
expect_t "$W: smp_atomics exact in all $RUNS runs" "^T:atomics 4 cpus: $RUNS/$RUNS passed"
expect_t "$W: echo 0 > cpu1/online succeeded" "^T:offline write: 0$"
expect_t "$W: cpu1 offline" "^T:online after offline: 0,2-3$"
expect_t "$W: cpu1/online reads 0" "^T:cpu1 online file: 0$"
expect_t "$W: nproc = 3 with cpu1 offline" "^T:nproc after offline: 3$"
expect_t "$W: the kernel reported cpu1 off" "CPU1: off"
expect_t "$W: smp_atomics exact on 3 CPUs" "^T:atomics 3 cpus: 2/2 passed"
expect_t "$W: echo 1 > cpu1/online succeeded" "^T:online write: 0$"
expect_t "$W: cpu1 back online" "^T:online after online: 0-3$"
expect_t "$W: nproc = 4 again" "^T:nproc after online: 4$"
expect_t "$W: a task pinned to cpu1 runs there" "^T:pinned to cpu1 runs on: 1$"
expect_t "$W: smp_atomics pinned to cpu1" "^T:atomics pinned to cpu1: 0$"
expect_t "$W: smp_atomics exact after hotplug" "^T:atomics after hotplug: 2/2 passed"
expect_t "$W: dmesg was read" "^T:dmesg checked: [1-9][0-9]* lines"
if grep -q '^T:atomics-failure' "$C"; then
    not_ok "$W: smp_atomics reported:"; grep '^T:atomics-failure' "$C" | sort | uniq -c | head -10
fi
if grep -qE '^T:dmesg-bad|Kernel panic|Oops|BUG:|WARNING:|rcu_sched self-detected stall|rcu: INFO' "$C"; then
    not_ok "$W: the kernel complained (RCU stall, BUG, Oops or WARNING):"
    grep -E '^T:dmesg-bad|Kernel panic|Oops|BUG:|WARNING:|stall|rcu: INFO' "$C" | head -10
else
    ok "$W: no RCU stalls, BUGs, Oopses or warnings in dmesg or on the console"
fi
grep -E '^T:(irq|atomics seconds)' "$C" | sed 's/^/    /'
finish
