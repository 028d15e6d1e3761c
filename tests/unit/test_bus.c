/* Unit tests for the bus: region map, overlap refusal, access splitting, RAM and DMA. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"

/* A fake device: a 64-byte register file that logs its accesses. */
struct fake_dev {
    uint8_t regs[64];
    unsigned nreads, nwrites, resets, destroys;
    uint64_t last_off[8];
    unsigned last_size[8];
};

static int fake_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    struct fake_dev *d = dev;
    uint64_t v = 0;

    if (off + size > sizeof(d->regs))
        return -1;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)d->regs[off + i] << (8 * i);
    d->last_off[d->nreads % 8] = off;
    d->last_size[d->nreads % 8] = size;
    d->nreads++;
    *val = v;
    return 0;
}

static int fake_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct fake_dev *d = dev;

    if (off + size > sizeof(d->regs))
        return -1;
    for (unsigned i = 0; i < size; i++)
        d->regs[off + i] = (uint8_t)(val >> (8 * i));
    d->last_off[d->nwrites % 8] = off;
    d->last_size[d->nwrites % 8] = size;
    d->nwrites++;
    return 0;
}

static void fake_reset(void *dev)
{
    ((struct fake_dev *)dev)->resets++;
}

static void fake_destroy(void *dev)
{
    ((struct fake_dev *)dev)->destroys++;
}

static const struct device_ops fake_ops4 = {
    .name = "fake4",
    .read = fake_read,
    .write = fake_write,
    .min_access = 4,
    .max_access = 4,
    .reset = fake_reset,
    .destroy = fake_destroy,
};

static const struct device_ops fake_ops18 = {
    .name = "fake18",
    .read = fake_read,
    .write = fake_write,
    .min_access = 1,
    .max_access = 8,
    .reset = fake_reset,
    .destroy = fake_destroy,
};

START_TEST(test_overlap_and_ranges)
{
    struct bus *b = bus_create();
    static uint8_t ram[0x1000];
    struct fake_dev d = {0};

    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(bus_add_ram(b, 0x1000, 0x1000, ram), 0);
    ck_assert_int_eq(bus_add_device(b, 0x1800, 0x10, &fake_ops4, &d), -EEXIST);
    ck_assert_int_eq(bus_add_device(b, 0x0, 0x1001, &fake_ops4, &d), -EEXIST);
    ck_assert_int_eq(bus_add_device(b, 0x1fff, 0x2, &fake_ops4, &d), -EEXIST);
    ck_assert_int_eq(bus_add_device(b, 0x0, 0x1000, &fake_ops4, &d), 0);
    ck_assert_int_eq(bus_add_device(b, 0x2000, 0x40, &fake_ops4, &d), 0);
    ck_assert_int_eq(bus_add_device(b, 0x3000, 0, &fake_ops4, &d), -EINVAL);
    ck_assert_int_eq(bus_add_device(b, UINT64_MAX - 0xfff, 0x2000, &fake_ops4, &d), -EINVAL);
    ck_assert_int_eq(bus_add_ram(b, 0x5000, 0x10, NULL), -EINVAL);
    /* A region may end exactly at the top of the address space. */
    ck_assert_int_eq(bus_add_device(b, UINT64_MAX - 0xfff, 0x1000, &fake_ops4, &d), 0);
    ck_assert_int_eq(bus_add_device(b, UINT64_MAX, 1, &fake_ops4, &d), -EEXIST);
    ck_assert_uint_eq(bus_region_count(b), 4);
    bus_destroy(b);
}
END_TEST

START_TEST(test_sorted_and_find)
{
    struct bus *b = bus_create();
    static uint8_t r1[0x100], r2[0x100], r3[0x100];

    ck_assert_int_eq(bus_add_ram(b, 0x3000, 0x100, r3), 0);
    ck_assert_int_eq(bus_add_ram(b, 0x1000, 0x100, r1), 0);
    ck_assert_int_eq(bus_add_ram(b, 0x2000, 0x100, r2), 0);
    ck_assert_uint_eq(bus_region_at(b, 0)->base, 0x1000);
    ck_assert_uint_eq(bus_region_at(b, 1)->base, 0x2000);
    ck_assert_uint_eq(bus_region_at(b, 2)->base, 0x3000);
    ck_assert_ptr_null(bus_region_at(b, 3));
    ck_assert_ptr_null(bus_find(b, 0xfff));
    ck_assert_ptr_eq(bus_find(b, 0x1000)->ram, r1);
    ck_assert_ptr_eq(bus_find(b, 0x10ff)->ram, r1);
    ck_assert_ptr_null(bus_find(b, 0x1100));
    ck_assert_ptr_eq(bus_find(b, 0x3050)->ram, r3);
    ck_assert_ptr_null(bus_find(b, UINT64_MAX));
    ck_assert_ptr_eq(bus_ram_ptr(b, 0x20f8, 8), r2 + 0xf8);
    ck_assert_ptr_null(bus_ram_ptr(b, 0x20f9, 8));
    ck_assert_ptr_null(bus_ram_ptr(b, 0x2000, 0));
    bus_destroy(b);
}
END_TEST

