/*
 * Entry of the bare-metal SMP tests: every hart arrives here at once in M-mode with
 * a0 = hart id (rvisor -bios none). Each takes its own stack and calls main(hartid);
 * RAM and .bss start out zero (fresh guest RAM, ELF loader), so nothing is cleared here:
 * a hart clearing .bss could wipe what a faster hart already wrote.
 */
    .section .text.start
    .globl _start
_start:
    csrr a0, mhartid
    li t0, 32
    bgeu a0, t0, 2f          /* no stack for it: park */
    la sp, __stacks
    li t0, 0x4000
    addi t1, a0, 1
    mul t0, t0, t1
    add sp, sp, t0
    call main
2:  csrw mie, zero
1:  wfi
    j 1b
