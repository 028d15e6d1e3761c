/*
 * M extension, multiplication: mul, mulh, mulhsu, mulhu, mulw. Sign combinations of the
 * high-half products at the extremes, mulw sign extension, register aliasing, x0 as rd.
 */
#include "rvtest.h"
RVTEST_BEGIN
    /* mul */
    TEST_RR_OP(1, mul, 0x15, 0x3, 0x7)
    TEST_RR_OP(2, mul, 0xffffffffffffffeb, 0xfffffffffffffffd, 0x7)
    TEST_RR_OP(3, mul, 0x15, 0xfffffffffffffffd, 0xfffffffffffffff9)
    TEST_RR_OP(4, mul, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR_OP(5, mul, 0xfffffffffffffffe, 0x7fffffffffffffff, 0x2)
    TEST_RR_OP(6, mul, 0x236d88fe5618cf00, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR_OP(7, mul, 0x0, 0x0, 0xffffffffffffffff)
    /* mulh */
    TEST_RR_OP(8, mulh, 0x0, 0x3, 0x7)
    TEST_RR_OP(9, mulh, 0x0, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(10, mulh, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(11, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR_OP(12, mulh, 0xc000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(13, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR_OP(14, mulh, 0xffffffffffffffff, 0xfffffffffffffffe, 0x3)
    TEST_RR_OP(15, mulh, 0xffeb49923cc09532, 0x123456789abcdef0, 0xfedcba9876543210)
    /* mulhsu */
    TEST_RR_OP(16, mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(17, mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(18, mulhsu, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR_OP(19, mulhsu, 0x7ffffffffffffffe, 0x7fffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(20, mulhsu, 0xffffffffffffffff, 0xfffffffffffffffe, 0x3)
    TEST_RR_OP(21, mulhsu, 0x1, 0x2, 0xffffffffffffffff)
    TEST_RR_OP(22, mulhsu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
    /* mulhu */
    TEST_RR_OP(23, mulhu, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(24, mulhu, 0x0, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(25, mulhu, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
    TEST_RR_OP(26, mulhu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210)
    TEST_RR_OP(27, mulhu, 0x0, 0xffffffff, 0xffffffff)
    TEST_RR_OP(28, mulhu, 0x1, 0x2, 0x8000000000000000)
    /* mulw */
    TEST_RR_OP(29, mulw, 0x15, 0x3, 0x7)
    TEST_RR_OP(30, mulw, 0xfffffffffffffffe, 0x7fffffff, 0x2)
    TEST_RR_OP(31, mulw, 0x0, 0x10000, 0x10000)
    TEST_RR_OP(32, mulw, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(33, mulw, 0x45678900, 0x123456789, 0x100)
    TEST_RR_OP(34, mulw, 0xffffffff80000000, 0xffffffff80000000, 0xffffffffffffffff)
    /* rd aliases a source; x0 as destination is discarded */
    TEST_CASE(50, a1, 42, li a1, 6; li a2, 7; mul a1, a1, a2)
    TEST_CASE(51, a2, 0xffffffffffffffff, li a1, -1; li a2, 1; mulh a2, a1, a2)
    TEST_CASE(52, a1, 0x1, li a1, 0x100000000; mulhu a1, a1, a1)
    TEST_CASE(53, x0, 0, li a1, 3; li a2, 5; mul x0, a1, a2)
RVTEST_END
