/* Unit tests for the PLIC on a bus, with fake context output lines. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/plic.h"

#define BASE     0x0c000000u
#define NSOURCES 95
#define NHARTS   2
#define NCTX     (2 * NHARTS)

struct fixture {
    struct bus *bus;
    struct plic *plic;
    bool out[NCTX];
    unsigned changes[NCTX];
};

static void ctx_set(void *o, unsigned n, bool l)
{
    struct fixture *f = o;

    f->out[n] = l;
    f->changes[n]++;
}

static struct fixture *setup(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct irq_line lines[NCTX];

    for (unsigned i = 0; i < NCTX; i++)
        lines[i] = (struct irq_line){.set = ctx_set, .opaque = f, .num = i};
    f->bus = bus_create();
    f->plic = plic_create(NSOURCES, NHARTS, lines);
    ck_assert_ptr_nonnull(f->plic);
    ck_assert_int_eq(bus_add_device(f->bus, BASE, PLIC_SIZE(NCTX), &plic_ops, f->plic), 0);
    return f;
}

static void teardown(struct fixture *f)
{
    bus_destroy(f->bus);
    free(f);
}

static uint32_t rd(struct fixture *f, uint64_t off)
{
    uint64_t v = 0xdead;

    ck_assert_int_eq(bus_read(f->bus, BASE + off, 4, &v), 0);
    return (uint32_t)v;
}

static void wr(struct fixture *f, uint64_t off, uint32_t v)
{
    ck_assert_int_eq(bus_write(f->bus, BASE + off, 4, v), 0);
}

static void set_prio(struct fixture *f, unsigned src, uint32_t p)
{
    wr(f, 4 * src, p);
}

static void enable(struct fixture *f, unsigned ctx, unsigned src, bool on)
{
    uint64_t off = 0x2000 + 0x80 * ctx + 4 * (src / 32);
    uint32_t w = rd(f, off);

    w = on ? w | (1u << (src % 32)) : w & ~(1u << (src % 32));
    wr(f, off, w);
}

static void threshold(struct fixture *f, unsigned ctx, uint32_t t)
{
    wr(f, 0x200000 + 0x1000 * ctx, t);
}

static uint32_t claim(struct fixture *f, unsigned ctx)
{
    return rd(f, 0x200004 + 0x1000 * ctx);
}

static void complete(struct fixture *f, unsigned ctx, uint32_t src)
{
    wr(f, 0x200004 + 0x1000 * ctx, src);
}

START_TEST(test_create_args)
{
    struct irq_line l[2] = {{0}};

    ck_assert_ptr_null(plic_create(0, 1, l));
    ck_assert_ptr_null(plic_create(PLIC_MAX_SOURCES + 1, 1, l));
    ck_assert_ptr_null(plic_create(10, 0, l));
    ck_assert_ptr_null(plic_create(10, 1, NULL));
}
END_TEST

START_TEST(test_registers)
{
    struct fixture *f = setup();

    set_prio(f, 1, 5);
    ck_assert_uint_eq(rd(f, 4), 5);
    set_prio(f, 1, 0xff); /* 3 bits */
    ck_assert_uint_eq(rd(f, 4), 7);
    set_prio(f, 0, 3); /* source 0 does not exist */
    ck_assert_uint_eq(rd(f, 0), 0);
    set_prio(f, 96, 3);
    ck_assert_uint_eq(rd(f, 4 * 96), 0);
    wr(f, 0x2000 + 0x80 * 3 + 4 * 2, 0xffffffff); /* sources 64..95 */
    ck_assert_uint_eq(rd(f, 0x2000 + 0x80 * 3 + 4 * 2), 0xffffffff);
    wr(f, 0x2000 + 0x80 * 3 + 4 * 3, 0xffffffff); /* 96..127 do not exist */
    ck_assert_uint_eq(rd(f, 0x2000 + 0x80 * 3 + 4 * 3), 0);
    wr(f, 0x2000, 0xffffffff); /* bit 0 (source 0) is hardwired 0 */
    ck_assert_uint_eq(rd(f, 0x2000), 0xfffffffe);
    wr(f, 0x2000 + 0x80 * NCTX, 1); /* context that does not exist */
    ck_assert_uint_eq(rd(f, 0x2000 + 0x80 * NCTX), 0);
    threshold(f, 2, 9);
    ck_assert_uint_eq(rd(f, 0x202000), 1);
    ck_assert_uint_eq(rd(f, 0x200010), 0); /* reserved */
    ck_assert_uint_eq(rd(f, 0x200008), 0);
    wr(f, 0x1000, 0xffffffff); /* pending is read-only */
    ck_assert_uint_eq(rd(f, 0x1000), 0);
    teardown(f);
}
END_TEST

START_TEST(test_claim_complete)
{
    struct fixture *f = setup();

    set_prio(f, 10, 1);
    enable(f, 1, 10, true);
    plic_set_irq(f->plic, 10, true);
    ck_assert_uint_eq(rd(f, 0x1000), 1u << 10);
    ck_assert(f->out[1]);
    ck_assert(!f->out[0] && !f->out[2] && !f->out[3]);
    ck_assert_uint_eq(claim(f, 1), 10);
    ck_assert(!f->out[1]);
    ck_assert_uint_eq(rd(f, 0x1000), 0);
    ck_assert_uint_eq(claim(f, 1), 0);
    /* Line still high at completion: pending again. */
    complete(f, 1, 10);
    ck_assert(f->out[1]);
    ck_assert_uint_eq(claim(f, 1), 10);
    /* Line drops while claimed, rises again: held until completion. */
    plic_set_irq(f->plic, 10, false);
    plic_set_irq(f->plic, 10, true);
    ck_assert(!f->out[1]);
    plic_set_irq(f->plic, 10, false);
    complete(f, 1, 10);
    ck_assert(!f->out[1]);
    ck_assert_uint_eq(rd(f, 0x1000), 0);
    teardown(f);
}
END_TEST

