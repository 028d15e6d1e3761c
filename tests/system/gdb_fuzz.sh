#!/usr/bin/env bash
# The GDB stub under malformed input (gdb_fuzz.py: bad checksums, no '#', oversized
# packets, binary junk, a packet cut mid-way, huge lengths, registers out of range, ...):
# every bad packet gets a nak or an error reply, rvisor keeps running the guest, and a
# real gdb-multiarch can attach afterwards and kill the VM (exit status 0).
source "$(dirname "$0")/common.bash"
source "$HERE/gdb_common.bash"

build spin '
    .section .text.init
    .globl _start
_start:
    li t0, 0
1:  addi t0, t0, 1
    j 1b
' || { not_ok "cannot build the guest"; finish; exit 1; }

start_stub "$WORK/rv" -M virt -bios none -m 64M -kernel "$WORK/spin.elf" || { finish; exit 1; }
timeout 120 python3 "$HERE/gdb_fuzz.py" "$PORT" >"$WORK/fuzz.out" 2>&1
status=$?
grep -E '^(ok|FAIL):' "$WORK/fuzz.out" | sed 's/^/fuzz: /'
if [ "$status" -eq 0 ]; then ok "every malformed input was answered"
else not_ok "the fuzz client failed (status $status):"; tail -5 "$WORK/fuzz.out"; fi
if kill -0 "$RV_PID" 2>/dev/null; then ok "rvisor still runs"; else not_ok "rvisor died"; fi

run_gdb "$WORK/gdb" "$WORK/spin.elf" '
printf "T:t0 %d\n", $t0 > 0
kill'
expect_output "gdb attaches after the junk and reads a register" '^T:t0 1' "$WORK/gdb"
expect_output "gdb kills the VM" 'Inferior 1 .* killed' "$WORK/gdb"
wait_stub 0 "rvisor ends after kill"

finish
