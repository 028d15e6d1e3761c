/*
 * A extension on a device register instead of RAM: AMOs on the ACLINT mtimecmp register
 * of hart 0 (0x02004000, 64-bit, read/write) must read the old value into rd and write the
 * new one, like on memory, for .d and for .w on the low half. Interrupts stay disabled (mstatus.MIE = 0), so a pending timer
 * interrupt does not matter; mtimecmp is left at its maximum at the end.
 */
#include "rvtest.h"

#define MTIMECMP0 0x02004000

RVTEST_BEGIN
    li a0, MTIMECMP0
    li a1, 5
    sd a1, 0(a0)
    TEST_CASE(1, a4, 5, li a2, 3; amoadd.d a4, a2, (a0))
    TEST_CASE(2, a4, 8, ld a4, 0(a0))
    TEST_CASE(3, a4, 8, li a2, -1; amoswap.d a4, a2, (a0))
    TEST_CASE(4, a4, 0xffffffffffffffff, ld a4, 0(a0))
    TEST_CASE(5, a4, 0xffffffffffffffff, li a2, 0x1234; amominu.d a4, a2, (a0))
    TEST_CASE(6, a4, 0x1234, ld a4, 0(a0))
    TEST_CASE(7, a4, 0x1234, li a2, -1; amoor.d a4, a2, (a0))
    TEST_CASE(8, a4, 0xffffffffffffffff, ld a4, 0(a0))
    /* 32-bit AMOs on the low half: rd is sign-extended */
    TEST_CASE(9, a4, 0x7fffffff, li a1, 0x7fffffff; sd a1, 0(a0); li a2, 1; amoadd.w a4, a2, (a0))
    TEST_CASE(10, a4, 0x80000000, ld a4, 0(a0))
    TEST_CASE(11, a4, 0xffffffff80000000, li a2, -1; amoswap.w a4, a2, (a0))
    TEST_CASE(12, a4, 0xffffffff, ld a4, 0(a0))
    li a1, -1
    sd a1, 0(a0)
RVTEST_END
