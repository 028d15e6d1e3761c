#!/usr/bin/env bash
# Host CPU used by an idle Linux guest: with the SDL window open (under Xvfb), headless,
# and under QEMU (-nographic) for reference.
#
#   bench/idle.sh [--runs N] [--seconds S]   (default 3 runs of 20 s each)
#
# The guest boots our kernel with the framebuffer console (console=tty0 console=ttyS0),
# prints a marker and sleeps; 3 s after the marker, utime+stime of the emulator process
# (/proc/PID/stat) are sampled twice, S seconds apart: CPU% = CPU time / wall time.
# Needs Xvfb (apt-get install xvfb) and the outputs of roms/build.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
SECS=20
ARGS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECS=$2; shift 2 ;;
	*) ARGS+=("$1"); shift ;;
	esac
done
parse_runs ${ARGS[@]+"${ARGS[@]}"}
[[ " ${ARGS[*]-} " == *" --runs"* ]] || RUNS=3 # 3 runs unless told
[ ${#EXTRA[@]} -eq 0 ] || { sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 2; }
need Xvfb "apt-get install xvfb"
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
for f in "$ROMS/Image" "$ROMS/busybox"; do [ -f "$f" ] || die "$f missing: run roms/build.sh"; done
setup

mkdir -p "$WORK/extra"
printf 'echo "idle: waiting"\nsleep 100000\n' >"$WORK/extra/test.sh"
"$ROOT/roms/mkinitramfs.sh" "$WORK/idle.cpio.gz" "$WORK/extra" >/dev/null
APPEND="console=tty0 console=ttyS0 rvisor.test=1"

Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$WORK/display" 2>/dev/null &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || die "Xvfb did not start"
export DISPLAY=:$(cat "$WORK/display")
HZ=$(getconf CLK_TCK)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

run_one() { # run_one CONFIG LOG: prints the CPU % of the idle period
	local c=() pid t0 t1
	case "$1" in
	rvisor-sdl) c=("$RVISOR" -display sdl) ;;
	rvisor-headless) c=("$RVISOR") ;;
	qemu) c=("$QEMU" -M virt -accel tcg -nographic) ;;
	esac
	c+=(-m 256M -smp 1 -kernel "$ROMS/Image" -initrd "$WORK/idle.cpio.gz" -append "$APPEND")
	"${c[@]}" </dev/null >"$2" 2>&1 &
	pid=$!
	for _ in $(seq 600); do grep -q "idle: waiting" "$2" && break; sleep 0.1; done
	grep -q "idle: waiting" "$2" || { kill "$pid"; wait "$pid" 2>/dev/null; echo FAIL; return; }
	sleep 3
	t0=$(cpu_ticks "$pid")
	sleep "$SECS"
	t1=$(cpu_ticks "$pid")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	awk -v d=$((t1 - t0)) -v hz="$HZ" -v s="$SECS" 'BEGIN { printf "%.2f\n", 100 * d / hz / s }'
}

CONFIGS=(rvisor-sdl rvisor-headless qemu)
for r in $(seq "$RUNS"); do
	for cfg in "${CONFIGS[@]}"; do
		v=$(run_one "$cfg" "$WORK/$cfg-$r.log")
		say "run $r $cfg: $v% CPU"
		[ "$v" = FAIL ] || echo "$v" >>"$WORK/$cfg.cpu"
	done
done

out=$BENCH_DIR/results/idle-$(date -u +%Y-%m-%d-%H%M%S).md
{
	echo "# Idle guest: host CPU"
	echo
	host_info
	echo "- guest: Linux (CONFIG_HZ_PERIODIC, HZ=250) with fbcon on the 1024x768 framebuffer,"
	echo "  sleeping after boot; $SECS s measured per run, $RUNS runs, Xvfb for the window"
	echo
	echo "| configuration | CPU % of one host core (median) | min | max | runs |"
	echo "| --- | --- | --- | --- | --- |"
	for cfg in "${CONFIGS[@]}"; do
		read -r m lo hi n < <(stats "$WORK/$cfg.cpu" 2)
		echo "| $cfg | $m | $lo | $hi | $n |"
	done
	echo
	echo "Logs: $WORK"
} | tee "$out"
