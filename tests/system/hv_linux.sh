#!/usr/bin/env bash
# Several Linux VMs in one rvisor process (rvisor --config):
# - three VMs (one with 2 harts) boot at once on 2 worker threads and each passes its
#   in-guest script;
# - --deterministic twice gives byte-identical consoles for every VM;
# - two VMs on the in-process switch ping each other.
# Needs the images of roms/build.sh (scripts/test.sh builds them first).
source "$(dirname "$0")/common.bash"

ROMS=${RVISOR_ROMS_OUT:-$HOME/.cache/rvisor/roms}
MKINITRAMFS="$HERE/../../roms/mkinitramfs.sh"
for f in "$ROMS/Image" "$ROMS/initramfs.cpio.gz"; do
    [ -f "$f" ] || { not_ok "missing $f: run roms/build.sh"; finish; exit 1; }
done

initramfs() { # NAME SCRIPT-TEXT: $WORK/NAME.cpio.gz with the script as /test.sh
    mkdir -p "$WORK/$1"
    printf '%s\n' "$2" >"$WORK/$1/test.sh"
    "$MKINITRAMFS" "$WORK/$1.cpio.gz" "$WORK/$1" >/dev/null
}
initramfs basic 'echo "T:cpus: $(grep -c ^processor /proc/cpuinfo)"
i=0; s=0
while [ $i -lt 3000 ]; do s=$((s + i * i)); i=$((i + 1)); done
echo "T:sum: $s"
[ "$s" = 8995500500 ]' || { not_ok "mkinitramfs failed"; finish; exit 1; }

linux_vm() { # NAME HARTS INITRAMFS [extra JSON members]
    printf '{"name": "%s", "memory": "128M", "harts": %s, "kernel": "%s", "initrd": "%s",
             "append": "console=ttyS0 panic=-1 rvisor.test=1", "no-reboot": true,
             "console": {"file": "%s"}%s}' \
        "$1" "$2" "$ROMS/Image" "$WORK/$3.cpio.gz" "$WORK/$1.log" "${4:+, $4}"
}

run_config() { # CONFIG-JSON [options]: runs it, status in $STATUS
    printf '%s\n' "$1" >"$WORK/vms.json"
    shift
    timeout "${TIMEOUT:-300}" "$RVISOR" --config "$WORK/vms.json" "$@" </dev/null \
        >"$WORK/out" 2>"$WORK/err"
    STATUS=$?
}

# --- three VMs on two threads ---
run_config "{\"threads\": 2, \"vms\": [$(linux_vm a 1 basic), $(linux_vm b 2 basic),
            $(linux_vm c 1 basic '"weight": 512')]}"
[ "$STATUS" -eq 0 ] && ok "three Linux VMs on 2 threads: exit 0" ||
    { not_ok "three Linux VMs: exit $STATUS"; sed 's/^/    /' "$WORK/err" | head; }
for v in a b c; do
    expect_output "vm $v passed its script" "rvisor-init: test exit 0" "$WORK/$v.log"
done
expect_output "vm b has 2 harts" "T:cpus: 2" "$WORK/b.log"
expect_output "a summary line per VM" "rvisor: vm c: powered off" "$WORK/err"

# --- deterministic: two runs, identical transcripts ---
for run in 1 2; do
    run_config "{\"deterministic\": true, \"vms\": [$(linux_vm d1 1 basic), $(linux_vm d2 2 basic)]}"
    [ "$STATUS" -eq 0 ] || { not_ok "deterministic run $run: exit $STATUS"; sed 's/^/    /' "$WORK/err" | head -3; }
    for v in d1 d2; do cp "$WORK/$v.log" "$WORK/$v.run$run"; done
done
for v in d1 d2; do
    if [ -s "$WORK/$v.run1" ] && cmp -s "$WORK/$v.run1" "$WORK/$v.run2"; then
        ok "deterministic: vm $v's console is byte-identical in two runs"
    else
        not_ok "deterministic: vm $v's consoles differ"; diff "$WORK/$v.run1" "$WORK/$v.run2" | head -5
    fi
done
expect_output "deterministic runs pass their scripts" "rvisor-init: test exit 0" "$WORK/d2.run2"

# --- two VMs on the in-process switch ping each other ---
ping_script() { # MY-ADDRESS PEER-ADDRESS
    printf '%s\n' "ifconfig eth0 $1 netmask 255.255.255.0 up || exit 1
n=0
until ping -c 1 -W 1 $2 >/dev/null 2>&1; do
    n=\$((n + 1)); [ \$n -lt 60 ] || { echo 'T:ping: no answer'; exit 1; }
done
echo \"T:ping: $2 answers\"
ping -c 3 $2 | grep -q ' 0% packet loss' || exit 1
sleep 3 # let the peer finish its own pings"
}
initramfs ping1 "$(ping_script 10.0.7.1 10.0.7.2)"
initramfs ping2 "$(ping_script 10.0.7.2 10.0.7.1)"
run_config "{\"threads\": 2, \"vms\": [
    $(linux_vm p1 1 ping1 '"nics": [{"netdev": "switch,name=lan7"}]'),
    $(linux_vm p2 1 ping2 '"nics": [{"netdev": "switch,name=lan7"}]')]}"
[ "$STATUS" -eq 0 ] && ok "two VMs on a switch: exit 0" ||
    { not_ok "two VMs on a switch: exit $STATUS"; sed 's/^/    /' "$WORK/err" | head; }
expect_output "vm p1 reaches p2 over the switch" "T:ping: 10.0.7.2 answers" "$WORK/p1.log"
expect_output "vm p2 reaches p1 over the switch" "T:ping: 10.0.7.1 answers" "$WORK/p2.log"
expect_output "the ping VMs pass their scripts" "rvisor-init: test exit 0" "$WORK/p2.log"
finish
