/*
 * RV64I 32-bit arithmetic: addw, subw, addiw. Results are the low 32 bits sign-extended
 * (0x7fffffff + 1 becomes negative, upper operand bits are ignored); sext.w = addiw rd, rs, 0.
 */
#include "rvtest.h"
RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings */
    /* addw */
    TEST_RR_OP(1, addw, 0xffffffff80000000, 0x7fffffff, 0x1)
    TEST_RR_OP(2, addw, 0x0, 0xffffffff, 0x1)
    TEST_RR_OP(3, addw, 0x0, 0x100000000, 0x0)
    TEST_RR_OP(4, addw, 0xffffffff89abcdef, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(5, addw, 0x0, 0x80000000, 0x80000000)
    TEST_RR_OP(6, addw, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
    /* subw */
    TEST_RR_OP(7, subw, 0x7fffffff, 0x80000000, 0x1)
    TEST_RR_OP(8, subw, 0xffffffffffffffff, 0x0, 0x1)
    TEST_RR_OP(9, subw, 0x0, 0x100000005, 0x5)
    TEST_RR_OP(10, subw, 0xffffffff89abcdef, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(11, subw, 0xffffffff80000000, 0x7fffffff, 0xffffffffffffffff)
    /* addiw */
    TEST_IMM_OP(12, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_IMM_OP(13, addiw, 0x0, 0xffffffff, 1)
    TEST_IMM_OP(14, addiw, 0xffffffff89abcdef, 0x8123456789abcdef, 0)
    TEST_IMM_OP(15, addiw, 0xfffffffffffff800, 0x0, -2048)
    TEST_IMM_OP(16, addiw, 0x7fffffff, 0x80000000, -1)
    TEST_IMM_OP(17, addiw, 0x7ff, 0x100000000, 2047)
    TEST_CASE(30, a4, 0xffffffff80000000, li a1, 0x1234567880000000; sext.w a4, a1)
    TEST_CASE(31, a4, 0x7fffffff, li a1, 0xffffffff7fffffff; sext.w a4, a1)
RVTEST_END
