#!/usr/bin/env bash
# SMP efficiency: throughput with N harts / (N x throughput with one hart), rvisor next to
# qemu-system-riscv64 -accel tcg,thread=multi (one host thread per hart).
#
#   bench/smp.sh [--runs N] [-n HARTS] [--reps R] [--quick] [--rvisor-fw builtin|opensbi]
#                [--out FILE] [--keep]
#
# The guest workload is bench/workloads/parallel.c: as many threads as the guest has
# harts (nproc), each doing R repetitions (default 20000; --quick 3000 and 3 runs) of the
# same independent integer work, timed in the guest. Each run boots Linux (-m 256M) with
# -smp 1 and with -smp HARTS (default 2), interleaved: rvisor 1, qemu 1, rvisor N, qemu N.
# QEMU boots through OpenSBI; rvisor through its built-in SBI (its default), or OpenSBI with
# --rvisor-fw opensbi (efficiency compares each emulator with itself, so parity matters
# less here than in suite.sh). A run without --quick writes its table to
# bench/results/smp.md (--out FILE: there instead). RVISOR_SMP_ARGS adds rvisor options.
# Environment: RVISOR, QEMU, OPENSBI, CROSS, RVISOR_ROMS_OUT, SMP_TIMEOUT (s, 300).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$BENCH_DIR/workloads/host.sh"

usage() { sed -n '2,16s/^# \{0,1\}//p' "$0"; exit "${1:-2}"; }
RUNS='' HARTS=2 REPS='' QUICK=0 OUT='' KEEP=0 RFW=builtin   # KEEP: read by wl_cleanup
export KEEP
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) [ $# -ge 2 ] || die "--runs needs a number"; RUNS=$2; shift 2 ;;
	-n|--harts) [ $# -ge 2 ] || die "$1 needs a number"; HARTS=$2; shift 2 ;;
	--reps) [ $# -ge 2 ] || die "--reps needs a number"; REPS=$2; shift 2 ;;
	--quick) QUICK=1; shift ;;
	--rvisor-fw) [ $# -ge 2 ] || die "--rvisor-fw needs builtin or opensbi"; RFW=$2; shift 2 ;;
	--out) [ $# -ge 2 ] || die "--out needs a file"; OUT=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done
[ -n "$RUNS" ] || RUNS=$((QUICK ? 3 : 5))
[ -n "$REPS" ] || REPS=$((QUICK ? 3000 : 20000))
for v in "$RUNS" "$REPS" "$HARTS"; do
	case "$v" in ''|*[!0-9]*|0) die "--runs, -n and --reps take positive integers" ;; esac
done
case "$RFW" in builtin|opensbi) ;; *) die "--rvisor-fw takes builtin or opensbi" ;; esac
if [ "$HARTS" -lt 2 ] || [ "$HARTS" -gt 32 ]; then die "-n must be between 2 and 32"; fi
[ -n "$OUT" ] || [ "$QUICK" = 1 ] || OUT=$BENCH_DIR/results/smp.md
read -ra EXTRA_ARGS <<<"${RVISOR_SMP_ARGS:-}"

wl_need_tools
FAILS=0
setup   # lib/common.sh: WORK, and RVISOR built in build-bench/ unless given
wl_cleanup_trap
DATA=$WORK/data
: >"$DATA"

mkdir -p "$WORK/extra/bench"
wl_build "$WORK/extra/bench" nsclock parallel
# shellcheck disable=SC2016  # $(nproc) is for the guest shell
wl_test_script 'harts:echo "wl: harts $(nproc)"' "parallel:./parallel \$(nproc) $REPS" >"$WORK/extra/test.sh"
wl_initramfs "$WORK/smp.cpio.gz" "$WORK/extra"

