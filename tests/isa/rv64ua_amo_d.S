/*
 * A extension, doubleword AMOs: every amo*.d. rd gets the old value; memory gets
 * op(old, rs2); min/max signed vs minu/maxu unsigned at the sign boundary.
 */
#include "rvtest.h"

/* Memory doubleword = init, then `inst a4, src, (a0)`: check a4 == init, memory == new. */
#define TEST_AMO_D(num, inst, init, src, new)           \
    li TESTNUM, num;                                    \
    la a0, amo_dword;                                   \
    li a1, init;                                        \
    sd a1, 0(a0);                                       \
    li a2, src;                                         \
    inst a4, a2, (a0);                                  \
    CHECK_EQ(a4, init);                                 \
    ld a5, 0(a0);                                       \
    CHECK_EQ(a5, new)

RVTEST_BEGIN
    TEST_AMO_D(1, amoswap.d, 0x1122334455667788, 0x8000000000000001, 0x8000000000000001)
    TEST_AMO_D(2, amoadd.d, 0x7fffffffffffffff, 0x1, 0x8000000000000000)
    TEST_AMO_D(3, amoadd.d, 0xffffffffffffffff, 0x2, 0x1)
    TEST_AMO_D(4, amoxor.d, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0)
    TEST_AMO_D(5, amoand.d, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0, 0xf000f000f000f00)
    TEST_AMO_D(6, amoor.d, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0, 0xfff0fff0fff0fff0)
    TEST_AMO_D(7, amomin.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
    TEST_AMO_D(8, amomin.d, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_AMO_D(9, amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_AMO_D(10, amomax.d, 0xffffffffffffffff, 0x1, 0x1)
    TEST_AMO_D(11, amomax.d, 0x1, 0xffffffffffffffff, 0x1)
    TEST_AMO_D(12, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_AMO_D(13, amominu.d, 0xffffffffffffffff, 0x1, 0x1)
    TEST_AMO_D(14, amominu.d, 0x1, 0xffffffffffffffff, 0x1)
    TEST_AMO_D(15, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_AMO_D(16, amomaxu.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
    TEST_AMO_D(17, amomaxu.d, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_AMO_D(18, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_AMO_D(40, amomaxu.d.aqrl, 3, 4, 4)
    TEST_CASE(41, a2, 7, la a0, amo_dword; li a1, 7; sd a1, 0(a0); li a2, 9; amoswap.d a2, a2, (a0))
    TEST_CASE(42, a5, 9, ld a5, 0(a0))
    TEST_CASE(43, a5, 0, li a2, -9; amoadd.d x0, a2, (a0); ld a5, 0(a0))
RVTEST_END

    .data
    .align 3
amo_dword:
    .dword 0
