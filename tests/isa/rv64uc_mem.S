/*
 * C extension (RV64), loads and stores: c.lw, c.ld, c.sw, c.sd (offsets 0 and the maxima
 * 124 / 248, registers x8-x15) and the stack-pointer forms c.lwsp, c.ldsp, c.swsp, c.sdsp
 * (offsets 0 and the maxima 252 / 504, any register). c.lw/c.lwsp sign-extend; stores
 * write exactly 4 or 8 bytes.
 */
#include "rvtest.h"

RVTEST_BEGIN
    .option rvc
    la s0, c_data
    /* setup with ordinary stores */
    li t0, 0x80000001
    sw t0, 0(s0)
    li t0, 0x7ffffff0
    sw t0, 124(s0)
    li t0, 0x8000000000000002
    sd t0, 128(s0)
    li t0, 0x123456789abcdef0
    sd t0, 248(s0)
    addi s3, s0, 256 /* base for the sp-relative cases */
    li t0, 0xfedcba9876543210
    sd t0, 504(s3)
    li t0, 0x89abcdef
    sw t0, 252(s3)
    li t0, 0x5555555555555555
    sd t0, 0(s3)

    TEST_CASE(1, a1, 0xffffffff80000001, c.lw a1, 0(s0))
    TEST_CASE(2, a5, 0x7ffffff0, c.lw a5, 124(s0))
    TEST_CASE(3, s1, 0x123456789abcdef0, c.ld s1, 248(s0))
    TEST_CASE(4, a0, 0x8000000000000002, addi a0, s0, 128; c.ld a0, 0(a0))
    /* c.sw / c.sd: write, then read back with ordinary loads, neighbours intact */
    TEST_CASE(5, t0, 0x55667788, li a2, 0x1122334455667788; c.sw a2, 124(s0); lwu t0, 124(s0))
    TEST_CASE(6, t0, 0x2, lwu t0, 128(s0))
    TEST_CASE(7, t0, 0xffffffff80000001, lw t0, 0(s0))
    TEST_CASE(8, t0, 0x1122334455667788, li a3, 0x1122334455667788; c.sd a3, 248(s0); ld t0, 248(s0))
    TEST_CASE(9, t0, 0xaaaaaaaa, li a4, 0xaaaaaaaa; c.sw a4, 0(s0); lwu t0, 0(s0))
    TEST_CASE(10, t0, 0x5555555555555555, li s1, 0x5555555555555555; c.sd s1, 0(s0); ld t0, 0(s0))

    /* stack-pointer relative forms, with sp pointing at c_data + 256 */
    mv s2, sp
    mv sp, s3
    TEST_CASE(11, t0, 0xffffffff89abcdef, c.lwsp t0, 252(sp))
    TEST_CASE(12, ra, 0xfedcba9876543210, c.ldsp ra, 504(sp))
    TEST_CASE(13, s11, 0x5555555555555555, c.ldsp s11, 0(sp))
    TEST_CASE(14, t5, 0x55555555, c.lwsp t5, 0(sp))
    TEST_CASE(15, t0, 0x0badf00d, li t4, 0x110badf00d; c.swsp t4, 252(sp); lwu t0, 252(sp))
    TEST_CASE(16, t0, 0xfedcba98, lwu t0, 508(sp))
    TEST_CASE(17, t0, 0xcafe0000cafe0000, li t3, 0xcafe0000cafe0000; c.sdsp t3, 504(sp); ld t0, 504(sp))
    TEST_CASE(18, t0, 0x77, li s9, 0x77; c.sdsp s9, 0(sp); ld t0, 0(sp))
    TEST_CASE(19, t0, 0xffffffff, li s9, -1; c.swsp s9, 4(sp); lwu t0, 4(sp))
    TEST_CASE(20, t0, 0xffffffff00000077, ld t0, 0(sp))
    mv sp, s2
RVTEST_END

    .data
    .align 4
c_data:
    .skip 1024
