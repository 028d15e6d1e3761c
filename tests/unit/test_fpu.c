/*
 * Unit tests of the pure FPU functions (cpu/fpu.c): rounding in all five modes with RMM
 * ties, flags (NX, UF with tininess after rounding, OF, DZ, NV), fma single rounding,
 * canonical NaNs, NaN-boxing, fmin/fmax, comparisons, fclass, and conversions at every
 * saturation boundary. No CPU involved.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/csr.h"
#include "cpu/fpu.h"

#define S_ONE 0x3f800000u
#define S_TWO 0x40000000u
#define S_THREE 0x40400000u
#define S_HALF 0x3f000000u
#define S_INF 0x7f800000u
#define S_MAX 0x7f7fffffu
#define S_SNAN 0x7f800001u
#define D_ONE 0x3ff0000000000000ull
#define D_SNAN 0x7ff0000000000001ull

/* Result and flags of one call. */
struct res {
    uint64_t v;
    unsigned fl;
};

static void expect(struct res r, uint64_t v, unsigned fl)
{
    ck_assert_uint_eq(r.v, v);
    ck_assert_uint_eq(r.fl, fl);
}

static struct res add_s(uint64_t a, uint64_t b, unsigned rm)
{
    struct res r = {0, 0};
    r.v = fpu_add(FPU_S, a, b, rm, &r.fl);
    return r;
}

static struct res to_int(enum fpu_fmt f, uint64_t a, enum fpu_int t, unsigned rm)
{
    struct res r = {0, 0};
    r.v = fpu_to_int(f, a, t, rm, &r.fl);
    return r;
}

static struct res from_int(enum fpu_fmt f, uint64_t v, enum fpu_int t, unsigned rm)
{
    struct res r = {0, 0};
    r.v = fpu_from_int(f, v, t, rm, &r.fl);
    return r;
}

START_TEST(test_rounding_ties)
{
    /* 1 + 2^-24 is halfway between 1 and 1 + 2^-23. */
    expect(add_s(S_ONE, 0x33800000, RM_RNE), S_ONE, FFLAG_NX);
    expect(add_s(S_ONE, 0x33800000, RM_RMM), 0x3f800001, FFLAG_NX);
    expect(add_s(S_ONE, 0x33800000, RM_RTZ), S_ONE, FFLAG_NX);
    expect(add_s(S_ONE, 0x33800000, RM_RDN), S_ONE, FFLAG_NX);
    expect(add_s(S_ONE, 0x33800000, RM_RUP), 0x3f800001, FFLAG_NX);
    expect(add_s(0xbf800000, 0xb3800000, RM_RMM), 0xbf800001, FFLAG_NX);
    expect(add_s(0xbf800000, 0xb3800000, RM_RUP), 0xbf800000, FFLAG_NX);
    /* odd neighbour: RNE rounds up */
    expect(add_s(0x3f800001, 0x33800000, RM_RNE), 0x3f800002, FFLAG_NX);
    /* RMM on a non-tie rounds to nearest */
    expect(add_s(S_ONE, 0x33000000, RM_RMM), S_ONE, FFLAG_NX);
    /* doubles: 1 + 2^-53 */
    unsigned fl = 0;
    ck_assert_uint_eq(fpu_add(FPU_D, D_ONE, 0x3ca0000000000000ull, RM_RMM, &fl),
                      0x3ff0000000000001ull);
    ck_assert_uint_eq(fpu_add(FPU_D, D_ONE, 0x3ca0000000000000ull, RM_RNE, &fl), D_ONE);
}
END_TEST

