/*
 * Unit tests for virtio-input on the virtio-mmio transport with RAM on a bus: the
 * configuration space (5.8.4 selections), events delivered into posted buffers, events
 * kept while no buffer is posted, dropped before DRIVER_OK and when the ring is full.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/virtio_input.h"
#include "devices/virtio_mmio.h"

#define BASE     0x10001000u
#define RAM      0x80000000u
#define RAM_SIZE (1u << 20)
#define DESC     (RAM + 0x1000)
#define AVAIL    (RAM + 0x2000)
#define USED     (RAM + 0x3000)
#define BUFS     (RAM + 0x8000)
#define QNUM     16
#define CFG      0x100

struct fixture {
    struct bus *bus;
    uint8_t *ram;
    struct virtio_input *in;
    uint16_t avail;
    bool irq;
};

static void irq_set(void *o, unsigned n, bool l)
{
    ((struct fixture *)o)->irq = l;
}

static void wr(struct fixture *f, uint64_t off, unsigned size, uint32_t v)
{
    ck_assert_int_eq(bus_write(f->bus, BASE + off, size, v), 0);
}

static uint32_t rd(struct fixture *f, uint64_t off, unsigned size)
{
    uint64_t v;
    ck_assert_int_eq(bus_read(f->bus, BASE + off, size, &v), 0);
    return (uint32_t)v;
}

static uint64_t get(struct fixture *f, uint64_t a, unsigned len)
{
    return virtio_get_le(f->ram + (a - RAM), len);
}

static struct fixture *setup(enum virtio_input_kind kind, bool driver_ok)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct irq_line l = {.set = irq_set, .opaque = f};
    f->ram = calloc(1, RAM_SIZE);
    f->bus = bus_create();
    ck_assert_int_eq(bus_add_ram(f->bus, RAM, RAM_SIZE, f->ram), 0);
    f->in = virtio_input_create(kind);
    ck_assert_ptr_nonnull(f->in);
    struct virtio_dev *vd = virtio_mmio_create(f->bus, &l, &virtio_input_ops, f->in, false);
    ck_assert_int_eq(bus_add_device(f->bus, BASE, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, vd), 0);
    ck_assert_uint_eq(rd(f, 0x08, 4), 18);
    if (!driver_ok)
        return f;
    wr(f, 0x70, 4, 3);
    wr(f, 0x24, 4, 1);
    wr(f, 0x20, 4, 1); /* VIRTIO_F_VERSION_1 */
    wr(f, 0x70, 4, 11);
    ck_assert_uint_eq(rd(f, 0x70, 4) & 8, 8);
    wr(f, 0x30, 4, 0);
    wr(f, 0x38, 4, QNUM);
    wr(f, 0x80, 4, DESC);
    wr(f, 0x90, 4, AVAIL);
    wr(f, 0xa0, 4, USED);
    wr(f, 0x44, 4, 1);
    wr(f, 0x70, 4, 15);
    return f;
}

static void teardown(struct fixture *f)
{
    bus_destroy(f->bus);
    free(f->ram);
    free(f);
}

/* Post n writable 8-byte buffers on the event queue and notify. */
static void post(struct fixture *f, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned d = f->avail % QNUM;
        virtio_put_le(f->ram + (DESC + 16 * d - RAM), BUFS + 8 * d, 8);
        virtio_put_le(f->ram + (DESC + 16 * d + 8 - RAM), 8, 4);
        virtio_put_le(f->ram + (DESC + 16 * d + 12 - RAM), 2, 2); /* WRITE */
        virtio_put_le(f->ram + (AVAIL + 4 + 2 * d - RAM), d, 2);
        f->avail++;
    }
    virtio_put_le(f->ram + (AVAIL + 2 - RAM), f->avail, 2);
    wr(f, 0x50, 4, 0);
}

/* The event in used element i. */
static void used_event(struct fixture *f, unsigned i, uint16_t *type, uint16_t *code,
                       int32_t *value)
{
    uint32_t id = (uint32_t)get(f, USED + 4 + 8 * (i % QNUM), 4);
    ck_assert_uint_eq(get(f, USED + 8 + 8 * (i % QNUM), 4), 8);
    *type = (uint16_t)get(f, BUFS + 8 * id, 2);
    *code = (uint16_t)get(f, BUFS + 8 * id + 2, 2);
    *value = (int32_t)get(f, BUFS + 8 * id + 4, 4);
}

static unsigned cfg_select(struct fixture *f, uint8_t sel, uint8_t sub)
{
    wr(f, CFG + 0, 1, sel);
    wr(f, CFG + 1, 1, sub);
    return rd(f, CFG + 2, 1);
}

