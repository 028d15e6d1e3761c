#!/usr/bin/env bash
# User-mode networking (virtio-net + libslirp): boots Linux with `-netdev user` and runs a
# script inside that gets an address by DHCP, asks the DNS forwarder, fetches a page from
# an HTTP server this test runs on the host's loopback (the guest sees the host as
# 10.0.2.2), and serves a page with busybox httpd that the host fetches through hostfwd.
# Then the -nic shorthand, and the command-line errors. Loopback addresses only.
# Needs the images of roms/build.sh and python3; skipped (passing) without libslirp.
source "$(dirname "$0")/common.bash"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
MKINITRAMFS="$HERE/../../roms/mkinitramfs.sh"
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done
command -v python3 >/dev/null || { not_ok "python3 is needed"; finish; exit 1; }

# Is -netdev user built in? (A build without libslirp says so in one line.)
if "$RVISOR" -netdev user,id=n0 -device virtio-net-device,netdev=n0 --dump-dtb "$WORK/probe.dtb" \
    -m 64M </dev/null >/dev/null 2>"$WORK/probe.err"; then :
elif grep -q "without libslirp" "$WORK/probe.err"; then
    ok "skipped: rvisor was built without libslirp"; finish; exit 0
else
    not_ok "-netdev user: $(cat "$WORK/probe.err")"; finish; exit 1
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The host's web server: one known page, on loopback only.
mkdir -p "$WORK/www"
echo "rvisor-net-page-$$" >"$WORK/www/page.txt"
HTTP_PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$HTTP_PORT" \
    >"$WORK/http.log" 2>&1 &
HTTP_PID=$!
trap 'kill $HTTP_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do
    python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$HTTP_PORT/page.txt')" \
        2>/dev/null && break
    sleep 0.1
done

mkdir -p "$WORK/extra/etc"
cp "$HERE/guests/udhcpc.script" "$WORK/extra/etc/udhcpc.script"
chmod +x "$WORK/extra/etc/udhcpc.script"
cat >"$WORK/extra/test.sh" <<EOF2
echo "T:mac: \$(cat /sys/class/net/eth0/address)"
dhcp() {
    if udhcpc -i eth0 -s /etc/udhcpc.script -q -n -t 5 -T 2 >/tmp/udhcpc.log 2>&1; then
        echo "T:dhcp: ok"
    elif grep -q "Address family not supported" /tmp/udhcpc.log; then
        # A kernel without CONFIG_PACKET: udhcpc cannot work; set QEMU's addresses by hand.
        echo "T:dhcp: no AF_PACKET"
        ip addr add 10.0.2.15/24 dev eth0; ip link set eth0 up
        ip route add default via 10.0.2.2; echo "nameserver 10.0.2.3" >/etc/resolv.conf
    fi
}
dhcp
echo "T:addr: \$(ip -4 addr show eth0 | grep -o 'inet [0-9.]*')"
echo "T:route: \$(ip route | grep -o 'default via [0-9.]*')"
echo "T:dns-server: \$(cat /etc/resolv.conf)"
# No external network here: a DNS answer or a clean failure, either way quickly.
timeout 20 nslookup rvisor-test.invalid 10.0.2.3 >/dev/null 2>&1; echo "T:dns-done: \$?"
echo "T:wget: \$(wget -q -O - http://10.0.2.2:$HTTP_PORT/page.txt)"
mkdir -p /www && echo "guest-page-\$(cat /proc/sys/kernel/random/boot_id | head -c 8)" >/www/index.html
cp /www/index.html /www/g.txt
httpd -p 80 -h /www && echo "T:httpd: up"
echo "T:guest-page: \$(cat /www/g.txt)"
# Wait (up to 60 s) for the host to fetch the page, which it signals by fetching /done.
i=0
while [ \$i -lt 600 ]; do
    wget -q -O /dev/null http://10.0.2.2:$HTTP_PORT/done 2>/dev/null && break
    sleep 0.1; i=\$((i + 1))
done
echo "T:rx: \$(cat /sys/class/net/eth0/statistics/rx_packets) tx: \$(cat /sys/class/net/eth0/statistics/tx_packets)"
EOF2
"$MKINITRAMFS" "$WORK/net-initramfs.cpio.gz" "$WORK/extra" >/dev/null ||
    { not_ok "mkinitramfs failed"; finish; exit 1; }

APPEND="console=ttyS0 panic=-1 rvisor.test=1"
FWD_PORT=$(free_port)

# Boot in the background; meanwhile the host fetches the guest's page through hostfwd.
timeout 120 "$RVISOR" -m 256M -no-reboot -kernel "$ROMS/Image" \
    -initrd "$WORK/net-initramfs.cpio.gz" -append "$APPEND" \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$FWD_PORT-:80" \
    -device virtio-net-device,netdev=n0,mac=52:54:00:12:34:99 \
    </dev/null >"$WORK/out" 2>"$WORK/err" &
