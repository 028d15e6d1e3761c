/*
 * Zbs: bclr, bset, binv, bext (register index taken mod 64: 64, 65 and -1 included) and the
 * immediate forms bclri, bseti, binvi, bexti at indices 0, 31, 32, 63.
 */
#include "rvtest.h"
RVTEST_BEGIN
    /* bclr */
    TEST_RR_OP(1, bclr, 0x8123456789abcdee, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(2, bclr, 0x8123456789abcded, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(3, bclr, 0x8123456709abcdef, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(4, bclr, 0x8123456689abcdef, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(5, bclr, 0x123456789abcdef, 0x8123456789abcdef, 0x3f)
    TEST_RR_OP(6, bclr, 0x8123456789abcdee, 0x8123456789abcdef, 0x40)
    TEST_RR_OP(7, bclr, 0x8123456789abcded, 0x8123456789abcdef, 0x41)
    TEST_RR_OP(8, bclr, 0x123456789abcdef, 0x8123456789abcdef, 0xffffffffffffffff)
    TEST_RR_OP(9, bclr, 0x80000001, 0x80000001, 0x4)
    /* bset */
    TEST_RR_OP(10, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(11, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(12, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(13, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(14, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0x3f)
    TEST_RR_OP(15, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0x40)
    TEST_RR_OP(16, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0x41)
    TEST_RR_OP(17, bset, 0x8123456789abcdef, 0x8123456789abcdef, 0xffffffffffffffff)
    TEST_RR_OP(18, bset, 0x80000011, 0x80000001, 0x4)
    /* binv */
    TEST_RR_OP(19, binv, 0x8123456789abcdee, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(20, binv, 0x8123456789abcded, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(21, binv, 0x8123456709abcdef, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(22, binv, 0x8123456689abcdef, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(23, binv, 0x123456789abcdef, 0x8123456789abcdef, 0x3f)
    TEST_RR_OP(24, binv, 0x8123456789abcdee, 0x8123456789abcdef, 0x40)
    TEST_RR_OP(25, binv, 0x8123456789abcded, 0x8123456789abcdef, 0x41)
    TEST_RR_OP(26, binv, 0x123456789abcdef, 0x8123456789abcdef, 0xffffffffffffffff)
    TEST_RR_OP(27, binv, 0x80000011, 0x80000001, 0x4)
    /* bext */
    TEST_RR_OP(28, bext, 0x1, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(29, bext, 0x1, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(30, bext, 0x1, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(31, bext, 0x1, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(32, bext, 0x1, 0x8123456789abcdef, 0x3f)
    TEST_RR_OP(33, bext, 0x1, 0x8123456789abcdef, 0x40)
    TEST_RR_OP(34, bext, 0x1, 0x8123456789abcdef, 0x41)
    TEST_RR_OP(35, bext, 0x1, 0x8123456789abcdef, 0xffffffffffffffff)
    TEST_RR_OP(36, bext, 0x0, 0x80000001, 0x4)
    /* bclri */
    TEST_IMM_OP(37, bclri, 0x8123456789abcdee, 0x8123456789abcdef, 0)
    TEST_IMM_OP(38, bclri, 0x8123456789abcded, 0x8123456789abcdef, 1)
    TEST_IMM_OP(39, bclri, 0x8123456709abcdef, 0x8123456789abcdef, 31)
    TEST_IMM_OP(40, bclri, 0x8123456689abcdef, 0x8123456789abcdef, 32)
    TEST_IMM_OP(41, bclri, 0x123456789abcdef, 0x8123456789abcdef, 63)
    /* bseti */
    TEST_IMM_OP(42, bseti, 0x8123456789abcdef, 0x8123456789abcdef, 0)
    TEST_IMM_OP(43, bseti, 0x8123456789abcdef, 0x8123456789abcdef, 2)
    TEST_IMM_OP(44, bseti, 0x8123456789abcdef, 0x8123456789abcdef, 31)
    TEST_IMM_OP(45, bseti, 0x8123456789abcdef, 0x8123456789abcdef, 32)
    TEST_IMM_OP(46, bseti, 0xc123456789abcdef, 0x8123456789abcdef, 62)
    /* binvi */
    TEST_IMM_OP(47, binvi, 0x8123456789abcdee, 0x8123456789abcdef, 0)
    TEST_IMM_OP(48, binvi, 0x8123456789abcdeb, 0x8123456789abcdef, 2)
    TEST_IMM_OP(49, binvi, 0x8123456709abcdef, 0x8123456789abcdef, 31)
    TEST_IMM_OP(50, binvi, 0x8123456689abcdef, 0x8123456789abcdef, 32)
    TEST_IMM_OP(51, binvi, 0x123456789abcdef, 0x8123456789abcdef, 63)
    /* bexti */
    TEST_IMM_OP(52, bexti, 0x1, 0x8123456789abcdef, 0)
    TEST_IMM_OP(53, bexti, 0x1, 0x8123456789abcdef, 1)
    TEST_IMM_OP(54, bexti, 0x1, 0x8123456789abcdef, 3)
    TEST_IMM_OP(55, bexti, 0x1, 0x8123456789abcdef, 31)
    TEST_IMM_OP(56, bexti, 0x1, 0x8123456789abcdef, 63)
    TEST_IMM_OP(57, bexti, 0x0, 0x8123456789abcdef, 62)
    TEST_CASE(70, a1, 0x8000000000000000, li a1, 63; bset a1, x0, a1)
    TEST_CASE(71, x0, 0, li a1, 0; bseti x0, a1, 3)
RVTEST_END
