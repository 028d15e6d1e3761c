/*
 * Unit tests for virtio-net's frame path, driven through the virtio-mmio transport on a
 * bus with RAM and no CPU: the test plays the driver (rings in RAM, register writes) and
 * a fake back end records what the device sends and injects what it receives.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/host/netdev.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_net.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1u << 20)
#define MMIO     0x10001000ull
#define QN       8 /* queue size the driver picks */
#define RXQ      0
#define TXQ      1

/* ---- the fake back end ---- */

struct fake {
    struct netdev nd;
    unsigned sent;
    uint8_t last[2048];
    size_t last_len;
    int fail_send;
    bool *destroyed;
};

static int fake_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
    struct fake *f = (struct fake *)nd;
    if (f->fail_send)
        return f->fail_send;
    f->sent++;
    f->last_len = len < sizeof(f->last) ? len : sizeof(f->last);
    memcpy(f->last, frame, f->last_len);
    return 0;
}

static void fake_destroy(struct netdev *nd)
{
    struct fake *f = (struct fake *)nd;
    if (f->destroyed)
        *f->destroyed = true;
    free(f);
}

static const struct netdev_ops fake_ops = {
    .name = "fake", .send = fake_send, .destroy = fake_destroy};

/* ---- the machine and the driver ---- */

struct irq_probe {
    bool level;
    unsigned raises;
};

static void irq_set(void *opaque, unsigned num, bool level)
{
    struct irq_probe *p = opaque;
    if (level && !p->level)
        p->raises++;
    p->level = level;
}

struct rig {
    struct bus *bus;
    uint8_t *ram;
    struct irq_probe irq;
    struct fake *fake;
    void *net;
    bool legacy;
    unsigned hdr;
    uint16_t avail_idx[2], used_seen[2];
    uint64_t desc[2], avail[2], used[2];
    uint64_t buf; /* next free RAM for buffers */
};

static uint32_t reg_read(struct rig *r, uint64_t off)
{
    uint64_t v;
    ck_assert_int_eq(bus_read(r->bus, MMIO + off, 4, &v), 0);
    return (uint32_t)v;
}

static void reg_write(struct rig *r, uint64_t off, uint32_t v)
{
    ck_assert_int_eq(bus_write(r->bus, MMIO + off, 4, v), 0);
}

static uint8_t *ram(struct rig *r, uint64_t addr)
{
    return r->ram + (addr - RAM_BASE);
}

static void put16(struct rig *r, uint64_t a, uint16_t v)
{
    virtio_put_le(ram(r, a), v, 2);
}

static uint32_t get32(struct rig *r, uint64_t a)
{
    return (uint32_t)virtio_get_le(ram(r, a), 4);
}

static void rig_queue(struct rig *r, unsigned q)
{
    /* Each queue gets its own 16 KiB page-aligned area: desc, avail, used (legacy layout
     * works for both versions). */
    uint64_t base = RAM_BASE + q * 0x4000;
    r->desc[q] = base;
    r->avail[q] = base + 16 * QN;
    r->used[q] = base + 0x1000;
    reg_write(r, 0x030, q);
    ck_assert_uint_ge(reg_read(r, 0x034), QN);
    reg_write(r, 0x038, QN);
    if (r->legacy) {
        reg_write(r, 0x03c, 0x1000);
        reg_write(r, 0x040, (uint32_t)(base >> 12));
    } else {
        reg_write(r, 0x080, (uint32_t)r->desc[q]);
        reg_write(r, 0x084, (uint32_t)(r->desc[q] >> 32));
        reg_write(r, 0x090, (uint32_t)r->avail[q]);
        reg_write(r, 0x094, (uint32_t)(r->avail[q] >> 32));
        reg_write(r, 0x0a0, (uint32_t)r->used[q]);
        reg_write(r, 0x0a4, (uint32_t)(r->used[q] >> 32));
        reg_write(r, 0x044, 1);
    }
}

