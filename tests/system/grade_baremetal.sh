#!/usr/bin/env bash
# rvisor grade on bare-metal jobs: the course example (examples/baremetal) gets its full
# score, a buggy submission its partial score; an infinite loop ends as a timeout or an
# instruction limit, an illegal instruction and a wild load as faults, a console flood is
# capped; malformed job files exit 2 with one clear line; cgroup limits are honoured;
# the same job twice gives the same results (deterministic by default).
source "$(dirname "$0")/common.bash"
EX="$HERE/../../examples/baremetal"
CFLAGS=(-march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -ffreestanding -fno-pic -no-pie
        -nostdlib -nostartfiles -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments
        -I"$EX" -T "$EX/link.ld")
cc_prog() { "$RISCV_CC" "${CFLAGS[@]}" -o "$WORK/$1.elf" "$EX/start.S" "$2" -lgcc; }
cc_prog student "$EX/student.c"
for p in loop illegal nullcall flood wrong; do cc_prog "$p" "$HERE/grade/$p.c"; done
cp "$EX/job.json" "$WORK/job.json"

# grade NAME ELF [JOB]: grade ELF with the example's job; results in $WORK/NAME.*
grade() {
    local name=$1 elf=$2 job=${3:-$WORK/job.json}
    sed "s#\"student.elf\"#\"$elf\"#" "$job" >"$WORK/$name.job.json"
    timeout 120 "$RVISOR" grade "$WORK/$name.job.json" --results "$WORK/$name.results.json" \
        --json "$WORK/$name.report.json" --transcript "$WORK/$name.tr" \
        </dev/null >"$WORK/$name.out" 2>"$WORK/$name.err"
    echo $? >"$WORK/$name.status"
}
# check NAME STATUS SCORE [EXIT-KIND]
check() {
    local name=$1 status=$2 score=$3 kind=${4:-}
    local got_status got_score got_kind
    got_status=$(cat "$WORK/$name.status")
    got_score=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' \
                "$WORK/$name.results.json" 2>/dev/null)
    got_kind=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit"]["kind"])' \
               "$WORK/$name.report.json" 2>/dev/null)
    if [ "$got_status" = "$status" ] && [ "$got_score" = "$score" ] &&
       { [ -z "$kind" ] || [ "$got_kind" = "$kind" ]; }; then
        ok "$name: exit $got_status, score $got_score${kind:+, $got_kind}"
    else
        not_ok "$name: exit $got_status score $got_score kind $got_kind (wanted $status $score $kind)"
        sed 's/^/    /' "$WORK/$name.out" "$WORK/$name.err" | head -20
    fi
}

grade student "$WORK/student.elf"
check student 0 10.0 poweroff
expect_output "summary names the job" '^Assignment 1: bare-metal RISC-V: 10/10 points' "$WORK/student.out"
python3 - "$WORK/student.results.json" <<'PY' && ok "results.json has Gradescope's shape" || not_ok "results.json shape"
import json, sys
r = json.load(open(sys.argv[1]))
assert isinstance(r["score"], float) and isinstance(r["output"], str)
assert len(r["tests"]) == 6
for t in r["tests"]:
    assert set(["name", "score", "max_score", "status", "output"]) <= set(t), t
    assert t["status"] in ("passed", "failed")
assert [t.get("visibility") for t in r["tests"]][-1] == "hidden"
PY

grade wrong "$WORK/wrong.elf"
check wrong 1 5.0 fail
expect_output "wrong: fib(50) test explains" 'FAIL fib\(50\).*expected output matching' "$WORK/wrong.out"
expect_output "wrong: exit code test explains" 'expected the run to end with poweroff; it ended with fail' "$WORK/wrong.out"

grade loop "$WORK/loop.elf"
check loop 1 1.0 insn-limit
# a wall-clock limit below what the instruction limit needs: a timeout
sed 's/"wall_seconds": 30/"wall_seconds": 0.3/; s/"instructions": 100000000/"instructions": 100000000000/' \
    "$WORK/job.json" >"$WORK/job-wall.json"
grade loopwall "$WORK/loop.elf" "$WORK/job-wall.json"
check loopwall 1 1.0 timeout

grade illegal "$WORK/illegal.elf"
check illegal 1 1.0 fault
expect_output "illegal: reported as an illegal instruction" 'illegal instruction at pc 0x8' "$WORK/illegal.out"
expect_output "illegal: output before the fault kept" '^before$' "$WORK/illegal.tr"
grade nullcall "$WORK/nullcall.elf"
check nullcall 1 1.0 fault
expect_output "wild load: reported as a load access fault" 'load access fault at pc 0x8.*tval 0x40000000' "$WORK/nullcall.out"

grade flood "$WORK/flood.elf"
check flood 1 1.0 insn-limit
size=$(stat -c %s "$WORK/flood.tr")
if [ "$size" -eq 65536 ]; then ok "flood: transcript capped at console_bytes (65536)"; else
    not_ok "flood: transcript is $size bytes"; fi
