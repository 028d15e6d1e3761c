/*
 * Unit tests for the virtio-mmio transport and the split virtqueue: rings built in a RAM
 * buffer on a bus, driven through the MMIO registers, with a fake device that echoes
 * chains and a fake interrupt line. Normal, indirect and event-idx chains, legacy mode,
 * and every malformed-ring case the device must survive with DEVICE_NEEDS_RESET.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/virtio_mmio.h"

#define BASE 0x10001000u
#define RAM 0x80000000u
#define RAM_SIZE (1u << 20)
#define DESC (RAM + 0x1000)
#define AVAIL (RAM + 0x2000)
#define USED (RAM + 0x3000)
#define DATA (RAM + 0x10000)
#define QNUM 8

enum { F_NEXT = 1, F_WRITE = 2, F_INDIRECT = 4 };

struct fake {
    int last_rc;
    unsigned chains;
    struct virtq_chain c;
    uint8_t cfg[8];
};

struct fixture {
    struct bus *bus;
    uint8_t *ram;
    struct virtio_dev *vd;
    struct fake *dev;
    bool irq;
    uint16_t avail_idx;
};

static void fake_notify(void *dev, struct virtio_dev *vd, unsigned q)
{
    struct fake *d = dev;
    int rc;
    while ((rc = virtq_pop(vd, q, &d->c)) == 1) {
        uint8_t fill[64];
        memset(fill, 0xab, sizeof(fill));
        d->chains++;
        if (d->c.write_len)
            ck_assert_int_ge(virtq_chain_write(vd, &d->c, 0, fill, 1), 1);
        virtq_push(vd, q, &d->c, (uint32_t)d->c.write_len);
    }
    d->last_rc = rc;
    virtq_notify(vd, q);
}

static void fake_config_read(void *dev, uint32_t off, void *buf, unsigned len)
{
    memcpy(buf, ((struct fake *)dev)->cfg + off, len);
}

static uint64_t fake_features(void *dev)
{
    return 1u << 5;
}

static void fake_destroy(void *dev)
{
    free(dev);
}

static const struct virtio_device_ops fake_ops = {
    .name = "fake",
    .device_id = 42,
    .num_queues = 2,
    .queue_max = 16,
    .config_size = 8,
    .features = fake_features,
    .config_read = fake_config_read,
    .queue_notify = fake_notify,
    .destroy = fake_destroy,
};

static void irq_set(void *o, unsigned n, bool l)
{
    ((struct fixture *)o)->irq = l;
}

static struct fixture *setup_mode(bool legacy, bool empty)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct irq_line l = {.set = irq_set, .opaque = f, .num = 1};
    f->ram = calloc(1, RAM_SIZE);
    f->bus = bus_create();
    ck_assert_int_eq(bus_add_ram(f->bus, RAM, RAM_SIZE, f->ram), 0);
    if (!empty) {
        f->dev = calloc(1, sizeof(*f->dev));
        memcpy(f->dev->cfg, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    }
    f->vd = virtio_mmio_create(f->bus, &l, empty ? NULL : &fake_ops, f->dev, legacy);
    ck_assert_ptr_nonnull(f->vd);
    ck_assert_int_eq(bus_add_device(f->bus, BASE, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, f->vd), 0);
    return f;
}

static void teardown(struct fixture *f)
{
    bus_destroy(f->bus);
    free(f->ram);
    free(f);
}

static uint32_t rd(struct fixture *f, uint64_t off)
{
    uint64_t v;
    ck_assert_int_eq(bus_read(f->bus, BASE + off, 4, &v), 0);
    return (uint32_t)v;
}

static void wr(struct fixture *f, uint64_t off, uint32_t v)
{
    ck_assert_int_eq(bus_write(f->bus, BASE + off, 4, v), 0);
}

static void put(struct fixture *f, uint64_t addr, uint64_t v, unsigned len)
{
    virtio_put_le(f->ram + (addr - RAM), v, len);
}

static uint64_t get(struct fixture *f, uint64_t addr, unsigned len)
{
    return virtio_get_le(f->ram + (addr - RAM), len);
}

static void desc(struct fixture *f, uint64_t table, unsigned i, uint64_t addr, uint32_t len,
                 uint16_t flags, uint16_t next)
{
    uint64_t d = table + 16 * i;
    put(f, d, addr, 8);
    put(f, d + 8, len, 4);
    put(f, d + 12, flags, 2);
    put(f, d + 14, next, 2);
}

/* Make chain `head` available and notify queue 0. */
static void kick(struct fixture *f, uint16_t head)
{
    put(f, AVAIL + 4 + 2 * (f->avail_idx % QNUM), head, 2);
    f->avail_idx++;
    put(f, AVAIL + 2, f->avail_idx, 2);
    wr(f, 0x50, 0);
}

