/*
 * Zba: add.uw, sh1add/sh2add/sh3add and their .uw forms, slli.uw. The .uw forms use only
 * the low 32 bits of rs1, zero-extended; shifts out of bit 63 are lost.
 */
#include "rvtest.h"
RVTEST_BEGIN
    /* add.uw */
    TEST_RR_OP(1, add.uw, 0x80000001, 0xffffffff80000000, 0x1)
    TEST_RR_OP(2, add.uw, 0x23456789, 0x123456789, 0x0)
    TEST_RR_OP(3, add.uw, 0xfffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
    /* sh1add */
    TEST_RR_OP(4, sh1add, 0x2468acf13579bdf, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(5, sh1add, 0x3, 0xffffffffffffffff, 0x5)
    TEST_RR_OP(6, sh1add, 0x8000000000000002, 0x4000000000000001, 0x0)
    /* sh2add */
    TEST_RR_OP(7, sh2add, 0x48d159e26af37bd, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(8, sh2add, 0x1, 0xffffffffffffffff, 0x5)
    TEST_RR_OP(9, sh2add, 0x4, 0x4000000000000001, 0x0)
    /* sh3add */
    TEST_RR_OP(10, sh3add, 0x91a2b3c4d5e6f79, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(11, sh3add, 0xfffffffffffffffd, 0xffffffffffffffff, 0x5)
    TEST_RR_OP(12, sh3add, 0x8, 0x2000000000000001, 0x0)
    /* sh1add.uw */
    TEST_RR_OP(13, sh1add.uw, 0x100000001, 0xffffffff80000000, 0x1)
    TEST_RR_OP(14, sh1add.uw, 0x1fffffffe, 0xffffffffffffffff, 0x0)
    TEST_RR_OP(15, sh1add.uw, 0x16, 0x100000003, 0x10)
    /* sh2add.uw */
    TEST_RR_OP(16, sh2add.uw, 0x200000001, 0xffffffff80000000, 0x1)
    TEST_RR_OP(17, sh2add.uw, 0x3fffffffc, 0xffffffffffffffff, 0x0)
    TEST_RR_OP(18, sh2add.uw, 0x1c, 0x100000003, 0x10)
    /* sh3add.uw */
    TEST_RR_OP(19, sh3add.uw, 0x400000001, 0xffffffff80000000, 0x1)
    TEST_RR_OP(20, sh3add.uw, 0x7fffffff8, 0xffffffffffffffff, 0x0)
    TEST_RR_OP(21, sh3add.uw, 0x28, 0x100000003, 0x10)
    /* slli.uw */
    TEST_IMM_OP(22, slli.uw, 0x80000001, 0xffffffff80000001, 0)
    TEST_IMM_OP(23, slli.uw, 0x100000002, 0xffffffff80000001, 1)
    TEST_IMM_OP(24, slli.uw, 0x4000000080000000, 0xffffffff80000001, 31)
    TEST_IMM_OP(25, slli.uw, 0x8000000100000000, 0xffffffff80000001, 32)
    TEST_IMM_OP(26, slli.uw, 0x8000000000000000, 0xffffffffffffffff, 63)
    /* zext.w is add.uw rd, rs, zero */
    TEST_CASE(40, a4, 0x80000000, li a1, 0xffffffff80000000; zext.w a4, a1)
    TEST_CASE(41, x0, 0, li a1, 1; li a2, 2; sh3add x0, a1, a2)
RVTEST_END
