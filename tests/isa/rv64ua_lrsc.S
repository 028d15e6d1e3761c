/*
 * A extension, LR/SC on one hart: SC without a reservation fails (rd = 1, memory kept);
 * LR then SC to the same address succeeds (rd = 0) and a second SC fails, since every SC
 * clears the reservation; SC to another address fails and also clears it; lr.w
 * sign-extends and sc.w writes only 32 bits; a trap handler that executes an SC between
 * LR and SC makes the later SC fail; a classic LR/SC increment loop converges.
 */
#include "rvtest.h"

RVTEST_BEGIN
    la t0, lrsc_trap
    csrw mtvec, t0
    la a0, lrsc_a
    la a1, lrsc_b

    /* SC with no reservation ever taken: fails, memory unchanged. */
    TEST_CASE(1, a5, 1, li a2, 0x1234; sc.d a5, a2, (a0))
    TEST_CASE(2, a4, 0x1111111111111111, ld a4, 0(a0))
    /* LR / SC pair succeeds. */
    TEST_CASE(3, a4, 0x1111111111111111, lr.d a4, (a0))
    TEST_CASE(4, a5, 0, li a2, 0x2222222222222222; sc.d a5, a2, (a0))
    TEST_CASE(5, a4, 0x2222222222222222, ld a4, 0(a0))
    /* The reservation is gone after a successful SC. */
    TEST_CASE(6, a5, 1, li a2, 0x33; sc.d a5, a2, (a0))
    TEST_CASE(7, a4, 0x2222222222222222, ld a4, 0(a0))
    /* SC to a different address fails, leaves both words alone, and kills the reservation. */
    TEST_CASE(8, a4, 0x2222222222222222, lr.d a4, (a0))
    TEST_CASE(9, a5, 1, li a2, 0x44; sc.d a5, a2, (a1))
    TEST_CASE(10, a4, 0x5555555555555555, ld a4, 0(a1))
    TEST_CASE(11, a5, 1, li a2, 0x45; sc.d a5, a2, (a0))
    TEST_CASE(12, a4, 0x2222222222222222, ld a4, 0(a0))
    /* lr.w sign-extends; sc.w stores only the low word of rs2. */
    TEST_CASE(13, a4, 0xffffffff80000000, li a2, 0x80000000; sw a2, 0(a0); lr.w a4, (a0))
    TEST_CASE(14, a5, 0, li a2, 0x7766554433221100; sc.w.rl a5, a2, (a0))
    TEST_CASE(15, a4, 0x33221100, lwu a4, 0(a0))
    TEST_CASE(16, a4, 0x22222222, lwu a4, 4(a0))
    TEST_CASE(17, a4, 0x33221100, lr.w.aq a4, (a0))
    TEST_CASE(18, a5, 0, li a2, -1; sc.w.aqrl a5, a2, (a0))
    TEST_CASE(19, a4, 0xffffffff, lwu a4, 0(a0))
    /* A trap whose handler executes an SC (to a scratch word) breaks the reservation. */
    TEST_CASE(20, a4, 0x22222222ffffffff, lr.d a4, (a0))
    TEST_CASE(21, s4, 1, li s4, 0; ecall)
    TEST_CASE(22, a5, 1, li a2, 0x66; sc.d a5, a2, (a0))
    TEST_CASE(23, a4, 0x22222222ffffffff, ld a4, 0(a0))
    /* Retry loop: add 1 a hundred times with lr.w / sc.w. */
    li TESTNUM, 24
    sw zero, 0(a1)
    li s5, 100
1:  lr.w t1, (a1)
    addi t1, t1, 1
    sc.w t2, t1, (a1)
    bnez t2, 1b
    addi s5, s5, -1
    bnez s5, 1b
    lw a4, 0(a1)
    CHECK_EQ(a4, 100)
    /* SC with rd = rs2: rd gets the status after the source was read. */
    TEST_CASE(25, a2, 0, lr.d a4, (a1); li a2, 0x77; sc.d a2, a2, (a1))
    TEST_CASE(26, a4, 0x77, ld a4, 0(a1))
    RVTEST_PASS

    /* ecall handler: break the reservation with an SC elsewhere, count, skip the ecall. */
    .align 2
lrsc_trap:
    csrr t0, mcause
    li t1, 11
    bne t0, t1, rvtest_fail
    la t0, lrsc_scratch
    sc.d t1, zero, (t0)
    addi s4, s4, 1
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
RVTEST_END

    .data
    .align 3
lrsc_a:
    .dword 0x1111111111111111
lrsc_b:
    .dword 0x5555555555555555
lrsc_scratch:
    .dword 0
