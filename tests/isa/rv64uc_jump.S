/*
 * C extension (RV64), control transfer: c.j forward and backward at its range limits
 * (+2046, -2048), c.beqz / c.bnez taken and not taken (a value with only upper bits set is
 * nonzero) at their limits (+254, -256), c.jr (bit 0 of the target cleared), c.jalr (link
 * = pc + 2; target read before the link is written when rs1 = ra), c.ebreak (mcause 3,
 * mepc = its address). RV64 has no c.jal: that encoding is c.addiw (see rv64uc_alu).
 */
#include "rvtest.h"

RVTEST_BEGIN
    .option rvc
    la t0, cj_trap
    csrw mtvec, t0

    /* c.j forward by the maximum, 2046 bytes */
    li TESTNUM, 1
    c.j 1f
    .fill 1022, 2, 0x0001 /* c.nop padding: 2 + 2044 bytes */
    j rvtest_fail
1:  /* back over exactly -2048 bytes */
    li TESTNUM, 2
    j 3f
2:  j 4f
    .fill 1016, 2, 0x0001
3:  c.j 2b
    j rvtest_fail
4:
    /* c.beqz / c.bnez */
    li TESTNUM, 3
    li a0, 0
    c.beqz a0, 1f
    j rvtest_fail
1:  li TESTNUM, 4
    li a0, 0x100000000
    c.beqz a0, rvtest_fail_near
    li TESTNUM, 5
    c.bnez a0, 1f
    j rvtest_fail
1:  li TESTNUM, 6
    li s1, 0
    c.bnez s1, rvtest_fail_near
    li TESTNUM, 7
    li a5, 0x8000000000000000
    c.bnez a5, 1f
    j rvtest_fail
    .fill 124, 2, 0x0001
1:  li TESTNUM, 8 /* c.bnez by -256 */
    li s0, 1
    j 3f
2:  j 4f
    .fill 124, 2, 0x0001
3:  c.bnez s0, 2b
    j rvtest_fail
4:  li TESTNUM, 9 /* c.beqz by +254 */
    li s0, 0
    c.beqz s0, 1f
    .fill 126, 2, 0x0001
1:  nop

    /* c.jr */
    li TESTNUM, 10
    la t1, 1f
    c.jr t1
    j rvtest_fail
1:  li TESTNUM, 11
    la t1, 1f
    addi t1, t1, 1 /* bit 0 is ignored */
    c.jr t1
    j rvtest_fail
1:
    /* c.jalr: link is the address of the next (2-byte) instruction */
    li TESTNUM, 12
    la t2, 1f
    c.jalr t2
2:  j rvtest_fail
1:  la t0, 2b
    bne ra, t0, rvtest_fail
    li TESTNUM, 13
    la ra, 1f
    c.jalr ra
2:  j rvtest_fail
1:  la t0, 2b
    bne ra, t0, rvtest_fail

    /* c.ebreak traps with cause 3; the handler records mcause and mepc, skips 2 bytes */
    li TESTNUM, 14
    li s2, 0
    li s4, 0
1:  c.ebreak
    CHECK_EQ(s2, 3)
    la t0, 1b
    bne s4, t0, rvtest_fail
    RVTEST_PASS

rvtest_fail_near:
    j rvtest_fail

    .align 2
cj_trap:
    csrr s2, mcause
    csrr s4, mepc
    addi t0, s4, 2
    csrw mepc, t0
    mret
RVTEST_END
