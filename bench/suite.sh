#!/usr/bin/env bash
# The benchmark suite: every headline figure of rvisor next to qemu-system-riscv64.
#
#   bench/suite.sh [--runs N] [--quick] [--only NAME,NAME...] [--out FILE] [--keep] [--list]
#
# Builds rvisor (Release, build-bench/) and the guest workloads (bench/workloads/*.c,
# static, -O2, with the riscv64 cross compiler), then runs each benchmark under rvisor and
# QEMU, interleaved (rvisor, qemu, rvisor, qemu, ...), N times (default 5; --quick: 3 runs
# of a quarter of the work), and prints a table of medians and speed ratios. A full run
# (no --quick, no --only) writes it to bench/results/suite.md; --out FILE writes it there.
# --list names the benchmarks; --keep keeps the run logs (they are kept anyway on failure).
# Environment: RVISOR (binary to use), QEMU, OPENSBI, CROSS, RVISOR_ROMS_OUT,
# SUITE_TIMEOUT (seconds per Linux run, default 600).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$BENCH_DIR/workloads/host.sh"

usage() { sed -n '2,14s/^# \{0,1\}//p' "$0"; exit "${1:-2}"; }

# Benchmarks: name, group, guest command's work per run (reps), unit of the figure.
LINUX_WL="sort hash lz interp matmul fft memcpy stream forkpipe"
ALL="mips boot $LINUX_WL perf"
declare -A REPS=([sort]=30 [hash]=60 [lz]=30 [interp]=5 [matmul]=20 [fft]=20 [memcpy]=20
	[stream]=4 [forkpipe]=25)
declare -A DESC=(
	[mips]="bare-metal integer loop (bench/guests/intloop.S), guest MIPS"
	[boot]="boot-to-init of the stock initramfs (bench/boot.sh's measure)"
	[sort]="quicksort of 64-bit and merge sort of 32-bit keys"
	[hash]="CRC-32, FNV-1a, a 64-bit word hash and a hash table"
	[lz]="LZ77 compression with hash chains, and decompression"
	[interp]="a bytecode stack machine running Collatz and a sieve"
	[matmul]="96x96 double matrix multiply"
	[fft]="16384-point complex double FFT, forward and inverse"
	[memcpy]="libc memcpy of 4 MiB buffers, aligned and unaligned"
	[stream]="STREAM copy, scale, add, triad on 4 MiB arrays"
	[forkpipe]="shell loop of \$(echo | sed | wc) pipelines and /bin/true"
	[perf]="host instructions per guest instruction (perf stat, bare-metal loop)")

RUNS='' QUICK=0 ONLY='' OUT='' KEEP=0   # KEEP: read by wl_cleanup
export KEEP
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) [ $# -ge 2 ] || die "--runs needs a number"; RUNS=$2; shift 2 ;;
	--runs=*) RUNS=${1#--runs=}; shift ;;
	--quick) QUICK=1; shift ;;
	--only) [ $# -ge 2 ] || die "--only needs a list"; ONLY=$2; shift 2 ;;
	--only=*) ONLY=${1#--only=}; shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a file"; OUT=$2; shift 2 ;;
	--out=*) OUT=${1#--out=}; shift ;;
	--keep) KEEP=1; shift ;;
	--list) for b in $ALL; do printf '%-9s %s\n' "$b" "${DESC[$b]}"; done; exit 0 ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done
[ -n "$RUNS" ] || RUNS=$((QUICK ? 3 : 5))
case "$RUNS" in ''|*[!0-9]*|0) die "--runs must be a positive integer" ;; esac
SEL=$ALL
if [ -n "$ONLY" ]; then
	for b in ${ONLY//,/ }; do
		[ -n "${DESC[$b]+x}" ] || die "unknown benchmark '$b' (--list names them)"
	done
	SEL=
	for b in $ALL; do case ",$ONLY," in *",$b,"*) SEL="$SEL $b" ;; esac; done
fi
[ -n "$OUT" ] || { [ "$QUICK" = 1 ] || [ -n "$ONLY" ] || OUT=$BENCH_DIR/results/suite.md; }
sel() { case " $SEL " in *" $1 "*) return 0 ;; esac; return 1; }
SEL_LINUX=
for b in $LINUX_WL; do sel "$b" && SEL_LINUX="$SEL_LINUX $b"; done
if [ "$QUICK" = 1 ]; then
	for b in "${!REPS[@]}"; do REPS[$b]=$(((REPS[$b] + 3) / 4)); done
	REPS[forkpipe]=6
	MIPS_ITERS=5000000
else
	MIPS_ITERS=25000000
fi

