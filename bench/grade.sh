#!/usr/bin/env bash
# The autograder's costs (issue 8), against starting qemu-system-riscv64 once per job:
#  1. start-up cost: guests per second for a trivial bare-metal job (print, power off)
#     - `rvisor grade JOB.json`, one process per job (as one container per job would)
#     - librvisor in one process (examples/embed: 100 guests on 1 thread, one after the
#       other; and --host: all 100 at once on one rvisor_host of 1 worker thread)
#     - qemu-system-riscv64 -M virt -bios none -kernel pass.elf, one process per job
#  2. the Linux example (examples/linux): `rvisor grade` of the job (boot, dialogue,
#     power off) against QEMU booting the same kernel with the same files added and the
#     same input piped to the program (no dialogue), to power-off.
#
#   bench/grade.sh [--runs N]   (default 5 runs; medians)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
parse_runs "$@"
[ ${#EXTRA[@]} -eq 0 ] || { sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 2; }
need riscv64-linux-gnu-gcc "apt-get install gcc-riscv64-linux-gnu"
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do [ -f "$f" ] || die "$f missing: run roms/build.sh"; done
setup
[ -n "${EMBED:-}" ] && EMBED_GIVEN=1
EMBED=${EMBED:-$(dirname "$RVISOR")/rvisor_embed_example}
if [ -z "${EMBED_GIVEN:-}" ] && [ -f "$(dirname "$RVISOR")/CMakeCache.txt" ]; then
    cmake --build "$(dirname "$RVISOR")" --target rvisor_embed_example >/dev/null 2>&1 || true
fi
[ -x "$EMBED" ] || die "no $EMBED (build the rvisor_embed_example target)"
JOBS=20

# 1. trivial bare-metal job
printf '.globl _start\n.section .text.init\n_start: li t0, 0x10000000; li t1, 0x6b6f; sh t1, 0(t0)\n li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); j .\n' >"$WORK/pass.S"
riscv64-linux-gnu-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static -fno-pic -no-pie \
    -T "$ROOT/tests/isa/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
    -o "$WORK/pass.elf" "$WORK/pass.S"
cat >"$WORK/pass.json" <<J
{"guest": {"kernel": "pass.elf", "memory": "16M"},
 "tests": [{"name": "passes", "exit": "poweroff"}]}
J
now() { python3 -c 'import time; print(time.monotonic())'; }
for r in $(seq "$RUNS"); do
    t0=$(now)
    for j in $(seq $JOBS); do "$RVISOR" grade "$WORK/pass.json" --quiet --results "$WORK/r.json" </dev/null; done
    t1=$(now)
    for j in $(seq $JOBS); do timeout 20 "$QEMU" -M virt -m 16M -bios none -nographic -kernel "$WORK/pass.elf" </dev/null >/dev/null 2>&1 || true; done
    t2=$(now)
    "$EMBED" 100 1 | sed -n 's/.* \([0-9.]*\) guests\/s$/\1/p' >>"$WORK/embed"
    "$EMBED" --host 100 1 | sed -n 's/.* \([0-9.]*\) guests\/s$/\1/p' >>"$WORK/embed-host"
    awk -v a="$t0" -v b="$t1" -v n=$JOBS 'BEGIN { print n / (b - a) }' >>"$WORK/cli"
    awk -v a="$t1" -v b="$t2" -v n=$JOBS 'BEGIN { print n / (b - a) }' >>"$WORK/qemu"
done

# 2. the Linux example
EX=$ROOT/examples/linux
mkdir -p "$WORK/lx/student" "$WORK/qx/student"
cp "$EX/job.json" "$EX/test.sh" "$WORK/lx/"
riscv64-linux-gnu-gcc -O2 -static -o "$WORK/lx/upper" "$EX/upper.c"
cp "$WORK/lx/upper" "$WORK/qx/student/upper"
printf '#!/bin/sh\necho "test: start"\nprintf "hello\\nrisc-v rocks\\n" | /student/upper\necho "test: upper exited $?"\n' >"$WORK/qx/test.sh"
chmod +x "$WORK/qx/test.sh"
"$ROOT/roms/mkinitramfs.sh" "$WORK/q-initrd.cpio.gz" "$WORK/qx" >/dev/null
for r in $(seq "$RUNS"); do
    t0=$(now)
    "$RVISOR" grade "$WORK/lx/job.json" --quiet --results "$WORK/lr.json" </dev/null || say "linux grade failed"
    t1=$(now)
    timeout 300 "$QEMU" -M virt -m 128M -nographic -kernel "$ROMS/Image" -initrd "$WORK/q-initrd.cpio.gz" \
        -append "console=ttyS0 quiet rvisor.test=1" </dev/null >"$WORK/qemu-linux.log" 2>&1 || true
    t2=$(now)
    grep -q "RISC-V ROCKS" "$WORK/qemu-linux.log" || say "qemu run did not show the program's output"
    awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$WORK/lx-rv"
    awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }' >>"$WORK/lx-qemu"
done

read -r cli _ <<<"$(stats "$WORK/cli" 1)"
read -r emb _ <<<"$(stats "$WORK/embed" 0)"
read -r embh _ <<<"$(stats "$WORK/embed-host" 0)"
read -r qem _ <<<"$(stats "$WORK/qemu" 1)"
read -r lrv _ <<<"$(stats "$WORK/lx-rv" 2)"
read -r lqe _ <<<"$(stats "$WORK/lx-qemu" 2)"
echo "## bench/grade.sh ($RUNS runs, medians)"
host_info
echo
echo "| measure | rvisor | qemu-system-riscv64 | ratio |"
echo "| --- | --- | --- | --- |"
echo "| trivial bare-metal job, one process per job (jobs/s) | $cli | $qem | $(ratio "$cli" "$qem") |"
echo "| trivial guests in one process, librvisor (guests/s) | $emb | - | $(ratio "$emb" "$qem") |"
echo "| the same 100 at once on one librvisor host (guests/s) | $embh | - | $(ratio "$embh" "$qem") |"
echo "| grading the Linux example (s) | $lrv | $lqe | $(ratio "$lqe" "$lrv") |"
