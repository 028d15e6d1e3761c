#!/usr/bin/env bash
# Bad input never crashes rvisor: every case gives one "rvisor: ..." line and status 2.
source "$(dirname "$0")/common.bash"

build good '.globl _start
.section .text.init
_start: li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); j .'
build outside '.globl _start
.section .text.init
_start: j .' 0x90000000

bad() { # description, then rvisor arguments
    local what=$1
    shift
    expect_status 2 "$what" -- "$@"
    expect_one_error_line "$what"
}

head -c 40 "$WORK/good.elf" >"$WORK/truncated_header.elf"
head -c 200 "$WORK/good.elf" >"$WORK/truncated_body.elf"
head -c 4096 /dev/urandom >"$WORK/garbage.data"
printf '\177ELF' >"$WORK/magic_only.elf"
: >"$WORK/empty.elf"
# A well-formed ELF for another machine: patch e_machine of ours to x86-64 (62).
cp "$WORK/good.elf" "$WORK/x86.elf"
printf '\076\000' | dd of="$WORK/x86.elf" bs=1 seek=18 conv=notrunc status=none

bad "missing kernel file" -M virt -bios none -kernel "$WORK/does-not-exist.elf"
bad "empty kernel file" -M virt -bios none -kernel "$WORK/empty.elf"
bad "kernel with only the ELF magic" -M virt -bios none -kernel "$WORK/magic_only.elf"
bad "truncated ELF header" -M virt -bios none -kernel "$WORK/truncated_header.elf"
bad "truncated ELF segments" -M virt -bios none -kernel "$WORK/truncated_body.elf"
bad "garbage kernel" -M virt -bios none -kernel "$WORK/garbage.data"
bad "ELF for another machine" -M virt -bios none -kernel "$WORK/x86.elf"
bad "segments outside RAM" -M virt -bios none -m 16M -kernel "$WORK/outside.elf"
bad "a directory as kernel" -M virt -bios none -kernel "$WORK"
bad "zero RAM" -M virt -bios none -m 0 -kernel "$WORK/good.elf"
bad "absurd RAM" -M virt -bios none -m 99999999999999G -kernel "$WORK/good.elf"
bad "RAM larger than supported" -M virt -bios none -m 4T -kernel "$WORK/good.elf"
bad "non-numeric RAM" -M virt -bios none -m lots -kernel "$WORK/good.elf"
bad "negative RAM" -M virt -bios none -m -5M -kernel "$WORK/good.elf"
bad "unknown option" -M virt -bios none --frobnicate -kernel "$WORK/good.elf"
bad "missing option argument" -M virt -bios none -kernel
bad "unknown machine" -M sifive_u -bios none -kernel "$WORK/good.elf"
bad "zero harts" -M virt -bios none -smp 0 -kernel "$WORK/good.elf"
bad "bad instruction limit" -M virt -bios none --max-insns 12abc -kernel "$WORK/good.elf"
bad "non-numeric time limit" -M virt -bios none --timeout soon -kernel "$WORK/good.elf"
bad "zero time limit" -M virt -bios none --timeout 0 -kernel "$WORK/good.elf"
bad "negative time limit" -M virt -bios none --timeout -1 -kernel "$WORK/good.elf"
bad "no kernel at all" -M virt -bios none
expect_status 0 "the good ELF runs" -- -M virt -bios none -kernel "$WORK/good.elf"
expect_status 0 "--help" -- --help
expect_output "--help lists -kernel" "-kernel"
finish
