/* Unit tests for the ACLINT (MSWI, MTIMER, SSWI) on a bus, with fake time and irq lines. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/aclint.h"
#include "devices/bus.h"

#define BASE      0x2000000u
#define SSWI_BASE 0x2f00000u
#define NHARTS    2

enum { MSIP = 0, SSIP = 1, MTIP = 2 };

struct fixture {
    struct bus *bus;
    struct aclint *clint;
    uint64_t now;
    bool level[3][NHARTS];
    unsigned changes[3][NHARTS];
};

static uint64_t fake_time(void *opaque)
{
    return ((struct fixture *)opaque)->now;
}

static void set_msip(void *o, unsigned n, bool l)
{
    struct fixture *f = o;
    f->level[MSIP][n] = l;
    f->changes[MSIP][n]++;
}

static void set_ssip(void *o, unsigned n, bool l)
{
    struct fixture *f = o;
    f->level[SSIP][n] = l;
    f->changes[SSIP][n]++;
}

static void set_mtip(void *o, unsigned n, bool l)
{
    struct fixture *f = o;
    f->level[MTIP][n] = l;
    f->changes[MTIP][n]++;
}

static struct fixture *setup(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct irq_line msip[NHARTS], mtip[NHARTS], ssip[NHARTS];

    for (unsigned i = 0; i < NHARTS; i++) {
        msip[i] = (struct irq_line){.set = set_msip, .opaque = f, .num = i};
        mtip[i] = (struct irq_line){.set = set_mtip, .opaque = f, .num = i};
        ssip[i] = (struct irq_line){.set = set_ssip, .opaque = f, .num = i};
    }
    f->now = 1000;
    f->bus = bus_create();
    f->clint = aclint_create(NHARTS, fake_time, f, msip, mtip, ssip);
    ck_assert_ptr_nonnull(f->clint);
    ck_assert_int_eq(bus_add_device(f->bus, BASE, ACLINT_SIZE, &aclint_ops, f->clint), 0);
    ck_assert_int_eq(
        bus_add_device(f->bus, SSWI_BASE, ACLINT_SSWI_SIZE, &aclint_sswi_ops, f->clint), 0);
    return f;
}

static void teardown(struct fixture *f)
{
    bus_destroy(f->bus);
    free(f);
}

static uint64_t rd(struct fixture *f, uint64_t off, unsigned size)
{
    uint64_t v = 0;

    ck_assert_int_eq(bus_read(f->bus, BASE + off, size, &v), 0);
    return v;
}

static void wr(struct fixture *f, uint64_t off, unsigned size, uint64_t v)
{
    ck_assert_int_eq(bus_write(f->bus, BASE + off, size, v), 0);
}

START_TEST(test_create_args)
{
    struct irq_line l[1] = {{0}};

    ck_assert_ptr_null(aclint_create(0, fake_time, NULL, l, l, NULL));
    ck_assert_ptr_null(aclint_create(1, NULL, NULL, l, l, NULL));
    ck_assert_ptr_null(aclint_create(ACLINT_MAX_HARTS + 1, fake_time, NULL, l, l, NULL));
}
END_TEST

START_TEST(test_msip)
{
    struct fixture *f = setup();

    ck_assert_uint_eq(rd(f, 0x4, 4), 0);
    wr(f, 0x4, 4, 0xffffffff);
    ck_assert(f->level[MSIP][1]);
    ck_assert(!f->level[MSIP][0]);
    ck_assert_uint_eq(rd(f, 0x4, 4), 1);
    wr(f, 0x4, 4, 2); /* bit 0 only */
    ck_assert(!f->level[MSIP][1]);
    /* An 8-byte access covers two harts. */
    wr(f, 0x0, 8, 0x100000001ull);
    ck_assert(f->level[MSIP][0] && f->level[MSIP][1]);
    ck_assert_uint_eq(rd(f, 0x0, 8), 0x100000001ull);
    /* Out-of-range harts: ignored. */
    wr(f, 0x8, 4, 1);
    ck_assert_uint_eq(rd(f, 0x8, 4), 0);
    teardown(f);
}
END_TEST

START_TEST(test_mtime)
{
    struct fixture *f = setup();

    ck_assert_uint_eq(rd(f, 0xbff8, 8), 1000);
    f->now = 0x100000005ull;
    ck_assert_uint_eq(rd(f, 0xbff8, 4), 5);
    ck_assert_uint_eq(rd(f, 0xbffc, 4), 1);
    wr(f, 0xbff8, 8, 50);
    ck_assert_uint_eq(rd(f, 0xbff8, 8), 50);
    ck_assert_uint_eq(aclint_mtime(f->clint), 50);
    f->now += 10;
    ck_assert_uint_eq(rd(f, 0xbff8, 8), 60);
    wr(f, 0xbffc, 4, 2); /* high half only */
    ck_assert_uint_eq(rd(f, 0xbff8, 8), 0x20000003cull);
    wr(f, 0xbff8, 4, 7); /* low half only */
    ck_assert_uint_eq(rd(f, 0xbff8, 8), 0x200000007ull);
    teardown(f);
}
END_TEST

