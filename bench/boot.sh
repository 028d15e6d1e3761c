#!/usr/bin/env bash
# Boot-to-init time of the same Linux kernel + initramfs under rvisor and QEMU.
#
#   bench/boot.sh [--runs N]      (default 5 runs of each, interleaved)
#
# Configurations: 1. both with Debian's OpenSBI fw_dynamic.bin (-bios FILE);
# 2. rvisor's built-in SBI (no -bios), against the QEMU runs of 1.
# Images: ${RVISOR_ROMS_OUT:-~/.cache/rvisor/roms}/{Image,initramfs.cpio.gz} (roms/build.sh).
# Environment: RVISOR (binary to use), QEMU, OPENSBI (firmware), BOOT_TIMEOUT (s, 300).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
parse_runs "$@"
[ ${#EXTRA[@]} -eq 0 ] || { sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 2; }

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
KERNEL=$ROMS/Image INITRD=$ROMS/initramfs.cpio.gz
FW=${OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}
for f in "$KERNEL" "$INITRD"; do [ -f "$f" ] || die "$f missing: run roms/build.sh"; done
[ -f "$FW" ] || die "$FW missing: apt-get install opensbi"
MARKER="rvisor-init: ready"
APPEND="console=ttyS0 rvisor.bench=1"
setup

cmd() {   # cmd TOOL: sets c to the command line of one run
	case "$1" in
	rvisor-fw)  c=("$RVISOR" -bios "$FW") ;;
	rvisor-sbi) c=("$RVISOR") ;;
	qemu)       c=("$QEMU" -M virt -accel tcg -nographic -bios "$FW") ;;
	esac
	c+=(-m 256M -smp 1 -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND")
}
TOOLS="rvisor-fw qemu rvisor-sbi"
FAILS=0
for i in $(seq "$RUNS"); do
	for t in $TOOLS; do
		log=$WORK/$t.$i.log
		cmd "$t"
		read -r t_init t_exit status < <(python3 "$TIMERUN" "$log" "${BOOT_TIMEOUT:-300}" "$MARKER" -- "${c[@]}")
		if [ "$t_init" = FAIL ] || [ "$status" != 0 ]; then
			say "run $i $t: FAIL (marker: $t_init, exit status $status; log $log)"
			FAILS=$((FAILS + 1)); continue
		fi
		echo "$t_init" >>"$WORK/$t.init"; echo "$t_exit" >>"$WORK/$t.total"
		say "run $i/$RUNS $t: init $t_init s, exit $t_exit s"
	done
done

declare -A MED_I MED_T
row() {   # row CONFIG TOOL
	local si st; read -ra si < <(stats "$WORK/$2.init"); read -ra st < <(stats "$WORK/$2.total")
	MED_I[$2]=${si[0]} MED_T[$2]=${st[0]}
	echo "| $1 | $2 | ${si[0]} | ${st[0]} | ${si[1]} / ${si[2]} | ${st[1]} / ${st[2]} | ${si[3]}/$RUNS |"
}
OUT=$BENCH_DIR/results/boot-$(date -u +%Y-%m-%d-%H%M%S).md
{
	echo "# Boot-to-init: rvisor vs QEMU"
	echo
	host_info
	echo "- kernel: $KERNEL ($(LC_ALL=C grep -a -m1 -o 'Linux version [^ ]*' "$KERNEL" | head -1))"
	echo "- initrd: $INITRD; firmware (config 1): $FW"
	echo "- -m 256M -smp 1 -append \"$APPEND\"; QEMU: -M virt -accel tcg -nographic"
	echo "- $RUNS runs each, interleaved (rvisor-fw, qemu, rvisor-sbi, ...); times in seconds"
	echo "  from process start to the line \"$MARKER\" (boot-to-init) and to exit (total)"
	echo
	echo "| config | tool | median boot-to-init | median total | init min / max | total min / max | ok |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	row "1 OpenSBI both" rvisor-fw
	row "1 OpenSBI both" qemu
	row "2 built-in SBI" rvisor-sbi
	echo
	echo "| ratio rvisor / qemu | boot-to-init | total |"
	echo "| --- | --- | --- |"
	echo "| 1 OpenSBI both | $(ratio "${MED_I[rvisor-fw]}" "${MED_I[qemu]}") | $(ratio "${MED_T[rvisor-fw]}" "${MED_T[qemu]}") |"
	echo "| 2 rvisor built-in SBI | $(ratio "${MED_I[rvisor-sbi]}" "${MED_I[qemu]}") | $(ratio "${MED_T[rvisor-sbi]}" "${MED_T[qemu]}") |"
	[ "$FAILS" = 0 ] || { echo; echo "$FAILS run(s) FAILED (not counted); logs in $WORK"; }
} | tee "$OUT"
say "written to $OUT; run logs in $WORK"
[ "$FAILS" = 0 ]