START_TEST(test_config_keyboard)
{
    struct fixture *f = setup(VIRTIO_INPUT_KEYBOARD, false);
    char name[64] = "";
    unsigned n = cfg_select(f, 0x01, 0);
    ck_assert_uint_gt(n, 0);
    for (unsigned i = 0; i < n; i++)
        name[i] = (char)rd(f, CFG + 8 + i, 1);
    ck_assert_str_eq(name, "rvisor virtio keyboard");
    ck_assert_uint_gt(cfg_select(f, 0x02, 0), 0);     /* ID_SERIAL */
    ck_assert_uint_eq(cfg_select(f, 0x03, 0), 8);     /* ID_DEVIDS */
    ck_assert_uint_eq(rd(f, CFG + 8, 2), 0x06);       /* BUS_VIRTUAL */
    ck_assert_uint_eq(cfg_select(f, 0x10, 0), 0);     /* no properties */
    ck_assert_uint_eq(cfg_select(f, 0x11, 0x01), 16); /* EV_KEY: codes 1..127 */
    ck_assert_uint_eq(rd(f, CFG + 8, 1), 0xfe);       /* KEY_ESC..KEY_6; not code 0 */
    ck_assert_uint_eq(rd(f, CFG + 8 + 15, 1), 0xff);
    ck_assert_uint_eq(cfg_select(f, 0x11, 0x14), 1); /* EV_REP present */
    ck_assert_uint_eq(cfg_select(f, 0x11, 0x03), 0); /* no EV_ABS */
    ck_assert_uint_eq(cfg_select(f, 0x12, 0x00), 0); /* no ABS_INFO */
    ck_assert_uint_eq(cfg_select(f, 0x77, 0), 0);    /* unknown selection */
    ck_assert_uint_eq(cfg_select(f, 0x00, 0), 0);    /* UNSET */
    /* the size byte is read-only */
    cfg_select(f, 0x01, 0);
    wr(f, CFG + 2, 1, 99);
    ck_assert_uint_eq(rd(f, CFG + 2, 1), 22);
    teardown(f);
}
END_TEST

START_TEST(test_config_tablet)
{
    struct fixture *f = setup(VIRTIO_INPUT_TABLET, false);
    ck_assert_uint_eq(cfg_select(f, 0x11, 0x03), 1); /* EV_ABS: X, Y */
    ck_assert_uint_eq(rd(f, CFG + 8, 1), 0x03);
    ck_assert_uint_eq(cfg_select(f, 0x11, 0x01), 0x112 / 8 + 1);
    ck_assert_uint_eq(rd(f, CFG + 8 + 0x110 / 8, 1), 0x07); /* BTN_LEFT, RIGHT, MIDDLE */
    ck_assert_uint_eq(cfg_select(f, 0x11, 0x02), 2);        /* EV_REL: wheel */
    ck_assert_uint_eq(rd(f, CFG + 9, 1), 0x01);
    ck_assert_uint_eq(cfg_select(f, 0x12, 0x00), 20); /* ABS_INFO X */
    ck_assert_uint_eq(rd(f, CFG + 8, 4), 0);
    ck_assert_uint_eq(rd(f, CFG + 12, 4), VIRTIO_INPUT_ABS_MAX);
    ck_assert_uint_eq(cfg_select(f, 0x12, 0x01), 20);
    ck_assert_uint_eq(cfg_select(f, 0x12, 0x02), 0); /* no ABS_Z */
    teardown(f);
}
END_TEST

START_TEST(test_events)
{
    struct fixture *f = setup(VIRTIO_INPUT_KEYBOARD, true);
    struct virtio_input_event ev[2] = {{VIRTIO_INPUT_EV_KEY, 30, 1}, {VIRTIO_INPUT_EV_SYN, 0, 0}};
    uint16_t type, code;
    int32_t value;
    /* no buffers yet: kept */
    ck_assert_uint_eq(virtio_input_send(f->in, ev, 2), 2);
    ck_assert_uint_eq(get(f, USED + 2, 2), 0);
    ck_assert(!f->irq);
    post(f, 4);
    ck_assert_uint_eq(get(f, USED + 2, 2), 2);
    ck_assert(f->irq);
    used_event(f, 0, &type, &code, &value);
    ck_assert_uint_eq(type, VIRTIO_INPUT_EV_KEY);
    ck_assert_uint_eq(code, 30);
    ck_assert_int_eq(value, 1);
    used_event(f, 1, &type, &code, &value);
    ck_assert_uint_eq(type, VIRTIO_INPUT_EV_SYN);
    /* buffers waiting: delivered at once */
    ev[0].value = 0;
    ck_assert_uint_eq(virtio_input_send(f->in, ev, 2), 2);
    ck_assert_uint_eq(get(f, USED + 2, 2), 4);
    used_event(f, 2, &type, &code, &value);
    ck_assert_int_eq(value, 0);
    teardown(f);
}
END_TEST

START_TEST(test_drops)
{
    struct fixture *f = setup(VIRTIO_INPUT_TABLET, false);
    struct virtio_input_event ev[3] = {
        {VIRTIO_INPUT_EV_ABS, 0, 5}, {VIRTIO_INPUT_EV_ABS, 1, 6}, {VIRTIO_INPUT_EV_SYN, 0, 0}};
    unsigned accepted = 0;
    /* the driver is not running the device: dropped */
    ck_assert_uint_eq(virtio_input_send(f->in, ev, 3), 0);
    teardown(f);
    f = setup(VIRTIO_INPUT_TABLET, true);
    /* no buffers: a few hundred are kept, then whole groups are dropped */
    for (unsigned i = 0; i < 200; i++)
        accepted += virtio_input_send(f->in, ev, 3);
    ck_assert_uint_eq(accepted % 3, 0);
    ck_assert_uint_ge(accepted, 200);
    ck_assert_uint_lt(accepted, 600);
    /* a reset forgets them */
    wr(f, 0x70, 4, 0);
    post(f, 0);
    ck_assert_uint_eq(get(f, USED + 2, 2), 0);
    teardown(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio-input");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_config_keyboard);
    tcase_add_test(tc, test_config_tablet);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_drops);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