START_TEST(test_level_retract)
{
    struct fixture *f = setup();

    set_prio(f, 3, 1);
    enable(f, 0, 3, true);
    plic_set_irq(f->plic, 3, true);
    ck_assert(f->out[0]);
    plic_set_irq(f->plic, 3, false); /* not yet claimed: pending follows the line */
    ck_assert(!f->out[0]);
    ck_assert_uint_eq(claim(f, 0), 0);
    teardown(f);
}
END_TEST

START_TEST(test_priorities)
{
    struct fixture *f = setup();

    set_prio(f, 5, 2);
    set_prio(f, 7, 6);
    set_prio(f, 40, 6);
    set_prio(f, 9, 6);
    for (unsigned s = 1; s <= NSOURCES; s++)
        enable(f, 0, s, true);
    plic_set_irq(f->plic, 5, true);
    plic_set_irq(f->plic, 40, true);
    plic_set_irq(f->plic, 9, true);
    plic_set_irq(f->plic, 7, true);
    /* Highest priority first; ties go to the lowest id. */
    ck_assert_uint_eq(claim(f, 0), 7);
    ck_assert_uint_eq(claim(f, 0), 9);
    ck_assert_uint_eq(claim(f, 0), 40);
    ck_assert_uint_eq(claim(f, 0), 5);
    ck_assert_uint_eq(claim(f, 0), 0);
    ck_assert(!f->out[0]);
    /* Priority 0 never interrupts. */
    plic_set_irq(f->plic, 20, true);
    ck_assert(!f->out[0]);
    ck_assert_uint_eq(claim(f, 0), 0);
    set_prio(f, 20, 1);
    ck_assert(f->out[0]);
    teardown(f);
}
END_TEST

START_TEST(test_threshold)
{
    struct fixture *f = setup();

    set_prio(f, 1, 3);
    enable(f, 0, 1, true);
    threshold(f, 0, 3);
    plic_set_irq(f->plic, 1, true);
    ck_assert(!f->out[0]); /* priority must exceed the threshold */
    ck_assert_uint_eq(claim(f, 0), 0);
    ck_assert_uint_eq(rd(f, 0x1000), 2);
    threshold(f, 0, 2);
    ck_assert(f->out[0]);
    threshold(f, 0, 7);
    ck_assert(!f->out[0]);
    threshold(f, 0, 0);
    ck_assert_uint_eq(claim(f, 0), 1);
    teardown(f);
}
END_TEST

START_TEST(test_contexts)
{
    struct fixture *f = setup();

    set_prio(f, 10, 1);
    set_prio(f, 11, 1);
    enable(f, 1, 10, true); /* hart 0 S */
    enable(f, 3, 10, true); /* hart 1 S */
    enable(f, 2, 11, true); /* hart 1 M */
    plic_set_irq(f->plic, 10, true);
    ck_assert(f->out[1] && f->out[3]);
    ck_assert(!f->out[0] && !f->out[2]);
    /* The first claimer wins; the other context sees nothing. */
    ck_assert_uint_eq(claim(f, 3), 10);
    ck_assert(!f->out[1] && !f->out[3]);
    ck_assert_uint_eq(claim(f, 1), 0);
    plic_set_irq(f->plic, 11, true);
    ck_assert(f->out[2]);
    ck_assert(!f->out[1]);
    /* Completing from a context where the source is not enabled is ignored. */
    complete(f, 2, 10);
    ck_assert(!f->out[1] && !f->out[3]);
    complete(f, 3, 10);
    ck_assert(f->out[1] && f->out[3]);
    /* Disabling drops the line. */
    enable(f, 1, 10, false);
    ck_assert(!f->out[1] && f->out[3]);
    /* Bogus completions are ignored. */
    complete(f, 3, 0);
    complete(f, 3, 1000);
    ck_assert(f->out[3]);
    teardown(f);
}
END_TEST

START_TEST(test_irq_line_and_reset)
{
    struct fixture *f = setup();
    struct irq_line l = plic_irq_line(f->plic, 33);
    uint64_t v;

    set_prio(f, 33, 4);
    enable(f, 0, 33, true);
    irq_line_set(&l, true);
    ck_assert_uint_eq(rd(f, 0x1004), 2);
    ck_assert(f->out[0]);
    bus_reset(f->bus);
    ck_assert(!f->out[0]);               /* enables and priorities cleared */
    ck_assert_uint_eq(rd(f, 0x1004), 2); /* the line is still high */
    ck_assert_uint_eq(rd(f, 4 * 33), 0);
    plic_set_irq(f->plic, 0, true);   /* ignored */
    plic_set_irq(f->plic, 999, true); /* ignored */
    ck_assert_int_eq(bus_read(f->bus, BASE + 4, 1, &v), -1);
    ck_assert_int_eq(bus_read(f->bus, BASE + 2, 4, &v), 0);
    teardown(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plic");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_create_args);
    tcase_add_test(tc, test_registers);
    tcase_add_test(tc, test_claim_complete);
    tcase_add_test(tc, test_level_retract);
    tcase_add_test(tc, test_priorities);
    tcase_add_test(tc, test_threshold);
    tcase_add_test(tc, test_contexts);
    tcase_add_test(tc, test_irq_line_and_reset);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
