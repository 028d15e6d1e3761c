#!/usr/bin/env bash
# TCP throughput over user-mode networking (virtio-net + slirp), rvisor vs QEMU.
#
#   bench/net.sh [--runs N] [--mib N]      (default 3 runs of each, interleaved; 64 MiB)
#
# The same kernel + initramfs boot under both (-m 256M -smp 1, Debian's OpenSBI, a
# virtio-rng-device so both have entropy at once) with
# `-netdev user,hostfwd=tcp:127.0.0.1:PORT-:5001 -device virtio-net-device`. The guest
# (static 10.0.2.15) first pipes N MiB of zeros from dd into busybox nc to a sink on the
# host's loopback (guest->host), then its `nc -l -p 5001` receives N MiB that the host
# sends through hostfwd (host->guest). Both are timed on the host: from accepting or
# connecting to the last byte received (guest->host) or to the guest closing after EOF
# (host->guest). Only 127.0.0.1 is used. Environment: RVISOR, QEMU, OPENSBI, NET_TIMEOUT.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MIB=64
ARGS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--mib) [ $# -ge 2 ] || die "--mib needs a number"; MIB=$2; shift 2 ;;
	--mib=*) MIB=${1#--mib=}; shift ;;
	*) ARGS+=("$1"); shift ;;
	esac
done
parse_runs ${ARGS[@]+"${ARGS[@]}"}
[ "$RUNS" = 5 ] && [[ " ${ARGS[*]-} " != *" --runs"* ]] && RUNS=3
[ ${#EXTRA[@]} -eq 0 ] || { sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 2; }
case "$MIB" in ''|*[!0-9]*|0) die "--mib must be a positive integer" ;; esac

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
KERNEL=$ROMS/Image
FW=${OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}
[ -f "$KERNEL" ] || die "$KERNEL missing: run roms/build.sh"
[ -f "$FW" ] || die "$FW missing: apt-get install opensbi"
setup
BYTES=$((MIB * 1048576))

# The guest side: static addresses (QEMU's user network), then the two transfers.
mkdir -p "$WORK/extra"
cat >"$WORK/extra/test.sh" <<EOF2
ip addr add 10.0.2.15/24 dev eth0; ip link set eth0 up; ip route add default via 10.0.2.2
nc -l -p 5001 >/dev/null &
sleep 1
echo "NET: g2h start"
dd if=/dev/zero bs=65536 count=$((MIB * 16)) 2>/dev/null | nc 10.0.2.2 \$(cat /sink_port)
echo "NET: g2h done"
wait
echo "NET: h2g done"
EOF2

# The host side: sink for guest->host, then sender for host->guest. Prints both times.
cat >"$WORK/peer.py" <<'EOF2'
import socket, sys, time
sink_port, fwd_port, nbytes, timeout = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
deadline = time.monotonic() + timeout
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", sink_port)); ls.listen(1); ls.settimeout(timeout)
c, _ = ls.accept(); t0 = time.monotonic(); got = 0
c.settimeout(max(1, deadline - time.monotonic()))
while got < nbytes:
    b = c.recv(1 << 20)
    if not b: break
    got += len(b)
g2h = time.monotonic() - t0 if got == nbytes else None
c.close(); ls.close()
buf = bytes(1 << 16)
while True:  # the guest's listener is up long before this; retry anyway
    try:
        s = socket.create_connection(("127.0.0.1", fwd_port), timeout=5); break
    except OSError:
        if time.monotonic() > deadline: print("FAIL FAIL"); sys.exit(0)
        time.sleep(0.1)
t0 = time.monotonic(); sent = 0
s.settimeout(max(1, deadline - time.monotonic()))
try:
    while sent < nbytes:
        sent += s.send(buf[: min(len(buf), nbytes - sent)])
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096): pass  # the guest's nc exits on EOF and closes
    h2g = time.monotonic() - t0
except OSError:
    h2g = None