static void rig_setup(struct rig *r, bool legacy, const uint8_t *mac)
{
    memset(r, 0, sizeof(*r));
    r->legacy = legacy;
    r->hdr = legacy ? 10 : 12;
    r->bus = bus_create();
    r->ram = calloc(1, RAM_SIZE);
    ck_assert_int_eq(bus_add_ram(r->bus, RAM_BASE, RAM_SIZE, r->ram), 0);
    r->fake = calloc(1, sizeof(*r->fake));
    r->fake->nd.ops = &fake_ops;
    r->net = virtio_net_create(&r->fake->nd, mac);
    ck_assert_ptr_nonnull(r->net);
    struct irq_line irq = {irq_set, &r->irq, 1};
    struct virtio_dev *vd = virtio_mmio_create(r->bus, &irq, &virtio_net_ops, r->net, legacy);
    ck_assert_ptr_nonnull(vd);
    ck_assert_int_eq(bus_add_device(r->bus, MMIO, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, vd), 0);
    r->buf = RAM_BASE + 0x10000;

    ck_assert_uint_eq(reg_read(r, 0x000), 0x74726976);
    ck_assert_uint_eq(reg_read(r, 0x008), 1); /* network card */
    reg_write(r, 0x070, 0);
    reg_write(r, 0x070, 1);
    reg_write(r, 0x070, 3);
    reg_write(r, 0x014, 0);
    uint32_t f = reg_read(r, 0x010);
    ck_assert(f & (1u << 5));     /* MAC */
    ck_assert(f & (1u << 16));    /* STATUS */
    ck_assert(!(f & (1u << 15))); /* no MRG_RXBUF */
    reg_write(r, 0x024, 0);
    reg_write(r, 0x020, (1u << 5) | (1u << 16));
    if (legacy) {
        reg_write(r, 0x028, 0x1000);
    } else {
        reg_write(r, 0x024, 1);
        reg_write(r, 0x020, 1); /* VERSION_1 */
        reg_write(r, 0x070, 3 | 8);
        ck_assert(reg_read(r, 0x070) & 8);
    }
    rig_queue(r, RXQ);
    rig_queue(r, TXQ);
    reg_write(r, 0x070, legacy ? 7 : 15);
}

static void rig_teardown(struct rig *r)
{
    bus_destroy(r->bus);
    free(r->ram);
}

/* Make a chain of n descriptors available on q; seg[i] = {addr, len, writable}. */
struct seg {
    uint64_t addr;
    uint32_t len;
    bool write;
};

static void rig_offer(struct rig *r, unsigned q, uint16_t head, const struct seg *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t d = r->desc[q] + 16 * (uint64_t)((head + i) % QN);
        uint16_t flags = (i + 1 < n ? 1 : 0) | (s[i].write ? 2 : 0);
        virtio_put_le(ram(r, d), s[i].addr, 8);
        virtio_put_le(ram(r, d + 8), s[i].len, 4);
        put16(r, d + 12, flags);
        put16(r, d + 14, (uint16_t)((head + i + 1) % QN));
    }
    put16(r, r->avail[q] + 4 + 2 * (r->avail_idx[q] % QN), head);
    r->avail_idx[q]++;
    put16(r, r->avail[q] + 2, r->avail_idx[q]);
}

static uint16_t used_idx(struct rig *r, unsigned q)
{
    return (uint16_t)virtio_get_le(ram(r, r->used[q] + 2), 2);
}

/* The next used element of q: its id and length. */
static void used_next(struct rig *r, unsigned q, uint32_t *id, uint32_t *len)
{
    ck_assert_uint_ne(used_idx(r, q), r->used_seen[q]);
    uint64_t e = r->used[q] + 4 + 8 * (uint64_t)(r->used_seen[q] % QN);
    *id = get32(r, e);
    *len = get32(r, e + 4);
    r->used_seen[q]++;
}

static uint64_t alloc_buf(struct rig *r, uint32_t len)
{
    uint64_t a = r->buf;
    r->buf += (len + 63) & ~63u;
    return a;
}