START_TEST(test_ram_little_endian)
{
    struct bus *b = bus_create();
    static uint8_t ram[0x100];
    uint64_t v = 0;

    ck_assert_int_eq(bus_add_ram(b, 0x8000, sizeof(ram), ram), 0);
    ck_assert_int_eq(bus_write(b, 0x8001, 8, 0x0807060504030201ull), 0);
    ck_assert_uint_eq(ram[1], 0x01);
    ck_assert_uint_eq(ram[8], 0x08);
    ck_assert_int_eq(bus_read(b, 0x8002, 2, &v), 0);
    ck_assert_uint_eq(v, 0x0302);
    ck_assert_int_eq(bus_read(b, 0x8001, 4, &v), 0);
    ck_assert_uint_eq(v, 0x04030201);
    ck_assert_int_eq(bus_write(b, 0x8010, 1, 0x1ff), 0);
    ck_assert_uint_eq(ram[0x10], 0xff);
    ck_assert_uint_eq(ram[0x11], 0);
    ck_assert_int_eq(bus_read(b, 0x8000, 3, &v), -1);
    ck_assert_int_eq(bus_write(b, 0x8000, 16, 0), -1);
    bus_destroy(b);
}
END_TEST

START_TEST(test_size_split)
{
    struct bus *b = bus_create();
    struct fake_dev d = {0};
    uint64_t v = 0;

    ck_assert_int_eq(bus_add_device(b, 0x10000, 0x40, &fake_ops4, &d), 0);
    ck_assert_int_eq(bus_write(b, 0x10008, 8, 0x1122334455667788ull), 0);
    ck_assert_uint_eq(d.nwrites, 2);
    ck_assert_uint_eq(d.last_off[0], 8);
    ck_assert_uint_eq(d.last_size[0], 4);
    ck_assert_uint_eq(d.last_off[1], 12);
    ck_assert_uint_eq(d.regs[8], 0x88);
    ck_assert_uint_eq(d.regs[15], 0x11);
    ck_assert_int_eq(bus_read(b, 0x10008, 8, &v), 0);
    ck_assert_uint_eq(d.nreads, 2);
    ck_assert_uint_eq(v, 0x1122334455667788ull);
    ck_assert_int_eq(bus_read(b, 0x1000c, 4, &v), 0);
    ck_assert_uint_eq(v, 0x11223344);
    /* Smaller than min_access: refused, not widened. */
    ck_assert_int_eq(bus_read(b, 0x10008, 1, &v), -1);
    ck_assert_int_eq(bus_write(b, 0x10008, 2, 0), -1);
    ck_assert_uint_eq(d.nwrites, 2);
    /* A device error on one piece fails the access. */
    ck_assert_int_eq(bus_add_device(b, 0x20000, 0x80, &fake_ops4, &d), 0);
    ck_assert_int_eq(bus_read(b, 0x2003c, 8, &v), -1);
    bus_destroy(b);
}
END_TEST

START_TEST(test_device_passthrough)
{
    struct bus *b = bus_create();
    struct fake_dev d = {0};
    uint64_t v = 0;

    ck_assert_int_eq(bus_add_device(b, 0x10000, 0x40, &fake_ops18, &d), 0);
    ck_assert_int_eq(bus_write(b, 0x10003, 2, 0xabcd), 0);
    ck_assert_uint_eq(d.nwrites, 1);
    ck_assert_uint_eq(d.last_off[0], 3);
    ck_assert_uint_eq(d.last_size[0], 2);
    ck_assert_int_eq(bus_read(b, 0x10000, 8, &v), 0);
    ck_assert_uint_eq(d.nreads, 1);
    ck_assert_uint_eq(v, 0xabcd000000ull);
    bus_destroy(b);
}
END_TEST

START_TEST(test_straddle_and_outside)
{
    struct bus *b = bus_create();
    static uint8_t ram[0x100];
    struct fake_dev d = {0};
    uint64_t v = 0;

    ck_assert_int_eq(bus_add_ram(b, 0x1000, 0x100, ram), 0);
    ck_assert_int_eq(bus_add_device(b, 0x1100, 0x40, &fake_ops18, &d), 0);
    ck_assert_int_eq(bus_read(b, 0x10fc, 8, &v), -1);
    ck_assert_int_eq(bus_write(b, 0x10fe, 4, 0), -1);
    ck_assert_int_eq(bus_read(b, 0x113c, 8, &v), -1);
    ck_assert_int_eq(bus_read(b, 0x2000, 4, &v), -1);
    ck_assert_int_eq(bus_write(b, 0x0, 1, 0), -1);
    ck_assert_int_eq(bus_read(b, UINT64_MAX - 3, 8, &v), -1);
    ck_assert_uint_eq(d.nreads + d.nwrites, 0);
    ck_assert_int_eq(bus_read(b, 0x10f8, 8, &v), 0);
    bus_destroy(b);
}
END_TEST

