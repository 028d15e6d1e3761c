#!/usr/bin/env bash
# Running programs: finisher exit codes, HTIF, --max-insns, --timeout, faults, --trace, -m,
# the demo guest.
source "$(dirname "$0")/common.bash"

build pass '.globl _start
.section .text.init
_start: li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); j .'
build fail42 '.globl _start
.section .text.init
_start: li t0, 0x100000; li t1, (42 << 16) | 0x3333; sw t1, 0(t0); j .'
build spin '.globl _start
.section .text.init
_start: addi a0, a0, 1; j _start'
build illegal '.globl _start
.section .text.init
_start: csrw mtvec, zero; li a0, 1; .word 0; j .'
build wfi_forever '.globl _start
.section .text.init
_start: csrw mie, zero; wfi; j _start'
# HTIF: print "hi\n" through the console device, then exit through tohost.
htif_src() { # $1 = exit value written to tohost
    echo '.globl _start
.section .tohost, "aw"
.align 6
.globl tohost
tohost: .dword 0
.align 6
.globl fromhost
fromhost: .dword 0
.text
.section .text.init
_start:
    la a1, tohost
    la a2, fromhost
    la a3, msg
1:  lbu a4, 0(a3)
    beqz a4, 3f
    li t0, 0x0101000000000000
    or t0, t0, a4
    sd t0, 0(a1)
2:  ld t1, 0(a2)
    beqz t1, 2b
    sd zero, 0(a2)
    addi a3, a3, 1
    j 1b
3:  li t0, '"$1"'
    sd t0, 0(a1)
    j 3b
msg: .asciz "hi from htif\n"'
}
build htif_pass "$(htif_src 1)"
build htif_fail "$(htif_src $(((9 << 1) | 1)))"

expect_status 0 "finisher 0x5555 exits 0" -- -M virt -bios none -kernel "$WORK/pass.elf"
expect_status 42 "finisher 0x3333|42<<16 exits 42" -- -M virt -bios none -kernel "$WORK/fail42.elf"
expect_status 124 "--max-insns stops a spinning guest" -- -M virt -bios none --max-insns 100000 \
    -kernel "$WORK/spin.elf"
expect_output "--max-insns says why" "instruction limit reached after 100000 instructions" \
    "$WORK/err"
expect_status 126 "--timeout stops a spinning guest" -- -M virt -bios none --timeout 0.2 \
    -kernel "$WORK/spin.elf"
expect_output "--timeout says why" "time limit reached after [0-9]+ instructions" "$WORK/err"
expect_status 123 "an illegal instruction without a trap handler is a fault" -- -M virt \
    -bios none -kernel "$WORK/illegal.elf"
expect_output "the fault names cause and pc" \
    "illegal instruction at pc 0x8000000[0-9a-f] \(tval 0x0\) on hart 0, and no M-mode trap handler" \
    "$WORK/err"
expect_status 123 "the same on 2 harts and 2 threads" -- -M virt -bios none -smp 2 \
    --threads 2 -kernel "$WORK/illegal.elf"
expect_status 0 "HTIF pass" -- -M virt -bios none -kernel "$WORK/htif_pass.elf"
expect_output "HTIF console output" "^hi from htif$"
expect_status 9 "HTIF failure code" -- -M virt -bios none -kernel "$WORK/htif_fail.elf"
expect_status 125 "WFI with nothing to wake it ends the run" -- -M virt -bios none \
    --deterministic -kernel "$WORK/wfi_forever.elf"
expect_status 0 "-m with a suffix" -- -M virt -bios none -m 1G -kernel "$WORK/pass.elf"
expect_status 0 "-m in plain MiB" -- -M virt -bios none -m 32 -kernel "$WORK/pass.elf"
expect_status 124 "--trace" -- -M virt -bios none --trace --max-insns 4 -kernel "$WORK/spin.elf"
expect_output "--trace disassembles" "0x0000000080000000 \(0x0505\) +c\.addi +a0,a0,1" "$WORK/err"
expect_output "--trace shows the jump" "c\.jal +zero,0x80000000" "$WORK/err"

demo="$(dirname "$RVISOR")/roms/demo.elf"
if [ -f "$demo" ]; then
    expect_status 0 "demo guest" -- -M virt -bios none -m 64M -kernel "$demo"
    expect_output "demo counts primes" "primes below 100000: 9592"
    expect_output "demo reports its ISA" "ISA rv64acdfimsu"
else
    not_ok "demo guest not built at $demo"
fi
finish