/* Modern initialisation (3.1.1) with the given driver features. */
static void init_modern(struct fixture *f, uint64_t feat)
{
    wr(f, 0x70, 1);
    wr(f, 0x70, 3);
    wr(f, 0x24, 0);
    wr(f, 0x20, (uint32_t)feat);
    wr(f, 0x24, 1);
    wr(f, 0x20, (uint32_t)(feat >> 32));
    wr(f, 0x70, 11);
    ck_assert_uint_eq(rd(f, 0x70) & 8, 8);
    wr(f, 0x30, 0);
    ck_assert_uint_eq(rd(f, 0x34), 16);
    wr(f, 0x38, QNUM);
    wr(f, 0x80, DESC);
    wr(f, 0x84, 0);
    wr(f, 0x90, AVAIL);
    wr(f, 0x94, 0);
    wr(f, 0xa0, USED);
    wr(f, 0xa4, 0);
    wr(f, 0x44, 1);
    ck_assert_uint_eq(rd(f, 0x44), 1);
    wr(f, 0x70, 15);
}

#define V1 (1ull << 32)
#define INDIRECT (1ull << 28)
#define EVENT_IDX (1ull << 29)

START_TEST(test_registers)
{
    struct fixture *f = setup_mode(false, false);
    uint64_t v;
    ck_assert_uint_eq(rd(f, 0x000), 0x74726976);
    ck_assert_uint_eq(rd(f, 0x004), 2);
    ck_assert_uint_eq(rd(f, 0x008), 42);
    ck_assert_uint_eq(rd(f, 0x00c), 0x554d4551);
    wr(f, 0x14, 0);
    ck_assert_uint_eq(rd(f, 0x10), (1u << 5) | (1u << 28) | (1u << 29));
    wr(f, 0x14, 1);
    ck_assert_uint_eq(rd(f, 0x10), 1); /* VERSION_1 */
    ck_assert_uint_eq(rd(f, 0xb0), 0xffffffffu);
    ck_assert_int_eq(bus_read(f->bus, BASE + 0x102, 2, &v), 0);
    ck_assert_uint_eq(v, 0x0403);
    ck_assert_int_eq(bus_read(f->bus, BASE + 0x100, 4, &v), 0);
    ck_assert_uint_eq(v, 0x04030201);
    ck_assert_int_eq(bus_read(f->bus, BASE + 0x108, 1, &v), 0); /* past the end: 0 */
    ck_assert_uint_eq(v, 0);
    teardown(f);

    f = setup_mode(false, true);
    ck_assert_uint_eq(rd(f, 0x000), 0x74726976);
    ck_assert_uint_eq(rd(f, 0x008), 0);
    wr(f, 0x70, 1); /* ignored */
    teardown(f);

    f = setup_mode(true, false);
    ck_assert_uint_eq(rd(f, 0x004), 1);
    wr(f, 0x14, 1);
    ck_assert_uint_eq(rd(f, 0x10), 0); /* no VERSION_1 in legacy */
    teardown(f);
}
END_TEST

START_TEST(test_features_ok_refused)
{
    struct fixture *f = setup_mode(false, false);
    wr(f, 0x70, 3);
    wr(f, 0x24, 0);
    wr(f, 0x20, 1u << 5); /* no VERSION_1 */
    wr(f, 0x70, 11);
    ck_assert_uint_eq(rd(f, 0x70) & 8, 0);
    wr(f, 0x24, 1);
    wr(f, 0x20, 1 | 2); /* VERSION_1 plus a bit not offered */
    wr(f, 0x70, 11);
    ck_assert_uint_eq(rd(f, 0x70) & 8, 0);
    teardown(f);
}
END_TEST

START_TEST(test_direct_chain)
{
    struct fixture *f = setup_mode(false, false);
    init_modern(f, V1);
    desc(f, DESC, 0, DATA, 16, F_NEXT, 3);
    desc(f, DESC, 3, DATA + 100, 4, F_NEXT, 5);
    desc(f, DESC, 5, DATA + 200, 32, F_WRITE, 0);
    kick(f, 0);
    ck_assert_uint_eq(f->dev->chains, 1);
    ck_assert_uint_eq(f->dev->c.nread, 2);
    ck_assert_uint_eq(f->dev->c.nwrite, 1);
    ck_assert_uint_eq(f->dev->c.read_len, 20);
    ck_assert_uint_eq(f->dev->c.write_len, 32);
    ck_assert_uint_eq(get(f, USED + 2, 2), 1);
    ck_assert_uint_eq(get(f, USED + 4, 4), 0);   /* id */
    ck_assert_uint_eq(get(f, USED + 8, 4), 32);  /* len */
    ck_assert_uint_eq(get(f, DATA + 200, 1), 0xab);
    ck_assert(f->irq);
    ck_assert_uint_eq(rd(f, 0x60), 1);
    wr(f, 0x64, 1);
    ck_assert(!f->irq);
    /* NO_INTERRUPT without event-idx suppresses the interrupt */
    put(f, AVAIL, 1, 2);
    kick(f, 0);
    ck_assert_uint_eq(get(f, USED + 2, 2), 2);
    ck_assert(!f->irq);
    teardown(f);
}
END_TEST

