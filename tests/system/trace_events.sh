#!/usr/bin/env bash
# -d event traces: a bare-metal program that does an ecall from U-mode, an access to an
# unimplemented CSR (illegal instruction) and a load from an unmapped page under Sv39; the
# -d int trace must show those three traps in that order, -d mmu the failing walk, -d unimp
# the CSR and the illegal instruction. -d sbi shows built-in SBI calls of an S-mode
# program; -d guest_errors sends every device-misuse line to the -D file (without it they
# stay rate-limited on stderr). -d help, an unknown item, and a -D file that cannot be made.
source "$(dirname "$0")/common.bash"

build traps '
    .section .text.init
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t0, -1                      # PMP: everything, for every mode
    csrw pmpaddr0, t0
    li t0, 0x1f                    # NAPOT, RWX
    csrw pmpcfg0, t0
    la t0, root                    # Sv39: one gigapage 0x80000000 -> itself, U, RWX
    li t1, 0x200000df
    sd t1, 16(t0)
    srli t0, t0, 12
    li t1, 8
    slli t1, t1, 60
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
    la t0, user
    csrw mepc, t0
    li t0, 0x1800                  # MPP = U
    csrc mstatus, t0
    mret
user:
    li a7, 93
    ecall                          # trap 1: ecall from U
    csrr a0, 0x7c0                 # trap 2: unimplemented CSR -> illegal instruction
    li t0, 0x40000000
    ld a0, 0(t0)                   # trap 3: load page fault (nothing mapped there)
1:  j 1b
handler:
    csrr t0, mcause
    li t1, 13
    beq t0, t1, done
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
done:
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
    .section .data
    .align 12
root:
    .space 4096
' || { not_ok "cannot build the trap program"; finish; exit 1; }

expect_status 0 "-d int,mmu,unimp runs the trap program" -- -M virt -bios none -m 64M \
    -d int,mmu,unimp -D "$WORK/trace.log" -kernel "$WORK/traps.elf"
grep -E '^hart 0: int: ' "$WORK/trace.log" | sed -E 's/.*\(([a-z-]+[A-Z]?)\).*/\1/' \
    >"$WORK/causes"
if [ "$(tr '\n' ' ' <"$WORK/causes")" = "ecall-from-U illegal-insn load-page-fault " ]; then
    ok "-d int: ecall, illegal instruction, page fault, in order"
else
    not_ok "-d int: causes were: $(tr '\n' ' ' <"$WORK/causes")"; head -20 "$WORK/trace.log"
fi
expect_output "-d int: cause number, epc, privilege change, vector" \
    '^hart 0: int: exception 8 \(ecall-from-U\) epc=0x[0-9a-f]+ tval=0x0 U->M target=M-mode vector=0x8' \
    "$WORK/trace.log"
expect_output "-d int: page fault tval is the address" \
    'int: exception 13 \(load-page-fault\) .*tval=0x40000000 U->M' "$WORK/trace.log"
expect_output "-d mmu: the failing walk, level by level" \
    '^hart 0: mmu: load va=0x40000000 sv39 U-mode root=0x[0-9a-f]+ L2 pte@0x[0-9a-f]+=0x0 -> page fault' \
    "$WORK/trace.log"
expect_output "-d mmu: a successful walk of the gigapage" \
    'mmu: fetch va=0x8000[0-9a-f]+ sv39 U-mode .* L2 pte@0x[0-9a-f]+=0x200000df -> pa=0x8000' \
    "$WORK/trace.log"
expect_output "-d unimp: the unimplemented CSR" \
    'unimp: read of unimplemented CSR 0x7c0 at pc=0x[0-9a-f]+ in U-mode' "$WORK/trace.log"
expect_output "-d unimp: the illegal instruction, disassembled" \
    'unimp: illegal instruction 0x7c002573 at pc=0x[0-9a-f]+ in U-mode: csrr' "$WORK/trace.log"
if [ -s "$WORK/err" ]; then not_ok "-D: stderr not empty"; head -3 "$WORK/err"
else ok "-D: nothing on stderr"; fi

# -d int to stderr; without -d nothing is printed.
expect_status 0 "-d int to stderr" -- -M virt -bios none -m 64M -d int -kernel "$WORK/traps.elf"
expect_output "-d int without -D: lines on stderr" 'int: exception 13' "$WORK/err"
expect_status 0 "no -d" -- -M virt -bios none -m 64M -kernel "$WORK/traps.elf"
if [ -s "$WORK/err" ]; then not_ok "no -d: stderr not empty"; else ok "no -d: stderr empty"; fi

# -d sbi: an S-mode program on the built-in SBI.
build sbi '
    .section .text.init
    .globl _start
_start:
    li a7, 0x10                    # BASE get_spec_version
    li a6, 0
    ecall
    li a7, 0x53525354              # SRST: shutdown, no reason
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
1:  j 1b
' 0x80200000 || { not_ok "cannot build the SBI program"; finish; exit 1; }
expect_status 0 "-d sbi: S-mode program shuts down" -- -M virt -m 64M -d sbi \
    -kernel "$WORK/sbi.elf"
expect_output "-d sbi: BASE call and its result" \
    '^hart 0: sbi: ext=0x10 \(BASE\) fid=0 a0=0x[0-9a-f]+ .* -> error=0 value=0x2000000' \
    "$WORK/err"
expect_output "-d sbi: SRST call" 'sbi: ext=0x53525354 \(SRST\) fid=0 a0=0x0 a1=0x0' "$WORK/err"

# -d guest_errors: ten unknown finisher commands, then a pass.
build gerr '
    .section .text.init
    .globl _start
_start:
    li t0, 0x100000
    li t1, 0x1234
    li t2, 10
1:  sw t1, 0(t0)
    addi t2, t2, -1
    bnez t2, 1b
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
' || { not_ok "cannot build the guest-error program"; finish; exit 1; }
expect_status 0 "guest errors without -d" -- -M virt -bios none -m 64M -kernel "$WORK/gerr.elf"
n=$(grep -c 'sifive_test: guest error: unknown command 0x1234' "$WORK/err")
if [ "$n" -ge 1 ] && [ "$n" -le 5 ]; then ok "without -d: rate-limited on stderr ($n lines)"
else not_ok "without -d: $n lines on stderr"; fi
expect_status 0 "-d guest_errors -D" -- -M virt -bios none -m 64M -d guest_errors \
    -D "$WORK/gerr.log" -kernel "$WORK/gerr.elf"
n=$(grep -c '^guest_error: sifive_test: unknown command 0x1234' "$WORK/gerr.log")
if [ "$n" -eq 10 ]; then ok "-d guest_errors: all 10 lines in the -D file"
else not_ok "-d guest_errors: $n lines in the file"; fi
if grep -q 'guest error' "$WORK/err"; then not_ok "-d guest_errors: still on stderr"
else ok "-d guest_errors: none on stderr"; fi

# Usage.
expect_status 0 "-d help" -- -d help
expect_output "-d help lists the items" '^  guest_errors ' "$WORK/out"
expect_status 2 "-d with an unknown item" -- -d int,bogus -bios none -kernel "$WORK/traps.elf"
expect_one_error_line "-d with an unknown item"
expect_output "-d unknown item is named" "unknown -d item 'bogus'" "$WORK/err"
expect_status 2 "-D in a missing directory" -- -d int -D "$WORK/no/such/dir/log" -bios none \
    -kernel "$WORK/traps.elf"
expect_one_error_line "-D in a missing directory"

finish
