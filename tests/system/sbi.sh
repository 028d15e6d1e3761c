#!/usr/bin/env bash
# rvisor's built-in SBI, function by function, from an S-mode guest (tests/guest/sbi_calls.c).
source "$(dirname "$0")/common.bash"
G="$HERE/../guest"
"$RISCV_CC" -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -ffreestanding -fno-pic -no-pie \
    -nostdlib -nostartfiles -static -T "$G/sbi.ld" -Wl,--build-id=none \
    -Wl,--no-warn-rwx-segments -o "$WORK/sbi.elf" "$G/sbi_start.S" "$G/sbi_calls.c" -lgcc ||
    { not_ok "cannot build the SBI guest"; finish; exit 1; }
expect_status 0 "SBI guest shuts down cleanly" -- -M virt -smp 2 -m 64M -kernel "$WORK/sbi.elf"
expect_output "all SBI checks passed" "^sbi: all passed$"
expect_output "legacy console_putchar" "^L$"
expect_output "DBCN console" "^D$"
grep '^FAIL' "$WORK/out" | sed 's/^/    /'
finish
