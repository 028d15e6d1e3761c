/*
 * F extension arithmetic: fadd/fsub/fmul/fdiv/fsqrt and the four fused multiply-adds, with
 * exact result bits (NaN-boxed) and fflags, in every rounding mode both as a static rm and
 * through frm, including RMM ties, overflow, underflow with tininess after rounding,
 * division by zero, invalid operations and the single rounding of fma.
 */
#include "rvtest.h"

#define BOX(bits) (0xffffffff00000000 | (bits))

/* Run `code` with fflags cleared, then check freg (boxed bits) and the flags raised. */
#define FCHECK(num, freg, res, fl, code...)             \
    li TESTNUM, num;                                    \
    fsflags zero;                                       \
    code;                                               \
    frflags t1;                                         \
    fmv.x.d a0, freg;                                   \
    li t6, BOX(res);                                    \
    bne a0, t6, rvtest_fail;                            \
    CHECK_EQ(t1, fl)

#define LDS(freg, bits) li t0, bits; fmv.w.x freg, t0

#define TEST_S1(num, op, rm, res, fl, a)                \
    LDS(ft0, a);                                        \
    FCHECK(num, ft2, res, fl, op ft2, ft0, rm)

#define TEST_S2(num, op, rm, res, fl, a, b)             \
    LDS(ft0, a);                                        \
    LDS(ft1, b);                                        \
    FCHECK(num, ft2, res, fl, op ft2, ft0, ft1, rm)

#define TEST_S3(num, op, rm, res, fl, a, b, c)          \
    LDS(ft0, a);                                        \
    LDS(ft1, b);                                        \
    LDS(ft3, c);                                        \
    FCHECK(num, ft2, res, fl, op ft2, ft0, ft1, ft3, rm)

#define ONE     0x3f800000
#define TWO     0x40000000
#define THREE   0x40400000
#define HALF    0x3f000000
#define M_ONE   0xbf800000
#define INF     0x7f800000
#define M_INF   0xff800000
#define MAXF    0x7f7fffff
#define QNAN    0x7fc00000
#define SNAN    0x7f800001
#define ULP_HALF 0x33800000 /* 2^-24: half an ulp of 1.0 */

