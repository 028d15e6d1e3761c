#!/usr/bin/env bash
# Memory quotas: a VM that writes more RAM than its hard quota is paused at the quota,
# with QUOTA_SOFT, QUOTA_HARD and VM_PAUSED events and a message on stderr, while the
# other VM finishes; query-vms shows it "quota" with its committed memory and peak; after
# set-quota raises the limit, vm-resume lets it finish. A VM under its quota never pauses.
source "$(dirname "$0")/common.bash"
QMP="$HERE/hv/qmp.py"
for g in hog work; do
    build "$g" "$(cat "$HERE/hv/$g.S")" || { not_ok "cannot build $g.S"; finish; exit 1; }
done
vm() { # NAME ELF [extra JSON members]
    printf '{"name": "%s", "memory": "64M", "bios": "none", "kernel": "%s", "console": "none"%s}' \
        "$1" "$WORK/$2.elf" "${3:+, $3}"
}
printf '%s\n' "{\"threads\": 2, \"vms\": [$(vm hog hog '"quota": "28M", "soft-quota": "20M"'),
                                     $(vm worker work '"quota": "24M"')]}" >"$WORK/vms.json"
timeout 120 "$RVISOR" --config "$WORK/vms.json" --monitor "$WORK/mon.sock" </dev/null \
    >"$WORK/out" 2>"$WORK/err" &
PID=$!

python3 - "$HERE/hv" "$WORK/mon.sock" >"$WORK/py.out" 2>&1 <<'PY'
import json, sys, time
sys.path.insert(0, sys.argv[1])
from qmp import Qmp
q = Qmp(sys.argv[2])
def say(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
soft = q.wait_event("QUOTA_SOFT", 60)
say(soft is not None and soft["data"]["vm"] == "hog", "QUOTA_SOFT event for hog")
hard = q.wait_event("QUOTA_HARD", 60)
say(hard is not None and hard["data"]["vm"] == "hog" and hard["data"]["quota"] == 28 << 20,
    "QUOTA_HARD event for hog at 28 MiB")
paused = q.wait_event("VM_PAUSED", 10)
say(paused is not None and paused["data"] == {"vm": "hog", "reason": "quota"},
    "VM_PAUSED event, reason quota")
say(all("timestamp" in e for e in q.seen), "events carry timestamps")
stopped = q.wait_event("VM_STOPPED", 60)  # the worker VM finishes while hog waits
say(stopped is not None and stopped["data"]["vm"] == "worker" and
    stopped["data"]["reason"] == "poweroff", "the other VM finishes while hog is paused")
time.sleep(0.3)  # the slice that crossed the quota ends and is accounted
vms = {v["name"]: v for v in q.cmd("query-vms")["return"]}
h = vms["hog"]
say(h["state"] == "quota", "query-vms: hog is in state quota (%s)" % h["state"])
say(28 << 20 < h["committed"] <= (28 << 20) + (1 << 20),
    "hog committed just over its quota (%d KiB)" % (h["committed"] >> 10))
say(h["peak"] >= h["committed"], "peak >= committed")
i0 = h["instructions"]; time.sleep(0.5)
i1 = [v for v in q.cmd("query-vms")["return"] if v["name"] == "hog"][0]["instructions"]
say(i0 == i1, "a VM paused at its quota executes nothing")
r = q.cmd("vm-resume", {"vm": "hog"})
say("error" in r, "vm-resume is refused while still over the quota")
r = q.cmd("set-quota", {"vm": "hog", "quota": 128 << 20})
say("return" in r, "set-quota raises the quota")
r = q.cmd("vm-resume", {"vm": "hog"})
say("return" in r, "vm-resume after set-quota")
stopped = q.wait_event("VM_STOPPED", 60)
say(stopped is not None and stopped["data"]["vm"] == "hog" and
    stopped["data"]["reason"] == "poweroff", "hog finishes after the quota was raised")
PY
cat "$WORK/py.out"
PASSES=$((PASSES + $(grep -c '^ok:' "$WORK/py.out")))
FAILS=$((FAILS + $(grep -c '^FAIL:' "$WORK/py.out")))
grep -q '^ok:' "$WORK/py.out" || not_ok "the monitor client failed"
wait "$PID"
status=$?
[ "$status" -eq 0 ] && ok "rvisor exits 0 once both VMs powered off" || not_ok "rvisor exit $status"
expect_output "stderr says why hog was paused" "vm 'hog' reached its memory quota .*: paused" "$WORK/err"
finish
