/*
 * F extension conversions, comparisons and moves: fcvt.{w,wu,l,lu}.s and back at every
 * saturation boundary (NV not NX when out of range, results sign-extended), feq/flt/fle
 * (quiet vs signalling NaN), fmin/fmax (-0 < +0, NaN operands), fsgnj*, fclass of each
 * class, fmv.x.w / fmv.w.x, flw / fsw.
 */
#include "rvtest.h"

#define BOX(bits) (0xffffffff00000000 | (bits))
#define LDS(freg, bits) li t0, bits; fmv.w.x freg, t0

/* x result of `code` and the flags it raised. */
#define XCHECK(num, res, fl, code...)                   \
    li TESTNUM, num;                                    \
    fsflags zero;                                       \
    code;                                               \
    frflags t1;                                         \
    CHECK_EQ(a0, res);                                  \
    CHECK_EQ(t1, fl)

#define FCHECK(num, res, fl, code...)                   \
    li TESTNUM, num;                                    \
    fsflags zero;                                       \
    code;                                               \
    frflags t1;                                         \
    fmv.x.d a0, ft2;                                    \
    CHECK_EQ(a0, BOX(res));                             \
    CHECK_EQ(t1, fl)

#define TEST_TOINT(num, op, rm, res, fl, a)  LDS(ft0, a); XCHECK(num, res, fl, op a0, ft0, rm)
#define TEST_FROMINT(num, op, rm, res, fl, x) li a1, x; FCHECK(num, res, fl, op ft2, a1, rm)
#define TEST_CMP(num, op, res, fl, a, b) LDS(ft0, a); LDS(ft1, b); XCHECK(num, res, fl, op a0, ft0, ft1)
#define TEST_F2(num, op, res, fl, a, b) LDS(ft0, a); LDS(ft1, b); FCHECK(num, res, fl, op ft2, ft0, ft1)
#define TEST_CLASS(num, res, a) LDS(ft0, a); XCHECK(num, res, 0, fclass.s a0, ft0)

#define ONE     0x3f800000
#define M_ONE   0xbf800000
#define HALF    0x3f000000
#define M_HALF  0xbf000000
#define INF     0x7f800000
#define M_INF   0xff800000
#define QNAN    0x7fc00000
#define SNAN    0x7f800001
#define P2_31   0x4f000000 /* 2^31 */
#define M2_31   0xcf000000
#define P2_32   0x4f800000
#define P2_63   0x5f000000
#define M2_63   0xdf000000
#define P2_64   0x5f800000