START_TEST(test_indirect)
{
    struct fixture *f = setup_mode(false, false);
    uint64_t table = DATA + 0x1000;
    init_modern(f, V1 | INDIRECT);
    desc(f, table, 0, DATA, 16, F_NEXT, 2);
    desc(f, table, 2, DATA + 64, 8, F_NEXT, 1);
    desc(f, table, 1, DATA + 128, 1, F_WRITE, 0);
    desc(f, DESC, 4, table, 48, F_INDIRECT, 0);
    kick(f, 4);
    ck_assert_uint_eq(f->dev->chains, 1);
    ck_assert_uint_eq(f->dev->c.head, 4);
    ck_assert_uint_eq(f->dev->c.nread, 2);
    ck_assert_uint_eq(f->dev->c.read_len, 24);
    ck_assert_uint_eq(f->dev->c.write_len, 1);
    ck_assert_uint_eq(get(f, USED + 4, 4), 4);
    ck_assert_uint_eq(rd(f, 0x70) & 0x40, 0);
    teardown(f);
}
END_TEST

START_TEST(test_event_idx)
{
    struct fixture *f = setup_mode(false, false);
    init_modern(f, V1 | EVENT_IDX);
    desc(f, DESC, 0, DATA, 8, F_WRITE, 0);
    put(f, AVAIL + 4 + 2 * QNUM, 2, 2); /* used_event: interrupt when used idx passes 2 */
    kick(f, 0);                          /* used idx 1 */
    ck_assert(!f->irq);
    ck_assert_uint_eq(get(f, USED + 4 + 8 * QNUM, 2), 1); /* avail_event = last_avail */
    kick(f, 0);                                           /* used idx 2 */
    ck_assert(!f->irq);
    kick(f, 0);                                           /* used idx 3: passed 2 */
    ck_assert(f->irq);
    wr(f, 0x64, 1);
    kick(f, 0); /* used_event still 2: no new interrupt */
    ck_assert(!f->irq);
    ck_assert_uint_eq(f->dev->chains, 4);
    teardown(f);
}
END_TEST

START_TEST(test_legacy)
{
    struct fixture *f = setup_mode(true, false);
    uint64_t base = RAM + 0x4000, used;
    wr(f, 0x70, 3);
    wr(f, 0x20, 0);
    wr(f, 0x28, 4096);
    wr(f, 0x30, 0);
    wr(f, 0x38, QNUM);
    wr(f, 0x3c, 4096);
    wr(f, 0x40, (uint32_t)(base / 4096));
    ck_assert_uint_eq(rd(f, 0x40), base / 4096);
    wr(f, 0x70, 7);
    desc(f, base, 0, DATA, 8, F_WRITE, 0);
    put(f, base + 16 * QNUM + 4, 0, 2);
    put(f, base + 16 * QNUM + 2, 1, 2);
    wr(f, 0x50, 0);
    used = base + 4096; /* 16*8 + 6 + 16 rounded up to 4096 */
    ck_assert_uint_eq(get(f, used + 2, 2), 1);
    ck_assert_uint_eq(get(f, used + 8, 4), 8);
    ck_assert(f->irq);
    teardown(f);
}
END_TEST

START_TEST(test_reset)
{
    struct fixture *f = setup_mode(false, false);
    init_modern(f, V1);
    desc(f, DESC, 0, 0x1000, 8, 0, 0); /* outside RAM */
    kick(f, 0);
    ck_assert_uint_eq(rd(f, 0x70) & 0x40, 0x40);
    wr(f, 0x70, 0);
    ck_assert_uint_eq(rd(f, 0x70), 0);
    ck_assert_uint_eq(rd(f, 0x44), 0);
    ck_assert(!f->irq);
    f->avail_idx = 0;
    put(f, AVAIL + 2, 0, 2);
    put(f, USED + 2, 0, 2);
    init_modern(f, V1);
    desc(f, DESC, 0, DATA, 8, F_WRITE, 0);
    kick(f, 0);
    ck_assert_uint_eq(f->dev->chains, 1);
    ck_assert_uint_eq(rd(f, 0x70), 15);
    teardown(f);
}
END_TEST

