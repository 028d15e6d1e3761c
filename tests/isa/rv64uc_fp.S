/*
 * C extension (RV64), double-precision loads and stores: c.fld, c.fsd (offsets 0 and the
 * maximum 248, base in x8-x15) and c.fldsp, c.fsdsp (offsets 0 and the maximum 504). They
 * move raw 64-bit patterns (a signalling NaN included) without any conversion.
 */
#include "rvtest.h"

RVTEST_BEGIN
    .option rvc
    li t0, 1 << 13 /* mstatus.FS = Initial */
    csrs mstatus, t0
    la s0, cfp_data
    li t0, 0x7ff4000000000001 /* a signalling NaN: must not be quieted */
    sd t0, 0(s0)
    li t0, 0xc00921fb54442d18
    sd t0, 248(s0)

    TEST_CASE(1, a0, 0x7ff4000000000001, c.fld fa0, 0(s0); fmv.x.d a0, fa0)
    TEST_CASE(2, a0, 0xc00921fb54442d18, c.fld fs1, 248(s0); fmv.x.d a0, fs1)
    TEST_CASE(3, a0, 0x7ff4000000000001, c.fsd fa0, 248(s0); ld a0, 248(s0))
    TEST_CASE(4, a0, 0xc00921fb54442d18, addi a5, s0, 8; c.fsd fs1, 0(a5); ld a0, 8(s0))

    mv s2, sp
    addi sp, s0, 256
    li t0, 0x0123456789abcdef
    sd t0, 504(sp)
    TEST_CASE(5, a0, 0x0123456789abcdef, c.fldsp ft11, 504(sp); fmv.x.d a0, ft11)
    TEST_CASE(6, a0, 0xfff0000000000000, li t0, 0xfff0000000000000; sd t0, 0(sp); c.fldsp ft0, 0(sp); fmv.x.d a0, ft0)
    TEST_CASE(7, a0, 0x0123456789abcdef, c.fsdsp ft11, 0(sp); ld a0, 0(sp))
    TEST_CASE(8, a0, 0x7ff4000000000001, c.fsdsp fa0, 504(sp); ld a0, 504(sp))
    mv sp, s2
RVTEST_END

    .data
    .align 4
cfp_data:
    .skip 1024
