#!/usr/bin/env bash
# Several VMs from one --config file, driven through the QMP monitor: every command through
# `rvisor ctl` and through a raw socket (hv_monitor_client.py, malformed input included),
# events, a memory quota that pauses a VM, the file and socket consoles, and config files
# with errors (one line, FILE:LINE:COL).
source "$(dirname "$0")/common.bash"
CLIENT="$HERE/hv_monitor_client.py"

UART=$(cat "$HERE/guests/uart.inc")

# a: two harts; hart 0 echoes each byte as [hh] and powers off on q, hart 1 spins.
build_guest echo || exit 1

# b: prints a line and spins (a reset prints it again).
build spin ".globl _start
.section .text.init
_start:
    li s0, 0x10000000
    la a0, hello
    call puts
1:  addi t5, t5, 1
    j 1b
$UART
hello: .asciz \"spin ready\\n\"" || exit 1

# c: waits for a byte on its console, writes one word in each 4 KiB page of 24 MiB, then
# powers off.
build touch ".globl _start
.section .text.init
_start:
    li s0, 0x10000000
0:  lbu t0, 5(s0)
    andi t0, t0, 1
    beqz t0, 0b
    la a0, hello
    call puts
    li t4, 0x80200000
    li t5, 0x81a00000
1:  sw t4, 0(t4)
    li t6, 4096
    add t4, t4, t6
    bltu t4, t5, 1b
    la a0, bye
    call puts
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
$UART
hello: .asciz \"touch start\\n\"
bye: .asciz \"touch done\\n\"" || exit 1