expect_output "flood: truncation reported" 'console output truncated' "$WORK/flood.out"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["console_truncated"] and r["stats"]["console_dropped"] > 0' \
    "$WORK/flood.report.json" && ok "flood: report says truncated" || not_ok "flood: report"

# deterministic: the same job twice gives the same report (but for host times)
grade student2 "$WORK/student.elf"
strip() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["stats"].pop("host_seconds"); print(json.dumps(r, sort_keys=True))' "$1"; }
if [ "$(strip "$WORK/student.report.json")" = "$(strip "$WORK/student2.report.json")" ]; then
    ok "deterministic: identical reports"; else not_ok "deterministic: reports differ"; fi

# a submission that is not a program: its tests fail (exit 1), not an infrastructure error
echo "not an elf" >"$WORK/garbage.elf"
grade garbage "$WORK/garbage.elf"
check garbage 1 0.0
expect_output "garbage: explains" 'could not be loaded' "$WORK/garbage.out"

# malformed job files: exit 2, one line on stderr naming the file
bad_job() {
    local what=$1 text=$2 pattern=$3
    printf '%s\n' "$text" >"$WORK/bad.json"
    "$RVISOR" grade "$WORK/bad.json" --results "$WORK/bad.results.json" </dev/null \
        >"$WORK/out" 2>"$WORK/err"
    local st=$? lines
    lines=$(wc -l <"$WORK/err")
    if [ $st -eq 2 ] && [ "$lines" -eq 1 ] && grep -qE -- "$pattern" "$WORK/err" &&
       [ ! -e "$WORK/bad.results.json" ]; then ok "bad job: $what (exit 2)"
    else not_ok "bad job: $what: exit $st"; sed 's/^/    /' "$WORK/err" | head -5; fi
}
bad_job "JSON syntax" '{"guest": ' 'bad\.json:[0-9]+:[0-9]+: '
bad_job "not an object" '[1, 2]' 'must be a JSON object'
bad_job "no tests" '{"guest": {"kernel": "x.elf"}}' 'tests: missing'
bad_job "unknown key" '{"guest": {"kernel": "x.elf"}, "tests": [{"name": "a", "output": "x"}], "colour": 1}' 'unknown key "colour"'
bad_job "bad regex" '{"guest": {"kernel": "x.elf"}, "tests": [{"name": "a", "output": "(x"}]}' 'tests\[0\]: bad regular expression'
bad_job "bad kind" '{"guest": {"kind": "windows"}, "tests": [{"name": "a", "output": "x"}]}' 'guest.kind'
bad_job "test without condition" '{"guest": {"kernel": "x.elf"}, "tests": [{"name": "a"}]}' 'needs a condition'
bad_job "unknown step" '{"guest": {"kernel": "x.elf"}, "tests": [{"name": "a", "step": "s"}]}' 'no dialogue step named "s"'
bad_job "negative points" '{"guest": {"kernel": "x.elf"}, "tests": [{"name": "a", "output": "x", "points": -1}]}' 'points: must be between'
bad_job "bad memory" '{"guest": {"kernel": "x.elf", "memory": "lots"}, "tests": [{"name": "a", "output": "x"}]}' 'guest.memory'
bad_job "empty step" '{"guest": {"kernel": "x.elf"}, "dialogue": [{}], "tests": [{"name": "a", "output": "x"}]}' 'dialogue\[0\]: needs'
bad_job "network + deterministic" '{"guest": {"kernel": "x.elf"}, "network": true, "deterministic": true, "tests": [{"name": "a", "output": "x"}]}' 'deterministic: .*network'
"$RVISOR" grade "$WORK/nonexistent.json" </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ] && grep -q 'nonexistent.json' "$WORK/err" && ok "missing job file: exit 2" || not_ok "missing job file"
"$RVISOR" grade </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ] && ok "no job: usage, exit 2" || not_ok "no job"

# infrastructure: results not writable; cgroup memory too small
sed "s#\"student.elf\"#\"$WORK/student.elf\"#" "$WORK/job.json" >"$WORK/abs.json"
"$RVISOR" grade "$WORK/abs.json" --results /nonexistent/dir/results.json </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 3 ] && ok "unwritable results: exit 3" || not_ok "unwritable results"
mkdir -p "$WORK/cg"
echo 50000000 >"$WORK/cg/memory.max"
echo "50000 100000" >"$WORK/cg/cpu.max"
RVISOR_CGROUP_DIR="$WORK/cg" "$RVISOR" grade "$WORK/abs.json" --results "$WORK/cg.json" \
    </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 3 ] && grep -q "memory limit" "$WORK/err" && ok "cgroup memory.max too small: exit 3" ||
    not_ok "cgroup memory.max"
echo max >"$WORK/cg/memory.max"
RVISOR_CGROUP_DIR="$WORK/cg" "$RVISOR" grade "$WORK/abs.json" --results "$WORK/cg.json" \
    </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 0 ] && ok "cgroup half a CPU, no memory limit: passes" || not_ok "cgroup cpu.max"
finish
