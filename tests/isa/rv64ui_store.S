/*
 * RV64I stores: sb, sh, sw, sd write exactly 1, 2, 4, 8 bytes (the low bytes of rs2) and
 * leave the neighbours alone; positive and negative offsets (-2048 and 2047 included);
 * store then load back of each width; storing x0 writes zeros.
 */
#include "rvtest.h"

/* Fill two doublewords with 0xaa.., run `code`, check both doublewords. */
#define TEST_STORE(num, lo, hi, code...)                \
    li TESTNUM, num;                                    \
    la a0, store_data;                                  \
    li a1, 0xaaaaaaaaaaaaaaaa;                          \
    sd a1, 0(a0);                                       \
    sd a1, 8(a0);                                       \
    li a2, 0x8877665544332211;                          \
    code;                                               \
    la a0, store_data;                                  \
    ld a4, 0(a0);                                       \
    CHECK_EQ(a4, lo);                                   \
    ld a4, 8(a0);                                       \
    CHECK_EQ(a4, hi)

RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings */
    TEST_STORE(1, 0xaaaaaaaaaaaaaa11, 0xaaaaaaaaaaaaaaaa, sb a2, 0(a0))
    TEST_STORE(2, 0x11aaaaaaaaaaaaaa, 0xaaaaaaaaaaaaaaaa, sb a2, 7(a0))
    TEST_STORE(3, 0xaaaaaaaaaaaa2211, 0xaaaaaaaaaaaaaaaa, sh a2, 0(a0))
    TEST_STORE(4, 0xaaaaaaaaaaaaaaaa, 0x2211aaaaaaaaaaaa, sh a2, 14(a0))
    TEST_STORE(5, 0xaaaaaaaa44332211, 0xaaaaaaaaaaaaaaaa, sw a2, 0(a0))
    TEST_STORE(6, 0x44332211aaaaaaaa, 0xaaaaaaaaaaaaaaaa, sw a2, 4(a0))
    TEST_STORE(7, 0xaaaaaaaaaaaaaaaa, 0x8877665544332211, sd a2, 8(a0))
    TEST_STORE(8, 0x8877665544332211, 0xaaaaaaaaaaaaaaaa, addi a0, a0, 16; sd a2, -16(a0))
    TEST_STORE(9, 0xaaaaaaaaaaaaaaaa, 0xaaaaaaaaaaaa11aa, addi a0, a0, 2047; sb a2, -2038(a0))
    TEST_STORE(10, 0xaaaaaaaaaaaaaaaa, 0xaaaaaaaa33221199, li t0, 2047 - 8; sub a0, a0, t0; li a2, 0x44332211 << 8 | 0x99; sw a2, 2047(a0))
    TEST_STORE(11, 0xaaaaaaaaaaaaaaaa, 0xaaaaaaaa00000000, sw x0, 8(a0))
    TEST_STORE(12, 0xaaaaaaaaaaaa00aa, 0xaaaaaaaaaaaaaaaa, sb x0, 1(a0))
    /* store then load back with each width, sign-extending value */
    TEST_CASE(13, a4, 0xffffffffffffff81, la a0, store_data; li a1, 0x181; sb a1, 3(a0); lb a4, 3(a0))
    TEST_CASE(14, a4, 0xffffffffffff8001, la a0, store_data; li a1, 0x18001; sh a1, 2(a0); lh a4, 2(a0))
    TEST_CASE(15, a4, 0xffffffff80000001, la a0, store_data; li a1, 0x180000001; sw a1, 4(a0); lw a4, 4(a0))
    TEST_CASE(16, a4, 0x8000000000000001, la a0, store_data; li a1, 0x8000000000000001; sd a1, 8(a0); ld a4, 8(a0))
RVTEST_END

    .data
    .align 4
store_data:
    .dword 0, 0
    .skip 4096