static void make_frame(uint8_t *f, size_t len, uint8_t tag)
{
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)(tag + i);
}

static void post_rx(struct rig *r, uint16_t head, uint32_t size, uint64_t *addr)
{
    *addr = alloc_buf(r, size);
    struct seg s = {*addr, size, true};
    rig_offer(r, RXQ, head, &s, 1);
}

/* ---- tests ---- */

START_TEST(test_config_space)
{
    struct rig r;
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
    uint64_t v;
    rig_setup(&r, false, mac);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(bus_read(r.bus, MMIO + 0x100 + i, 1, &v), 0);
        ck_assert_uint_eq(v, mac[i]);
    }
    ck_assert_int_eq(bus_read(r.bus, MMIO + 0x106, 2, &v), 0);
    ck_assert_uint_eq(v, 1); /* link up */
    rig_teardown(&r);
}
END_TEST

START_TEST(test_tx)
{
    struct rig r;
    uint8_t frame[60];
    rig_setup(&r, false, NULL);
    make_frame(frame, sizeof(frame), 7);
    /* Header and frame in separate descriptors, the frame split in two. */
    uint64_t h = alloc_buf(&r, r.hdr), a = alloc_buf(&r, 20), b = alloc_buf(&r, 40);
    memcpy(ram(&r, a), frame, 20);
    memcpy(ram(&r, b), frame + 20, 40);
    struct seg s[3] = {{h, r.hdr, false}, {a, 20, false}, {b, 40, false}};
    rig_offer(&r, TXQ, 0, s, 3);
    reg_write(&r, 0x050, TXQ);
    ck_assert_uint_eq(r.fake->sent, 1);
    ck_assert_uint_eq(r.fake->last_len, 60);
    ck_assert_mem_eq(r.fake->last, frame, 60);
    uint32_t id, len;
    used_next(&r, TXQ, &id, &len);
    ck_assert_uint_eq(id, 0);
    ck_assert_uint_eq(len, 0);
    ck_assert(r.irq.level);
    ck_assert_uint_eq(reg_read(&r, 0x060) & 1, 1);
    reg_write(&r, 0x064, 1);
    ck_assert(!r.irq.level);

    /* Header and frame in one descriptor. */
    uint64_t c = alloc_buf(&r, r.hdr + 60);
    memcpy(ram(&r, c + r.hdr), frame, 60);
    ram(&r, c + r.hdr)[0] = 0xee;
    struct seg one = {c, r.hdr + 60, false};
    rig_offer(&r, TXQ, 3, &one, 1);
    reg_write(&r, 0x050, TXQ);
    ck_assert_uint_eq(r.fake->sent, 2);
    ck_assert_uint_eq(r.fake->last[0], 0xee);

    struct virtio_net_stats st;
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.tx_frames, 2);
    rig_teardown(&r);
}
END_TEST

START_TEST(test_tx_errors)
{
    struct rig r;
    rig_setup(&r, false, NULL);
    /* Shorter than header + Ethernet header: returned, counted, not sent. */
    uint64_t a = alloc_buf(&r, 16);
    struct seg s = {a, 16, false};
    rig_offer(&r, TXQ, 0, &s, 1);
    /* The back end refuses a frame: counted as dropped. */
    uint64_t b = alloc_buf(&r, r.hdr + 60);
    struct seg t = {b, r.hdr + 60, false};
    rig_offer(&r, TXQ, 1, &t, 1);
    r.fake->fail_send = -ENOBUFS;
    reg_write(&r, 0x050, TXQ);
    ck_assert_uint_eq(used_idx(&r, TXQ), 2);
    struct virtio_net_stats st;
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.tx_errors, 1);
    ck_assert_uint_eq(st.tx_dropped, 1);
    ck_assert_uint_eq(st.tx_frames, 0);
    ck_assert_uint_eq(r.fake->sent, 0);
    rig_teardown(&r);
}
END_TEST

