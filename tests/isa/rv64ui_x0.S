/*
 * RV64I register x0: reads as zero as a source, and every instruction that names it as
 * destination discards its result (addi, lui, auipc, the shifts, add/sub, the W forms, a
 * load, jal and jalr links). The destination check reads x0 through another instruction.
 */
#include "rvtest.h"

#define TEST_X0(num, code...)                           \
    TEST_CASE(num, a4, 0, li a1, 0x5555; code; add a4, x0, x0)

RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings */
    TEST_X0(1, addi x0, x0, 5)
    TEST_X0(2, addi x0, a1, -1)
    TEST_X0(3, lui x0, 0x12345)
    TEST_X0(4, auipc x0, 0x1)
    TEST_X0(5, slli x0, a1, 3)
    TEST_X0(6, srai x0, a1, 1)
    TEST_X0(7, add x0, a1, a1)
    TEST_X0(8, sub x0, x0, a1)
    TEST_X0(9, addiw x0, a1, 1)
    TEST_X0(10, sllw x0, a1, a1)
    TEST_X0(11, la a2, x0_data; ld x0, 0(a2))
    TEST_X0(12, la a2, x0_data; lbu x0, 0(a2))
    TEST_X0(13, jal x0, 1f; 1:)
    TEST_X0(14, la a2, 1f; jalr x0, 0(a2); 1:)
    TEST_X0(15, xori x0, a1, -1; or a4, x0, x0; bnez a4, rvtest_fail)
    /* x0 as a source is zero even right after an attempted write */
    TEST_CASE(16, a4, 0x5555, li a1, 0x5555; addi x0, x0, 1; add a4, a1, x0)
    TEST_CASE(17, a4, 0, li a1, 0x5555; sltu a4, a1, x0)
    TEST_CASE(18, a4, 1, li a1, 0x5555; sltu a4, x0, a1)
    /* storing x0 writes zeros */
    TEST_CASE(19, a4, 0, la a2, x0_data; sd x0, 0(a2); ld a4, 0(a2))
RVTEST_END

    .data
    .align 3
x0_data:
    .dword 0x8877665544332211