START_TEST(test_overflow_underflow)
{
    expect(add_s(S_MAX, S_MAX, RM_RNE), S_INF, FFLAG_OF | FFLAG_NX);
    expect(add_s(S_MAX, S_MAX, RM_RTZ), S_MAX, FFLAG_OF | FFLAG_NX);
    expect(add_s(0xff7fffff, 0xff7fffff, RM_RUP), 0xff7fffff, FFLAG_OF | FFLAG_NX);
    struct res r = {0, 0};
    /* exact subnormal result: no UF */
    r.v = fpu_mul(FPU_S, 0x00800000, S_HALF, RM_RNE, &r.fl);
    expect(r, 0x00400000, 0);
    /* (1 - 2^-46) * 2^-126 rounds up to 2^-126: not tiny after rounding, NX only */
    r.fl = 0;
    r.v = fpu_mul(FPU_S, 0x007fffff, 0x3f800001, RM_RNE, &r.fl);
    expect(r, 0x00800000, FFLAG_NX);
    r.fl = 0;
    r.v = fpu_mul(FPU_S, 0x007fffff, 0x3f800001, RM_RTZ, &r.fl);
    expect(r, 0x007fffff, FFLAG_UF | FFLAG_NX);
    r.fl = 0;
    r.v = fpu_mul(FPU_S, 0x00000001, S_HALF, RM_RNE, &r.fl);
    expect(r, 0, FFLAG_UF | FFLAG_NX);
    r.fl = 0;
    r.v = fpu_mul(FPU_S, 0x00000001, S_HALF, RM_RMM, &r.fl);
    expect(r, 1, FFLAG_UF | FFLAG_NX);
}
END_TEST

START_TEST(test_div_sqrt)
{
    struct res r = {0, 0};
    r.v = fpu_div(FPU_S, S_ONE, S_THREE, RM_RNE, &r.fl);
    expect(r, 0x3eaaaaab, FFLAG_NX);
    r.fl = 0;
    r.v = fpu_div(FPU_S, S_ONE, 0, RM_RNE, &r.fl);
    expect(r, S_INF, FFLAG_DZ);
    r.fl = 0;
    r.v = fpu_div(FPU_S, 0, 0, RM_RNE, &r.fl);
    expect(r, FPU_CNAN_S, FFLAG_NV);
    r.fl = 0;
    r.v = fpu_sqrt(FPU_D, 0x4000000000000000ull, RM_RNE, &r.fl);
    expect(r, 0x3ff6a09e667f3bcdull, FFLAG_NX);
    r.fl = 0;
    r.v = fpu_sqrt(FPU_D, 0x8000000000000000ull, RM_RNE, &r.fl);
    expect(r, 0x8000000000000000ull, 0);
    r.fl = 0;
    r.v = fpu_sqrt(FPU_S, 0xbf800000, RM_RNE, &r.fl);
    expect(r, FPU_CNAN_S, FFLAG_NV);
}
END_TEST

START_TEST(test_fma_single_rounding)
{
    struct res r = {0, 0};
    /* (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46; rounding the product first would give 0 */
    r.v = fpu_fma(FPU_S, 0x3f800001, 0x3f7ffffe, 0xbf800000, RM_RNE, &r.fl);
    expect(r, 0xa8800000, 0);
    r.fl = 0;
    r.v = fpu_mul(FPU_S, 0x3f800001, 0x3f7ffffe, RM_RNE, &r.fl);
    expect(r, S_ONE, FFLAG_NX);
    r.fl = 0;
    r.v = fpu_fma(FPU_D, 0x3ff0000000000001ull, 0x3feffffffffffffeull, 0xbff0000000000000ull,
                  RM_RNE, &r.fl);
    expect(r, 0xb970000000000000ull, 0);
    /* inf * 0 + qNaN signals NV */
    r.fl = 0;
    r.v = fpu_fma(FPU_S, S_INF, 0, FPU_CNAN_S, RM_RNE, &r.fl);
    expect(r, FPU_CNAN_S, FFLAG_NV);
    /* exact zero sum: +0, or -0 when rounding down */
    r.fl = 0;
    r.v = fpu_fma(FPU_S, S_ONE, S_ONE, 0xbf800000, RM_RDN, &r.fl);
    expect(r, 0x80000000, 0);
}
END_TEST

