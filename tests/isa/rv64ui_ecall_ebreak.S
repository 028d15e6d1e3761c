/*
 * RV64I environment instructions and fences: ecall from M-mode traps with mcause 11 and
 * ebreak with mcause 3, both with mepc = the instruction's address and no register
 * written; execution resumes after them when the handler advances mepc by 4. fence (all
 * forms) and fence.i execute as ordering no-ops and leave registers alone.
 */
#include "rvtest.h"

RVTEST_BEGIN
    .option norvc /* ebreak must be the 32-bit encoding */
    la t0, env_trap
    csrw mtvec, t0

    li TESTNUM, 1
    li s2, 0
    li s4, 0
    li a0, 0x1234
1:  ecall
    CHECK_EQ(s2, 11)
    la t0, 1b
    bne s4, t0, rvtest_fail
    CHECK_EQ(a0, 0x1234)

    li TESTNUM, 2
    li s2, 0
    li s4, 0
1:  ebreak
    CHECK_EQ(s2, 3)
    la t0, 1b
    bne s4, t0, rvtest_fail
    CHECK_EQ(a0, 0x1234)

    /* two traps in a row: the handler count goes to 2 */
    li TESTNUM, 3
    li s5, 0
    ecall
    ebreak
    CHECK_EQ(s5, 2)

    li TESTNUM, 4
    li a1, 77
    fence
    fence rw, rw
    fence r, w
    fence iorw, iorw
    fence.tso
    fence.i
    CHECK_EQ(a1, 77)

    /* fence.i makes a store to the instruction stream visible to fetch */
    li TESTNUM, 5
    la t0, 1f
    li t1, 0x02a00513 /* addi a0, zero, 42 */
    sw t1, 0(t0)
    fence.i
    li a0, 0
1:  addi a0, zero, 1
    CHECK_EQ(a0, 42)
    RVTEST_PASS

    .align 2
env_trap:
    csrr s2, mcause
    csrr s4, mepc
    addi s5, s5, 1
    addi t0, s4, 4
    csrw mepc, t0
    mret
RVTEST_END
