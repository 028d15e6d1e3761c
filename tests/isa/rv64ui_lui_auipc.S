/*
 * RV64I upper immediates: lui sign-extends its 32-bit result (0x80000 and 0xfffff give
 * negative values), auipc adds the sign-extended immediate to its own address (positive,
 * zero and negative immediates), x0 as rd.
 */
#include "rvtest.h"
RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings */
    TEST_CASE(1, a4, 0, lui a4, 0)
    TEST_CASE(2, a4, 0x1000, lui a4, 1)
    TEST_CASE(3, a4, 0x7ffff000, lui a4, 0x7ffff)
    TEST_CASE(4, a4, 0xffffffff80000000, lui a4, 0x80000)
    TEST_CASE(5, a4, 0xfffffffffffff000, lui a4, 0xfffff)
    TEST_CASE(6, a4, 0x12345678, lui a4, 0x12345; addi a4, a4, 0x678)
    TEST_CASE(7, x0, 0, lui x0, 0x12345)

    /* auipc: a4 = label + imm << 12, compared with la + a constant. */
    li TESTNUM, 8
1:  auipc a4, 0
    la a5, 1b
    bne a4, a5, rvtest_fail
    li TESTNUM, 9
1:  auipc a4, 1
    la a5, 1b
    li t0, 0x1000
    add a5, a5, t0
    bne a4, a5, rvtest_fail
    li TESTNUM, 10
1:  auipc a4, 0xfffff
    la a5, 1b
    li t0, -0x1000
    add a5, a5, t0
    bne a4, a5, rvtest_fail
    li TESTNUM, 11
1:  auipc a4, 0x80000
    la a5, 1b
    li t0, 0xffffffff80000000
    add a5, a5, t0
    bne a4, a5, rvtest_fail
    li TESTNUM, 12
1:  auipc a4, 0x7ffff
    la a5, 1b
    li t0, 0x7ffff000
    add a5, a5, t0
    bne a4, a5, rvtest_fail
    TEST_CASE(13, x0, 0, auipc x0, 1)
RVTEST_END