/* Each malformed ring: the device needs reset, raises a config interrupt, pops nothing. */
static void bad_loop(struct fixture *f)
{
    desc(f, DESC, 0, DATA, 8, F_NEXT, 1);
    desc(f, DESC, 1, DATA, 8, F_NEXT, 0);
    kick(f, 0);
}

static void bad_too_long(struct fixture *f) /* 9 entries in an indirect table, queue of 8 */
{
    uint64_t t = DATA + 0x1000;
    for (unsigned i = 0; i < 9; i++)
        desc(f, t, i, DATA, 8, i < 8 ? F_NEXT : 0, (uint16_t)(i + 1));
    desc(f, DESC, 0, t, 9 * 16, F_INDIRECT, 0);
    kick(f, 0);
}

static void bad_nested(struct fixture *f)
{
    uint64_t t = DATA + 0x1000;
    desc(f, t, 0, t, 16, F_INDIRECT, 0);
    desc(f, DESC, 0, t, 16, F_INDIRECT, 0);
    kick(f, 0);
}

static void bad_indirect_len(struct fixture *f)
{
    desc(f, DESC, 0, DATA + 0x1000, 24, F_INDIRECT, 0);
    kick(f, 0);
}

static void bad_zero_len(struct fixture *f)
{
    desc(f, DESC, 0, DATA, 0, 0, 0);
    kick(f, 0);
}

static void bad_overflow(struct fixture *f)
{
    desc(f, DESC, 0, UINT64_MAX - 4, 16, 0, 0);
    kick(f, 0);
}

static void bad_outside_ram(struct fixture *f)
{
    desc(f, DESC, 0, RAM + RAM_SIZE - 4, 8, 0, 0);
    kick(f, 0);
}

static void bad_head_index(struct fixture *f)
{
    kick(f, QNUM);
}

static void bad_next_index(struct fixture *f)
{
    desc(f, DESC, 0, DATA, 8, F_NEXT, 100);
    kick(f, 0);
}

static void bad_order(struct fixture *f)
{
    desc(f, DESC, 0, DATA, 8, F_WRITE | F_NEXT, 1);
    desc(f, DESC, 1, DATA, 8, 0, 0);
    kick(f, 0);
}

static void bad_avail_jump(struct fixture *f)
{
    desc(f, DESC, 0, DATA, 8, 0, 0);
    f->avail_idx = QNUM + 1;
    kick(f, 0);
}

static void bad_indirect_without_feature(struct fixture *f)
{
    wr(f, 0x70, 0);
    f->avail_idx = 0;
    put(f, AVAIL + 2, 0, 2);
    init_modern(f, V1);
    desc(f, DATA + 0x1000, 0, DATA, 8, 0, 0);
    desc(f, DESC, 0, DATA + 0x1000, 16, F_INDIRECT, 0);
    kick(f, 0);
}

static void bad_ring_outside_ram(struct fixture *f)
{
    wr(f, 0x70, 0);
    wr(f, 0x70, 3);
    wr(f, 0x24, 1);
    wr(f, 0x20, 1);
    wr(f, 0x70, 11);
    wr(f, 0x38, QNUM);
    wr(f, 0x80, 0x1000);
    wr(f, 0x90, AVAIL);
    wr(f, 0xa0, USED);
    wr(f, 0x44, 1);
    wr(f, 0x70, 15);
}

static void (*const bad_cases[])(struct fixture *) = {
    bad_loop,       bad_too_long,    bad_nested,     bad_indirect_len,
    bad_zero_len,   bad_overflow,    bad_outside_ram, bad_head_index,
    bad_next_index, bad_order,       bad_avail_jump, bad_indirect_without_feature,
    bad_ring_outside_ram,
};

START_TEST(test_malformed)
{
    struct fixture *f = setup_mode(false, false);
    init_modern(f, V1 | INDIRECT);
    bad_cases[_i](f);
    ck_assert_uint_eq(rd(f, 0x70) & 0x40, 0x40);
    ck_assert_uint_eq(rd(f, 0x60) & 2, 2);
    ck_assert(f->irq);
    ck_assert_uint_eq(f->dev->chains, 0);
    ck_assert_uint_eq(get(f, USED + 2, 2), 0);
    /* further notifications do nothing until reset */
    desc(f, DESC, 0, DATA, 8, F_WRITE, 0);
    kick(f, 0);
    ck_assert_uint_eq(f->dev->chains, 0);
    teardown(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_registers);
    tcase_add_test(tc, test_features_ok_refused);
    tcase_add_test(tc, test_direct_chain);
    tcase_add_test(tc, test_indirect);
    tcase_add_test(tc, test_event_idx);
    tcase_add_test(tc, test_legacy);
    tcase_add_test(tc, test_reset);
    tcase_add_loop_test(tc, test_malformed, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