static void check_rx(struct rig *r, uint64_t addr, uint32_t len, const uint8_t *frame, size_t flen)
{
    ck_assert_uint_eq(len, r->hdr + flen);
    const uint8_t *p = ram(r, addr);
    for (unsigned i = 0; i < 10; i++)
        ck_assert_uint_eq(p[i], 0); /* no flags, no GSO */
    if (r->hdr == 12)
        ck_assert_uint_eq(virtio_get_le(p + 10, 2), 1); /* num_buffers */
    ck_assert_mem_eq(p + r->hdr, frame, flen);
}

START_TEST(test_rx)
{
    struct rig r;
    uint8_t frame[1514];
    uint64_t a, b;
    uint32_t id, len;
    rig_setup(&r, false, NULL);
    post_rx(&r, 0, 12 + 1518, &a);
    post_rx(&r, 1, 12 + 1518, &b);
    reg_write(&r, 0x050, RXQ);
    make_frame(frame, sizeof(frame), 1);
    r.fake->nd.receive(r.fake->nd.receive_opaque, frame, 100);
    used_next(&r, RXQ, &id, &len);
    ck_assert_uint_eq(id, 0);
    check_rx(&r, a, len, frame, 100);
    ck_assert(r.irq.level);
    netdev_deliver(&r.fake->nd, frame, sizeof(frame)); /* a full-size frame */
    used_next(&r, RXQ, &id, &len);
    ck_assert_uint_eq(id, 1);
    check_rx(&r, b, len, frame, sizeof(frame));
    struct virtio_net_stats st;
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.rx_frames, 2);
    rig_teardown(&r);
}
END_TEST

START_TEST(test_rx_backlog)
{
    struct rig r;
    uint8_t frame[64];
    uint64_t addr[4];
    uint32_t id, len;
    struct virtio_net_stats st;
    rig_setup(&r, false, NULL);
    /* No buffers: frames wait, in order, up to the backlog's size; then they drop. */
    for (unsigned i = 0; i < VIRTIO_NET_RX_BACKLOG + 5; i++) {
        make_frame(frame, sizeof(frame), (uint8_t)i);
        netdev_deliver(&r.fake->nd, frame, sizeof(frame));
    }
    ck_assert_uint_eq(used_idx(&r, RXQ), 0);
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.rx_dropped, 5);
    /* Four buffers posted: the four oldest frames arrive. */
    for (uint16_t i = 0; i < 4; i++)
        post_rx(&r, i, 12 + 1518, &addr[i]);
    reg_write(&r, 0x050, RXQ);
    for (unsigned i = 0; i < 4; i++) {
        used_next(&r, RXQ, &id, &len);
        ck_assert_uint_eq(id, i);
        make_frame(frame, sizeof(frame), (uint8_t)i);
        check_rx(&r, addr[i], len, frame, sizeof(frame));
    }
    /* A new frame queues behind the backlog instead of overtaking it. */
    make_frame(frame, sizeof(frame), 0xaa);
    netdev_deliver(&r.fake->nd, frame, sizeof(frame));
    post_rx(&r, 4, 12 + 1518, &addr[0]);
    reg_write(&r, 0x050, RXQ);
    used_next(&r, RXQ, &id, &len);
    make_frame(frame, sizeof(frame), 4);
    check_rx(&r, addr[0], len, frame, sizeof(frame));
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.rx_frames, 5);
    rig_teardown(&r);
}
END_TEST

START_TEST(test_rx_small_buffer_and_reset)
{
    struct rig r;
    uint8_t frame[200];
    uint64_t a;
    uint32_t id, len;
    struct virtio_net_stats st;
    rig_setup(&r, false, NULL);
    post_rx(&r, 0, 12 + 100, &a);
    reg_write(&r, 0x050, RXQ);
    make_frame(frame, sizeof(frame), 3);
    netdev_deliver(&r.fake->nd, frame, sizeof(frame));
    used_next(&r, RXQ, &id, &len);
    ck_assert_uint_eq(len, 0); /* returned empty */
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.rx_too_big, 1);
    /* After a device reset, frames are dropped until the driver is back. */
    reg_write(&r, 0x070, 0);
    netdev_deliver(&r.fake->nd, frame, 60);
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.rx_dropped, 1);
    /* Undersized and oversized frames never reach the device. */
    netdev_deliver(&r.fake->nd, frame, 5);
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.rx_dropped, 1);
    rig_teardown(&r);
}
END_TEST

