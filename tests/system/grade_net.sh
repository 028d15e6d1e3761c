#!/usr/bin/env bash
# rvisor grade with "network": a Linux job whose dialogue brings eth0 up by DHCP (busybox
# udhcpc), fetches a page from an HTTP server this test runs on the host's loopback (the
# guest sees the host as 10.0.2.2) and serves one through a hostfwd rule, gets its full
# score; the same job without "network" fails its DHCP step (no eth0); "network" with
# "deterministic": true and bad hostfwd rules are bad job files (2). Loopback only.
# Needs the images of roms/build.sh and python3. Without libslirp in this build it checks
# that a networked job is an infrastructure error (3) and skips the rest.
source "$(dirname "$0")/common.bash"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done
command -v python3 >/dev/null || { not_ok "python3 is needed"; finish; exit 1; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# grade JOB NAME...: runs the grader on $WORK/JOB; status in $st, summary in $WORK/out.
grade() {
    local job=$1
    shift
    timeout 120 "$RVISOR" grade "$WORK/$job" --results "$WORK/r.json" "$@" \
        </dev/null >"$WORK/out" 2>"$WORK/err"
    st=$?
}

TAG=$$-$RANDOM
HTTP_PORT=$(free_port)
FWD_PORT=$(free_port)

cp "$HERE/guests/udhcpc.script" "$WORK/udhcpc.script"

# The dialogue talks to a shell on the console. Each command prints its result through
# $((6*7)) or a file's contents, so the console's echo of the command never matches.
cat >"$WORK/net.json.in" <<'EOF'
{
  "name": "network job",
  "network": {"hostfwd": ["tcp:127.0.0.1:@FWD@-:80"]},
  "guest": {"kind": "linux", "memory": "128M", "files": [
    {"path": "/etc/udhcpc.script", "source": "udhcpc.script", "mode": "0755"},
    {"path": "/www/g.txt", "content": "guest-page-@TAG@\n"},
    {"path": "/test.sh", "content": "echo test: shell\nsh\n"}
  ]},
  "limits": {"wall_seconds": 90},
  "dialogue": [
    {"name": "boot", "expect": "test: shell", "timeout": 60},
    {"name": "dhcp", "send": "udhcpc -i eth0 -s /etc/udhcpc.script -q -n -t 5 -T 2 >/dev/null 2>&1 && echo dhcp-$((6*7))\n",
     "expect": "^dhcp-42\r?$", "timeout": 20},
    {"name": "address", "send": "ip -4 addr show eth0 | grep -o 'inet [0-9.]*'\n",
     "expect": "^inet 10\\.0\\.2\\.15\r?$", "timeout": 10},
    {"name": "fetch", "send": "wget -q -O - http://10.0.2.2:@HTTP@/page.txt\n",
     "expect": "^host-page-@TAG@\r?$", "timeout": 15},
    {"name": "hostfwd", "send": "httpd -p 80 -h /www && until wget -q -O /dev/null http://10.0.2.2:@HTTP@/done; do sleep 0.2; done; echo fwd-$((6*7))\n",
     "expect": "^fwd-42\r?$", "timeout": 30},
    {"name": "exit", "send": "exit\n", "expect": "rvisor-init: test exit 0", "timeout": 10}
  ],
  "tests": [
    {"name": "DHCP lease", "points": 2, "step": "dhcp"},
    {"name": "address 10.0.2.15", "step": "address"},
    {"name": "page from the host", "points": 3, "step": "fetch"},
    {"name": "page through hostfwd", "points": 2, "step": "hostfwd"},
    {"name": "powers off", "exit": "poweroff"}
  ]
}
EOF
sed "s/@FWD@/$FWD_PORT/; s/@HTTP@/$HTTP_PORT/g; s/@TAG@/$TAG/g" "$WORK/net.json.in" >"$WORK/net.json"
grep -v '"network"' "$WORK/net.json" >"$WORK/nonet.json"
sed 's/"limits"/"deterministic": true, "limits"/' "$WORK/net.json" >"$WORK/det.json"

# "network" + "deterministic": true, and bad network values: bad job files (2), one line.
grade det.json
[ $st -eq 2 ] && ok "network + deterministic: exit 2" || not_ok "network + deterministic: exit $st"
expect_output "network + deterministic: one line naming the file and the key" \
    '^rvisor grade: .*det\.json: deterministic: .*network' "$WORK/err"
sed 's/"hostfwd": \["[^"]*"\]/"hostfwd": ["tcp::99999-:80"]/' "$WORK/net.json" >"$WORK/badfwd.json"
grade badfwd.json
[ $st -eq 2 ] && ok "bad hostfwd rule: exit 2" || not_ok "bad hostfwd rule: exit $st"
expect_output "bad hostfwd rule: names the rule" 'badfwd\.json: network\.hostfwd\[0\]: .*99999' \
    "$WORK/err"
sed 's/"network": {[^}]*}/"network": "yes"/' "$WORK/net.json" >"$WORK/badnet.json"
grade badnet.json
[ $st -eq 2 ] && ok "\"network\": \"yes\": exit 2" || not_ok "\"network\": \"yes\": exit $st"

# Is -netdev user built in? Without it a networked job is an infrastructure error.
if ! "$RVISOR" -netdev user,id=n0 -device virtio-net-device,netdev=n0 --dump-dtb \
    "$WORK/probe.dtb" -m 64M </dev/null >/dev/null 2>"$WORK/probe.err"; then
    if grep -q "without libslirp" "$WORK/probe.err"; then
        grade net.json
        [ $st -eq 3 ] && ok "no libslirp: a networked job exits 3" ||
            not_ok "no libslirp: exit $st"
        expect_output "no libslirp: says so" 'without libslirp' "$WORK/err"
        ok "skipped: rvisor was built without libslirp"
        finish
        exit
    fi
    not_ok "-netdev user: $(cat "$WORK/probe.err")"; finish; exit 1
fi

# The host's web server: one known page, on loopback only.
mkdir -p "$WORK/www"
echo "host-page-$TAG" >"$WORK/www/page.txt"
python3 -m http.server --bind 127.0.0.1 --directory "$WORK/www" "$HTTP_PORT" \
    >"$WORK/http.log" 2>&1 &
HTTP_PID=$!
FETCH_PID=
trap 'kill $HTTP_PID $FETCH_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do
    python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$HTTP_PORT/page.txt')" \
        2>/dev/null && break
    sleep 0.1
done

# Meanwhile the host fetches the guest's page through the hostfwd rule, then puts /done
# on its server, which the guest waits for.
python3 - "$FWD_PORT" "$WORK/www" >"$WORK/fetched" 2>/dev/null <<'EOF' &
import sys, time, urllib.request
for _ in range(600):
    try:
        page = urllib.request.urlopen("http://127.0.0.1:%s/g.txt" % sys.argv[1], timeout=5).read()
        if page.startswith(b"guest-page-"):
            print(page.decode().strip())
            open(sys.argv[2] + "/done", "w").write("done\n")
            break
    except Exception:
        pass
    time.sleep(0.2)
EOF
FETCH_PID=$!

grade net.json --json "$WORK/j.json" --transcript "$WORK/tr"
[ $st -eq 0 ] && ok "networked job: exit 0" ||
    { not_ok "networked job: exit $st"; cat "$WORK/out" "$WORK/err" | head -30; tail -20 "$WORK/tr"; }
expect_output "networked job: 9/9" '9/9 points, 5 of 5 tests passed'
expect_output "networked job: the page in the transcript" "^host-page-$TAG" "$WORK/tr"
wait $FETCH_PID
FETCH_PID=
[ "$(cat "$WORK/fetched")" = "guest-page-$TAG" ] && ok "the host fetched the guest's page" ||
    not_ok "hostfwd: the host fetched '$(cat "$WORK/fetched")'"
if python3 - "$WORK/j.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["network"] is True and r["deterministic"] is False else 1)
EOF
then ok "report: network true, deterministic false"; else not_ok "report: network, deterministic"; fi

# The same job without "network": no eth0, so DHCP fails and so does everything after it.
grade nonet.json --transcript "$WORK/tr"
[ $st -eq 1 ] && ok "job without network: exit 1" || not_ok "job without network: exit $st"
expect_output "job without network: the DHCP step fails" 'step dhcp +failed'
expect_output "job without network: 0/9" ': 0/9 points'
finish
