/*
 * Zbb, logic with negate, min/max and byte operations: andn, orn, xnor, min, max, minu,
 * maxu (signed vs unsigned at the boundaries), sext.b, sext.h, zext.h, orc.b, rev8.
 */
#include "rvtest.h"
RVTEST_BEGIN
    /* andn */
    TEST_RR_OP(1, andn, 0x23006700ab00ef, 0x8123456789abcdef, 0xff00ff00ff00ff00)
    TEST_RR_OP(2, andn, 0xffffffffffffffff, 0xffffffffffffffff, 0x0)
    TEST_RR_OP(3, andn, 0x0, 0x0, 0xffffffffffffffff)
    /* orn */
    TEST_RR_OP(4, orn, 0x81ff45ff89ffcdff, 0x8123456789abcdef, 0xff00ff00ff00ff00)
    TEST_RR_OP(5, orn, 0xffffffffffffffff, 0x0, 0x0)
    TEST_RR_OP(6, orn, 0x0, 0x0, 0xffffffffffffffff)
    /* xnor */
    TEST_RR_OP(7, xnor, 0x81dc45988954cd10, 0x8123456789abcdef, 0xff00ff00ff00ff00)
    TEST_RR_OP(8, xnor, 0xffffffffffffffff, 0x0, 0x0)
    TEST_RR_OP(9, xnor, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
    /* max */
    TEST_RR_OP(10, max, 0x1, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(11, max, 0x1, 0x1, 0xffffffffffffffff)
    TEST_RR_OP(12, max, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(13, max, 0xfffffffffffffffd, 0xfffffffffffffffb, 0xfffffffffffffffd)
    TEST_RR_OP(14, max, 0x7, 0x7, 0x7)
    /* min */
    TEST_RR_OP(15, min, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(16, min, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
    TEST_RR_OP(17, min, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(18, min, 0xfffffffffffffffb, 0xfffffffffffffffb, 0xfffffffffffffffd)
    TEST_RR_OP(19, min, 0x7, 0x7, 0x7)
    /* maxu */
    TEST_RR_OP(20, maxu, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(21, maxu, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
    TEST_RR_OP(22, maxu, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(23, maxu, 0x0, 0x0, 0x0)
    /* minu */
    TEST_RR_OP(24, minu, 0x1, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(25, minu, 0x1, 0x1, 0xffffffffffffffff)
    TEST_RR_OP(26, minu, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(27, minu, 0x0, 0x0, 0x0)
    /* sext.b */
    TEST_R_OP(28, sext.b, 0x0, 0x0)
    TEST_R_OP(29, sext.b, 0x7f, 0x7f)
    TEST_R_OP(30, sext.b, 0xffffffffffffff80, 0x80)
    TEST_R_OP(31, sext.b, 0x7f, 0xffffffffffffff7f)
    TEST_R_OP(32, sext.b, 0x34, 0x1234)
    /* sext.h */
    TEST_R_OP(33, sext.h, 0x0, 0x0)
    TEST_R_OP(34, sext.h, 0x7fff, 0x7fff)
    TEST_R_OP(35, sext.h, 0xffffffffffff8000, 0x8000)
    TEST_R_OP(36, sext.h, 0x7fff, 0xffffffffffff7fff)
    TEST_R_OP(37, sext.h, 0x3456, 0x123456)
    /* zext.h */
    TEST_R_OP(38, zext.h, 0x0, 0x0)
    TEST_R_OP(39, zext.h, 0x7fff, 0x7fff)
    TEST_R_OP(40, zext.h, 0xffff, 0xffffffffffffffff)
    TEST_R_OP(41, zext.h, 0x5678, 0x12345678)
    /* orc.b */
    TEST_R_OP(42, orc.b, 0x0, 0x0)
    TEST_R_OP(43, orc.b, 0xffffffffffffffff, 0x8123456789abcdef)
    TEST_R_OP(44, orc.b, 0xff0000000000ff00, 0x100000000008000)
    TEST_R_OP(45, orc.b, 0xffffff00000000ff, 0xff0010000000001)
    /* rev8 */
    TEST_R_OP(46, rev8, 0x0, 0x0)
    TEST_R_OP(47, rev8, 0xefcdab8967452381, 0x8123456789abcdef)
    TEST_R_OP(48, rev8, 0x807060504030201, 0x102030405060708)
    TEST_R_OP(49, rev8, 0xff00000000000000, 0xff)
    TEST_CASE(80, a1, 5, li a1, -3; li a2, 5; max a1, a1, a2)
    TEST_CASE(81, x0, 0, li a1, -3; li a2, 5; minu x0, a1, a2)
RVTEST_END
