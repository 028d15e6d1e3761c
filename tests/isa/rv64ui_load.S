/*
 * RV64I loads: lb, lh, lw sign-extend, lbu, lhu, lwu zero-extend, ld; with values whose top
 * bit is set and clear, positive and negative offsets (-2048 and 2047 included), and a load
 * into x0 that must not change it.
 */
#include "rvtest.h"

#define TEST_LOAD(num, inst, off, result)               \
    TEST_CASE(num, a4, result, la a0, load_data; inst a4, off(a0))

RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings */
    TEST_LOAD(1, lb, 0, 0xffffffffffffff80)
    TEST_LOAD(2, lb, 1, 0xffffffffffffff90)
    TEST_LOAD(3, lb, 8, 0x01)
    TEST_LOAD(4, lb, 15, 0x7f)
    TEST_LOAD(5, lbu, 0, 0x80)
    TEST_LOAD(6, lbu, 7, 0xf0)
    TEST_LOAD(7, lbu, 15, 0x7f)
    TEST_LOAD(8, lh, 0, 0xffffffffffff9080)
    TEST_LOAD(9, lh, 6, 0xfffffffffffff0e0)
    TEST_LOAD(10, lh, 8, 0x0201)
    TEST_LOAD(11, lh, 14, 0x7f07)
    TEST_LOAD(12, lhu, 0, 0x9080)
    TEST_LOAD(13, lhu, 14, 0x7f07)
    TEST_LOAD(14, lw, 0, 0xffffffffb0a09080)
    TEST_LOAD(15, lw, 4, 0xfffffffff0e0d0c0)
    TEST_LOAD(16, lw, 8, 0x04030201)
    TEST_LOAD(17, lw, 12, 0x7f070605)
    TEST_LOAD(18, lwu, 0, 0xb0a09080)
    TEST_LOAD(19, lwu, 4, 0xf0e0d0c0)
    TEST_LOAD(20, lwu, 12, 0x7f070605)
    TEST_LOAD(21, ld, 0, 0xf0e0d0c0b0a09080)
    TEST_LOAD(22, ld, 8, 0x7f07060504030201)
    /* negative offsets */
    TEST_CASE(23, a4, 0x7f07060504030201, la a0, load_data + 16; ld a4, -8(a0))
    TEST_CASE(24, a4, 0xffffffffffffff80, la a0, load_data + 16; lb a4, -16(a0))
    /* offset extremes */
    TEST_CASE(25, a4, 0x7f07060504030201, la a0, load_data + 8 + 2048; ld a4, -2048(a0))
    TEST_CASE(26, a4, 0xfffffffff0e0d0c0, la a0, load_data + 4 - 2047; lw a4, 2047(a0))
    /* rd = rs1 */
    TEST_CASE(27, a0, 0xf0e0d0c0b0a09080, la a0, load_data; ld a0, 0(a0))
    /* a load into x0 is performed but x0 stays zero */
    TEST_CASE(28, x0, 0, la a0, load_data; ld x0, 0(a0))
RVTEST_END

    .data
    .align 4
load_data:
    .byte 0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0xf0
    .byte 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x7f