MON=$WORK/m.sock
CTL() { timeout 30 "$RVISOR" ctl "$@"; }
# vm_field VM FIELD: one field of query-vms --json
vm_field() {
    CTL --json "$MON" query-vms | python3 -c "import json,sys
print([v for v in json.load(sys.stdin) if v['name'] == '$1'][0]['$2'])"
}
# wait_state VM STATE: up to 30 s
wait_state() {
    local end=$((SECONDS + 30))
    while [ $SECONDS -lt $end ]; do
        [ "$(vm_field "$1" state 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
# wait_grep PATTERN FILE: up to 20 s
wait_grep() {
    local end=$((SECONDS + 20))
    while [ $SECONDS -lt $end ]; do
        grep -qE -- "$1" "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
expect_rc() { # expect_rc WANT WHAT -- command...
    local want=$1 what=$2
    shift 3
    "$@" >"$WORK/ctl.out" 2>"$WORK/ctl.err"
    local got=$?
    if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
        not_ok "$what: exit $got, wanted $want"; sed 's/^/    /' "$WORK/ctl.err" | head -5; fi
}

# Relative paths are relative to the config file's directory.
mkdir -p "$WORK/cfg"
mv "$WORK/echo.elf" "$WORK/spin.elf" "$WORK/touch.elf" "$WORK/cfg/"
cat >"$WORK/cfg/vms.json" <<EOF
{
  "comment": "the system test of the monitor",
  "threads": 2,
  "monitor": "$MON",
  "vms": [
    {"name": "a", "memory": "32M", "harts": 2, "bios": "none", "kernel": "echo.elf",
     "console": {"socket": "a.sock"}, "weight": 256},
    {"name": "b", "memory": 16777216, "bios": "none", "kernel": "spin.elf", "fb": "64x64",
     "console": {"file": "b.log"}, "weight": 128},
    {"name": "c", "memory": "64M", "bios": "none", "kernel": "touch.elf",
     "console": {"socket": "c.sock"}, "quota": "20M", "soft-quota": "16M"}
  ]
}
EOF

"$RVISOR" --config "$WORK/cfg/vms.json" </dev/null >"$WORK/out" 2>"$WORK/err" &
PID=$!
EVPID=
trap 'kill -9 $PID $EVPID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -S "$MON" ] && break; sleep 0.1; done
if [ -S "$MON" ]; then ok "the monitor socket appears"; else
    not_ok "no monitor socket"; sed 's/^/    /' "$WORK/err"; kill $PID; finish; exit; fi
CTL "$MON" events >"$WORK/events.log" 2>&1 &
EVPID=$!
sleep 0.5 # let it negotiate: events go to negotiated clients only

# ---- queries ----
expect_rc 0 "ctl query-vms" -- CTL "$MON" query-vms
expect_output "query-vms is a table" '^NAME +STATE +HARTS +MEMORY' "$WORK/ctl.out"
expect_output "query-vms shows a" '^a +running +2 +32 MiB +256' "$WORK/ctl.out"
expect_output "query-vms shows b" '^b +running +1 +16 MiB +128' "$WORK/ctl.out"
expect_rc 0 "ctl help" -- CTL "$MON" help
expect_output "help lists the commands" '^set-quota$' "$WORK/ctl.out"
wait_grep 'spin ready' "$WORK/cfg/b.log" && ok "the file console has b's output" ||
    not_ok "b.log: $(cat "$WORK/cfg/b.log")"
python3 "$CLIENT" console "$WORK/cfg/a.sock" x '[78]' >"$WORK/py.out" 2>&1 && ok "socket console" ||
    { not_ok "socket console"; cat "$WORK/py.out"; }

# ---- pause / resume / weight / cap ----
expect_rc 0 "vm-pause a" -- CTL "$MON" vm-pause vm=a
[ "$(vm_field a state)" = paused ] && ok "a is paused" || not_ok "a is $(vm_field a state)"
I1=$(vm_field a instructions); sleep 0.3; I2=$(vm_field a instructions)
[ "$I1" = "$I2" ] && ok "a paused retires nothing" || not_ok "a ran while paused: $I1 -> $I2"
expect_rc 0 "vm-resume a" -- CTL "$MON" vm-resume vm=a
[ "$(vm_field a state)" = running ] && ok "a runs again" || not_ok "a is $(vm_field a state)"
expect_rc 1 "vm-pause of an unknown VM" -- CTL "$MON" vm-pause vm=nobody
expect_output "  says which VM" "no VM named 'nobody'" "$WORK/ctl.err"
expect_rc 0 "set-weight" -- CTL "$MON" set-weight vm=b weight=512
[ "$(vm_field b weight)" = 512 ] && ok "b's weight is 512" || not_ok "weight $(vm_field b weight)"
expect_rc 1 "set-weight 0 is refused" -- CTL "$MON" set-weight vm=b weight=0
expect_rc 1 "set-weight 10001 is refused" -- CTL "$MON" set-weight vm=b weight=10001
expect_rc 1 "set-weight without a weight" -- CTL "$MON" set-weight vm=b
expect_output "  names the missing parameter" "Parameter 'weight' is missing" "$WORK/ctl.err"
expect_rc 0 "set-cap" -- CTL "$MON" set-cap vm=a cap:=50
[ "$(vm_field a cap)" = 50 ] && ok "a's cap is 50" || not_ok "cap $(vm_field a cap)"
expect_rc 0 "set-cap 0 removes the cap" -- CTL "$MON" set-cap vm=a cap=0
expect_rc 1 "set-cap above 100 x 64 threads" -- CTL "$MON" set-cap vm=a cap=6401

# ---- the memory quota ----
python3 "$CLIENT" console "$WORK/cfg/c.sock" g 'touch start' >"$WORK/py.out" 2>&1 &&
    ok "c starts touching memory" || { not_ok "c did not start"; cat "$WORK/py.out"; }
if wait_state c quota; then ok "c is paused at its quota"; else not_ok "c: $(vm_field c state)"; fi
expect_rc 1 "vm-resume while over quota is refused" -- CTL "$MON" vm-resume vm=c
expect_rc 0 "set-quota" -- CTL "$MON" set-quota vm=c quota=256M soft-quota=0
[ "$(vm_field c quota)" = 268435456 ] && ok "c's quota is 256 MiB" || not_ok "quota $(vm_field c quota)"
expect_rc 0 "vm-resume after raising the quota" -- CTL "$MON" vm-resume vm=c
if wait_state c stopped; then ok "c finishes"; else not_ok "c: $(vm_field c state)"; fi
[ "$(vm_field c exit)" = "{'reason': 'poweroff', 'code': 0}" ] && ok "c powered off" ||
    not_ok "c: $(vm_field c exit)"

# ---- statistics ----
expect_rc 0 "ctl query-stats" -- CTL "$MON" query-stats
for pat in '^VM +STATE +WEIGHT +CAP +INSTRUCTIONS +SHARE +MIPS +RUN TIME +STEAL TIME +PARKS +COMMITTED +QUOTA +PEAK$' \
    '^HART +STATE +INSTRUCTIONS +SHARE +MIPS' '^a/0 ' '^a/1 ' '^b/0 ' '^c +stopped \(poweroff\)' \
    '^SHARE: '; do
    expect_output "query-stats: $pat" "$pat" "$WORK/ctl.out"
done
CTL --json "$MON" query-stats >"$WORK/stats.json"
python3 - "$WORK/stats.json" <<'EOF' && ok "query-stats --json adds up" || not_ok "query-stats --json"
import json, sys
d = json.load(open(sys.argv[1]))
vms = {v["name"]: v for v in d["vms"]}
assert set(vms) == {"a", "b", "c"}, vms.keys()
a = vms["a"]
assert len(a["hart-stats"]) == 2 and all(h["instructions"] > 0 for h in a["hart-stats"])
assert abs(sum(v["share"] for v in vms.values()) - 100) < 0.5
assert a["run-ns"] > 0 and a["mips"] > 0 and a["committed"] > 0 and a["peak"] >= a["committed"]
assert vms["c"]["exit"] == {"reason": "poweroff", "code": 0}
EOF

# ---- screendump ----
expect_rc 1 "screendump of a VM without a framebuffer" -- CTL "$MON" screendump vm=a filename="$WORK/a.png"
CTL "$MON" screendump vm=b filename="$WORK/b.png" >"$WORK/ctl.out" 2>"$WORK/ctl.err"
if [ $? -eq 0 ] && head -c 8 "$WORK/b.png" | od -An -c | grep -q 'P   N   G'; then
    ok "screendump writes a PNG"
elif grep -qi 'png' "$WORK/ctl.err"; then ok "screendump: no PNG support in this build (skipped)"
else not_ok "screendump: $(cat "$WORK/ctl.err")"; fi

# ---- the protocol through a raw socket ----
python3 "$CLIENT" proto "$MON" >"$WORK/py.out" 2>&1 && ok "raw QMP checks" ||
    { not_ok "raw QMP checks"; grep -v '^ok' "$WORK/py.out" | sed 's/^/    /'; }

# ---- reset, stop, quit ----
expect_rc 0 "vm-reset b" -- CTL "$MON" vm-reset vm=b
for _ in $(seq 100); do [ "$(grep -c 'spin ready' "$WORK/cfg/b.log")" -ge 2 ] && break; sleep 0.1; done
[ "$(grep -c 'spin ready' "$WORK/cfg/b.log")" -ge 2 ] && ok "b booted again" || not_ok "b.log: $(cat "$WORK/cfg/b.log")"
expect_rc 0 "vm-stop b" -- CTL "$MON" vm-stop vm=b
wait_state b stopped && ok "b is stopped" || not_ok "b: $(vm_field b state)"
expect_rc 1 "vm-resume of a stopped VM" -- CTL "$MON" vm-resume vm=b
expect_rc 0 "quit" -- CTL "$MON" quit
for _ in $(seq 100); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
if kill -0 $PID 2>/dev/null; then not_ok "rvisor still runs after quit"; kill -9 $PID; fi
wait $PID
RC=$?
[ $RC -lt 128 ] && ok "rvisor exits after quit (status $RC)" || not_ok "rvisor died: status $RC"
[ ! -e "$MON" ] && ok "the monitor socket is removed" || not_ok "$MON is left behind"
[ ! -e "$WORK/cfg/a.sock" ] && ok "the console socket is removed" || not_ok "a.sock is left behind"
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$WORK/err"; then
    not_ok "sanitizer report:"; head -30 "$WORK/err"; else ok "no sanitizer report"; fi
wait $EVPID
for pat in '^[0-9:.]+ VM_PAUSED vm=a reason=user$' '^[0-9:.]+ VM_RESUMED vm=a$' \
    '^[0-9:.]+ QUOTA_SOFT vm=c ' '^[0-9:.]+ QUOTA_HARD vm=c committed=[0-9]+ quota=20971520$' \
    '^[0-9:.]+ VM_PAUSED vm=c reason=quota$' '^[0-9:.]+ VM_STOPPED vm=c reason=poweroff code=0$' \
    '^[0-9:.]+ VM_RESET vm=b reason=user$' '^[0-9:.]+ VM_STOPPED vm=b ' '^[0-9:.]+ VM_STOPPED vm=a '; do
    expect_output "event: $pat" "$pat" "$WORK/events.log"
done
expect_rc 2 "ctl with no monitor there" -- CTL "$MON" query-vms
expect_output "  says it cannot connect" 'cannot connect' "$WORK/ctl.err"

# ---- config files with errors: one line, FILE:LINE:COL ----
bad_config() { # bad_config LINE:COL PATTERN 'json'
    printf '%s\n' "$3" >"$WORK/bad.json"
    timeout 30 "$RVISOR" --config "$WORK/bad.json" </dev/null >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ $got -eq 2 ] && [ "$(wc -l <"$WORK/err")" -eq 1 ] &&
        grep -qE "^rvisor: $WORK/bad.json:$1: .*$2" "$WORK/err"; then ok "bad config: $2"
    else not_ok "bad config '$2': exit $got"; sed 's/^/    /' "$WORK/err" | head -3; fi
}
bad_config 2:16 "string or '}' expected" '{"vms": [
  {"name": "a",, "kernel": "k"}]}'
bad_config 3:4 'unknown key "hart" \(did you mean "harts"\?\)' '{"vms": [
  {"name": "a", "kernel": "k",
   "hart": 2}]}'
bad_config 2:50 'already the name of vms\[0\]' '{"vms": [{"name": "a", "kernel": "k"},
          {"name": "b", "kernel": "k"}, {"name": "a", "kernel": "k"}]}'
bad_config 1:49 'weight: must be an integer from 1 to 10000' \
    '{"vms": [{"name": "a", "kernel": "k", "weight": 0}]}'
bad_config 1:10 'needs a "name"' '{"vms": [{"kernel": "k"}]}'
bad_config 1:1 'must hold one JSON object' '[]'
timeout 30 "$RVISOR" --config "$WORK/nonexistent.json" </dev/null >"$WORK/out" 2>"$WORK/err"
[ $? -eq 2 ] && grep -q 'cannot open' "$WORK/err" && ok "a missing config file" ||
    not_ok "missing config: $(cat "$WORK/err")"
finish
