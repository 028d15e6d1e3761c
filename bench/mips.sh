#!/usr/bin/env bash
# Bare-metal guest MIPS: bench/guests/intloop.S under rvisor and QEMU (-bios none).
#
#   bench/mips.sh [--runs N] [--iters N]   (default 5 runs each, interleaved;
#                                           25000000 iterations = 500M instructions)
#
# The loop retires exactly 1 + 20 * ITERS instructions (checked against rvisor's minstret,
# which the guest prints). "loop MIPS" times the loop alone (from the guest's "start" line
# to its "done" line); "run MIPS" divides the same count by the whole process wall time.
# Environment: RVISOR (binary to use), QEMU, CROSS (default riscv64-linux-gnu-).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
parse_runs "$@"
ITERS=25000000
set -- "${EXTRA[@]}"
while [ $# -gt 0 ]; do
	case "$1" in
	--iters) ITERS=${2:-}; shift 2 || true ;;
	*) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
case "$ITERS" in ''|*[!0-9]*|0) die "--iters must be a positive integer" ;; esac
CROSS=${CROSS:-riscv64-linux-gnu-}
need "${CROSS}gcc" "apt-get install gcc-riscv64-linux-gnu"
setup

ELF=$WORK/intloop.elf
"${CROSS}gcc" -nostdlib -nostartfiles -static -march=rv64gc -mabi=lp64d \
	-T "$BENCH_DIR/guests/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	-DITERS="$ITERS" -o "$ELF" "$BENCH_DIR/guests/intloop.S" || die "cannot build intloop"
INSNS=$((1 + 20 * ITERS))

FAILS=0
for i in $(seq "$RUNS"); do
	for t in rvisor qemu; do
		log=$WORK/$t.$i.log
		case $t in
		rvisor) c=("$RVISOR" -M virt -bios none -kernel "$ELF") ;;
		qemu)   c=("$QEMU" -M virt -accel tcg -nographic -bios none -kernel "$ELF") ;;
		esac
		read -r t0 t1 t_exit status < <(python3 "$TIMERUN" "$log" "${MIPS_TIMEOUT:-600}" \
			"intloop: start" "intloop: done" -- "${c[@]}")
		if [ "$t1" = FAIL ] || [ "$status" != 0 ]; then
			say "run $i $t: FAIL (done line: $t1, exit status $status; log $log)"
			FAILS=$((FAILS + 1)); continue
		fi
		delta=$(sed -n 's/.*delta=\(0x[0-9a-f]*\).*/\1/p' "$log")
		sum=$(sed -n 's/.*sum=\(0x[0-9a-f]*\).*/\1/p' "$log")
		if [ $t = rvisor ] && [ "$((delta))" != "$INSNS" ]; then   # rvisor's minstret is exact
			say "run $i $t: FAIL (minstret delta $((delta)), expected $INSNS; log $log)"
			FAILS=$((FAILS + 1)); continue
		fi
		if [ "${SUM:=$sum}" != "$sum" ]; then   # every run must compute the same thing
			say "run $i $t: FAIL (checksum $sum, first run had $SUM; log $log)"
			FAILS=$((FAILS + 1)); continue
		fi
		loop=$(awk -v n="$INSNS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) / 1e6 }')
		run=$(awk -v n="$INSNS" -v b="$t_exit" 'BEGIN { printf "%.1f", n / b / 1e6 }')
		echo "$loop" >>"$WORK/$t.loop"; echo "$run" >>"$WORK/$t.run"
		say "run $i/$RUNS $t: loop $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s" \
			"= $loop MIPS; process $t_exit s = $run MIPS"
	done
done

OUT=$BENCH_DIR/results/mips-$(date -u +%Y-%m-%d-%H%M%S).md
{
	echo "# Bare-metal guest MIPS: rvisor vs QEMU"
	echo
	host_info
	echo "- guest: bench/guests/intloop.S, $ITERS iterations = $INSNS instructions (M-mode,"
	echo "  -bios none, one hart); $RUNS runs each, interleaved (rvisor, qemu, ...)"
	echo "- loop MIPS: instructions / time between the guest's start and done lines;"
	echo "  run MIPS: instructions / process wall time (includes emulator start-up)"
	echo
	echo "| tool | median loop MIPS | loop min / max | median run MIPS | run min / max | ok |"
	echo "| --- | --- | --- | --- | --- | --- |"
	declare -A L R
	for t in rvisor qemu; do
		read -ra l < <(stats "$WORK/$t.loop" 1); read -ra r < <(stats "$WORK/$t.run" 1)
		L[$t]=${l[0]} R[$t]=${r[0]}
		echo "| $t | ${l[0]} | ${l[1]} / ${l[2]} | ${r[0]} | ${r[1]} / ${r[2]} | ${l[3]}/$RUNS |"
	done
	echo
	echo "Speed ratio rvisor / qemu: loop $(ratio "${L[rvisor]}" "${L[qemu]}" 3), run $(ratio "${R[rvisor]}" "${R[qemu]}" 3)"
	echo "(QEMU faster by: loop $(ratio "${L[qemu]}" "${L[rvisor]}" 1)x, run $(ratio "${R[qemu]}" "${R[rvisor]}" 1)x)"
	[ "$FAILS" = 0 ] || { echo; echo "$FAILS run(s) FAILED (not counted); logs in $WORK"; }
} | tee "$OUT"
say "written to $OUT; run logs in $WORK"
[ "$FAILS" = 0 ]
