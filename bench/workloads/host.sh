# shellcheck shell=bash disable=SC2034  # sourced by bench/suite.sh and bench/smp.sh
# Host-side helpers of bench/suite.sh and bench/smp.sh, sourced after bench/lib/common.sh:
# guest images, building the workloads and their initramfs, emulator runs in a process
# group of their own (so that nothing outlives the script), reading the result lines.
WL_DIR=$BENCH_DIR/workloads
ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
KERNEL=$ROMS/Image
STOCK_INITRD=$ROMS/initramfs.cpio.gz
FW=${OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}
CROSS=${CROSS:-riscv64-linux-gnu-}
RUN_PID=

# wl_need_tools: one clear line and exit if a tool or a guest image is missing.
wl_need_tools() {
	need python3
	need "$QEMU" "apt-get install qemu-system-misc"
	need "${CROSS}gcc" "apt-get install gcc-riscv64-linux-gnu"
	local f
	for f in "$KERNEL" "$STOCK_INITRD" "$ROMS/busybox" "$ROMS/bin/gen_init_cpio"; do
		[ -e "$f" ] || die "guest image $f missing: run roms/build.sh"
	done
	[ -f "$FW" ] || die "$FW missing: apt-get install opensbi (or set OPENSBI)"
}

# wl_build DIR NAME...: static -O2 riscv64 binaries of bench/workloads/NAME.c in DIR.
wl_build() {
	local dir=$1 n
	shift
	mkdir -p "$dir"
	for n in "$@"; do
		"${CROSS}gcc" -O2 -static -s -Wall -Wextra -pthread -o "$dir/$n" "$WL_DIR/$n.c" \
			>>"$WORK/build.log" 2>&1 || { tail -5 "$WORK/build.log" >&2; die "cannot build workload $n"; }
	done
}

# wl_initramfs OUT DIR: our initramfs with DIR added (DIR/test.sh becomes /test.sh).
wl_initramfs() {
	"$ROOT/roms/mkinitramfs.sh" "$1" "$2" >>"$WORK/build.log" 2>&1 ||
		{ tail -5 "$WORK/build.log" >&2; die "roms/mkinitramfs.sh failed"; }
}

# run_timed LOG TIMEOUT MARKER... -- CMD...: lib/timerun.py in a process group of its own
# (the emulator with it), so that kill_run can end both; its answer is left in TR (array):
# the marker times, the exit time and the status.
run_timed() {
	python3 -c 'import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])' \
		python3 "$TIMERUN" "$@" >"$WORK/timerun.out" &
	RUN_PID=$!
	wait "$RUN_PID" || true
	RUN_PID=
	TR=()
	read -ra TR <"$WORK/timerun.out" || true
	[ ${#TR[@]} -gt 0 ] || TR=(FAIL FAIL error)
}

# kill_run: ends a run that is still going (on exit or interrupt).
kill_run() {
	[ -n "$RUN_PID" ] || return 0
	kill -TERM -- "-$RUN_PID" 2>/dev/null || kill -TERM "$RUN_PID" 2>/dev/null || true
	sleep 0.5
	kill -KILL -- "-$RUN_PID" 2>/dev/null || true
	RUN_PID=
}

# wl_cleanup_trap: on exit, end any run and remove WORK unless KEEP=1 or the run failed
# (FAILS > 0), in which case the logs stay and their place is named.
wl_cleanup() {
	local status=$?
	kill_run
	if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
		if [ "${KEEP:-0}" = 1 ] || [ "${FAILS:-0}" != 0 ] || [ "$status" != 0 ]; then
			say "logs kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
}
wl_cleanup_trap() {
	trap wl_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# wl_test_script NAME:COMMAND...: a /test.sh that runs each command, marks its start with
# "wl: NAME begin", turns a failure into "wl: NAME FAIL ...", prints the guest clock
# ("wl: clock NS") first and last, and exits 1 if anything failed.
# shellcheck disable=SC2016  # the single-quoted lines are guest shell code
wl_test_script() {
	echo 'cd /bench || exit 1'
	echo 'st=0'
	echo 'echo "wl: clock $(./nsclock)"'
	local item
	for item in "$@"; do
		echo "echo 'wl: ${item%%:*} begin'"
		echo "${item#*:} || { echo \"wl: ${item%%:*} FAIL: exit status \$?\"; st=1; }"
	done
	echo 'echo "wl: clock $(./nsclock)"'
	echo 'exit $st'
}

# wl_results LOG: from a timerun log, one line per workload: "NAME RATE UNIT CHECK" (RATE
# = work per second) or "NAME FAIL", then "clock RATIO": guest clock / host clock between
# the two "wl: clock" lines (1 when the guest's time runs true).
wl_results() {
	awk '
	$2 != "wl:" { next }
	$3 == "clock" { if (!c0) { c0 = $4; h0 = $1 } else { c1 = $4; h1 = $1 } next }
	$4 == "FAIL" || $4 == "FAIL:" { fail[$3] = 1; next }
	$4 ~ /^work=/ {
		for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["ns"] > 0) res[$3] = sprintf("%s %.6g %s %s", $3, v["work"] / (v["ns"] / 1e9), v["unit"], v["check"])
	}
	END {
		for (n in fail) print n, "FAIL"
		for (n in res) if (!(n in fail)) print res[n]
		if (c1 && h1 > h0) printf "clock %.4f\n", (c1 - c0) / 1e9 / (h1 - h0)
	}' "$1"
}

# git_describe: the commit of the tree, with -dirty for uncommitted changes.
git_describe() {
	git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown
}

# host_lines: markdown lines on the host, the binaries and the guest.
host_lines() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -1)
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); git describe: $(git_describe)"
	echo "- host: ${cpu:-$(uname -m)}, $(grep -c ^processor /proc/cpuinfo 2>/dev/null || nproc) CPUs" \
		"(/proc/cpuinfo), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) at the end"
	echo "- rvisor: $RVISOR; QEMU: $("$QEMU" --version | head -1)"
	echo "- guest kernel: $KERNEL ($(LC_ALL=C grep -a -m1 -o 'Linux version [^ ]*' "$KERNEL" | head -1))"
}
