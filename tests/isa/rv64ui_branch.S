/*
 * RV64I conditional branches: beq, bne, blt, bge, bltu, bgeu, each taken and not taken,
 * signed vs unsigned ordering at the sign boundary, equal operands (bge/bgeu taken), the
 * same register twice, x0 operands, and a backward taken branch.
 */
#include "rvtest.h"

/* The branch must be taken: falling through fails. */
#define TEST_TAKEN(num, inst, v1, v2)                   \
    li TESTNUM, num;                                    \
    li a1, v1;                                          \
    li a2, v2;                                          \
    inst a1, a2, 1f;                                    \
    j rvtest_fail;                                      \
1:

/* The branch must fall through: reaching its target fails. */
#define TEST_NOT_TAKEN(num, inst, v1, v2)               \
    li TESTNUM, num;                                    \
    li a1, v1;                                          \
    li a2, v2;                                          \
    inst a1, a2, 1f;                                    \
    j 2f;                                               \
1:  j rvtest_fail;                                      \
2:

RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings */
    TEST_TAKEN(1, beq, 0, 0)
    TEST_TAKEN(2, beq, -1, -1)
    TEST_NOT_TAKEN(3, beq, 0, 1)
    TEST_NOT_TAKEN(4, beq, 0x100000000, 0)
    TEST_TAKEN(5, bne, 0, 1)
    TEST_TAKEN(6, bne, 0x8000000000000000, 0)
    TEST_NOT_TAKEN(7, bne, -1, -1)
    TEST_NOT_TAKEN(8, bne, 5, 5)

    TEST_TAKEN(10, blt, -1, 0)
    TEST_TAKEN(11, blt, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_TAKEN(12, blt, -2, -1)
    TEST_NOT_TAKEN(13, blt, 0, -1)
    TEST_NOT_TAKEN(14, blt, 3, 3)
    TEST_NOT_TAKEN(15, blt, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_TAKEN(16, bge, 0, -1)
    TEST_TAKEN(17, bge, 3, 3)
    TEST_TAKEN(18, bge, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_NOT_TAKEN(19, bge, -1, 0)
    TEST_NOT_TAKEN(20, bge, 0x8000000000000000, 0x7fffffffffffffff)

    TEST_TAKEN(30, bltu, 0, -1)
    TEST_TAKEN(31, bltu, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_TAKEN(32, bltu, 1, 2)
    TEST_NOT_TAKEN(33, bltu, -1, 0)
    TEST_NOT_TAKEN(34, bltu, 3, 3)
    TEST_NOT_TAKEN(35, bltu, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_TAKEN(36, bgeu, -1, 0)
    TEST_TAKEN(37, bgeu, 3, 3)
    TEST_TAKEN(38, bgeu, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_NOT_TAKEN(39, bgeu, 0, -1)
    TEST_NOT_TAKEN(40, bgeu, 0x100000000, 0x100000001)

    /* same register, x0 */
    li TESTNUM, 50
    li a1, -7
    beq a1, a1, 1f
    j rvtest_fail
1:  blt a1, a1, rvtest_fail_near
    bltu a1, x0, rvtest_fail_near
    li TESTNUM, 51
    bgeu a1, x0, 1f
    j rvtest_fail
1:  li TESTNUM, 52
    blt a1, x0, 1f
    j rvtest_fail
1:  li TESTNUM, 53
    bne x0, x0, rvtest_fail_near

    /* backward taken branch: count a loop down from 3 */
    li TESTNUM, 54
    li a1, 3
    li a4, 0
1:  addi a4, a4, 1
    addi a1, a1, -1
    bnez a1, 1b
    CHECK_EQ(a4, 3)
    j 1f
rvtest_fail_near:
    j rvtest_fail
1:
RVTEST_END
