/*
 * A extension, word AMOs: every amo*.w. rd gets the old memory word sign-extended; memory
 * gets op(old, low 32 bits of rs2) and the neighbouring word is untouched; min/max compare
 * as signed 32-bit values, minu/maxu as unsigned 32-bit values (upper half of rs2 ignored).
 */
#include "rvtest.h"

/* Memory word = init, then `inst a4, src, (a0)`: check a4 == old and the word == new. */
#define TEST_AMO_W(num, inst, init, src, old, new)      \
    li TESTNUM, num;                                    \
    la a0, amo_word;                                    \
    li a1, 0x5a5a5a5a;                                  \
    sw a1, 4(a0);                                       \
    li a1, init;                                        \
    sw a1, 0(a0);                                       \
    li a2, src;                                         \
    inst a4, a2, (a0);                                  \
    CHECK_EQ(a4, old);                                  \
    lwu a5, 0(a0);                                      \
    CHECK_EQ(a5, new);                                  \
    lwu a5, 4(a0);                                      \
    CHECK_EQ(a5, 0x5a5a5a5a)

RVTEST_BEGIN
    TEST_AMO_W(1, amoswap.w, 0x80000000, 0x12345678, 0xffffffff80000000, 0x12345678)
    TEST_AMO_W(2, amoswap.w, 0x7fffffff, 0xffffffff80000000, 0x7fffffff, 0x80000000)
    TEST_AMO_W(3, amoadd.w, 0x7fffffff, 0x1, 0x7fffffff, 0x80000000)
    TEST_AMO_W(4, amoadd.w, 0xffffffff, 0x2, 0xffffffffffffffff, 0x1)
    TEST_AMO_W(5, amoadd.w, 0x80000000, 0x100000000, 0xffffffff80000000, 0x80000000)
    TEST_AMO_W(6, amoxor.w, 0xff00ff00, 0xff00ff0, 0xffffffffff00ff00, 0xf0f0f0f0)
    TEST_AMO_W(7, amoand.w, 0xff00ff00, 0xff00ff0, 0xffffffffff00ff00, 0xf000f00)
    TEST_AMO_W(8, amoor.w, 0xff00ff00, 0xff00ff0, 0xffffffffff00ff00, 0xfff0fff0)
    TEST_AMO_W(9, amomin.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0xffffffff)
    TEST_AMO_W(10, amomin.w, 0x1, 0xffffffff, 0x1, 0xffffffff)
    TEST_AMO_W(11, amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
    TEST_AMO_W(12, amomax.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0x1)
    TEST_AMO_W(13, amomax.w, 0x1, 0xffffffff, 0x1, 0x1)
    TEST_AMO_W(14, amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
    TEST_AMO_W(15, amominu.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0x1)
    TEST_AMO_W(16, amominu.w, 0x1, 0xffffffff, 0x1, 0x1)
    TEST_AMO_W(17, amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
    TEST_AMO_W(18, amomaxu.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0xffffffff)
    TEST_AMO_W(19, amomaxu.w, 0x1, 0xffffffff, 0x1, 0xffffffff)
    TEST_AMO_W(20, amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
    TEST_AMO_W(21, amomax.w, 0x5, 0xffffffff00000001, 0x5, 0x5)
    TEST_AMO_W(22, amominu.w, 0x5, 0x100000003, 0x5, 0x3)
    /* aq/rl variants, rd aliasing rs2, rd = x0 still updates memory */
    TEST_AMO_W(40, amoadd.w.aqrl, 1, 2, 1, 3)
    TEST_AMO_W(41, amoor.w.aq, 1, 2, 1, 3)
    TEST_AMO_W(42, amoxor.w.rl, 1, 3, 1, 2)
    TEST_CASE(43, a2, 7, la a0, amo_word; li a1, 7; sw a1, 0(a0); li a2, 9; amoswap.w a2, a2, (a0))
    TEST_CASE(44, a5, 9, lw a5, 0(a0))
    TEST_CASE(45, a5, 10, li a2, 1; amoadd.w x0, a2, (a0); lw a5, 0(a0))
RVTEST_END

    .data
    .align 3
amo_word:
    .dword 0