CHECK=
run_one() {   # run_one I TOOL HARTS
	local log=$WORK/$2.$3.$1.log c name rate _unit check got=0
	case $2 in
	rvisor) c=("$RVISOR" "${EXTRA_ARGS[@]}"); [ "$RFW" = builtin ] || c+=(-bios "$FW") ;;
	qemu) c=("$QEMU" -M virt -accel "tcg,thread=multi" -nographic -bios "$FW") ;;
	esac
	c+=(-m 256M -smp "$3" -no-reboot -kernel "$KERNEL" -initrd "$WORK/smp.cpio.gz"
		-append "console=ttyS0 panic=-1 rvisor.test=1")
	run_timed "$log" "${SMP_TIMEOUT:-300}" "rvisor-init: test exit" -- "${c[@]}"
	local fail="exit status ${TR[2]}"
	if [ "${TR[2]}" = 0 ]; then
		fail=
		grep -q "wl: harts $3\$" <(tr -d '\r' <"$log") || fail="the guest does not see $3 harts online"
	fi
	while read -r name rate _unit check; do
		[ "$name" = parallel ] || continue
		if [ "$rate" = FAIL ]; then fail=${fail:-$(grep -m1 "wl: parallel FAIL" "$log" | cut -c12-)}; continue; fi
		[ "${CHECK:=$check}" = "$check" ] || fail=${fail:-"checksum $check, an earlier run had $CHECK"}
		got=$rate
	done < <(wl_results "$log")
	[ "$got" != 0 ] || fail=${fail:-"no result line"}
	if [ -n "$fail" ]; then
		say "run $1 $2 -smp $3: FAIL ($fail; log $log)"
		FAILS=$((FAILS + 1)); return
	fi
	echo "$2 $3 $got" >>"$DATA"
	say "run $1/$RUNS $2 -smp $3: $got Mupd/s"
}

for i in $(seq "$RUNS"); do
	for n in 1 "$HARTS"; do
		for t in rvisor qemu; do run_one "$i" "$t" "$n"; done
	done
done

REPORT=$WORK/report.md
{
	echo "# SMP efficiency: rvisor vs QEMU (MTTCG)"
	echo
	host_lines
	echo "- bench/smp.sh$([ "$QUICK" = 1 ] && echo " --quick") -n $HARTS --reps $REPS: $RUNS run(s) of each," \
		"interleaved; -m 256M"
	echo "- rvisor: $([ "$RFW" = builtin ] && echo "built-in SBI" || echo "OpenSBI") ${EXTRA_ARGS[*]:-(no extra options)};" \
		"QEMU: OpenSBI, -accel tcg,thread=multi"
	echo "- workload: bench/workloads/parallel.c, one thread per guest hart, each $REPS x 4096"
	echo "  table updates; throughput = all threads' updates / guest time from the first"
	echo "  pthread_create to the last join (Mupd/s = millions of updates per second)"
	echo
	python3 - "$DATA" "$RUNS" "$HARTS" <<'EOF'
import statistics, sys
data, runs, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
vals = {}
for line in open(data):
    tool, harts, v = line.split()
    vals.setdefault((tool, int(harts)), []).append(float(v))
med = {k: statistics.median(v) for k, v in vals.items()}
f = lambda v: "-" if v is None else ("%.3g" % v if v < 10 else "%.1f" % v)
print("| tool | harts | throughput Mupd/s (median) | min-max | runs ok |")
print("| --- | --- | --- | --- | --- |")
for tool in ("rvisor", "qemu"):
    for h in (1, n):
        v = vals.get((tool, h), [])
        print("| %s | %d | %s | %s | %d/%d |" % (tool, h, f(med.get((tool, h))),
              "%s-%s" % (f(min(v)), f(max(v))) if v else "-", len(v), runs))
print()
print("| tool | speed-up %d harts / 1 | SMP efficiency = thr(%d) / (%d x thr(1)) |" % (n, n, n))
print("| --- | --- | --- |")
for tool in ("rvisor", "qemu"):
    one, many = med.get((tool, 1)), med.get((tool, n))
    if one and many:
        print("| %s | %.2f | %.2f |" % (tool, many / one, many / (n * one)))
    else:
        print("| %s | - | - |" % tool)
r = [med.get(("rvisor", h)) and med.get(("qemu", h)) and med[("rvisor", h)] / med[("qemu", h)]
     for h in (1, n)]
print()
print("Throughput ratio rvisor / qemu: %s with 1 hart, %s with %d harts." % (f(r[0] or None),
      f(r[1] or None), n))
EOF
	if [ "$FAILS" != 0 ]; then echo; echo "$FAILS FAILED run(s), not counted (logs in $WORK)."; fi
} >"$REPORT"
cat "$REPORT"
if [ -n "$OUT" ]; then
	mkdir -p "$(dirname "$OUT")"
	cp "$REPORT" "$OUT"
	say "written to $OUT"
fi
[ "$FAILS" = 0 ] || die "$FAILS failed run(s); see the lines above"