START_TEST(test_timer_compare)
{
    struct fixture *f = setup();

    ck_assert(!f->level[MTIP][0]);
    ck_assert_uint_eq(rd(f, 0x4000, 8), UINT64_MAX);
    wr(f, 0x4000, 8, 1500);
    ck_assert(!f->level[MTIP][0]);
    ck_assert_uint_eq(rd(f, 0x4000, 8), 1500);
    f->now = 1499;
    aclint_update(f->clint);
    ck_assert(!f->level[MTIP][0]);
    f->now = 1500;
    aclint_update(f->clint);
    ck_assert(f->level[MTIP][0]);
    ck_assert(!f->level[MTIP][1]);
    /* Writing mtimecmp re-evaluates at once. */
    wr(f, 0x4000, 8, 5000);
    ck_assert(!f->level[MTIP][0]);
    wr(f, 0x4008, 8, 100);
    ck_assert(f->level[MTIP][1]);
    /* 32-bit halves: high first, as RV32 software does. */
    wr(f, 0x400c, 4, 0xffffffff);
    ck_assert(!f->level[MTIP][1]);
    wr(f, 0x4008, 4, 0);
    ck_assert_uint_eq(rd(f, 0x4008, 8), 0xffffffff00000000ull);
    ck_assert_uint_eq(rd(f, 0x400c, 4), 0xffffffff);
    /* A jump of mtime re-evaluates every hart. */
    wr(f, 0xbff8, 8, 6000);
    ck_assert(f->level[MTIP][0]);
    ck_assert(!f->level[MTIP][1]);
    /* Out-of-range hart: ignored. */
    wr(f, 0x4010, 8, 0);
    ck_assert_uint_eq(rd(f, 0x4010, 8), 0);
    teardown(f);
}
END_TEST

START_TEST(test_deadline)
{
    struct fixture *f = setup();

    ck_assert_uint_eq(aclint_next_deadline(f->clint), UINT64_MAX);
    wr(f, 0x4000, 8, 3000);
    wr(f, 0x4008, 8, 2000);
    ck_assert_uint_eq(aclint_next_deadline(f->clint), 2000);
    f->now = 2500;
    aclint_update(f->clint);
    ck_assert(f->level[MTIP][1]);
    /* Hart 1 already fired: only hart 0 counts. */
    ck_assert_uint_eq(aclint_next_deadline(f->clint), 3000);
    f->now = 3000;
    aclint_update(f->clint);
    ck_assert_uint_eq(aclint_next_deadline(f->clint), UINT64_MAX);
    teardown(f);
}
END_TEST

START_TEST(test_sswi)
{
    struct fixture *f = setup();
    uint64_t v = 1;

    ck_assert_int_eq(bus_write(f->bus, SSWI_BASE + 4, 4, 1), 0);
    ck_assert(f->level[SSIP][1]);
    ck_assert(!f->level[SSIP][0]);
    ck_assert_int_eq(bus_read(f->bus, SSWI_BASE + 4, 4, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(bus_write(f->bus, SSWI_BASE, 4, 0), 0);
    ck_assert_uint_eq(f->changes[SSIP][0], 0);
    ck_assert_int_eq(bus_write(f->bus, SSWI_BASE + 8, 4, 1), 0);
    teardown(f);
}
END_TEST

START_TEST(test_bad_access_and_reset)
{
    struct fixture *f = setup();
    uint64_t v = 1;

    ck_assert_int_eq(bus_read(f->bus, BASE + 0x4002, 4, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(bus_read(f->bus, BASE + 0xc000, 4, &v), 0);
    ck_assert_int_eq(bus_read(f->bus, BASE + 0x4000, 2, &v), -1); /* below min_access */
    wr(f, 0x0, 4, 1);
    wr(f, 0x4000, 8, 0);
    ck_assert(f->level[MSIP][0] && f->level[MTIP][0]);
    bus_reset(f->bus);
    ck_assert(!f->level[MSIP][0] && !f->level[MTIP][0]);
    ck_assert_uint_eq(rd(f, 0x4000, 8), UINT64_MAX);
    teardown(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aclint");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_create_args);
    tcase_add_test(tc, test_msip);
    tcase_add_test(tc, test_mtime);
    tcase_add_test(tc, test_timer_compare);
    tcase_add_test(tc, test_deadline);
    tcase_add_test(tc, test_sswi);
    tcase_add_test(tc, test_bad_access_and_reset);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