wl_need_tools
FAILS=0
setup   # lib/common.sh: WORK, and RVISOR built in build-bench/ unless given
wl_cleanup_trap
DATA=$WORK/data   # lines "BENCH TOOL VALUE"
: >"$DATA"
fail() { say "run $1: FAIL ($2)"; FAILS=$((FAILS + 1)); echo "${3:-$1} FAIL" >>"$WORK/fails"; }

# --- the guests ---
if sel mips || sel perf; then
	build_intloop() {   # build_intloop ITERS OUT
		"${CROSS}gcc" -nostdlib -nostartfiles -static -march=rv64gc -mabi=lp64d \
			-T "$BENCH_DIR/guests/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
			-DITERS="$1" -o "$2" "$BENCH_DIR/guests/intloop.S" >>"$WORK/build.log" 2>&1 ||
			die "cannot build bench/guests/intloop.S"
	}
	build_intloop "$MIPS_ITERS" "$WORK/intloop.elf"
fi
if [ -n "$SEL_LINUX" ]; then
	say "building the workloads ($SEL_LINUX ) and their initramfs"
	mkdir -p "$WORK/extra/bench"
	c_wl=nsclock
	for b in $SEL_LINUX; do [ "$b" = forkpipe ] || c_wl="$c_wl $b"; done
	# shellcheck disable=SC2086
	wl_build "$WORK/extra/bench" $c_wl
	items=()
	for b in $SEL_LINUX; do
		if [ "$b" = forkpipe ]; then
			cp "$WL_DIR/forkpipe.sh" "$WORK/extra/bench/"
			items+=("forkpipe:sh ./forkpipe.sh ${REPS[$b]}")
		else
			items+=("$b:./$b ${REPS[$b]}")
		fi
	done
	wl_test_script "${items[@]}" >"$WORK/extra/test.sh"
	wl_initramfs "$WORK/bench.cpio.gz" "$WORK/extra"
fi

# --- one run of each group ---
QEMU_M=("$QEMU" -M virt -accel tcg -nographic)

run_mips() {   # run_mips I TOOL
	local log=$WORK/mips.$2.$1.log c delta sum
	case $2 in
	rvisor) c=("$RVISOR" -M virt -bios none -kernel "$WORK/intloop.elf") ;;
	qemu) c=("${QEMU_M[@]}" -bios none -kernel "$WORK/intloop.elf") ;;
	esac
	run_timed "$log" "${MIPS_TIMEOUT:-600}" "intloop: start" "intloop: done" -- "${c[@]}"
	if [ "${TR[1]}" = FAIL ] || [ "${TR[3]:-?}" != 0 ]; then
		fail "$1 mips $2" "no done line or exit status ${TR[3]:-?}; log $log" mips; return
	fi
	delta=$(sed -n 's/.*delta=\(0x[0-9a-f]*\).*/\1/p' "$log")
	sum=$(sed -n 's/.*sum=\(0x[0-9a-f]*\).*/\1/p' "$log")
	if [ "$2" = rvisor ] && [ "$((delta))" != "$((1 + 20 * MIPS_ITERS))" ]; then
		fail "$1 mips $2" "minstret delta $((delta)), expected $((1 + 20 * MIPS_ITERS)); log $log" mips; return
	fi
	if [ "${MIPS_SUM:=$sum}" != "$sum" ]; then
		fail "$1 mips $2" "checksum $sum, the first run had $MIPS_SUM; log $log" mips; return
	fi
	local mips
	mips=$(awk -v n="$((1 + 20 * MIPS_ITERS))" -v a="${TR[0]}" -v b="${TR[1]}" 'BEGIN { printf "%.1f", n / (b - a) / 1e6 }')
	echo "mips $2 $mips" >>"$DATA"
	say "run $1/$RUNS mips $2: $mips MIPS"
}

run_boot() {   # run_boot I TOOL (rvisor-fw, rvisor-sbi, qemu)
	local log=$WORK/boot.$2.$1.log c
	case $2 in
	rvisor-fw) c=("$RVISOR" -bios "$FW") ;;
	rvisor-sbi) c=("$RVISOR") ;;
	qemu) c=("${QEMU_M[@]}" -bios "$FW") ;;
	esac
	c+=(-m 256M -smp 1 -no-reboot -kernel "$KERNEL" -initrd "$STOCK_INITRD"
		-append "console=ttyS0 panic=-1 rvisor.bench=1")
	run_timed "$log" "${BOOT_TIMEOUT:-300}" "rvisor-init: ready" -- "${c[@]}"
	if [ "${TR[0]}" = FAIL ] || [ "${TR[2]}" != 0 ]; then
		fail "$1 boot $2" "marker ${TR[0]}, exit status ${TR[2]}; log $log" boot; return
	fi
	echo "boot $2 ${TR[0]}" >>"$DATA"
	say "run $1/$RUNS boot $2: init after ${TR[0]} s"
}