RVTEST_BEGIN
    li t0, (1 << 13)
    csrs mstatus, t0

    /* fcvt.w.s */
    TEST_TOINT(1, fcvt.w.s, rtz, 1, 0x01, 0x3fc00000)            /* 1.5 */
    TEST_TOINT(2, fcvt.w.s, rne, 2, 0x01, 0x3fc00000)
    TEST_TOINT(3, fcvt.w.s, rne, 2, 0x01, 0x40200000)            /* 2.5: even */
    TEST_TOINT(4, fcvt.w.s, rmm, 3, 0x01, 0x40200000)            /* 2.5: away */
    TEST_TOINT(5, fcvt.w.s, rmm, -3, 0x01, 0xc0200000)
    TEST_TOINT(6, fcvt.w.s, rdn, -2, 0x01, 0xbfc00000)
    TEST_TOINT(7, fcvt.w.s, rup, -1, 0x01, 0xbfc00000)
    TEST_TOINT(8, fcvt.w.s, rtz, -2147483648, 0, M2_31)          /* exactly -2^31 */
    TEST_TOINT(9, fcvt.w.s, rtz, 0x7fffffff, 0x10, P2_31)        /* 2^31 saturates */
    TEST_TOINT(10, fcvt.w.s, rtz, -2147483648, 0x10, 0xcf000001)
    TEST_TOINT(11, fcvt.w.s, rtz, 0x7fffffff, 0x10, QNAN)
    TEST_TOINT(12, fcvt.w.s, rtz, 0x7fffffff, 0x10, 0xffc00000)  /* negative NaN too */
    TEST_TOINT(13, fcvt.w.s, rtz, 0x7fffffff, 0x10, INF)
    TEST_TOINT(14, fcvt.w.s, rtz, -2147483648, 0x10, M_INF)
    TEST_TOINT(15, fcvt.w.s, rtz, 0, 0, 0x80000000)
    TEST_TOINT(16, fcvt.w.s, rne, 0, 0x01, 0x00000001)
    TEST_TOINT(17, fcvt.w.s, rup, 1, 0x01, 0x00000001)
    TEST_TOINT(18, fcvt.w.s, rtz, 0x7fffff80, 0, 0x4effffff)     /* largest float < 2^31 */

    /* fcvt.wu.s: results sign-extended from 32 bits */
    TEST_TOINT(20, fcvt.wu.s, rtz, 0xffffffff80000000, 0, P2_31)
    TEST_TOINT(21, fcvt.wu.s, rtz, 0xffffffffffffff00, 0, 0x4f7fffff)
    TEST_TOINT(22, fcvt.wu.s, rtz, -1, 0x10, P2_32)
    TEST_TOINT(23, fcvt.wu.s, rtz, 0, 0x01, M_HALF)              /* -0.5 -> 0, NX only */
    TEST_TOINT(24, fcvt.wu.s, rne, 0, 0x01, M_HALF)
    TEST_TOINT(25, fcvt.wu.s, rdn, 0, 0x10, M_HALF)              /* rounds to -1: NV */
    TEST_TOINT(26, fcvt.wu.s, rtz, 0, 0x10, M_ONE)
    TEST_TOINT(27, fcvt.wu.s, rtz, -1, 0x10, QNAN)
    TEST_TOINT(28, fcvt.wu.s, rtz, 0, 0x10, M_INF)
    TEST_TOINT(29, fcvt.wu.s, rmm, 1, 0x01, HALF)

    /* fcvt.l.s / fcvt.lu.s */
    TEST_TOINT(30, fcvt.l.s, rtz, 0x80000000, 0, P2_31)
    TEST_TOINT(31, fcvt.l.s, rtz, 0x7fffffffffffffff, 0x10, P2_63)
    TEST_TOINT(32, fcvt.l.s, rtz, 0x8000000000000000, 0, M2_63)
    TEST_TOINT(33, fcvt.l.s, rtz, 0x8000000000000000, 0x10, 0xdf000001)
    TEST_TOINT(34, fcvt.l.s, rtz, 0x7fffffffffffffff, 0x10, QNAN)
    TEST_TOINT(35, fcvt.l.s, rtz, 0x7fffff8000000000, 0, 0x5effffff)
    TEST_TOINT(36, fcvt.lu.s, rtz, 0x8000000000000000, 0, P2_63)
    TEST_TOINT(37, fcvt.lu.s, rtz, 0xffffff0000000000, 0, 0x5f7fffff)
    TEST_TOINT(38, fcvt.lu.s, rtz, -1, 0x10, P2_64)
    TEST_TOINT(39, fcvt.lu.s, rtz, 0, 0x01, M_HALF)
    TEST_TOINT(40, fcvt.lu.s, rtz, 0, 0x10, M_ONE)
    TEST_TOINT(41, fcvt.lu.s, rtz, -1, 0x10, INF)
    TEST_TOINT(42, fcvt.l.s, rmm, -2, 0x01, 0xbfc00000)

    /* integer to single */
    TEST_FROMINT(50, fcvt.s.w, rne, 0xcf000000, 0, 0xffffffff80000000)
    TEST_FROMINT(51, fcvt.s.w, rne, M_ONE, 0, 0x00000000ffffffff)  /* low 32 bits only */
    TEST_FROMINT(52, fcvt.s.w, rne, 0x4b800000, 0, 16777216)
    TEST_FROMINT(53, fcvt.s.w, rne, 0x4b800000, 0x01, 16777217)    /* tie to even */
    TEST_FROMINT(54, fcvt.s.w, rmm, 0x4b800001, 0x01, 16777217)    /* tie away */
    TEST_FROMINT(55, fcvt.s.w, rne, 0x4f000000, 0x01, 0x7fffffff)
    TEST_FROMINT(56, fcvt.s.w, rtz, 0x4effffff, 0x01, 0x7fffffff)
    TEST_FROMINT(57, fcvt.s.w, rne, 0, 0, 0)
    TEST_FROMINT(58, fcvt.s.wu, rne, 0x4f800000, 0x01, 0xffffffff)
    TEST_FROMINT(59, fcvt.s.wu, rtz, 0x4f7fffff, 0x01, 0xffffffff)
    TEST_FROMINT(60, fcvt.s.l, rne, 0xdf000000, 0, 0x8000000000000000)
    TEST_FROMINT(61, fcvt.s.l, rdn, 0xdf000000, 0x01, 0x8000000000000001)
    TEST_FROMINT(62, fcvt.s.l, rup, 0xdeffffff, 0x01, 0x8000000000000001)
    TEST_FROMINT(63, fcvt.s.lu, rne, 0x5f800000, 0x01, 0xffffffffffffffff)
    TEST_FROMINT(64, fcvt.s.lu, rtz, 0x5f7fffff, 0x01, 0xffffffffffffffff)
    TEST_FROMINT(65, fcvt.s.l, rne, M_ONE, 0, -1)

    /* comparisons */
    TEST_CMP(70, feq.s, 1, 0, ONE, ONE)
    TEST_CMP(71, feq.s, 1, 0, 0x80000000, 0)
    TEST_CMP(72, feq.s, 0, 0, QNAN, QNAN)                         /* quiet: no NV */
    TEST_CMP(73, feq.s, 0, 0x10, SNAN, ONE)
    TEST_CMP(74, flt.s, 1, 0, M_ONE, ONE)
    TEST_CMP(75, flt.s, 0, 0, 0x80000000, 0)
    TEST_CMP(76, flt.s, 0, 0x10, QNAN, ONE)                       /* signalling: NV */
    TEST_CMP(77, fle.s, 1, 0, 0x80000000, 0)
    TEST_CMP(78, fle.s, 0, 0x10, ONE, QNAN)
    TEST_CMP(79, fle.s, 1, 0, M_INF, M_INF)
    TEST_CMP(80, flt.s, 1, 0, 0xc0000000, M_ONE)
    TEST_CMP(81, fle.s, 0, 0, 0x40000000, ONE)

    /* fmin / fmax */
    TEST_F2(90, fmin.s, M_ONE, 0, ONE, M_ONE)
    TEST_F2(91, fmax.s, ONE, 0, ONE, M_ONE)
    TEST_F2(92, fmin.s, 0x80000000, 0, 0, 0x80000000)
    TEST_F2(93, fmin.s, 0x80000000, 0, 0x80000000, 0)
    TEST_F2(94, fmax.s, 0, 0, 0x80000000, 0)
    TEST_F2(95, fmax.s, 0, 0, 0, 0x80000000)
    TEST_F2(96, fmin.s, ONE, 0, QNAN, ONE)
    TEST_F2(97, fmax.s, ONE, 0x10, ONE, SNAN)
    TEST_F2(98, fmin.s, QNAN, 0, QNAN, 0xffc00001)
    TEST_F2(99, fmax.s, QNAN, 0x10, SNAN, QNAN)
    TEST_F2(100, fmin.s, M_INF, 0, M_INF, INF)

    /* sign injection: bits move unchanged, NaNs included */
    TEST_F2(110, fsgnj.s, M_ONE, 0, ONE, 0x80000000)
    TEST_F2(111, fsgnjn.s, M_ONE, 0, ONE, ONE)
    TEST_F2(112, fsgnjx.s, ONE, 0, M_ONE, M_ONE)
    TEST_F2(113, fsgnjx.s, M_ONE, 0, ONE, M_ONE)
    TEST_F2(114, fsgnj.s, 0xff800001, 0, SNAN, M_ONE)
    TEST_F2(115, fsgnjn.s, 0x7fc12345, 0, 0xffc12345, M_ONE)

    /* fclass.s */
    TEST_CLASS(120, 0x001, M_INF)
    TEST_CLASS(121, 0x002, M_ONE)
    TEST_CLASS(122, 0x004, 0x807fffff)
    TEST_CLASS(123, 0x008, 0x80000000)
    TEST_CLASS(124, 0x010, 0)
    TEST_CLASS(125, 0x020, 0x00000001)
    TEST_CLASS(126, 0x040, 0x00800000)
    TEST_CLASS(127, 0x080, INF)
    TEST_CLASS(128, 0x100, SNAN)
    TEST_CLASS(129, 0x200, QNAN)
    TEST_CLASS(130, 0x100, 0xffbfffff)

    /* fmv.x.w sign-extends, fmv.w.x boxes; flw boxes, fsw stores 32 bits */
    li TESTNUM, 140
    li t0, 0x12345678bf800000
    fmv.w.x ft0, t0
    fmv.x.d a0, ft0
    CHECK_EQ(a0, 0xffffffffbf800000)
    fmv.x.w a0, ft0
    CHECK_EQ(a0, 0xffffffffbf800000)
    li TESTNUM, 141
    la a1, fdata
    flw ft1, 4(a1)
    fmv.x.d a0, ft1
    CHECK_EQ(a0, 0xffffffff7f800001)                              /* sNaN loaded unchanged */
    fsw ft1, 8(a1)
    ld a0, 8(a1)
    CHECK_EQ(a0, 0x7f800001)
    li TESTNUM, 142
    frflags a0
    CHECK_EQ(a0, 0)
RVTEST_END

    .data
    .align 3
fdata:
    .word 0x11111111, 0x7f800001, 0, 0
