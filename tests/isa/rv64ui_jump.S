/*
 * RV64I jumps: jal and jalr link values (address of the next instruction), forward and
 * backward jal, jal/jalr with rd = x0 writing nothing, jalr with positive and negative
 * offsets, jalr clearing bit 0 of the target, and jalr with rd = rs1 (the target is
 * computed from the old value).
 */
#include "rvtest.h"
RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings: the link value is pc + 4 */
    /* jal forward: link = address after the jal */
    li TESTNUM, 1
    li a4, 0
    jal a4, 1f
2:  j rvtest_fail
1:  la a5, 2b
    bne a4, a5, rvtest_fail

    /* jal backward, via a trampoline placed before the jal */
    li TESTNUM, 2
    j 3f
1:  j 4f
3:  jal a4, 1b
2:  j rvtest_fail
4:  la a5, 2b
    bne a4, a5, rvtest_fail

    /* jal x0 (j) does not write x0 */
    TEST_CASE(3, x0, 0, jal x0, 1f; j rvtest_fail; 1:)

    /* jalr to a register, link = next instruction */
    li TESTNUM, 4
    la a1, 1f
    jalr a4, 0(a1)
2:  j rvtest_fail
1:  la a5, 2b
    bne a4, a5, rvtest_fail

    /* jalr with positive offset */
    li TESTNUM, 5
    la a1, 1f
    addi a1, a1, -16
    jalr a4, 16(a1)
    j rvtest_fail
1:
    /* jalr with negative offset (the immediate's extreme, -2048) */
    li TESTNUM, 6
    la a1, 1f
    li t0, 2048
    add a1, a1, t0
    jalr a4, -2048(a1)
    j rvtest_fail
1:
    /* jalr clears bit 0 of rs1 + imm: odd register value, and odd immediate */
    li TESTNUM, 7
    la a1, 1f
    addi a1, a1, 1
    jalr a4, 0(a1)
    j rvtest_fail
1:  li TESTNUM, 8
    la a1, 1f
    jalr a4, 1(a1)
    j rvtest_fail
1:  li TESTNUM, 9
    la a1, 1f
    addi a1, a1, -1
    jalr a4, 2(a1)
    j rvtest_fail
1:
    /* jalr with rd = rs1: jumps to the old value, then holds the link */
    li TESTNUM, 10
    la a1, 1f
    jalr a1, 0(a1)
2:  j rvtest_fail
1:  la a5, 2b
    bne a1, a5, rvtest_fail

    /* jalr x0 (a plain jump / ret) writes nothing */
    li TESTNUM, 11
    la a1, 1f
    jalr x0, 0(a1)
    j rvtest_fail
1:  bnez x0, rvtest_fail

    /* call / ret through ra */
    li TESTNUM, 12
    li a4, 0
    call jump_sub
    CHECK_EQ(a4, 0x55)
    j 1f
jump_sub:
    li a4, 0x55
    ret
1:
RVTEST_END
