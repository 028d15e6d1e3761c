/*
 * Unit tests for virtio-blk and its raw-file back end: requests built in RAM on a bus and
 * sent through the virtio-mmio transport against a temporary image file; image locking.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/bus.h"
#include "devices/host/blockdev.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"

#define BASE 0x10001000u
#define RAM 0x80000000u
#define RAM_SIZE (1u << 20)
#define DESC (RAM + 0x1000)
#define AVAIL (RAM + 0x2000)
#define USED (RAM + 0x3000)
#define HDR (RAM + 0x8000)
#define STATUS (RAM + 0x8100)
#define DATA (RAM + 0x10000)
#define QNUM 16
#define SECTORS 64

enum { F_NEXT = 1, F_WRITE = 2 };
enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WZ = 13 };

struct fixture {
    struct bus *bus;
    uint8_t *ram;
    char path[64];
    uint16_t avail;
};

static void irq_set(void *o, unsigned n, bool l) {}

static void wr(struct fixture *f, uint64_t off, uint32_t v)
{
    ck_assert_int_eq(bus_write(f->bus, BASE + off, 4, v), 0);
}

static uint32_t rd(struct fixture *f, uint64_t off)
{
    uint64_t v;
    ck_assert_int_eq(bus_read(f->bus, BASE + off, 4, &v), 0);
    return (uint32_t)v;
}

static void put(struct fixture *f, uint64_t a, uint64_t v, unsigned len)
{
    virtio_put_le(f->ram + (a - RAM), v, len);
}

static void make_image(struct fixture *f, size_t bytes)
{
    strcpy(f->path, "/tmp/rvisor-blk-XXXXXX");
    int fd = mkstemp(f->path);
    ck_assert_int_ge(fd, 0);
    uint8_t *buf = malloc(bytes);
    for (size_t i = 0; i < bytes; i++)
        buf[i] = (uint8_t)(i / 512 + 1);
    ck_assert_int_eq(write(fd, buf, bytes), (ssize_t)bytes);
    close(fd);
    free(buf);
}

static struct fixture *setup(bool readonly)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct irq_line l = {.set = irq_set};
    struct blockdev *bd;
    char err[128];
    make_image(f, SECTORS * 512);
    f->ram = calloc(1, RAM_SIZE);
    f->bus = bus_create();
    ck_assert_int_eq(bus_add_ram(f->bus, RAM, RAM_SIZE, f->ram), 0);
    ck_assert_int_eq(blockdev_open(f->path, readonly, BLOCKDEV_CACHE_WRITEBACK, &bd, err,
                                   sizeof(err)), 0);
    struct virtio_dev *vd = virtio_mmio_create(f->bus, &l, &virtio_blk_ops,
                                               virtio_blk_create(bd, "serial-1"), false);
    ck_assert_int_eq(bus_add_device(f->bus, BASE, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, vd), 0);
    wr(f, 0x70, 3);
    wr(f, 0x24, 1);
    wr(f, 0x20, 1);
    wr(f, 0x24, 0);
    wr(f, 0x20, (1u << 9) | (readonly ? 0 : (1u << 13) | (1u << 14)));
    wr(f, 0x70, 11);
    ck_assert_uint_eq(rd(f, 0x70) & 8, 8);
    wr(f, 0x38, QNUM);
    wr(f, 0x80, DESC);
    wr(f, 0x90, AVAIL);
    wr(f, 0xa0, USED);
    wr(f, 0x44, 1);
    wr(f, 0x70, 15);
    return f;
}

static void teardown(struct fixture *f)
{
    bus_destroy(f->bus);
    unlink(f->path);
    free(f->ram);
    free(f);
}

static void desc(struct fixture *f, unsigned i, uint64_t addr, uint32_t len, uint16_t flags)
{
    uint64_t d = DESC + 16 * i;
    put(f, d, addr, 8);
    put(f, d + 8, len, 4);
    put(f, d + 12, flags, 2);
    put(f, d + 14, i + 1, 2);
}

/* header + (data of len bytes, writable if `in`) + status; returns the status byte. */
static int request(struct fixture *f, uint32_t type, uint64_t sector, uint32_t len, bool in)
{
    unsigned n = 0;
    put(f, HDR, type, 4);
    put(f, HDR + 8, sector, 8);
    f->ram[STATUS - RAM] = 0xff;
    desc(f, n++, HDR, 16, F_NEXT);
    if (len)
        desc(f, n++, DATA, len, F_NEXT | (in ? F_WRITE : 0));
    desc(f, n++, STATUS, 1, F_WRITE);
    put(f, AVAIL + 4 + 2 * (f->avail % QNUM), 0, 2);
    f->avail++;
    put(f, AVAIL + 2, f->avail, 2);
    wr(f, 0x50, 0);
    return f->ram[STATUS - RAM];
}

START_TEST(test_config)
{
    struct fixture *f = setup(false);
    uint64_t v;
    ck_assert_int_eq(bus_read(f->bus, BASE + 0x100, 4, &v), 0);
    ck_assert_uint_eq(v, SECTORS);
    ck_assert_uint_eq(rd(f, 0x8), 2);
    wr(f, 0x14, 0);
    ck_assert_uint_eq(rd(f, 0x10) & (1u << 5), 0); /* not RO */
    teardown(f);
}
END_TEST

