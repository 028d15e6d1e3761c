#!/usr/bin/env bash
# The hypervisor's scheduler with bare-metal guests on one process (rvisor --config):
# - fair share: two CPU-bound VMs with weights 2:1 on one worker thread retire
#   instructions 2:1 (within 5%), and steal time is measured for both;
# - a cap: a VM capped at 30% of a thread uses at most that much host CPU time;
# - no starvation: an interactive VM (timer sleeps in WFI) beside a spinning one on one
#   thread wakes within 100 ms every time;
# - --trace-sched writes Chrome trace-event JSON with slices, parks and wakes.
source "$(dirname "$0")/common.bash"
QMP="$HERE/hv/qmp.py"

for g in spin latency; do build "$g" "$(cat "$HERE/hv/$g.S")" || { not_ok "cannot build $g.S"; finish; exit 1; }; done

vm() { # NAME ELF [extra JSON members]
    printf '{"name": "%s", "memory": "16M", "bios": "none", "kernel": "%s", "console": "none"%s}' \
        "$1" "$WORK/$2.elf" "${3:+, $3}"
}

# Start rvisor on a config in the background; $PID, output in $WORK/run.err.
start() { # CONFIG-JSON [rvisor options]
    printf '%s\n' "$1" >"$WORK/vms.json"
    shift
    rm -f "$WORK/mon.sock"
    timeout 120 "$RVISOR" --config "$WORK/vms.json" --monitor "$WORK/mon.sock" "$@" \
        </dev/null >"$WORK/run.out" 2>"$WORK/run.err" &
    PID=$!
}
stop_all() {
    "$QMP" "$WORK/mon.sock" quit >/dev/null 2>&1
    wait "$PID" 2>/dev/null
}
insns() { # VM-NAME...: instructions retired so far by each, from one query
    "$QMP" "$WORK/mon.sock" query-vms |
        python3 -c "import json,sys; d={v['name']: v['instructions'] for v in json.load(sys.stdin)}; print(' '.join(str(d[n]) for n in sys.argv[1:]))" "$@"
}

# --- weights 2:1 on one thread ---
start "{\"threads\": 1, \"vms\": [$(vm heavy spin '"weight": 512'), $(vm light spin '"weight": 256')]}" \
    --trace-sched "$WORK/trace.json"
sleep 1
read -r h0 l0 <<<"$(insns heavy light)"
sleep 3
read -r h1 l1 <<<"$(insns heavy light)"
"$QMP" "$WORK/mon.sock" query-stats >"$WORK/stats.json" || not_ok "query-stats failed"
stop_all
ratio=$(python3 -c "print(($h1-$h0)/max(1,($l1-$l0)))")
if python3 -c "import sys; r=$ratio; sys.exit(0 if 1.9 <= r <= 2.1 else 1)"; then
    ok "weights 512:256 give instruction shares $ratio:1 (within 5% of 2:1)"
else
    not_ok "weights 512:256 give instruction shares $ratio:1, wanted 2:1 within 5%"
fi
if python3 - "$WORK/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
text = json.dumps(s)
# every hart of both VMs waited for the single thread: steal time > 0
import re
steals = [int(x) for x in re.findall(r'"steal[-_a-z]*": *([0-9]+)', text)]
sys.exit(0 if len(steals) >= 2 and all(x > 0 for x in steals) else 1)
PY
then ok "query-stats reports steal time for both contending harts"
else not_ok "no steal time in query-stats:"; head -c 600 "$WORK/stats.json"; echo; fi
if python3 - "$WORK/trace.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["traceEvents"]
slices = [e for e in t if e.get("ph") == "X" and e.get("name") == "slice"]
names = {e["args"]["name"] for e in t if e.get("ph") == "M" and e.get("name") == "process_name"}
pids = {e["pid"] for e in slices}
# (a slice cut short by a stop request may retire nothing)
ok = len(slices) > 100 and names == {"heavy", "light"} and pids == {0, 1} and \
     all(e["dur"] >= 0 and e["args"]["insns"] >= 0 for e in slices) and \
     sum(e["args"]["insns"] > 0 for e in slices) > 100
if not ok:
    print("    slices %d, names %s, pids %s" % (len(slices), names, pids))
sys.exit(0 if ok else 1)
PY
then ok "--trace-sched: valid Chrome trace JSON, named VMs, slices of both"
else not_ok "--trace-sched output is wrong"; head -c 400 "$WORK/trace.json"; echo; fi

# --- a cap of 30% of a thread, with a thread to itself: CPU time / wall time ---
runns() { # VM-NAME: host CPU time its harts ran (ns)
    "$QMP" "$WORK/mon.sock" query-stats |
        python3 -c "import json,sys; d=json.load(sys.stdin); vs=d['vms'] if isinstance(d,dict) else d; print([v['run-ns'] for v in vs if v['name']=='$1'][0])"
}
start "{\"threads\": 2, \"vms\": [$(vm capped spin '"cap": 30'), $(vm free spin)]}"
sleep 1
c0=$(runns capped); t0=$(date +%s%N)
sleep 3
c1=$(runns capped); t1=$(date +%s%N)
stop_all
share=$(python3 -c "print(($c1-$c0)/($t1-$t0))")
if python3 -c "import sys; r=$share; sys.exit(0 if 0.1 <= r <= 0.33 else 1)"; then
    ok "cap 30%: the VM used $share of a host thread"
else
    not_ok "cap 30%: the VM used $share of a host thread, wanted at most 0.30 (+10%)"
fi

# --- an interactive VM beside a spinning one, one thread ---
start "{\"threads\": 1, \"vms\": [$(vm spinner spin), $(vm interactive latency)]}"
for _ in $(seq 100); do
    grep -q "vm interactive" "$WORK/run.err" 2>/dev/null && break
    state=$("$QMP" "$WORK/mon.sock" query-vms 2>/dev/null |
        python3 -c "import json,sys; print([v['state'] for v in json.load(sys.stdin) if v['name']=='interactive'][0])" 2>/dev/null)
    [ "$state" = stopped ] && break
    sleep 0.2
done
"$QMP" "$WORK/mon.sock" query-vms >"$WORK/vms.out" 2>/dev/null
stop_all
if python3 - "$WORK/vms.out" <<'PY'
import json, sys
v = [v for v in json.load(open(sys.argv[1])) if v["name"] == "interactive"][0]
print("    interactive:", v.get("state"), v.get("exit"))
sys.exit(0 if v["state"] == "stopped" and v["exit"]["reason"] == "poweroff" else 1)
PY
then ok "an interactive VM beside a spinner on one thread wakes within 100 ms every time"
else not_ok "the interactive VM was starved (or failed: its exit code is the worst latency in ms)"
fi
finish
