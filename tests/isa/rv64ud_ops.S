/*
 * D extension: every instruction once or more with exact result bits and fflags -
 * arithmetic in all rounding modes (RMM ties), fma single rounding, sqrt, the
 * conversions to and from integers at the saturation boundaries, fcvt.s.d / fcvt.d.s,
 * comparisons, fmin/fmax, sign injection, fclass, fmv and fld/fsd.
 */
#include "rvtest.h"

#define LDD(freg, bits) li t0, bits; fmv.d.x freg, t0

#define FCHECK(num, res, fl, code...)                   \
    li TESTNUM, num;                                    \
    fsflags zero;                                       \
    code;                                               \
    frflags t1;                                         \
    fmv.x.d a0, ft2;                                    \
    CHECK_EQ(a0, res);                                  \
    CHECK_EQ(t1, fl)

#define XCHECK(num, res, fl, code...)                   \
    li TESTNUM, num;                                    \
    fsflags zero;                                       \
    code;                                               \
    frflags t1;                                         \
    CHECK_EQ(a0, res);                                  \
    CHECK_EQ(t1, fl)

#define TEST_D1(num, op, rm, res, fl, a) LDD(ft0, a); FCHECK(num, res, fl, op ft2, ft0, rm)
#define TEST_D2(num, op, rm, res, fl, a, b) LDD(ft0, a); LDD(ft1, b); FCHECK(num, res, fl, op ft2, ft0, ft1, rm)
#define TEST_D2N(num, op, res, fl, a, b) LDD(ft0, a); LDD(ft1, b); FCHECK(num, res, fl, op ft2, ft0, ft1)
#define TEST_D3(num, op, rm, res, fl, a, b, c) LDD(ft0, a); LDD(ft1, b); LDD(ft3, c); FCHECK(num, res, fl, op ft2, ft0, ft1, ft3, rm)
#define TEST_TOINT(num, op, rm, res, fl, a) LDD(ft0, a); XCHECK(num, res, fl, op a0, ft0, rm)
#define TEST_FROMINT(num, op, rm, res, fl, x) li a1, x; FCHECK(num, res, fl, op ft2, a1, rm)
#define TEST_FROMINT_EXACT(num, op, res, x) li a1, x; FCHECK(num, res, 0, op ft2, a1)
#define TEST_CMP(num, op, res, fl, a, b) LDD(ft0, a); LDD(ft1, b); XCHECK(num, res, fl, op a0, ft0, ft1)
#define TEST_CLASS(num, res, a) LDD(ft0, a); XCHECK(num, res, 0, fclass.d a0, ft0)

#define ONE   0x3ff0000000000000
#define TWO   0x4000000000000000
#define THREE 0x4008000000000000
#define HALF  0x3fe0000000000000
#define M_ONE 0xbff0000000000000
#define M_HALF 0xbfe0000000000000
#define INF   0x7ff0000000000000
#define M_INF 0xfff0000000000000
#define MAXD  0x7fefffffffffffff
#define QNAN  0x7ff8000000000000
#define SNAN  0x7ff0000000000001
#define ULP_HALF 0x3ca0000000000000 /* 2^-53 */
#define MINN  0x0010000000000000

