/*
 * NaN-boxing of singles in the 64-bit f registers (F chapter, "NaN Boxing of Narrower
 * Values"): every single-precision producer writes the upper 32 bits as ones; every
 * single-precision consumer sees an improperly boxed input as the canonical NaN, except
 * the transfers fmv.x.w and fsw, which move the low 32 bits unchanged.
 */
#include "rvtest.h"

#define CANON_S 0xffffffff7fc00000

RVTEST_BEGIN
    li t0, (1 << 13)
    csrs mstatus, t0
    li t0, 0x000000003f800000      /* 1.0f, not boxed */
    fmv.d.x fs0, t0
    li t0, 0xfffffffe3f800000      /* one upper bit clear: not boxed either */
    fmv.d.x fs1, t0
    li t0, 0xffffffff3f800000      /* properly boxed 1.0f */
    fmv.d.x fs2, t0
    fsflags zero

    TEST_CASE(1, a0, CANON_S, fadd.s ft0, fs0, fs2; fmv.x.d a0, ft0)
    TEST_CASE(2, a0, CANON_S, fadd.s ft0, fs1, fs2; fmv.x.d a0, ft0)
    TEST_CASE(3, a0, 0xffffffff40000000, fadd.s ft0, fs2, fs2; fmv.x.d a0, ft0)
    TEST_CASE(4, a0, 0, frflags a0)                            /* canonical NaN is quiet */
    TEST_CASE(5, a0, CANON_S, fsgnj.s ft0, fs0, fs2; fmv.x.d a0, ft0)
    TEST_CASE(6, a0, 0xffffffffffc00000, fsgnjn.s ft0, fs0, fs2; fmv.x.d a0, ft0)
    TEST_CASE(7, a0, 0xffffffffbf800000, fsgnjn.s ft0, fs2, fs0; fmv.x.d a0, ft0) /* NaN sign + */
    TEST_CASE(8, a0, 0x200, fclass.s a0, fs0)
    TEST_CASE(9, a0, 0x3f800000, fmv.x.w a0, fs0)              /* transfer: low bits */
    TEST_CASE(10, a0, 0x7ff8000000000000, fcvt.d.s ft0, fs0; fmv.x.d a0, ft0)
    TEST_CASE(11, a0, 0, feq.s a0, fs0, fs0)
    TEST_CASE(12, a0, 0, frflags a0)
    TEST_CASE(13, a0, 0x7fffffff, fcvt.w.s a0, fs0, rtz)
    TEST_CASE(14, a0, 0x10, frflags a0)
    TEST_CASE(15, a0, CANON_S, fmin.s ft0, fs0, fs0; fmv.x.d a0, ft0)
    TEST_CASE(16, a0, 0xffffffff3f800000, fmax.s ft0, fs0, fs2; fmv.x.d a0, ft0)
    TEST_CASE(17, a0, CANON_S, fmadd.s ft0, fs2, fs2, fs0; fmv.x.d a0, ft0)
    TEST_CASE(18, a0, CANON_S, fsqrt.s ft0, fs1; fmv.x.d a0, ft0)

    /* fsw stores the low 32 bits of an unboxed register unchanged */
    li TESTNUM, 20
    la a1, buf
    fsw fs0, 0(a1)
    lwu a0, 0(a1)
    CHECK_EQ(a0, 0x3f800000)
    /* flw and fcvt.s.* write boxed values */
    li TESTNUM, 21
    flw ft1, 0(a1)
    fmv.x.d a0, ft1
    CHECK_EQ(a0, 0xffffffff3f800000)
    li TESTNUM, 22
    li t0, 3
    fcvt.s.l ft1, t0
    fmv.x.d a0, ft1
    CHECK_EQ(a0, 0xffffffff40400000)
    li TESTNUM, 23
    li t0, 0x3ff0000000000000      /* 1.0 */
    fmv.d.x ft3, t0
    fcvt.s.d ft1, ft3
    fmv.x.d a0, ft1
    CHECK_EQ(a0, 0xffffffff3f800000)
    /* a double's bits as a single: upper half not all ones -> NaN */
    TEST_CASE(24, a0, CANON_S, fmul.s ft0, ft3, fs2; fmv.x.d a0, ft0)
RVTEST_END

    .data
    .align 3
buf:
    .dword 0
