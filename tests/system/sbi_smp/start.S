/*
 * Entries of the S-mode SBI SMP test guest. _start: the boot hart, from the SBI, with
 * a0 = hart id, a1 = DTB; it clears .bss (the other harts are STOPPED) and calls
 * main(hartid). secondary_entry and resume_entry: HSM hart_start and non-retentive
 * hart_suspend targets, with a0 = hart id, a1 = opaque; satp and sstatus.SIE are read
 * before anything can change them and passed on as arguments 3 and 4. On these harts
 * any trap is unexpected: secondary_trap records scause and the hart stops itself.
 */
    .section .text.start
    .globl _start
_start:
    mv s0, a0
    call set_stack
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  mv a0, s0
    call main
3:  wfi
    j 3b

    .globl secondary_entry
    .align 2
secondary_entry:
    csrr a2, satp
    csrr a3, sstatus
    la t0, secondary_trap
    csrw stvec, t0
    call set_stack
    call secondary_main
4:  wfi
    j 4b

    .globl resume_entry
    .align 2
resume_entry:
    csrr a2, satp
    csrr a3, sstatus
    la t0, secondary_trap
    csrw stvec, t0
    call set_stack
    call resume_main
5:  wfi
    j 5b

    .align 2
secondary_trap:
    csrr t0, scause
    la t1, secondary_trap_cause
    sd t0, 0(t1)
    li a7, 0x48534d          /* HSM hart_stop */
    li a6, 1
    ecall
7:  j 7b

/* sp = the top of the stack of hart a0 (preserves a0-a3; uses t0, t1). */
set_stack:
    li t0, 32
    bgeu a0, t0, 6f
    la sp, __stacks
    li t0, 0x4000
    addi t1, a0, 1
    mul t0, t0, t1
    add sp, sp, t0
    ret
6:  wfi
    j 6b
