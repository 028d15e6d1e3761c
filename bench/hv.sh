#!/usr/bin/env bash
# The hypervisor layer's costs (issue 7):
#  1. scheduler overhead: aggregate guest throughput of 4 CPU-bound VMs on 2 worker threads
#     against 1 VM alone on 1 thread (ideal: 2x the single-VM rate on 2 threads);
#  2. host memory per idle VM: RSS of rvisor with 1 and with 8 idle Linux VMs (booted to
#     a shell, 64 MiB each), per extra VM, and the host CPU the 8 idle VMs use.
#
#   bench/hv.sh [--runs N]   (default 5 runs; medians)
#
# The CPU-bound guest is a bare-metal loop run for a fixed instruction count
# (max-insns), so a VM's rate is its instructions over the wall time of the run.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
parse_runs "$@"
[ ${#EXTRA[@]} -eq 0 ] || { sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 2; }
need riscv64-linux-gnu-gcc "apt-get install gcc-riscv64-linux-gnu"
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do [ -f "$f" ] || die "$f missing: run roms/build.sh"; done
setup
QMP=$ROOT/tests/system/hv/qmp.py
riscv64-linux-gnu-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static -fno-pic \
    -no-pie -T "$ROOT/tests/isa/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
    -o "$WORK/spin.elf" "$ROOT/tests/system/hv/spin.S"
N=400000000 # instructions per VM

spin_vm() { printf '{"name": "v%s", "memory": "16M", "bios": "none", "kernel": "%s", "console": "none", "max-insns": %s}' "$1" "$WORK/spin.elf" "$N"; }
config() { # NVMS THREADS
    local vms="" i
    for i in $(seq "$1"); do vms="$vms${vms:+, }$(spin_vm "$i")"; done
    printf '{"threads": %s, "vms": [%s]}\n' "$2" "$vms" >"$WORK/c$1.json"
}
run_rate() { # NVMS THREADS -> aggregate MIPS
    config "$1" "$2"
    local t0 t1
    t0=$(date +%s%N)
    "$RVISOR" --config "$WORK/c$1.json" 2>/dev/null || [ $? -eq 124 ]
    t1=$(date +%s%N)
    awk -v n="$N" -v k="$1" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f\n", n * k / ns * 1000 }'
}
say "throughput: $RUNS interleaved runs of 1 VM/1 thread and 4 VMs/2 threads"
: >"$WORK/one"; : >"$WORK/four"
for r in $(seq "$RUNS"); do
    run_rate 1 1 >>"$WORK/one"
    run_rate 4 2 >>"$WORK/four"
done
read -r one _ <<<"$(stats "$WORK/one" 1)"
read -r four _ <<<"$(stats "$WORK/four" 1)"
eff=$(awk -v a="$four" -v b="$one" 'BEGIN { printf "%.2f", a / (2 * b) }')

say "memory: 1 and 8 idle Linux VMs"
linux_vm() { printf '{"name": "l%s", "memory": "64M", "kernel": "%s", "initrd": "%s", "append": "console=ttyS0", "console": {"file": "%s"}}' "$1" "$ROMS/Image" "$ROMS/initramfs.cpio.gz" "$WORK/l$1.log"; }
idle_run() { # NVMS -> "RSS_KiB CPU_PERCENT"
    local vms="" i pid
    for i in $(seq "$1"); do vms="$vms${vms:+, }$(linux_vm "$i")"; rm -f "$WORK/l$i.log"; done
    printf '{"threads": 2, "vms": [%s]}\n' "$vms" >"$WORK/idle.json"
    rm -f "$WORK/mon.sock"
    "$RVISOR" --config "$WORK/idle.json" --monitor "$WORK/mon.sock" 2>/dev/null &
    pid=$!
    for i in $(seq "$1"); do
        for _ in $(seq 600); do grep -q "rvisor-init: ready" "$WORK/l$i.log" 2>/dev/null && break; sleep 0.1; done
    done
    sleep 2
    local c0 c1 hz; hz=$(getconf CLK_TCK)
    c0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat"); sleep 5
    c1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    local rss; rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
    python3 "$QMP" "$WORK/mon.sock" quit >/dev/null 2>&1 || kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$rss $(awk -v d=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.1f", d / hz / 5 * 100 }')"
}
read -r rss1 cpu1 <<<"$(idle_run 1)"
read -r rss8 cpu8 <<<"$(idle_run 8)"
per=$(( (rss8 - rss1) / 7 ))

out=$BENCH_DIR/results/hv-$(date -u +%Y-%m-%d-%H%M%S).md
{
    echo "# bench/hv.sh"
    echo
    host_info
    echo "- runs: $RUNS (medians); CPU-bound guest: bare-metal loop, $N instructions per VM"
    echo
    echo "| what | value |"
    echo "| --- | --- |"
    echo "| 1 VM on 1 thread | $one MIPS |"
    echo "| 4 VMs on 2 threads, aggregate | $four MIPS |"
    echo "| scheduler efficiency (aggregate / (2 x one VM)) | $eff |"
    echo "| RSS, 1 idle Linux VM (64 MiB guest) | $((rss1 / 1024)) MiB |"
    echo "| RSS, 8 idle Linux VMs | $((rss8 / 1024)) MiB |"
    echo "| host memory per extra idle VM | $((per / 1024)) MiB |"
    echo "| host CPU of 8 idle VMs | $cpu8% of one core (1 VM: $cpu1%) |"
} | tee "$out"
say "written to $out"