run_linux() {   # run_linux I TOOL
	local log=$WORK/linux.$2.$1.log c
	case $2 in
	rvisor) c=("$RVISOR" -bios "$FW") ;;
	qemu) c=("${QEMU_M[@]}" -bios "$FW") ;;
	esac
	c+=(-m 256M -smp 1 -no-reboot -kernel "$KERNEL" -initrd "$WORK/bench.cpio.gz"
		-append "console=ttyS0 panic=-1 rvisor.test=1")
	run_timed "$log" "${SUITE_TIMEOUT:-600}" "rvisor-init: ready" "rvisor-init: test exit" -- "${c[@]}"
	[ "${TR[3]:-}" = 0 ] || fail "$1 linux $2" "exit status ${TR[3]:-?}; log $log" linux
	grep -q "rvisor-init: test exit 0" "$log" || say "run $1 linux $2: a workload failed; log $log"
	local seen=" " name rate unit check n=0 brief=
	while read -r name rate unit check; do
		if [ "$name" = clock ]; then
			echo "clock $2 $rate" >>"$DATA"
			awk -v r="$rate" 'BEGIN { exit !(r < 0.95 || r > 1.05) }' &&
				say "run $1 linux $2: the guest clock ran at $rate x the host's: times are suspect"
			continue
		fi
		seen="$seen$name "
		if [ "$rate" = FAIL ]; then
			fail "$1 $name $2" "$(grep -m1 "wl: $name FAIL" "$log" | cut -c12-)" "$name"; continue
		fi
		if [ -z "${CHECK[$name]+x}" ]; then CHECK[$name]=$check
		elif [ "${CHECK[$name]}" != "$check" ]; then
			fail "$1 $name $2" "checksum $check, an earlier run had ${CHECK[$name]}" "$name"; continue
		fi
		UNIT[$name]=$unit
		echo "$name $2 $rate" >>"$DATA"
		brief="$brief $name $(printf %.4g "$rate")"
		n=$((n + 1))
	done < <(wl_results "$log")
	for name in $SEL_LINUX; do
		case "$seen" in *" $name "*) ;; *) fail "$1 $name $2" "no result line; log $log" "$name" ;; esac
	done
	say "run $1/$RUNS linux $2: $n results (up after ${TR[0]} s, exit after ${TR[2]:-?} s):$brief"
}

declare -A CHECK UNIT
for i in $(seq "$RUNS"); do
	if sel mips; then for t in rvisor qemu; do run_mips "$i" "$t"; done; fi
	if sel boot; then for t in rvisor-fw qemu rvisor-sbi; do run_boot "$i" "$t"; done; fi
	if [ -n "$SEL_LINUX" ]; then for t in rvisor qemu; do run_linux "$i" "$t"; done; fi
done

# --- host instructions per guest instruction (perf stat, bare-metal loop) ---
PERF_LINE=
if sel perf; then
	perf_count() {   # perf_count CMD...: user-space instructions of one run, or a reason
		local out
		out=$(timeout 600 perf stat -x, -e instructions:u -- "$@" 2>&1 >/dev/null </dev/null) || true
		out=$(printf '%s\n' "$out" | grep 'instructions' | tail -1 | cut -d, -f1)
		case "$out" in
		''|*[!0-9]*) echo "${out:-no output}" ;;
		*) echo "$out" ;;
		esac
	}
	if ! command -v perf >/dev/null 2>&1; then
		PERF_LINE="n/a (perf not installed)"
	else
		probe=$(perf_count true)
		case "$probe" in
		*[!0-9]*) PERF_LINE="n/a (perf stat -e instructions:u gives \"$probe\" on this host)" ;;
		*)
			small=$((MIPS_ITERS / 5))
			build_intloop "$small" "$WORK/intloop-small.elf"
			declare -A HPG
			for t in rvisor qemu; do
				for sz in small big; do
					elf=$WORK/intloop.elf; [ $sz = big ] || elf=$WORK/intloop-small.elf
					case $t in
					rvisor) n=$(perf_count "$RVISOR" -M virt -bios none -kernel "$elf") ;;
					qemu) n=$(perf_count "${QEMU_M[@]}" -bios none -kernel "$elf") ;;
					esac
					if [ $sz = small ]; then n_small=$n; else n_big=$n; fi
				done
				HPG[$t]=$(awk -v a="$n_small" -v b="$n_big" -v g="$((20 * (MIPS_ITERS - small)))" \
					'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/) printf "%.1f", (b - a) / g; else print "n/a" }')
			done
			PERF_LINE="rvisor ${HPG[rvisor]}, qemu ${HPG[qemu]} host instructions per guest instruction"
			PERF_LINE="$PERF_LINE (perf stat -e instructions:u, difference of $MIPS_ITERS and $small loop iterations)"
			;;
		esac
	fi
	say "host instructions per guest instruction: $PERF_LINE"
