/*
 * C extension (RV64), integer computational instructions, written with explicit c.*
 * mnemonics: c.li, c.lui (positive and negative, sign-extended to 64 bits), c.addi,
 * c.addiw (sign-extends; c.addiw rd, 0 is sext.w), c.addi16sp and c.addi4spn (immediate
 * extremes, c.addi16sp negative), c.slli, c.srli, c.srai (shamt 1, 31, 32, 63), c.andi,
 * c.mv, c.add, c.sub, c.xor, c.or, c.and, c.subw, c.addw, c.nop. Immediates at the ends of
 * their ranges; registers from both the full and the x8-x15 sets.
 */
#include "rvtest.h"

#define TEST_C1(num, reg, result, init, inst...)        \
    TEST_CASE(num, reg, result, li reg, init; inst)

#define TEST_C2(num, result, v1, v2, inst)             \
    TEST_CASE(num, a0, result, li a0, v1; li a1, v2; inst a0, a1)

RVTEST_BEGIN
    .option rvc
    TEST_CASE(1, a0, 0xffffffffffffffe0, li a0, 7; c.li a0, -32)
    TEST_CASE(2, t0, 31, li t0, 7; c.li t0, 31)
    TEST_CASE(3, ra, 0, li ra, 7; c.li ra, 0)

    TEST_CASE(4, a0, 0x1000, c.lui a0, 1)
    TEST_CASE(5, s11, 0x1f000, c.lui s11, 31)
    TEST_CASE(6, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
    TEST_CASE(7, t1, 0xfffffffffffff000, c.lui t1, 0xfffff)

    TEST_C1(8, a0, 0xffffffffffffffe0, 0, c.addi a0, -32)
    TEST_C1(9, a0, 36, 5, c.addi a0, 31)
    TEST_C1(10, t2, 0x8000000000000000, 0x7fffffffffffffff, c.addi t2, 1)
    TEST_C1(11, a0, 0x00000000ffffffff, 0x100000000, c.addi a0, -1)

    TEST_C1(12, a0, 0x7fffffdf, 0x7fffffff, c.addiw a0, -32)
    TEST_C1(13, a0, 0xffffffff80000000, 0x7fffffff, c.addiw a0, 1)
    TEST_C1(14, a0, 0xffffffff9abcdef0, 0x123456789abcdef0, c.addiw a0, 0)
    TEST_C1(15, s7, 0x1e, 0xffffffff, c.addiw s7, 31)

    TEST_C1(16, a0, 0x4000000000000000, 0x8000000000000001, c.srli a0, 1)
    TEST_C1(17, a0, 0x80000000, 0x8000000000000001, c.srli a0, 32)
    TEST_C1(18, a5, 0x1, 0x8000000000000001, c.srli a5, 63)
    TEST_C1(19, s0, 0x100000000, 0x8000000000000001, c.srli s0, 31)
    TEST_C1(20, a0, 0xc000000000000000, 0x8000000000000001, c.srai a0, 1)
    TEST_C1(21, a0, 0xffffffff80000000, 0x8000000000000001, c.srai a0, 32)
    TEST_C1(22, s1, 0xffffffffffffffff, 0x8000000000000001, c.srai s1, 63)
    TEST_C1(23, a0, 0x7fffffff, 0x7fffffffffffffff, c.srai a0, 32)
    TEST_C1(24, a0, 0x8000000000000000, 1, c.slli a0, 63)
    TEST_C1(25, t3, 0x100000000, 1, c.slli t3, 32)
    TEST_C1(26, ra, 0xfffffffe00000000, 0xffffffff, c.slli ra, 33)
    TEST_C1(27, a0, 0x2, 1, c.slli a0, 1)

    TEST_C1(28, a0, 0xffe0, 0xffff, c.andi a0, -32)
    TEST_C1(29, a0, 0x1f, 0xffff, c.andi a0, 31)
    TEST_C1(30, a1, 0x8000000000000000, 0x8000000000000000, c.andi a1, -1)
    TEST_C1(31, a0, 0, -1, c.andi a0, 0)

    TEST_CASE(32, a0, 0x123, li a0, 5; li a1, 0x123; c.mv a0, a1)
    TEST_CASE(33, t0, 0xfffffffffffffff0, li t0, 0; li s10, -16; c.mv t0, s10)
    TEST_CASE(34, t0, 7, li t0, 3; li t1, 4; c.add t0, t1)
    TEST_CASE(35, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; li gp, 1; c.add a0, gp; li gp, 35)

    TEST_C2(36, 0xffffffffffffffff, 0, 1, c.sub)
    TEST_C2(37, 0x7fffffffffffffff, 0x8000000000000000, 1, c.sub)
    TEST_C2(38, 0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, 0xffffffffffffffff, c.xor)
    TEST_C2(39, 0xff00ff00ff0fffff, 0xff00ff00ff00ff00, 0xfffff, c.or)
    TEST_C2(40, 0xff00, 0xff00ff00ff00ff00, 0xffff, c.and)
    TEST_C2(41, 0x7fffffff, 0x80000000, 1, c.subw)
    TEST_C2(42, 0xffffffffffffffff, 0x100000000, 1, c.subw)
    TEST_C2(43, 0xffffffff80000000, 0x7fffffff, 1, c.addw)
    TEST_C2(44, 0x2, 0xffffffff00000001, 0x1, c.addw)
    TEST_CASE(45, s0, 0x5, li s0, 2; li a5, 3; c.add s0, a5)

    /* c.addi16sp: sp += nzimm*16 in [-512, 496] */
    li TESTNUM, 46
    mv s2, sp
    c.addi16sp sp, -512
    sub a0, s2, sp
    mv sp, s2
    CHECK_EQ(a0, 512)
    li TESTNUM, 47
    c.addi16sp sp, 496
    sub a0, sp, s2
    mv sp, s2
    CHECK_EQ(a0, 496)
    li TESTNUM, 48
    c.addi16sp sp, 16
    sub a0, sp, s2
    mv sp, s2
    CHECK_EQ(a0, 16)
    /* c.addi4spn: rd' = sp + nzuimm in [4, 1020] */
    li TESTNUM, 49
    c.addi4spn a0, sp, 4
    sub a0, a0, sp
    CHECK_EQ(a0, 4)
    li TESTNUM, 50
    c.addi4spn s1, sp, 1020
    sub s1, s1, sp
    CHECK_EQ(s1, 1020)
    li TESTNUM, 51
    c.addi4spn a5, sp, 512
    sub a5, a5, sp
    CHECK_EQ(a5, 512)

    TEST_CASE(52, a0, 9, li a0, 9; c.nop)
RVTEST_END