START_TEST(test_read_write)
{
    struct fixture *f = setup(false);
    ck_assert_int_eq(request(f, T_IN, 3, 1024, true), 0);
    ck_assert_uint_eq(f->ram[DATA - RAM], 4);
    ck_assert_uint_eq(f->ram[DATA - RAM + 1023], 5);
    memset(f->ram + (DATA - RAM), 0x5a, 512);
    ck_assert_int_eq(request(f, T_OUT, 10, 512, false), 0);
    memset(f->ram + (DATA - RAM), 0, 512);
    ck_assert_int_eq(request(f, T_IN, 10, 512, true), 0);
    ck_assert_uint_eq(f->ram[DATA - RAM + 511], 0x5a);
    ck_assert_int_eq(request(f, T_FLUSH, 0, 0, false), 0);
    /* out of range, partial sector */
    ck_assert_int_eq(request(f, T_IN, SECTORS - 1, 1024, true), 1);
    ck_assert_int_eq(request(f, T_OUT, UINT64_MAX, 512, false), 1);
    ck_assert_int_eq(request(f, T_IN, 0, 100, true), 1);
    ck_assert_int_eq(request(f, 99, 0, 0, false), 2);
    ck_assert_int_eq(request(f, T_GET_ID, 0, 20, true), 0);
    ck_assert_str_eq((char *)f->ram + (DATA - RAM), "serial-1");
    ck_assert_uint_eq(rd(f, 0x70) & 0x40, 0);
    teardown(f);
}
END_TEST

START_TEST(test_discard_write_zeroes)
{
    struct fixture *f = setup(false);
    put(f, DATA, 8, 8);
    put(f, DATA + 8, 16, 4);
    put(f, DATA + 12, 0, 4);
    ck_assert_int_eq(request(f, T_DISCARD, 0, 16, false), 0);
    ck_assert_int_eq(request(f, T_IN, 8, 512, true), 0);
    ck_assert_uint_eq(f->ram[DATA - RAM + 5], 0);
    put(f, DATA, 30, 8);
    put(f, DATA + 8, 2, 4);
    put(f, DATA + 12, 1, 4); /* unmap allowed */
    ck_assert_int_eq(request(f, T_WZ, 0, 16, false), 0);
    ck_assert_int_eq(request(f, T_IN, 31, 512, true), 0);
    ck_assert_uint_eq(f->ram[DATA - RAM], 0);
    ck_assert_int_eq(request(f, T_IN, 32, 512, true), 0);
    ck_assert_uint_eq(f->ram[DATA - RAM], 33);
    put(f, DATA, SECTORS - 1, 8); /* past the end */
    put(f, DATA + 8, 2, 4);
    put(f, DATA + 12, 0, 4);
    ck_assert_int_eq(request(f, T_DISCARD, 0, 16, false), 1);
    teardown(f);
}
END_TEST

START_TEST(test_readonly)
{
    struct fixture *f = setup(true);
    wr(f, 0x14, 0);
    ck_assert_uint_eq(rd(f, 0x10) & (1u << 5), 1u << 5);
    ck_assert_int_eq(request(f, T_OUT, 0, 512, false), 1);
    ck_assert_int_eq(request(f, T_IN, 0, 512, true), 0);
    ck_assert_uint_eq(f->ram[DATA - RAM], 1);
    teardown(f);
}
END_TEST

START_TEST(test_missing_status)
{
    struct fixture *f = setup(false);
    put(f, HDR, T_IN, 4);
    desc(f, 0, HDR, 16, 0);
    put(f, AVAIL + 4, 0, 2);
    put(f, AVAIL + 2, 1, 2);
    wr(f, 0x50, 0);
    ck_assert_uint_eq(rd(f, 0x70) & 0x40, 0x40);
    teardown(f);
}
END_TEST

START_TEST(test_lock)
{
    struct fixture f;
    struct blockdev *a, *b;
    char err[256];
    make_image(&f, 4096);
    ck_assert_int_eq(blockdev_open(f.path, false, BLOCKDEV_CACHE_WRITEBACK, &a, err, sizeof(err)), 0);
    ck_assert_int_lt(blockdev_open(f.path, false, BLOCKDEV_CACHE_WRITEBACK, &b, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "is in use by another VM or process"));
    ck_assert_int_lt(blockdev_open(f.path, true, BLOCKDEV_CACHE_WRITEBACK, &b, err, sizeof(err)), 0);
    blockdev_close(a);
    ck_assert_int_eq(blockdev_open(f.path, true, BLOCKDEV_CACHE_WRITEBACK, &a, err, sizeof(err)), 0);
    ck_assert_int_eq(blockdev_open(f.path, true, BLOCKDEV_CACHE_WRITEBACK, &b, err, sizeof(err)), 0);
    ck_assert_int_eq(blockdev_pwrite(b, "x", 1, 0), -EROFS);
    blockdev_close(a);
    blockdev_close(b);
    ck_assert_int_lt(blockdev_open("/nonexistent/x.img", false, BLOCKDEV_CACHE_WRITEBACK, &a, err,
                                   sizeof(err)), 0);
    unlink(f.path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio_blk");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_config);
    tcase_add_test(tc, test_read_write);
    tcase_add_test(tc, test_discard_write_zeroes);
    tcase_add_test(tc, test_readonly);
    tcase_add_test(tc, test_missing_status);
    tcase_add_test(tc, test_lock);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