START_TEST(test_dma)
{
    struct bus *b = bus_create();
    static uint8_t r1[0x100], r2[0x100];
    struct fake_dev d = {0};
    uint8_t buf[0x40], out[0x40];

    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i + 1);
    ck_assert_int_eq(bus_add_ram(b, 0x1000, 0x100, r1), 0);
    ck_assert_int_eq(bus_add_ram(b, 0x1100, 0x100, r2), 0);
    ck_assert_int_eq(bus_add_device(b, 0x1200, 0x40, &fake_ops18, &d), 0);
    /* Spans two adjacent RAM regions. */
    ck_assert_int_eq(bus_dma_write(b, 0x10e0, buf, sizeof(buf)), 0);
    ck_assert_uint_eq(r1[0xe0], 1);
    ck_assert_uint_eq(r2[0x1f], 0x40);
    ck_assert_int_eq(bus_dma_read(b, 0x10e0, out, sizeof(out)), 0);
    ck_assert_mem_eq(out, buf, sizeof(buf));
    /* Runs into a device: refused, and RAM untouched. */
    memset(buf, 0xee, sizeof(buf));
    ck_assert_int_eq(bus_dma_write(b, 0x11f0, buf, sizeof(buf)), -1);
    ck_assert_uint_eq(r2[0xf0], 0);
    ck_assert_uint_eq(d.nwrites, 0);
    ck_assert_int_eq(bus_dma_read(b, 0x1200, out, 4), -1);
    ck_assert_int_eq(bus_dma_read(b, 0x0, out, 4), -1);
    ck_assert_int_eq(bus_dma_read(b, UINT64_MAX - 1, out, 4), -1);
    ck_assert_int_eq(bus_dma_read(b, 0x1000, out, 0), 0);
    bus_destroy(b);
}
END_TEST

START_TEST(test_reset_destroy_once)
{
    struct bus *b = bus_create();
    struct fake_dev d = {0}, e = {0};

    ck_assert_int_eq(bus_add_device(b, 0x1000, 0x40, &fake_ops4, &d), 0);
    ck_assert_int_eq(bus_add_device(b, 0x2000, 0x40, &fake_ops18, &d), 0);
    ck_assert_int_eq(bus_add_device(b, 0x3000, 0x40, &fake_ops18, &e), 0);
    bus_reset(b);
    ck_assert_uint_eq(d.resets, 1);
    ck_assert_uint_eq(e.resets, 1);
    bus_destroy(b);
    ck_assert_uint_eq(d.destroys, 1);
    ck_assert_uint_eq(e.destroys, 1);
}
END_TEST

START_TEST(test_bad_ops)
{
    struct bus *b = bus_create();
    struct fake_dev d = {0};
    struct device_ops bad = fake_ops4;

    bad.min_access = 8;
    ck_assert_int_eq(bus_add_device(b, 0x1000, 0x40, &bad, &d), -EINVAL);
    bad = fake_ops4;
    bad.max_access = 3;
    ck_assert_int_eq(bus_add_device(b, 0x1000, 0x40, &bad, &d), -EINVAL);
    ck_assert_int_eq(bus_add_device(b, 0x1000, 0x40, NULL, &d), -EINVAL);
    bus_destroy(b);
}
END_TEST

/* dev_log_guest_error() is rate-limited per call site (the bus's only logging helper). */
START_TEST(test_dev_log_rate_limit)
{
    char line[512];
    unsigned lines = 0;
    FILE *f;

    ck_assert_ptr_nonnull(freopen("test_bus_log.txt", "w+", stderr));
    for (int i = 0; i < 100; i++)
        dev_log_guest_error("fake", "flood %d", i);
    fflush(stderr);
    f = fopen("test_bus_log.txt", "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof(line), f))
        lines++;
    fclose(f);
    remove("test_bus_log.txt");
    /* A few per second; at most two seconds' worth if the loop straddles a tick. */
    ck_assert_uint_ge(lines, 1);
    ck_assert_uint_le(lines, 10);
}
END_TEST

static Suite *bus_suite(void)
{
    Suite *s = suite_create("bus");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_overlap_and_ranges);
    tcase_add_test(tc, test_sorted_and_find);
    tcase_add_test(tc, test_ram_little_endian);
    tcase_add_test(tc, test_size_split);
    tcase_add_test(tc, test_device_passthrough);
    tcase_add_test(tc, test_straddle_and_outside);
    tcase_add_test(tc, test_dma);
    tcase_add_test(tc, test_reset_destroy_once);
    tcase_add_test(tc, test_bad_ops);
    tcase_add_test(tc, test_dev_log_rate_limit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bus_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
