#!/usr/bin/env bash
# virtio-blk throughput: sequential write and read MB/s measured by dd inside the guest,
# under rvisor and QEMU with the same kernel, initramfs and raw image (cache=writeback).
#
#   bench/blk.sh [--runs N] [--mib M]   (default 5 runs of each, interleaved; 64 MiB)
#
# Four dd runs in each boot, bs=1M, count=M:
#   write, buffered: of=/dev/vda conv=fsync (guest page cache, then writeback and a flush;
#                    mostly guest CPU work: copying through the page cache)
#   read, buffered:  if=/dev/vda after dropping the guest's caches
#   write, direct:   oflag=direct (the device path: virtqueue, DMA copies, pwrite)
#   read, direct:    iflag=direct
# The figure is dd's own (bytes / its elapsed time, guest clock = host clock). A dd that
# fails (QEMU's virtio-blk refuses busybox's unaligned O_DIRECT buffer) is shown as "-".
# Environment: RVISOR (binary to use), QEMU, BOOT_TIMEOUT (s, 300).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MIB=64
args=()
while [ $# -gt 0 ]; do
	case "$1" in --mib) MIB=$2; shift 2 ;; *) args+=("$1"); shift ;; esac
done
parse_runs "${args[@]+"${args[@]}"}"
[ ${#EXTRA[@]} -eq 0 ] || { sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 2; }

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
KERNEL=$ROMS/Image
[ -f "$KERNEL" ] || die "$KERNEL missing: run roms/build.sh"
setup

mkdir -p "$WORK/extra"
cat >"$WORK/extra/test.sh" <<T
dd if=/dev/zero of=/dev/vda bs=1M count=$MIB conv=fsync 2>&1 | sed 's/^/WB: /' | tail -1
echo 3 >/proc/sys/vm/drop_caches
dd if=/dev/vda of=/dev/null bs=1M count=$MIB 2>&1 | sed 's/^/RB: /' | tail -1
dd if=/dev/zero of=/dev/vda bs=1M count=$MIB oflag=direct 2>&1 | sed 's/^/WD: /' | tail -1
dd if=/dev/vda of=/dev/null bs=1M count=$MIB iflag=direct 2>&1 | sed 's/^/RD: /' | tail -1
T
"$ROOT/roms/mkinitramfs.sh" "$WORK/initrd.cpio.gz" "$WORK/extra" >/dev/null
truncate -s $((MIB + 16))M "$WORK/disk.img"
APPEND="console=ttyS0 panic=-1 rvisor.test=1"

cmd() {
	case "$1" in
	rvisor) c=("$RVISOR") ;;
	qemu) c=("$QEMU" -M virt -accel tcg -nographic -bios default) ;;
	esac
	c+=(-m 256M -smp 1 -no-reboot -kernel "$KERNEL" -initrd "$WORK/initrd.cpio.gz"
	    -drive "file=$WORK/disk.img,format=raw,if=virtio" -append "$APPEND")
}

# mbps LINE: MB/s (10^6) from busybox dd's "N bytes (...) copied, S seconds, ..." line.
mbps() { sed -n 's/.* \([0-9]*\) bytes .*copied, \([0-9.]*\) seconds.*/\1 \2/p' |
	awk '{ if ($2 > 0) printf "%.1f\n", $1 / $2 / 1e6 }'; }

FAILS=0
for i in $(seq "$RUNS"); do
	for t in rvisor qemu; do
		log=$WORK/$t.$i.log
		cmd "$t"
		if ! timeout "${BOOT_TIMEOUT:-300}" "${c[@]}" </dev/null >"$log" 2>&1; then
			say "run $i $t: FAIL (log $log)"; FAILS=$((FAILS + 1)); continue
		fi
		got=""
		for k in WB RB WD RD; do
			v=$(tr -d '\r' <"$log" | grep "^$k: " | mbps)
			[ -n "$v" ] && echo "$v" >>"$WORK/$t.$k"
			got="$got $k ${v:--}"
		done
		say "run $i/$RUNS $t (MB/s):$got"
	done
done

OUT=$BENCH_DIR/results/blk-$(date -u +%Y-%m-%d-%H%M%S).md
{
	echo "# virtio-blk sequential throughput: rvisor vs QEMU"
	echo
	host_info
	echo "- guest: $KERNEL, dd of $MIB MiB, bs=1M; image on $(df -P "$WORK" | awk 'NR==2 {print $1}') ($WORK)"
	echo
	echo "| test | rvisor MB/s (median, min/max) | QEMU MB/s (median, min/max) | rvisor / QEMU |"
	echo "| --- | --- | --- | --- |"
	for k in WB RB WD RD; do
		case $k in WB) n="write, buffered + fsync" ;; RB) n="read, buffered" ;;
		WD) n="write, O_DIRECT" ;; RD) n="read, O_DIRECT" ;; esac
		read -ra a < <(stats "$WORK/rvisor.$k" 1); read -ra b < <(stats "$WORK/qemu.$k" 1)
		echo "| $n | ${a[0]} (${a[1]} / ${a[2]}) | ${b[0]} (${b[1]} / ${b[2]}) | $(ratio "${a[0]}" "${b[0]}") |"
	done
	echo
	echo "Runs: $RUNS of each; failed boots: $FAILS. Logs: $WORK"
} | tee "$OUT"