START_TEST(test_nan_rules)
{
    expect(add_s(S_SNAN, S_ONE, RM_RNE), FPU_CNAN_S, FFLAG_NV);
    expect(add_s(0xffc12345, S_ONE, RM_RNE), FPU_CNAN_S, 0);
    unsigned fl = 0;
    ck_assert_uint_eq(fpu_min(FPU_S, FPU_CNAN_S, S_ONE, &fl), S_ONE);
    ck_assert_uint_eq(fl, 0);
    ck_assert_uint_eq(fpu_max(FPU_S, S_ONE, S_SNAN, &fl), S_ONE);
    ck_assert_uint_eq(fl, FFLAG_NV);
    fl = 0;
    ck_assert_uint_eq(fpu_min(FPU_D, D_SNAN, D_SNAN, &fl), FPU_CNAN_D);
    ck_assert_uint_eq(fpu_min(FPU_S, 0, 0x80000000, &fl), 0x80000000);
    ck_assert_uint_eq(fpu_max(FPU_S, 0x80000000, 0, &fl), 0);
    fl = 0;
    ck_assert(!fpu_eq(FPU_S, FPU_CNAN_S, FPU_CNAN_S, &fl));
    ck_assert_uint_eq(fl, 0);
    ck_assert(!fpu_lt(FPU_S, FPU_CNAN_S, S_ONE, &fl));
    ck_assert_uint_eq(fl, FFLAG_NV);
    fl = 0;
    ck_assert(fpu_le(FPU_S, 0x80000000, 0, &fl));
    ck_assert(!fpu_lt(FPU_S, 0x80000000, 0, &fl));
    ck_assert(fpu_eq(FPU_D, 0x8000000000000000ull, 0, &fl));
    ck_assert_uint_eq(fl, 0);
    fl = 0;
    ck_assert_uint_eq(fpu_s_to_d(S_SNAN, &fl), FPU_CNAN_D);
    ck_assert_uint_eq(fl, FFLAG_NV);
}
END_TEST