VM_PID=$!
for _ in $(seq 900); do grep -q "T:guest-page" "$WORK/out" 2>/dev/null && break; sleep 0.1; done
GUEST_PAGE=$(grep -o "T:guest-page: .*" "$WORK/out" | tr -d '\r' | sed 's/T:guest-page: //')
python3 - "$FWD_PORT" >"$WORK/fetched" 2>"$WORK/fetch.err" <<'EOF2'
import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/g.txt" % sys.argv[1], timeout=20).read().decode().strip())
EOF2
echo done >"$WORK/www/done"
wait $VM_PID
status=$?
if [ "$status" -eq 0 ]; then ok "boots with -netdev user and powers off (exit 0)"
else not_ok "rvisor exit $status"; sed 's/^/    /' "$WORK/err" | head -5; fi

expect_output "the guest's eth0 has the MAC given on the command line" "T:mac: 52:54:00:12:34:99"
if grep -q "T:dhcp: no AF_PACKET" "$WORK/out"; then
    not_ok "DHCP: the guest kernel has no CONFIG_PACKET, which busybox udhcpc needs" \
        "(add CONFIG_PACKET=y to roms/linux/rvisor.config); the rest ran on static addresses"
else
    expect_output "DHCP lease" "T:dhcp: ok"
fi
expect_output "DHCP gives 10.0.2.15" "T:addr: inet 10\\.0\\.2\\.15"
expect_output "default route via 10.0.2.2" "T:route: default via 10\\.0\\.2\\.2"
expect_output "DNS server 10.0.2.3" "T:dns-server: nameserver 10\\.0\\.2\\.3"
expect_output "a DNS query is answered or fails cleanly" "T:dns-done: [0-9]+"
expect_output "guest fetches a page from the host (10.0.2.2)" "T:wget: rvisor-net-page-$$"
expect_output "busybox httpd runs in the guest" "T:httpd: up"
if [ -n "$GUEST_PAGE" ] && [ "$(cat "$WORK/fetched")" = "$GUEST_PAGE" ]; then
    ok "host fetches the guest's page through hostfwd"
else
    not_ok "hostfwd fetch: got '$(cat "$WORK/fetched")', wanted '$GUEST_PAGE' ($(tail -1 "$WORK/fetch.err"))"
fi
expect_output "packets counted" "T:rx: [1-9][0-9]* tx: [1-9][0-9]*"
expect_output "init finished" "rvisor-init: test exit 0"
if grep -qE "Kernel panic|Oops|BUG:|WARNING:" "$WORK/out"; then
    not_ok "kernel complained"; grep -E "Kernel panic|Oops|BUG:|WARNING:" "$WORK/out" | head -5
else
    ok "no kernel panics, oopses or warnings"
fi

# -nic shorthand, legacy virtio-mmio (QEMU's default): DHCP + fetch again.
cat >"$WORK/extra/test.sh" <<EOF2
udhcpc -i eth0 -s /etc/udhcpc.script -q -n -t 5 -T 2 >/dev/null 2>&1 && echo "T:dhcp: ok"
ip addr show eth0 | grep -q 'inet ' || {
    ip addr add 10.0.2.15/24 dev eth0; ip link set eth0 up; ip route add default via 10.0.2.2; }
echo "T:wget: \$(wget -q -O - http://10.0.2.2:$HTTP_PORT/page.txt)"
EOF2
"$MKINITRAMFS" "$WORK/nic-initramfs.cpio.gz" "$WORK/extra" >/dev/null
TIMEOUT=120 expect_status 0 "-nic user, legacy virtio-mmio" -- -m 256M -no-reboot \
    -kernel "$ROMS/Image" -initrd "$WORK/nic-initramfs.cpio.gz" -append "$APPEND" \
    -nic user -global virtio-mmio.force-legacy=true
if grep -q "CONFIG_PACKET is not set" "$ROMS/Image.config" 2>/dev/null; then
    ok "-nic: (DHCP not checked: see above)"
else
    expect_output "-nic: DHCP lease" "T:dhcp: ok"
fi
expect_output "-nic: fetch from the host" "T:wget: rvisor-net-page-$$"

# Command-line errors: one line each, exit status 2.
expect_status 2 "-device without its -netdev" -- -m 64M -kernel "$ROMS/Image" \
    -device virtio-net-device,netdev=nope
expect_one_error_line "-device without its -netdev"
expect_status 2 "bad hostfwd" -- -m 64M -kernel "$ROMS/Image" \
    -netdev user,id=n0,hostfwd=tcp::99999-:80 -device virtio-net-device,netdev=n0
expect_one_error_line "bad hostfwd"
expect_output "bad hostfwd: says what is wrong" "hostfwd" "$WORK/err"
expect_status 2 "unknown back end" -- -m 64M -kernel "$ROMS/Image" -netdev vde,id=n0
expect_one_error_line "unknown back end"
# A port some other program holds: the holder binds an ephemeral port (always free, unlike
# a port an earlier run may still have in TIME_WAIT) and reports it.
python3 -c 'import socket,time,sys
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen()
open(sys.argv[1],"w").write(str(s.getsockname()[1])); time.sleep(60)' "$WORK/held_port" &
HOLD=$!
for _ in $(seq 50); do [ -s "$WORK/held_port" ] && break; sleep 0.1; done
HELD_PORT=$(cat "$WORK/held_port")
TIMEOUT=30 expect_status 2 "hostfwd port in use" -- -m 64M -kernel "$ROMS/Image" \
    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$HELD_PORT-:80" -device virtio-net-device,netdev=n0
expect_one_error_line "hostfwd port in use"
kill $HOLD 2>/dev/null
finish
