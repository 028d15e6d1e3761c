/* Unit tests for the sifive,test finisher on a bus. */
#include <check.h>
#include <stdlib.h>

#include "devices/bus.h"
#include "devices/sifive_test.h"

struct events {
    unsigned count;
    enum finisher_event last;
    unsigned code;
};

static void on_event(void *opaque, enum finisher_event ev, unsigned code)
{
    struct events *e = opaque;

    e->count++;
    e->last = ev;
    e->code = code;
}

static struct bus *setup(struct events *e)
{
    struct bus *b = bus_create();
    struct sifive_test *t = sifive_test_create(on_event, e);

    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(bus_add_device(b, 0x100000, SIFIVE_TEST_SIZE, &sifive_test_ops, t), 0);
    return b;
}

START_TEST(test_pass)
{
    struct events e = {0};
    struct bus *b = setup(&e);

    ck_assert_int_eq(bus_write(b, 0x100000, 4, 0x5555), 0);
    ck_assert_uint_eq(e.count, 1);
    ck_assert_int_eq(e.last, FINISHER_PASS);
    ck_assert_uint_eq(e.code, 0);
    bus_destroy(b);
}
END_TEST

START_TEST(test_fail_codes)
{
    struct events e = {0};
    struct bus *b = setup(&e);

    ck_assert_int_eq(bus_write(b, 0x100000, 4, 0x3333 | (42u << 16)), 0);
    ck_assert_int_eq(e.last, FINISHER_FAIL);
    ck_assert_uint_eq(e.code, 42);
    ck_assert_int_eq(bus_write(b, 0x100000, 4, 0xffff3333u), 0);
    ck_assert_uint_eq(e.code, 0xffff);
    ck_assert_int_eq(bus_write(b, 0x100000, 4, 0x3333), 0);
    ck_assert_int_eq(e.last, FINISHER_FAIL);
    ck_assert_uint_eq(e.code, 0);
    ck_assert_uint_eq(e.count, 3);
    bus_destroy(b);
}
END_TEST

START_TEST(test_reset_and_junk)
{
    struct events e = {0};
    struct bus *b = setup(&e);
    uint64_t v = 1;

    ck_assert_int_eq(bus_write(b, 0x100000, 4, 0x7777), 0);
    ck_assert_int_eq(e.last, FINISHER_RESET);
    ck_assert_uint_eq(e.count, 1);
    /* Unknown values, other offsets: logged and ignored, never a bus fault. */
    ck_assert_int_eq(bus_write(b, 0x100000, 4, 0x1234), 0);
    ck_assert_int_eq(bus_write(b, 0x100004, 4, 0x5555), 0);
    ck_assert_uint_eq(e.count, 1);
    ck_assert_int_eq(bus_read(b, 0x100000, 4, &v), 0);
    ck_assert_uint_eq(v, 0);
    /* A 2-byte write is accepted; a 1-byte one is below min_access. */
    ck_assert_int_eq(bus_write(b, 0x100000, 2, 0x5555), 0);
    ck_assert_int_eq(e.last, FINISHER_PASS);
    ck_assert_int_eq(bus_write(b, 0x100000, 1, 0x55), -1);
    bus_destroy(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("finisher");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_pass);
    tcase_add_test(tc, test_fail_codes);
    tcase_add_test(tc, test_reset_and_junk);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
