/* Unit tests for the goldfish RTC on a bus, with a fake time source and irq line. */
#include <check.h>
#include <stdlib.h>

#include "devices/bus.h"
#include "devices/goldfish_rtc.h"

#define BASE 0x101000u

enum {
    TIME_LOW = 0x00,
    TIME_HIGH = 0x04,
    ALARM_LOW = 0x08,
    ALARM_HIGH = 0x0c,
    IRQ_ENABLED = 0x10,
    CLEAR_ALARM = 0x14,
    ALARM_STATUS = 0x18,
    CLEAR_INTERRUPT = 0x1c
};

struct fixture {
    struct bus *bus;
    struct goldfish_rtc *rtc;
    uint64_t now;
    bool irq;
    unsigned changes;
};

static uint64_t fake_time(void *opaque)
{
    return ((struct fixture *)opaque)->now;
}

static void irq_set(void *o, unsigned n, bool l)
{
    struct fixture *f = o;

    f->irq = l;
    f->changes++;
}

static struct fixture *setup(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct irq_line l = {.set = irq_set, .opaque = f, .num = 11};

    f->now = 0x123456789abcdef0ull;
    f->bus = bus_create();
    f->rtc = goldfish_rtc_create(fake_time, f, &l);
    ck_assert_ptr_nonnull(f->rtc);
    ck_assert_int_eq(bus_add_device(f->bus, BASE, GOLDFISH_RTC_SIZE, &goldfish_rtc_ops, f->rtc), 0);
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

static uint64_t read_time(struct fixture *f)
{
    uint64_t lo = rd(f, TIME_LOW);

    return (uint64_t)rd(f, TIME_HIGH) << 32 | lo;
}

START_TEST(test_latching)
{
    struct fixture *f = setup();
    uint64_t v;

    ck_assert_uint_eq(rd(f, TIME_HIGH), 0); /* nothing latched yet */
    ck_assert_uint_eq(rd(f, TIME_LOW), 0x9abcdef0);
    /* The clock crosses a 2^32 boundary between the two reads: the latch keeps it whole. */
    f->now = 0x1234567900000001ull;
    ck_assert_uint_eq(rd(f, TIME_HIGH), 0x12345678);
    ck_assert_uint_eq(read_time(f), 0x1234567900000001ull);
    /* An 8-byte read is split by the bus into LOW then HIGH. */
    f->now = 0x2222222233333333ull;
    ck_assert_int_eq(bus_read(f->bus, BASE, 8, &v), 0);
    ck_assert_uint_eq(v, 0x2222222233333333ull);
    teardown(f);
}
END_TEST

START_TEST(test_set_time)
{
    struct fixture *f = setup();

    /* Linux writes HIGH then LOW. */
    wr(f, TIME_HIGH, 0x1);
    wr(f, TIME_LOW, 0x1000);
    ck_assert_uint_eq(read_time(f), 0x100001000ull);
    f->now += 500;
    ck_assert_uint_eq(read_time(f), 0x100001000ull + 500);
    teardown(f);
}
END_TEST

START_TEST(test_alarm)
{
    struct fixture *f = setup();
    uint64_t at = f->now + 1000;

    ck_assert_uint_eq(goldfish_rtc_next_deadline(f->rtc), UINT64_MAX);
    wr(f, ALARM_HIGH, (uint32_t)(at >> 32));
    wr(f, ALARM_LOW, (uint32_t)at);
    wr(f, IRQ_ENABLED, 1);
    ck_assert_uint_eq(rd(f, ALARM_STATUS), 1);
    ck_assert_uint_eq(rd(f, ALARM_HIGH), (uint32_t)(at >> 32));
    ck_assert_uint_eq(rd(f, ALARM_LOW), (uint32_t)at);
    ck_assert_uint_eq(rd(f, IRQ_ENABLED), 1);
    ck_assert_uint_eq(goldfish_rtc_next_deadline(f->rtc), at);
    f->now += 999;
    goldfish_rtc_update(f->rtc);
    ck_assert(!f->irq);
    f->now += 1;
    goldfish_rtc_update(f->rtc);
    ck_assert(f->irq);
    ck_assert_uint_eq(rd(f, ALARM_STATUS), 0);
    ck_assert_uint_eq(goldfish_rtc_next_deadline(f->rtc), UINT64_MAX);
    wr(f, CLEAR_INTERRUPT, 1);
    ck_assert(!f->irq);
    teardown(f);
}
END_TEST

START_TEST(test_alarm_past_disabled_cleared)
{
    struct fixture *f = setup();
    uint64_t past = f->now - 1;

    /* An alarm in the past fires at once; with IRQ_ENABLED clear the line stays low. */
    wr(f, ALARM_HIGH, (uint32_t)(past >> 32));
    wr(f, ALARM_LOW, (uint32_t)past);
    ck_assert_uint_eq(rd(f, ALARM_STATUS), 0);
    ck_assert(!f->irq);
    wr(f, IRQ_ENABLED, 1);
    ck_assert(f->irq);
    wr(f, IRQ_ENABLED, 0);
    ck_assert(!f->irq);
    wr(f, CLEAR_INTERRUPT, 1);
    wr(f, IRQ_ENABLED, 1);
    ck_assert(!f->irq);
    /* CLEAR_ALARM disarms a future alarm. */
    wr(f, ALARM_HIGH, (uint32_t)((f->now + 10) >> 32));
    wr(f, ALARM_LOW, (uint32_t)(f->now + 10));
    ck_assert_uint_eq(rd(f, ALARM_STATUS), 1);
    wr(f, CLEAR_ALARM, 1);
    ck_assert_uint_eq(rd(f, ALARM_STATUS), 0);
    f->now += 100;
    goldfish_rtc_update(f->rtc);
    ck_assert(!f->irq);
    teardown(f);
}
END_TEST

START_TEST(test_alarm_follows_guest_time)
{
    struct fixture *f = setup();

    wr(f, TIME_HIGH, 0);
    wr(f, TIME_LOW, 0); /* guest time is now 0 */
    wr(f, IRQ_ENABLED, 1);
    wr(f, ALARM_HIGH, 0);
    wr(f, ALARM_LOW, 100);
    ck_assert(!f->irq);
    ck_assert_uint_eq(goldfish_rtc_next_deadline(f->rtc), f->now + 100);
    f->now += 100;
    goldfish_rtc_update(f->rtc);
    ck_assert(f->irq);
    teardown(f);
}
END_TEST

START_TEST(test_bad_access_and_reset)
{
    struct fixture *f = setup();
    uint64_t v = 1;

    ck_assert_uint_eq(rd(f, 0x20), 0);
    ck_assert_uint_eq(rd(f, CLEAR_ALARM), 0);
    wr(f, 0x40, 1);
    ck_assert_int_eq(bus_read(f->bus, BASE, 2, &v), -1);
    wr(f, IRQ_ENABLED, 1);
    wr(f, ALARM_HIGH, 0);
    wr(f, ALARM_LOW, 0);
    ck_assert(f->irq);
    bus_reset(f->bus);
    ck_assert(!f->irq);
    ck_assert_uint_eq(rd(f, IRQ_ENABLED), 0);
    teardown(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rtc");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_latching);
    tcase_add_test(tc, test_set_time);
    tcase_add_test(tc, test_alarm);
    tcase_add_test(tc, test_alarm_past_disabled_cleared);
    tcase_add_test(tc, test_alarm_follows_guest_time);
    tcase_add_test(tc, test_bad_access_and_reset);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