RVTEST_BEGIN
    li t0, (1 << 13)
    csrs mstatus, t0

    /* fadd.s */
    TEST_S2(1, fadd.s, rne, THREE, 0, ONE, TWO)
    TEST_S2(2, fadd.s, rne, 0x3fc00000, 0, 0x40200000, M_ONE)   /* 2.5 - 1 = 1.5 */
    TEST_S2(3, fadd.s, rne, ONE, 0x01, ONE, ULP_HALF)            /* tie to even: down */
    TEST_S2(4, fadd.s, rmm, 0x3f800001, 0x01, ONE, ULP_HALF)     /* tie away */
    TEST_S2(5, fadd.s, rup, 0x3f800001, 0x01, ONE, ULP_HALF)
    TEST_S2(6, fadd.s, rtz, ONE, 0x01, ONE, ULP_HALF)
    TEST_S2(7, fadd.s, rdn, ONE, 0x01, ONE, ULP_HALF)
    TEST_S2(8, fadd.s, rmm, 0xbf800001, 0x01, M_ONE, 0xb3800000)
    TEST_S2(9, fadd.s, rdn, 0xbf800001, 0x01, M_ONE, 0xb3800000)
    TEST_S2(10, fadd.s, rup, M_ONE, 0x01, M_ONE, 0xb3800000)
    TEST_S2(11, fadd.s, rne, 0x3f800002, 0x01, 0x3f800001, ULP_HALF) /* tie to even: up */
    TEST_S2(12, fadd.s, rne, QNAN, 0x10, INF, M_INF)
    TEST_S2(13, fadd.s, rne, INF, 0x05, MAXF, MAXF)              /* overflow */
    TEST_S2(14, fadd.s, rtz, MAXF, 0x05, MAXF, MAXF)
    TEST_S2(15, fadd.s, rdn, MAXF, 0x05, MAXF, MAXF)
    TEST_S2(16, fadd.s, rdn, M_INF, 0x05, 0xff7fffff, 0xff7fffff)
    TEST_S2(17, fadd.s, rne, QNAN, 0, QNAN, ONE)
    TEST_S2(18, fadd.s, rne, QNAN, 0x10, SNAN, ONE)
    TEST_S2(19, fadd.s, rne, QNAN, 0, 0xffc12345, ONE)           /* NaN payload dropped */
    TEST_S2(20, fadd.s, rne, 0, 0, ONE, M_ONE)                   /* x - x = +0 */
    TEST_S2(21, fadd.s, rdn, 0x80000000, 0, ONE, M_ONE)          /* ... -0 in RDN */
    TEST_S2(22, fadd.s, rne, 0x80000000, 0, 0x80000000, 0x80000000)
    TEST_S2(23, fadd.s, rne, 0x00000002, 0, 0x00000001, 0x00000001) /* subnormals, exact */

    /* the same tie through frm (dynamic rounding) */
    li t0, 4
    fsrm t0
    TEST_S2(30, fadd.s, dyn, 0x3f800001, 0x01, ONE, ULP_HALF)
    li t0, 1
    fsrm t0
    TEST_S2(31, fadd.s, dyn, MAXF, 0x05, MAXF, MAXF)
    li t0, 3
    fsrm t0
    TEST_S2(32, fadd.s, dyn, 0x3f800001, 0x01, ONE, ULP_HALF)
    TEST_S2(33, fadd.s, rne, ONE, 0x01, ONE, ULP_HALF)           /* static rm beats frm */
    fsrm zero

    /* fsub.s */
    TEST_S2(40, fsub.s, rne, TWO, 0, THREE, ONE)
    TEST_S2(41, fsub.s, rne, 0, 0, THREE, THREE)
    TEST_S2(42, fsub.s, rdn, 0x80000000, 0, THREE, THREE)
    TEST_S2(43, fsub.s, rne, QNAN, 0x10, INF, INF)
    TEST_S2(44, fsub.s, rne, ONE, 0x01, ONE, 0x32800000)        /* 1 - 2^-26 */
    TEST_S2(45, fsub.s, rtz, 0x3f7fffff, 0x01, ONE, 0x32800000)

    /* fmul.s */
    TEST_S2(50, fmul.s, rne, 0x3fc00000, 0, THREE, HALF)
    TEST_S2(51, fmul.s, rne, 0x00400000, 0, 0x00800000, HALF)    /* exact subnormal: no UF */
    TEST_S2(52, fmul.s, rne, 0x00400000, 0x03, 0x00800001, HALF) /* tiny, inexact: UF */
    TEST_S2(53, fmul.s, rmm, 0x00400001, 0x03, 0x00800001, HALF)
    /* (1 - 2^-46) * 2^-126 rounds to the smallest normal: not tiny after rounding */
    TEST_S2(54, fmul.s, rne, 0x00800000, 0x01, 0x007fffff, 0x3f800001)
    TEST_S2(55, fmul.s, rtz, 0x007fffff, 0x03, 0x007fffff, 0x3f800001)
    TEST_S2(56, fmul.s, rne, 0, 0x03, 0x00000001, HALF)          /* underflow to zero */
    TEST_S2(57, fmul.s, rup, 0x00000001, 0x03, 0x00000001, HALF)
    TEST_S2(58, fmul.s, rne, QNAN, 0x10, INF, 0)
    TEST_S2(59, fmul.s, rne, M_INF, 0, INF, M_ONE)
    TEST_S2(60, fmul.s, rne, 0x80000000, 0, 0, M_ONE)
    TEST_S2(61, fmul.s, rne, INF, 0x05, MAXF, TWO)
    TEST_S2(62, fmul.s, rup, 0xff7fffff, 0x05, MAXF, 0xc0000000)

    /* fdiv.s */
    TEST_S2(70, fdiv.s, rne, 0x3eaaaaab, 0x01, ONE, THREE)
    TEST_S2(71, fdiv.s, rtz, 0x3eaaaaaa, 0x01, ONE, THREE)
    TEST_S2(72, fdiv.s, rdn, 0xbeaaaaab, 0x01, M_ONE, THREE)
    TEST_S2(73, fdiv.s, rne, INF, 0x08, ONE, 0)
    TEST_S2(74, fdiv.s, rne, M_INF, 0x08, M_ONE, 0)
    TEST_S2(75, fdiv.s, rne, QNAN, 0x10, 0, 0)
    TEST_S2(76, fdiv.s, rne, QNAN, 0x10, INF, M_INF)
    TEST_S2(77, fdiv.s, rne, 0x80000000, 0, ONE, M_INF)
    TEST_S2(78, fdiv.s, rne, INF, 0, INF, 0)                     /* inf / 0: no DZ */
    TEST_S2(79, fdiv.s, rne, 0x40e00000, 0, 0x41600000, TWO)     /* 14 / 2 */

    /* fsqrt.s */
    TEST_S1(80, fsqrt.s, rne, TWO, 0, 0x40800000)
    TEST_S1(81, fsqrt.s, rne, 0x3fb504f3, 0x01, TWO)
    TEST_S1(82, fsqrt.s, rup, 0x3fb504f4, 0x01, TWO)
    TEST_S1(83, fsqrt.s, rne, QNAN, 0x10, M_ONE)
    TEST_S1(84, fsqrt.s, rne, 0x80000000, 0, 0x80000000)
    TEST_S1(85, fsqrt.s, rne, INF, 0, INF)
    TEST_S1(86, fsqrt.s, rne, QNAN, 0x10, M_INF)
    TEST_S1(87, fsqrt.s, rne, QNAN, 0x10, SNAN)
    TEST_S1(88, fsqrt.s, rne, 0x20000000, 0, 0x00800000)         /* sqrt(2^-126) = 2^-63 */

    /* fused multiply-add: a * b + c rounded once */
    TEST_S3(90, fmadd.s, rne, 0x40e00000, 0, TWO, THREE, ONE)    /* 7 */
    TEST_S3(91, fmsub.s, rne, 0x40a00000, 0, TWO, THREE, ONE)    /* 5 */
    TEST_S3(92, fnmsub.s, rne, 0xc0a00000, 0, TWO, THREE, ONE)   /* -5 */
    TEST_S3(93, fnmadd.s, rne, 0xc0e00000, 0, TWO, THREE, ONE)   /* -7 */
    /* (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly; mul then add would give 0 */
    TEST_S3(94, fmadd.s, rne, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, M_ONE)
    TEST_S2(95, fmul.s, rne, ONE, 0x01, 0x3f800001, 0x3f7ffffe)
    TEST_S3(96, fmsub.s, rne, 0xa8800000, 0, 0x3f800001, 0x3f7ffffe, ONE)
    TEST_S3(97, fnmsub.s, rne, 0x28800000, 0, 0x3f800001, 0x3f7ffffe, ONE)
    TEST_S3(107, fmadd.s, rne, QNAN, 0x10, INF, 0, QNAN)          /* inf * 0 + qNaN: NV */
    TEST_S3(98, fmadd.s, rne, QNAN, 0x10, INF, ONE, M_INF)       /* inf - inf */
    TEST_S3(99, fmadd.s, rne, QNAN, 0, QNAN, ONE, ONE)
    TEST_S3(100, fmadd.s, rne, QNAN, 0x10, ONE, ONE, SNAN)
    TEST_S3(101, fmadd.s, rne, 0, 0, ONE, ONE, M_ONE)            /* exact zero: +0 */
    TEST_S3(102, fmadd.s, rdn, 0x80000000, 0, ONE, ONE, M_ONE)   /* ... -0 in RDN */
    TEST_S3(103, fnmadd.s, rne, 0x80000000, 0, 0, ONE, 0)        /* -(0*1) - 0 = -0 */
    TEST_S3(104, fmadd.s, rmm, 0x3f800001, 0x01, ONE, ULP_HALF, ONE) /* tie away */
    TEST_S3(105, fmadd.s, rne, ONE, 0x01, ONE, ULP_HALF, ONE)
    TEST_S3(106, fmadd.s, rne, INF, 0x05, MAXF, TWO, M_ONE)
RVTEST_END