START_TEST(test_boxing_sgnj_class)
{
    ck_assert_uint_eq(fpu_unbox_s(0xffffffff3f800000ull), S_ONE);
    ck_assert_uint_eq(fpu_unbox_s(0x000000003f800000ull), FPU_CNAN_S);
    ck_assert_uint_eq(fpu_unbox_s(0xfffffffe3f800000ull), FPU_CNAN_S);
    ck_assert_uint_eq(fpu_box_s(S_ONE), 0xffffffff3f800000ull);
    ck_assert_uint_eq(fpu_sgnj(FPU_S, S_SNAN, 0xbf800000, 0), 0xff800001);
    ck_assert_uint_eq(fpu_sgnj(FPU_S, S_ONE, S_ONE, 1), 0xbf800000);
    ck_assert_uint_eq(fpu_sgnj(FPU_D, 0xbff0000000000000ull, 0x8000000000000000ull, 2), D_ONE);
    static const struct {
        uint32_t v;
        unsigned cls;
    } cases[] = {
        {0xff800000, FCLASS_NEG_INF},  {0xbf800000, FCLASS_NEG_NORMAL},
        {0x807fffff, FCLASS_NEG_SUBNORMAL}, {0x80000000, FCLASS_NEG_ZERO},
        {0, FCLASS_POS_ZERO},          {1, FCLASS_POS_SUBNORMAL},
        {0x00800000, FCLASS_POS_NORMAL}, {S_INF, FCLASS_POS_INF},
        {S_SNAN, FCLASS_SNAN},         {FPU_CNAN_S, FCLASS_QNAN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_uint_eq(fpu_class(FPU_S, cases[i].v), cases[i].cls);
    ck_assert_uint_eq(fpu_class(FPU_D, 0x000fffffffffffffull), FCLASS_POS_SUBNORMAL);
}
END_TEST

START_TEST(test_to_int_boundaries)
{
    expect(to_int(FPU_S, 0x4f000000, FPU_W, RM_RTZ), 0x7fffffff, FFLAG_NV);       /* 2^31 */
    expect(to_int(FPU_S, 0xcf000000, FPU_W, RM_RTZ), 0xffffffff80000000ull, 0);    /* -2^31 */
    expect(to_int(FPU_S, 0xcf000001, FPU_W, RM_RTZ), 0xffffffff80000000ull, FFLAG_NV);
    expect(to_int(FPU_S, FPU_CNAN_S, FPU_W, RM_RTZ), 0x7fffffff, FFLAG_NV);
    expect(to_int(FPU_S, 0xff800000, FPU_W, RM_RTZ), 0xffffffff80000000ull, FFLAG_NV);
    expect(to_int(FPU_S, 0x4f000000, FPU_WU, RM_RTZ), 0xffffffff80000000ull, 0);   /* sext */
    expect(to_int(FPU_S, 0x4f800000, FPU_WU, RM_RTZ), ~0ull, FFLAG_NV);            /* 2^32 */
    expect(to_int(FPU_S, 0xbf000000, FPU_WU, RM_RNE), 0, FFLAG_NX);                /* -0.5 */
    expect(to_int(FPU_S, 0xbf000000, FPU_WU, RM_RDN), 0, FFLAG_NV);
    expect(to_int(FPU_S, 0xbf000000, FPU_LU, RM_RMM), 0, FFLAG_NV);                /* -> -1 */
    expect(to_int(FPU_S, 0x5f000000, FPU_L, RM_RTZ), 0x7fffffffffffffffull, FFLAG_NV);
    expect(to_int(FPU_S, 0xdf000000, FPU_L, RM_RTZ), 0x8000000000000000ull, 0);
    expect(to_int(FPU_S, 0x5f000000, FPU_LU, RM_RTZ), 0x8000000000000000ull, 0);
    expect(to_int(FPU_S, 0x5f800000, FPU_LU, RM_RTZ), ~0ull, FFLAG_NV);            /* 2^64 */
    expect(to_int(FPU_D, 0x43dfffffffffffffull, FPU_L, RM_RTZ), 0x7ffffffffffffc00ull, 0);
    expect(to_int(FPU_D, 0x4004000000000000ull, FPU_W, RM_RNE), 2, FFLAG_NX);      /* 2.5 */
    expect(to_int(FPU_D, 0x4004000000000000ull, FPU_W, RM_RMM), 3, FFLAG_NX);
    expect(to_int(FPU_D, 0xc004000000000000ull, FPU_L, RM_RMM), (uint64_t)-3, FFLAG_NX);
    expect(to_int(FPU_D, 0x0000000000000001ull, FPU_L, RM_RUP), 1, FFLAG_NX);
    expect(to_int(FPU_D, 0x8000000000000001ull, FPU_L, RM_RDN), ~0ull, FFLAG_NX);
}
END_TEST

START_TEST(test_from_int)
{
    expect(from_int(FPU_S, 16777217, FPU_W, RM_RNE), 0x4b800000, FFLAG_NX);
    expect(from_int(FPU_S, 16777217, FPU_W, RM_RMM), 0x4b800001, FFLAG_NX);
    expect(from_int(FPU_S, 0xffffffff80000000ull, FPU_W, RM_RNE), 0xcf000000, 0);
    expect(from_int(FPU_S, 0x00000000ffffffffull, FPU_W, RM_RNE), 0xbf800000, 0);
    expect(from_int(FPU_S, 0xffffffff, FPU_WU, RM_RTZ), 0x4f7fffff, FFLAG_NX);
    expect(from_int(FPU_D, 0x8000000000000000ull, FPU_L, RM_RNE), 0xc3e0000000000000ull, 0);
    expect(from_int(FPU_D, ~0ull, FPU_LU, RM_RNE), 0x43f0000000000000ull, FFLAG_NX);
    expect(from_int(FPU_D, ~0ull, FPU_LU, RM_RTZ), 0x43efffffffffffffull, FFLAG_NX);
    expect(from_int(FPU_D, 0, FPU_L, RM_RDN), 0, 0);
    unsigned fl = 0;
    ck_assert_uint_eq(fpu_d_to_s(0x3690000000000000ull, RM_RMM, &fl), 1);
    ck_assert_uint_eq(fl, FFLAG_UF | FFLAG_NX);
    fl = 0;
    ck_assert_uint_eq(fpu_d_to_s(0x7fefffffffffffffull, RM_RTZ, &fl), S_MAX);
    ck_assert_uint_eq(fl, FFLAG_OF | FFLAG_NX);
}
END_TEST

static Suite *fpu_suite(void)
{
    Suite *s = suite_create("fpu");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_rounding_ties);
    tcase_add_test(tc, test_overflow_underflow);
    tcase_add_test(tc, test_div_sqrt);
    tcase_add_test(tc, test_fma_single_rounding);
    tcase_add_test(tc, test_nan_rules);
    tcase_add_test(tc, test_boxing_sgnj_class);
    tcase_add_test(tc, test_to_int_boundaries);
    tcase_add_test(tc, test_from_int);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fpu_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