print("%s %s" % ("%.3f" % g2h if g2h else "FAIL", "%.3f" % h2g if h2g else "FAIL"))
EOF2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

TOOLS="rvisor qemu"
FAILS=0
for i in $(seq "$RUNS"); do
	for t in $TOOLS; do
		SINK=$(free_port); FWD=$(free_port)
		echo "$SINK" >"$WORK/extra/sink_port"
		"$ROOT/roms/mkinitramfs.sh" "$WORK/net.cpio.gz" "$WORK/extra" >/dev/null ||
			die "mkinitramfs failed"
		case $t in
		rvisor) c=("$RVISOR") ;;
		qemu) c=("$QEMU" -M virt -accel tcg -nographic) ;;
		esac
		c+=(-bios "$FW" -m 256M -smp 1 -kernel "$KERNEL" -initrd "$WORK/net.cpio.gz" -device virtio-rng-device
		    -append "console=ttyS0 panic=-1 rvisor.test=1" -no-reboot
		    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$FWD-:5001"
		    -device virtio-net-device,netdev=n0)
		python3 "$WORK/peer.py" "$SINK" "$FWD" "$BYTES" "${NET_TIMEOUT:-600}" >"$WORK/$t.$i.peer" &
		peer=$!
		timeout "${NET_TIMEOUT:-600}" "${c[@]}" </dev/null >"$WORK/$t.$i.log" 2>&1 || true
		wait $peer || true
		read -r g2h h2g <"$WORK/$t.$i.peer" || { g2h=FAIL; h2g=FAIL; }
		if [ "$g2h" = FAIL ] || [ "$h2g" = FAIL ]; then
			say "run $i $t: FAIL (g2h $g2h, h2g $h2g; log $WORK/$t.$i.log)"
			FAILS=$((FAILS + 1)); continue
		fi
		awk -v s="$g2h" -v m="$MIB" 'BEGIN { printf "%.2f\n", m / s }' >>"$WORK/$t.g2h"
		awk -v s="$h2g" -v m="$MIB" 'BEGIN { printf "%.2f\n", m / s }' >>"$WORK/$t.h2g"
		say "run $i/$RUNS $t: guest->host $g2h s, host->guest $h2g s for $MIB MiB"
	done
done

declare -A MED_G MED_H
row() {
	local g h; read -ra g < <(stats "$WORK/$1.g2h" 2); read -ra h < <(stats "$WORK/$1.h2g" 2)
	MED_G[$1]=${g[0]} MED_H[$1]=${h[0]}
	echo "| $1 | ${g[0]} | ${g[1]} / ${g[2]} | ${h[0]} | ${h[1]} / ${h[2]} | ${g[3]}/$RUNS |"
}
OUT=$BENCH_DIR/results/net-$(date -u +%Y-%m-%d-%H%M%S).md
{
	echo "# TCP over user-mode networking: rvisor vs QEMU"
	echo
	host_info
	echo "- kernel: $KERNEL; -m 256M -smp 1, OpenSBI $FW for both; QEMU: -M virt -accel tcg"
	echo "- -netdev user + virtio-net-device; $MIB MiB per direction with busybox dd | nc;"
	echo "  $RUNS runs each, interleaved; MiB/s timed on the host"
	echo
	echo "| tool | guest->host median MiB/s | min / max | host->guest median MiB/s | min / max | ok |"
	echo "| --- | --- | --- | --- | --- | --- |"
	row rvisor
	row qemu
	echo
	echo "| ratio rvisor / qemu (throughput) | guest->host | host->guest |"
	echo "| --- | --- | --- |"
	echo "| | $(ratio "${MED_G[rvisor]}" "${MED_G[qemu]}") | $(ratio "${MED_H[rvisor]}" "${MED_H[qemu]}") |"
	[ "$FAILS" = 0 ] || { echo; echo "$FAILS run(s) FAILED (not counted); logs in $WORK"; }
} | tee "$OUT"
say "written to $OUT; run logs in $WORK"
[ "$FAILS" = 0 ]
