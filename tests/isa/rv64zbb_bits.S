/*
 * Zbb, counting and rotation: clz, ctz, cpop and their W forms (zero input, all ones, upper
 * half ignored), rol, ror, rori (amounts 0, 1, 31, 32, 63, and taken mod 64), rolw, rorw,
 * roriw (amounts mod 32, results sign-extended from bit 31).
 */
#include "rvtest.h"
RVTEST_BEGIN
    /* clz */
    TEST_R_OP(1, clz, 0x40, 0x0)
    TEST_R_OP(2, clz, 0x3f, 0x1)
    TEST_R_OP(3, clz, 0x0, 0xffffffffffffffff)
    TEST_R_OP(4, clz, 0x0, 0x8123456789abcdef)
    TEST_R_OP(5, clz, 0x20, 0xffffffff)
    TEST_R_OP(6, clz, 0x10, 0x800000000000)
    /* clzw */
    TEST_R_OP(7, clzw, 0x20, 0x0)
    TEST_R_OP(8, clzw, 0x1f, 0x1)
    TEST_R_OP(9, clzw, 0x0, 0xffffffffffffffff)
    TEST_R_OP(10, clzw, 0x20, 0xffffffff00000000)
    TEST_R_OP(11, clzw, 0x0, 0x80000000)
    TEST_R_OP(12, clzw, 0x10, 0x100008000)
    /* ctz */
    TEST_R_OP(13, ctz, 0x40, 0x0)
    TEST_R_OP(14, ctz, 0x0, 0x1)
    TEST_R_OP(15, ctz, 0x0, 0xffffffffffffffff)
    TEST_R_OP(16, ctz, 0x3f, 0x8000000000000000)
    TEST_R_OP(17, ctz, 0x2f, 0x800000000000)
    TEST_R_OP(18, ctz, 0x4, 0x10)
    /* ctzw */
    TEST_R_OP(19, ctzw, 0x20, 0x0)
    TEST_R_OP(20, ctzw, 0x0, 0x1)
    TEST_R_OP(21, ctzw, 0x20, 0xffffffff00000000)
    TEST_R_OP(22, ctzw, 0x1f, 0x80000000)
    TEST_R_OP(23, ctzw, 0x20, 0x100000000)
    TEST_R_OP(24, ctzw, 0x8, 0x100000100)
    /* cpop */
    TEST_R_OP(25, cpop, 0x0, 0x0)
    TEST_R_OP(26, cpop, 0x1, 0x1)
    TEST_R_OP(27, cpop, 0x40, 0xffffffffffffffff)
    TEST_R_OP(28, cpop, 0x21, 0x8123456789abcdef)
    TEST_R_OP(29, cpop, 0x2, 0x8000000000000001)
    /* cpopw */
    TEST_R_OP(30, cpopw, 0x0, 0x0)
    TEST_R_OP(31, cpopw, 0x20, 0xffffffffffffffff)
    TEST_R_OP(32, cpopw, 0x14, 0x8123456789abcdef)
    TEST_R_OP(33, cpopw, 0x0, 0xffffffff00000000)
    TEST_R_OP(34, cpopw, 0x2, 0x80000001)
    /* rol */
    TEST_RR_OP(35, rol, 0x8123456789abcdef, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(36, rol, 0x2468acf13579bdf, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(37, rol, 0xc4d5e6f7c091a2b3, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(38, rol, 0x89abcdef81234567, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(39, rol, 0xc091a2b3c4d5e6f7, 0x8123456789abcdef, 0x3f)
    TEST_RR_OP(40, rol, 0x8123456789abcdef, 0x8123456789abcdef, 0x40)
    TEST_RR_OP(41, rol, 0x2468acf13579bdf, 0x8123456789abcdef, 0x41)
    TEST_RR_OP(42, rol, 0xc091a2b3c4d5e6f7, 0x8123456789abcdef, 0xffffffffffffffff)
    TEST_RR_OP(43, rol, 0x800000010, 0x80000001, 0x4)
    /* ror */
    TEST_RR_OP(44, ror, 0x8123456789abcdef, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(45, ror, 0xc091a2b3c4d5e6f7, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(46, ror, 0x13579bdf02468acf, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(47, ror, 0x89abcdef81234567, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(48, ror, 0x2468acf13579bdf, 0x8123456789abcdef, 0x3f)
    TEST_RR_OP(49, ror, 0x8123456789abcdef, 0x8123456789abcdef, 0x40)
    TEST_RR_OP(50, ror, 0xc091a2b3c4d5e6f7, 0x8123456789abcdef, 0x41)
    TEST_RR_OP(51, ror, 0x2468acf13579bdf, 0x8123456789abcdef, 0xffffffffffffffff)
    TEST_RR_OP(52, ror, 0x1000000008000000, 0x80000001, 0x4)
    /* rori */
    TEST_IMM_OP(53, rori, 0x8123456789abcdef, 0x8123456789abcdef, 0)
    TEST_IMM_OP(54, rori, 0xc091a2b3c4d5e6f7, 0x8123456789abcdef, 1)
    TEST_IMM_OP(55, rori, 0x13579bdf02468acf, 0x8123456789abcdef, 31)
    TEST_IMM_OP(56, rori, 0x89abcdef81234567, 0x8123456789abcdef, 32)
    TEST_IMM_OP(57, rori, 0x2468acf13579bdf, 0x8123456789abcdef, 63)
    /* rolw */
    TEST_RR_OP(58, rolw, 0xffffffff89abcdef, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(59, rolw, 0x13579bdf, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(60, rolw, 0xffffffffc4d5e6f7, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(61, rolw, 0xffffffff89abcdef, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(62, rolw, 0x13579bdf, 0x8123456789abcdef, 0x21)
    TEST_RR_OP(63, rolw, 0x18, 0x80000001, 0x4)
    TEST_RR_OP(64, rolw, 0xffffffff80000000, 0x140000000, 0x1)
    /* rorw */
    TEST_RR_OP(65, rorw, 0xffffffff89abcdef, 0x8123456789abcdef, 0x0)
    TEST_RR_OP(66, rorw, 0xffffffffc4d5e6f7, 0x8123456789abcdef, 0x1)
    TEST_RR_OP(67, rorw, 0x13579bdf, 0x8123456789abcdef, 0x1f)
    TEST_RR_OP(68, rorw, 0xffffffff89abcdef, 0x8123456789abcdef, 0x20)
    TEST_RR_OP(69, rorw, 0xffffffffc4d5e6f7, 0x8123456789abcdef, 0x21)
    TEST_RR_OP(70, rorw, 0x18000000, 0x80000001, 0x4)
    TEST_RR_OP(71, rorw, 0xffffffff80000000, 0x100000001, 0x1)
    /* roriw */
    TEST_IMM_OP(72, roriw, 0xffffffff89abcdef, 0x8123456789abcdef, 0)
    TEST_IMM_OP(73, roriw, 0xffffffffc4d5e6f7, 0x8123456789abcdef, 1)
    TEST_IMM_OP(74, roriw, 0x13579bdf, 0x8123456789abcdef, 31)
    TEST_IMM_OP(75, roriw, 0x18000000, 0x80000001, 4)
    TEST_IMM_OP(76, roriw, 0xffffffff80000000, 0x100000001, 1)
    TEST_CASE(90, a1, 63, li a1, 1; clz a1, a1)
    TEST_CASE(91, x0, 0, li a1, 1; ctz x0, a1)
RVTEST_END