RVTEST_BEGIN
    li t0, (1 << 13)
    csrs mstatus, t0

    TEST_D2(1, fadd.d, rne, THREE, 0, ONE, TWO)
    TEST_D2(2, fadd.d, rne, ONE, 0x01, ONE, ULP_HALF)
    TEST_D2(3, fadd.d, rmm, 0x3ff0000000000001, 0x01, ONE, ULP_HALF)
    TEST_D2(4, fadd.d, rup, 0x3ff0000000000001, 0x01, ONE, ULP_HALF)
    TEST_D2(5, fadd.d, rdn, ONE, 0x01, ONE, ULP_HALF)
    TEST_D2(6, fadd.d, rtz, ONE, 0x01, ONE, ULP_HALF)
    TEST_D2(7, fadd.d, rne, INF, 0x05, MAXD, MAXD)
    TEST_D2(8, fadd.d, rtz, MAXD, 0x05, MAXD, MAXD)
    TEST_D2(9, fadd.d, rne, QNAN, 0x10, INF, M_INF)
    TEST_D2(10, fadd.d, rdn, 0x8000000000000000, 0, ONE, M_ONE)
    TEST_D2(11, fsub.d, rne, 0, 0, ONE, ONE)
    TEST_D2(12, fsub.d, rne, TWO, 0, THREE, ONE)
    li t0, 4
    fsrm t0
    TEST_D2(13, fadd.d, dyn, 0x3ff0000000000001, 0x01, ONE, ULP_HALF)
    fsrm zero
    TEST_D2(20, fmul.d, rne, 0x3ff8000000000000, 0, THREE, HALF)
    TEST_D2(21, fmul.d, rne, 0x0008000000000000, 0, MINN, HALF)  /* exact subnormal */
    TEST_D2(22, fmul.d, rne, 0x0008000000000000, 0x03, 0x0010000000000001, HALF)
    TEST_D2(23, fmul.d, rmm, 0x0008000000000001, 0x03, 0x0010000000000001, HALF)
    /* (1 - 2^-104) * 2^-1022 rounds to the smallest normal: no UF (tininess after rounding) */
    TEST_D2(24, fmul.d, rne, MINN, 0x01, 0x000fffffffffffff, 0x3ff0000000000001)
    TEST_D2(25, fmul.d, rne, QNAN, 0x10, INF, 0)
    TEST_D2(30, fdiv.d, rne, 0x3fd5555555555555, 0x01, ONE, THREE)
    TEST_D2(31, fdiv.d, rup, 0x3fd5555555555556, 0x01, ONE, THREE)
    TEST_D2(32, fdiv.d, rne, M_INF, 0x08, M_ONE, 0)
    TEST_D2(33, fdiv.d, rne, QNAN, 0x10, 0, 0)
    TEST_D1(40, fsqrt.d, rne, 0x3ff6a09e667f3bcd, 0x01, TWO)
    TEST_D1(41, fsqrt.d, rtz, 0x3ff6a09e667f3bcc, 0x01, TWO)
    TEST_D1(42, fsqrt.d, rne, QNAN, 0x10, M_ONE)
    TEST_D1(43, fsqrt.d, rne, 0x8000000000000000, 0, 0x8000000000000000)
    TEST_D1(44, fsqrt.d, rne, TWO, 0, 0x4010000000000000)
    /* fma: (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; mul then add gives 0 */
    TEST_D3(50, fmadd.d, rne, 0xb970000000000000, 0, 0x3ff0000000000001, 0x3feffffffffffffe, M_ONE)
    TEST_D2(51, fmul.d, rne, ONE, 0x01, 0x3ff0000000000001, 0x3feffffffffffffe)
    TEST_D3(52, fmsub.d, rne, 0x4014000000000000, 0, TWO, THREE, ONE)
    TEST_D3(53, fnmsub.d, rne, 0xc014000000000000, 0, TWO, THREE, ONE)
    TEST_D3(54, fnmadd.d, rne, 0xc01c000000000000, 0, TWO, THREE, ONE)
    TEST_D3(55, fmadd.d, rne, QNAN, 0x10, INF, 0, QNAN)
    TEST_D3(56, fmadd.d, rmm, 0x3ff0000000000001, 0x01, ONE, ULP_HALF, ONE)

    /* conversions to integers */
    TEST_TOINT(60, fcvt.w.d, rtz, 0x7fffffff, 0, 0x41dfffffffc00000)   /* 2^31 - 1 */
    TEST_TOINT(61, fcvt.w.d, rtz, 0x7fffffff, 0x10, 0x41e0000000000000) /* 2^31 */
    TEST_TOINT(62, fcvt.w.d, rtz, 0x7fffffff, 0x01, 0x41dfffffffffffff) /* 2^31 - tiny */
    TEST_TOINT(63, fcvt.w.d, rtz, -2147483648, 0, 0xc1e0000000000000)
    TEST_TOINT(64, fcvt.w.d, rne, -2147483648, 0x01, 0xc1e0000000100000) /* -2^31 - 0.5: even */
    TEST_TOINT(68, fcvt.w.d, rmm, -2147483648, 0x10, 0xc1e0000000100000) /* away: out of range */
    TEST_TOINT(65, fcvt.w.d, rmm, 3, 0x01, 0x4004000000000000)          /* 2.5 */
    TEST_TOINT(66, fcvt.w.d, rne, 2, 0x01, 0x4004000000000000)
    TEST_TOINT(67, fcvt.w.d, rtz, 0x7fffffff, 0x10, QNAN)
    TEST_TOINT(70, fcvt.wu.d, rtz, -1, 0, 0x41efffffffe00000)           /* 2^32 - 1 */
    TEST_TOINT(71, fcvt.wu.d, rtz, -1, 0x10, 0x41f0000000000000)        /* 2^32 */
    TEST_TOINT(72, fcvt.wu.d, rtz, 0, 0x01, M_HALF)
    TEST_TOINT(73, fcvt.wu.d, rdn, 0, 0x10, M_HALF)
    TEST_TOINT(80, fcvt.l.d, rtz, 0x7fffffffffffffff, 0x10, 0x43e0000000000000) /* 2^63 */
    TEST_TOINT(81, fcvt.l.d, rtz, 0x8000000000000000, 0, 0xc3e0000000000000)
    TEST_TOINT(82, fcvt.l.d, rtz, 0x7ffffffffffffc00, 0, 0x43dfffffffffffff)
    TEST_TOINT(83, fcvt.l.d, rtz, 0x8000000000000000, 0x10, M_INF)
    TEST_TOINT(84, fcvt.lu.d, rtz, 0xfffffffffffff800, 0, 0x43efffffffffffff)
    TEST_TOINT(85, fcvt.lu.d, rtz, -1, 0x10, 0x43f0000000000000)        /* 2^64 */
    TEST_TOINT(86, fcvt.lu.d, rtz, 0, 0x10, M_ONE)
    TEST_TOINT(87, fcvt.lu.d, rtz, -1, 0x10, QNAN)

    /* conversions from integers */
    TEST_FROMINT_EXACT(90, fcvt.d.w, 0xc1e0000000000000, 0x80000000)
    TEST_FROMINT_EXACT(91, fcvt.d.wu, 0x41efffffffe00000, 0xffffffff)
    TEST_FROMINT(92, fcvt.d.l, rne, 0xc3e0000000000000, 0, 0x8000000000000000)
    TEST_FROMINT(93, fcvt.d.l, rne, 0x4340000000000000, 0x01, 0x20000000000001) /* 2^53 + 1: even */
    TEST_FROMINT(94, fcvt.d.l, rmm, 0x4340000000000001, 0x01, 0x20000000000001)
    TEST_FROMINT(95, fcvt.d.lu, rne, 0x43f0000000000000, 0x01, 0xffffffffffffffff)
    TEST_FROMINT(96, fcvt.d.lu, rtz, 0x43efffffffffffff, 0x01, 0xffffffffffffffff)

    /* between formats */
    LDD(ft0, 0x3ff0000010000000)    /* 1 + 2^-24: a tie for single */
    FCHECK(100, 0xffffffff3f800000, 0x01, fcvt.s.d ft2, ft0, rne)
    FCHECK(101, 0xffffffff3f800001, 0x01, fcvt.s.d ft2, ft0, rmm)
    LDD(ft0, MAXD)
    FCHECK(102, 0xffffffff7f800000, 0x05, fcvt.s.d ft2, ft0, rne)
    FCHECK(103, 0xffffffff7f7fffff, 0x05, fcvt.s.d ft2, ft0, rtz)
    LDD(ft0, 0x3690000000000000)    /* 2^-150: half the smallest subnormal */
    FCHECK(104, 0xffffffff00000000, 0x03, fcvt.s.d ft2, ft0, rne)
    FCHECK(105, 0xffffffff00000001, 0x03, fcvt.s.d ft2, ft0, rmm)
    LDD(ft0, SNAN)
    FCHECK(106, 0xffffffff7fc00000, 0x10, fcvt.s.d ft2, ft0, rne)
    li t0, 0xffffffff7f800001       /* single sNaN */
    fmv.d.x ft0, t0
    FCHECK(107, QNAN, 0x10, fcvt.d.s ft2, ft0)
    li t0, 0xffffffff00000001       /* smallest single subnormal: exact in double */
    fmv.d.x ft0, t0
    FCHECK(108, 0x36a0000000000000, 0, fcvt.d.s ft2, ft0)

    /* compare, min/max, sign injection, class */
    TEST_CMP(110, feq.d, 1, 0, 0x8000000000000000, 0)
    TEST_CMP(111, feq.d, 0, 0, QNAN, ONE)
    TEST_CMP(112, feq.d, 0, 0x10, SNAN, ONE)
    TEST_CMP(113, flt.d, 1, 0, M_ONE, ONE)
    TEST_CMP(114, flt.d, 0, 0x10, QNAN, ONE)
    TEST_CMP(115, fle.d, 1, 0, ONE, ONE)
    TEST_CMP(116, fle.d, 0, 0x10, ONE, QNAN)
    TEST_D2N(120, fmin.d, 0x8000000000000000, 0, 0, 0x8000000000000000)
    TEST_D2N(121, fmax.d, 0, 0, 0x8000000000000000, 0)
    TEST_D2N(122, fmin.d, ONE, 0x10, SNAN, ONE)
    TEST_D2N(123, fmax.d, QNAN, 0, QNAN, 0xfff8000000000001)
    TEST_D2N(124, fmax.d, TWO, 0, ONE, TWO)
    TEST_D2N(130, fsgnj.d, M_ONE, 0, ONE, M_INF)
    TEST_D2N(131, fsgnjn.d, M_ONE, 0, ONE, ONE)
    TEST_D2N(132, fsgnjx.d, ONE, 0, M_ONE, M_ONE)
    TEST_D2N(133, fsgnj.d, 0xfff0000000000001, 0, SNAN, M_ONE)
    TEST_CLASS(140, 0x001, M_INF)
    TEST_CLASS(141, 0x002, M_ONE)
    TEST_CLASS(142, 0x004, 0x800fffffffffffff)
    TEST_CLASS(143, 0x008, 0x8000000000000000)
    TEST_CLASS(144, 0x010, 0)
    TEST_CLASS(145, 0x020, 1)
    TEST_CLASS(146, 0x040, MINN)
    TEST_CLASS(147, 0x080, INF)
    TEST_CLASS(148, 0x100, SNAN)
    TEST_CLASS(149, 0x200, QNAN)
    li t0, 0xffffffff3f800000       /* a boxed single is a NaN as a double */
    fmv.d.x ft0, t0
    XCHECK(150, 0x200, 0, fclass.d a0, ft0)

    /* moves and memory */
    li TESTNUM, 160
    li t0, 0x123456789abcdef0
    fmv.d.x ft0, t0
    fmv.x.d a0, ft0
    CHECK_EQ(a0, 0x123456789abcdef0)
    la a1, ddata
    fsd ft0, 8(a1)
    ld a0, 8(a1)
    CHECK_EQ(a0, 0x123456789abcdef0)
    li TESTNUM, 161
    fld ft1, 0(a1)
    fmv.x.d a0, ft1
    CHECK_EQ(a0, SNAN)
    frflags a0
    CHECK_EQ(a0, 0)
RVTEST_END

    .data
    .align 3
ddata:
    .dword SNAN, 0