fi

# --- the table ---
ROWS=()   # "key|label|unit|kind|rvisor tool|qemu tool": kind rate (higher is better) or time
sel mips && ROWS+=("mips|mips (bare-metal loop)|MIPS|rate|rvisor|qemu")
sel boot && ROWS+=("boot|boot-to-init, OpenSBI both|s|time|rvisor-fw|qemu"
	"boot|boot-to-init, rvisor built-in SBI|s|time|rvisor-sbi|qemu")
for b in $SEL_LINUX; do
	ROWS+=("$b|$b|${UNIT[$b]:-?}/s|rate|rvisor|qemu")
done
REPORT=$WORK/report.md
{
	echo "# rvisor benchmark suite: rvisor vs QEMU"
	echo
	host_lines
	echo "- bench/suite.sh$([ "$QUICK" = 1 ] && echo " --quick")$([ -n "$ONLY" ] && echo " --only $ONLY"):" \
		"$RUNS run(s) of each, interleaved (rvisor, qemu, ...); medians"
	echo "- firmware for the Linux runs: $FW for both (and rvisor's built-in SBI in one boot row)"
	echo "- Linux workloads: -m 256M -smp 1, one boot per run runs them all; each is timed in the"
	echo "  guest (CLOCK_MONOTONIC), so boot is not counted. Work per run:" \
		"$(for b in $SEL_LINUX; do printf '%s %s, ' "$b" "${REPS[$b]}"; done | sed 's/, $//') repetitions"
	[ -z "$(sel mips && echo y)" ] || echo "- bare-metal loop: $MIPS_ITERS iterations = $((1 + 20 * MIPS_ITERS)) instructions, -bios none"
	echo
	python3 - "$DATA" "$RUNS" "${ROWS[@]}" <<'EOF'
import math, statistics, sys
data, runs, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
vals = {}
for line in open(data):
    key, tool, v = line.split()
    vals.setdefault((key, tool), []).append(float(v))

def fmt(v):
    if v is None:
        return "-"
    for lim, d in ((1000, 0), (100, 1), (10, 2), (1, 3)):
        if abs(v) >= lim:
            return "%.*f" % (d, v)
    return "%.3g" % v

print("| benchmark | unit | rvisor | qemu | speed rvisor/qemu | rvisor min-max | qemu min-max | ok rvisor, qemu |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
logs = []
for row in rows:
    key, label, unit, kind, rt, qt = row.split("|")
    r, q = vals.get((key, rt), []), vals.get((key, qt), [])
    mr = statistics.median(r) if r else None
    mq = statistics.median(q) if q else None
    ratio = None
    if mr and mq:
        ratio = mr / mq if kind == "rate" else mq / mr
        if kind == "rate" and key not in ("mips",):
            logs.append(math.log(ratio))
    rng = lambda xs: "%s-%s" % (fmt(min(xs)), fmt(max(xs))) if xs else "-"
    u = unit + (" (lower is better)" if kind == "time" else "")
    print("| %s | %s | %s | %s | %s | %s | %s | %d/%d, %d/%d |" % (label, u, fmt(mr), fmt(mq),
          fmt(ratio), rng(r), rng(q), len(r), runs, len(q), runs))
if logs:
    print("| geometric mean of the Linux workloads | | | | %s | | | |" % fmt(math.exp(sum(logs) / len(logs))))
print()
print("speed rvisor/qemu: rvisor's speed over QEMU's (below 1: rvisor is slower); for the")
print("boot times it is qemu time / rvisor time, so it reads the same way.")
c = {t: vals.get(("clock", t), []) for t in ("rvisor", "qemu")}
if c["rvisor"] or c["qemu"]:
    print("Guest clock check (guest CLOCK_MONOTONIC / host time over each Linux run, 1 = true): " +
          ", ".join("%s %.3f-%.3f" % (t, min(v), max(v)) for t, v in c.items() if v) + ".")
EOF
	[ -z "$PERF_LINE" ] || { echo; echo "Host instructions per guest instruction: $PERF_LINE."; }
	echo
	echo "Benchmarks:"
	for b in $SEL; do [ "$b" = perf ] || echo "- $b: ${DESC[$b]}"; done
	if [ "$FAILS" != 0 ]; then
		echo
		echo "$FAILS FAILED run(s) or workload(s), not counted: $(sort "$WORK/fails" | uniq -c | awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')"
	fi
} >"$REPORT"
cat "$REPORT"
if [ -n "$OUT" ]; then
	mkdir -p "$(dirname "$OUT")"
	cp "$REPORT" "$OUT"
	say "written to $OUT"
fi
[ "$FAILS" = 0 ] || die "$FAILS failure(s); see the lines above"
