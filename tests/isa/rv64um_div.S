/*
 * M extension, division: div, divu, rem, remu and the W forms. Division by zero (quotient
 * all ones, remainder = dividend), signed overflow (most negative / -1: quotient = dividend,
 * remainder 0) for 64 and 32 bits, remainder sign following the dividend, W forms ignoring
 * the upper 32 bits of their operands and sign-extending results.
 */
#include "rvtest.h"
RVTEST_BEGIN
    /* div */
    TEST_RR_OP(1, div, 0x3, 0x14, 0x6)
    TEST_RR_OP(2, div, 0xfffffffffffffffd, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(3, div, 0xfffffffffffffffd, 0x14, 0xfffffffffffffffa)
    TEST_RR_OP(4, div, 0x3, 0xffffffffffffffec, 0xfffffffffffffffa)
    TEST_RR_OP(5, div, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR_OP(6, div, 0x8000000000000000, 0x8000000000000000, 0x1)
    TEST_RR_OP(7, div, 0xffffffffffffffff, 0x5, 0x0)
    TEST_RR_OP(8, div, 0xffffffffffffffff, 0xfffffffffffffffb, 0x0)
    TEST_RR_OP(9, div, 0xffffffffffffffff, 0x0, 0x0)
    /* divu */
    TEST_RR_OP(10, divu, 0x3, 0x14, 0x6)
    TEST_RR_OP(11, divu, 0x2aaaaaaaaaaaaaa7, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(12, divu, 0x0, 0x14, 0xfffffffffffffffa)
    TEST_RR_OP(13, divu, 0x0, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR_OP(14, divu, 0xffffffffffffffff, 0x5, 0x0)
    TEST_RR_OP(15, divu, 0xffffffffffffffff, 0x0, 0x0)
    /* rem */
    TEST_RR_OP(16, rem, 0x2, 0x14, 0x6)
    TEST_RR_OP(17, rem, 0xfffffffffffffffe, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(18, rem, 0x2, 0x14, 0xfffffffffffffffa)
    TEST_RR_OP(19, rem, 0xfffffffffffffffe, 0xffffffffffffffec, 0xfffffffffffffffa)
    TEST_RR_OP(20, rem, 0x0, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR_OP(21, rem, 0x5, 0x5, 0x0)
    TEST_RR_OP(22, rem, 0xfffffffffffffffb, 0xfffffffffffffffb, 0x0)
    TEST_RR_OP(23, rem, 0x0, 0x0, 0x0)
    /* remu */
    TEST_RR_OP(24, remu, 0x2, 0x14, 0x6)
    TEST_RR_OP(25, remu, 0x2, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(26, remu, 0x14, 0x14, 0xfffffffffffffffa)
    TEST_RR_OP(27, remu, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR_OP(28, remu, 0x5, 0x5, 0x0)
    TEST_RR_OP(29, remu, 0xfffffffffffffffb, 0xfffffffffffffffb, 0x0)
    /* divw */
    TEST_RR_OP(30, divw, 0x3, 0x14, 0x6)
    TEST_RR_OP(31, divw, 0xfffffffffffffffd, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(32, divw, 0xfffffffffffffffd, 0x14, 0xfffffffffffffffa)
    TEST_RR_OP(33, divw, 0xffffffff80000000, 0xffffffff80000000, 0xffffffffffffffff)
    TEST_RR_OP(34, divw, 0xffffffff80000000, 0x80000000, 0xffffffffffffffff)
    TEST_RR_OP(35, divw, 0xffffffffffffffff, 0x5, 0x0)
    TEST_RR_OP(36, divw, 0x3, 0x100000014, 0x6)
    TEST_RR_OP(37, divw, 0xffffffff80000001, 0x7fffffff, 0xffffffffffffffff)
    /* divuw */
    TEST_RR_OP(38, divuw, 0x3, 0x14, 0x6)
    TEST_RR_OP(39, divuw, 0x2aaaaaa7, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(40, divuw, 0xffffffffffffffff, 0xffffffff, 0x1)
    TEST_RR_OP(41, divuw, 0xffffffff80000000, 0x80000000, 0x1)
    TEST_RR_OP(42, divuw, 0xffffffffffffffff, 0x5, 0x0)
    TEST_RR_OP(43, divuw, 0x3, 0x100000014, 0x100000006)
    /* remw */
    TEST_RR_OP(44, remw, 0x2, 0x14, 0x6)
    TEST_RR_OP(45, remw, 0xfffffffffffffffe, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(46, remw, 0x2, 0x14, 0xfffffffffffffffa)
    TEST_RR_OP(47, remw, 0x0, 0xffffffff80000000, 0xffffffffffffffff)
    TEST_RR_OP(48, remw, 0x5, 0x5, 0x0)
    TEST_RR_OP(49, remw, 0xfffffffffffffffb, 0xfffffffffffffffb, 0x0)
    TEST_RR_OP(50, remw, 0xffffffff80000005, 0x80000005, 0x0)
    TEST_RR_OP(51, remw, 0x2, 0x100000014, 0x6)
    /* remuw */
    TEST_RR_OP(52, remuw, 0x2, 0x14, 0x6)
    TEST_RR_OP(53, remuw, 0x2, 0xffffffffffffffec, 0x6)
    TEST_RR_OP(54, remuw, 0x5, 0x5, 0x0)
    TEST_RR_OP(55, remuw, 0xffffffff80000005, 0x80000005, 0x0)
    TEST_RR_OP(56, remuw, 0xf, 0xffffffff, 0x10)
    TEST_RR_OP(57, remuw, 0x2, 0x100000014, 0x100000006)
    TEST_CASE(80, a1, 3, li a1, 21; li a2, 7; div a1, a1, a2)
    TEST_CASE(81, x0, 0, li a1, 21; li a2, 7; divu x0, a1, a2)
RVTEST_END