START_TEST(test_legacy_header)
{
    struct rig r;
    uint8_t frame[80];
    uint64_t a;
    uint32_t id, len;
    rig_setup(&r, true, NULL);
    ck_assert_uint_eq(reg_read(&r, 0x004), 1);
    post_rx(&r, 0, 10 + 1518, &a);
    reg_write(&r, 0x050, RXQ);
    make_frame(frame, sizeof(frame), 9);
    netdev_deliver(&r.fake->nd, frame, sizeof(frame));
    used_next(&r, RXQ, &id, &len);
    check_rx(&r, a, len, frame, sizeof(frame)); /* 10-byte header */
    uint64_t t = alloc_buf(&r, 10 + 60);
    memcpy(ram(&r, t + 10), frame, 60);
    struct seg s = {t, 70, false};
    rig_offer(&r, TXQ, 0, &s, 1);
    reg_write(&r, 0x050, TXQ);
    ck_assert_uint_eq(r.fake->last_len, 60);
    ck_assert_mem_eq(r.fake->last, frame, 60);
    rig_teardown(&r);
}
END_TEST

START_TEST(test_stop)
{
    struct rig r;
    bool destroyed = false;
    rig_setup(&r, false, NULL);
    r.fake->destroyed = &destroyed;
    virtio_net_stop(r.net);
    ck_assert(destroyed);
    virtio_net_stop(r.net); /* idempotent */
    /* Transmit after the back end is gone: dropped, not a crash. */
    uint64_t b = alloc_buf(&r, 12 + 60);
    struct seg t = {b, 12 + 60, false};
    rig_offer(&r, TXQ, 0, &t, 1);
    reg_write(&r, 0x050, TXQ);
    struct virtio_net_stats st;
    virtio_net_get_stats(r.net, &st);
    ck_assert_uint_eq(st.tx_dropped, 1);
    rig_teardown(&r);
}
END_TEST

START_TEST(test_make_from_options)
{
    char err[256];
    void *dev;
    ck_assert_int_eq(virtio_net_make_from_options("bogus", NULL, 0, NULL, &dev, err, sizeof(err)),
                     -EINVAL);
    ck_assert_ptr_null(dev);
    ck_assert_int_eq(virtio_net_make_from_options("switch", NULL, 0, NULL, &dev, err, sizeof(err)),
                     -EINVAL);
    ck_assert_int_eq(
        virtio_net_make_from_options("user", "01:02:03:04:05:06", 0, NULL, &dev, err, sizeof(err)),
        -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "MAC"));
#ifdef RVISOR_HAVE_SLIRP
    ck_assert_int_eq(
        virtio_net_make_from_options("user,id=n0", NULL, 1, NULL, &dev, err, sizeof(err)), 0);
    virtio_net_ops.destroy(dev);
#else
    ck_assert_int_eq(
        virtio_net_make_from_options("user,id=n0", NULL, 1, NULL, &dev, err, sizeof(err)),
        -ENOTSUP);
    ck_assert_ptr_nonnull(strstr(err, "libslirp"));
#endif
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_virtio");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_config_space);
    tcase_add_test(tc, test_tx);
    tcase_add_test(tc, test_tx_errors);
    tcase_add_test(tc, test_rx);
    tcase_add_test(tc, test_rx_backlog);
    tcase_add_test(tc, test_rx_small_buffer_and_reset);
    tcase_add_test(tc, test_legacy_header);
    tcase_add_test(tc, test_stop);
    tcase_add_test(tc, test_make_from_options);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
