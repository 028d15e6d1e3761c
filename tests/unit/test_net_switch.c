/*
 * Unit tests for the in-process switch: learning, flooding, forwarding between ports,
 * unplugging, the registry, and the threaded delivery path.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/host/netdev.h"
#include "devices/host/netswitch.h"

#define PORTS 4

struct sink {
    pthread_mutex_t lock;
    unsigned frames;
    uint8_t last[64];
    size_t last_len;
};

static void sink_receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct sink *s = opaque;
    pthread_mutex_lock(&s->lock);
    s->frames++;
    s->last_len = len < sizeof(s->last) ? len : sizeof(s->last);
    memcpy(s->last, frame, s->last_len);
    pthread_mutex_unlock(&s->lock);
}

static unsigned sink_count(struct sink *s)
{
    pthread_mutex_lock(&s->lock);
    unsigned n = s->frames;
    pthread_mutex_unlock(&s->lock);
    return n;
}

struct lan {
    struct netswitch *sw;
    struct netdev *port[PORTS];
    struct sink sink[PORTS];
};

static void lan_setup(struct lan *l)
{
    memset(l, 0, sizeof(*l));
    l->sw = netswitch_create("test");
    ck_assert_ptr_nonnull(l->sw);
    for (int i = 0; i < PORTS; i++) {
        pthread_mutex_init(&l->sink[i].lock, NULL);
        ck_assert_int_eq(netswitch_port_create(l->sw, &l->port[i]), 0);
        netdev_set_receiver(l->port[i], sink_receive, &l->sink[i]);
        netdev_poll(l->port[i], 0); /* marks the port live, delivers nothing */
    }
}

static void lan_teardown(struct lan *l)
{
    for (int i = 0; i < PORTS; i++) {
        netdev_destroy(l->port[i]);
        pthread_mutex_destroy(&l->sink[i].lock);
    }
    netswitch_destroy(l->sw);
}

/* A frame from MAC ...:src to MAC dst (dst NULL: broadcast). */
static void frame_make(uint8_t *f, const uint8_t *dst, uint8_t src)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    memset(f, 0, 60);
    memcpy(f, dst ? dst : bcast, 6);
    const uint8_t s[6] = {0x52, 0x54, 0x00, 0x00, 0x00, src};
    memcpy(f + 6, s, 6);
    f[12] = 0x08;
    f[14] = src; /* payload marker */
}

static void mac_of(uint8_t *m, uint8_t n)
{
    const uint8_t s[6] = {0x52, 0x54, 0x00, 0x00, 0x00, n};
    memcpy(m, s, 6);
}

START_TEST(test_flood_then_learn)
{
    struct lan l;
    uint8_t f[60], dst[6];
    struct netswitch_stats st;
    lan_setup(&l);

    /* Port 0 broadcasts: everyone but port 0 gets it. */
    frame_make(f, NULL, 1);
    ck_assert_int_eq(netdev_send(l.port[0], f, sizeof(f)), 0);
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[0]), 0);
    for (int i = 1; i < PORTS; i++)
        ck_assert_uint_eq(sink_count(&l.sink[i]), 1);

    /* Port 2 sends to MAC 1 (learned on port 0): only port 0 gets it. */
    mac_of(dst, 1);
    frame_make(f, dst, 3);
    ck_assert_int_eq(netdev_send(l.port[2], f, sizeof(f)), 0);
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[0]), 1);
    ck_assert_uint_eq(l.sink[0].last[14], 3);
    ck_assert_uint_eq(sink_count(&l.sink[1]), 1);
    ck_assert_uint_eq(sink_count(&l.sink[3]), 1);

    /* Port 0 answers MAC 3 (learned on port 2): only port 2. */
    mac_of(dst, 3);
    frame_make(f, dst, 1);
    ck_assert_int_eq(netdev_send(l.port[0], f, sizeof(f)), 0);
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[2]), 2);
    ck_assert_uint_eq(sink_count(&l.sink[1]), 1);
    ck_assert_uint_eq(sink_count(&l.sink[3]), 1);

    /* Unknown unicast floods. */
    mac_of(dst, 99);
    frame_make(f, dst, 1);
    ck_assert_int_eq(netdev_send(l.port[0], f, sizeof(f)), 0);
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[1]), 2);
    ck_assert_uint_eq(sink_count(&l.sink[2]), 3);
    ck_assert_uint_eq(sink_count(&l.sink[3]), 2);

    netswitch_get_stats(l.sw, &st);
    ck_assert_uint_eq(st.frames_in, 4);
    ck_assert_uint_eq(st.forwarded, 2);
    ck_assert_uint_eq(st.flooded, 2);
    lan_teardown(&l);
}
END_TEST

START_TEST(test_filter_and_move)
{
    struct lan l;
    uint8_t f[60], dst[6];
    struct netswitch_stats st;
    lan_setup(&l);

    frame_make(f, NULL, 1); /* MAC 1 on port 0 */
    netdev_send(l.port[0], f, sizeof(f));
    frame_make(f, NULL, 2); /* MAC 2 on port 0 too (a bridge behind port 0) */
    netdev_send(l.port[0], f, sizeof(f));
    mac_of(dst, 2);
    frame_make(f, dst, 1); /* 1 -> 2: both on port 0, the switch filters it */
    netdev_send(l.port[0], f, sizeof(f));
    netswitch_poll(l.sw, 0);
    netswitch_get_stats(l.sw, &st);
    ck_assert_uint_eq(st.filtered, 1);
    ck_assert_uint_eq(sink_count(&l.sink[1]), 2);

    /* MAC 2 moves to port 3: relearned from its next frame. */
    frame_make(f, NULL, 2);
    netdev_send(l.port[3], f, sizeof(f));
    frame_make(f, dst, 1);
    netdev_send(l.port[0], f, sizeof(f));
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[3]), 3);
    ck_assert_uint_eq(l.sink[3].last[14], 1);
    lan_teardown(&l);
}
END_TEST

START_TEST(test_unplug_forgets)
{
    struct lan l;
    uint8_t f[60], dst[6];
    lan_setup(&l);
    frame_make(f, NULL, 7);
    netdev_send(l.port[1], f, sizeof(f)); /* MAC 7 on port 1 */
    netswitch_poll(l.sw, 0);
    /* Frames queued from a port that is then unplugged are not delivered. */
    netdev_send(l.port[1], f, sizeof(f));
    netdev_destroy(l.port[1]);
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[0]), 1);
    /* A new port takes the slot; MAC 7 is unknown again, so frames to it flood. */
    ck_assert_int_eq(netswitch_port_create(l.sw, &l.port[1]), 0);
    netdev_set_receiver(l.port[1], sink_receive, &l.sink[1]);
    netdev_poll(l.port[1], 0);
    mac_of(dst, 7);
    frame_make(f, dst, 8);
    netdev_send(l.port[0], f, sizeof(f));
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[1]), 1);
    ck_assert_uint_eq(sink_count(&l.sink[2]), 2);
    lan_teardown(&l);
}
END_TEST

START_TEST(test_bad_frames_and_limits)
{
    struct lan l;
    uint8_t f[60];
    struct netdev *extra[NETSWITCH_MAX_PORTS];
    lan_setup(&l);
    ck_assert_int_eq(netdev_send(l.port[0], f, 10), -EMSGSIZE);
    ck_assert_int_eq(netdev_send(l.port[0], f, NETDEV_MAX_FRAME + 1), -EMSGSIZE);
    /* Fill the queue: the rest are dropped and counted. */
    frame_make(f, NULL, 1);
    for (int i = 0; i < NETSWITCH_QUEUE; i++)
        ck_assert_int_eq(netdev_send(l.port[0], f, sizeof(f)), 0);
    ck_assert_int_eq(netdev_send(l.port[0], f, sizeof(f)), -ENOBUFS);
    struct netswitch_stats st;
    netswitch_get_stats(l.sw, &st);
    ck_assert_uint_eq(st.dropped, 1);
    netswitch_poll(l.sw, 0);
    ck_assert_uint_eq(sink_count(&l.sink[1]), NETSWITCH_QUEUE);
    /* Ports run out. */
    int n = 0;
    while (n < NETSWITCH_MAX_PORTS && netswitch_port_create(l.sw, &extra[n]) == 0)
        n++;
    ck_assert_int_eq(n, NETSWITCH_MAX_PORTS - PORTS);
    struct netdev *nd;
    ck_assert_int_eq(netswitch_port_create(l.sw, &nd), -ENOSPC);
    for (int i = 0; i < n; i++)
        netdev_destroy(extra[i]);
    lan_teardown(&l);
}
END_TEST

START_TEST(test_threaded_exchange)
{
    /* Two ports with the delivery thread: a ping-pong of 200 frames. */
    struct netswitch *sw = netswitch_create("t");
    struct netdev *a, *b;
    struct sink sa = {0}, sb = {0};
    pthread_mutex_init(&sa.lock, NULL);
    pthread_mutex_init(&sb.lock, NULL);
    ck_assert_int_eq(netswitch_port_create(sw, &a), 0);
    ck_assert_int_eq(netswitch_port_create(sw, &b), 0);
    ck_assert_int_eq(netdev_attach(a, sink_receive, &sa), 0);
    ck_assert_int_eq(netdev_attach(b, sink_receive, &sb), 0);
    uint8_t f[60], ma[6], mb[6];
    mac_of(ma, 1);
    mac_of(mb, 2);
    for (unsigned i = 0; i < 100; i++) {
        frame_make(f, mb, 1);
        ck_assert_int_eq(netdev_send(a, f, sizeof(f)), 0);
        frame_make(f, ma, 2);
        ck_assert_int_eq(netdev_send(b, f, sizeof(f)), 0);
    }
    for (int t = 0; t < 2000 && (sink_count(&sa) < 100 || sink_count(&sb) < 100); t++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    ck_assert_uint_eq(sink_count(&sa), 100);
    ck_assert_uint_eq(sink_count(&sb), 100);
    ck_assert_uint_eq(sa.last[14], 2);
    ck_assert_uint_eq(sb.last[14], 1);
    netdev_destroy(a);
    netdev_destroy(b);
    netswitch_destroy(sw);
}
END_TEST

START_TEST(test_registry)
{
    struct netswitch_registry *reg = netswitch_registry_create();
    struct netdev_config cfg;
    char err[200];
    struct netdev *p0, *p1;
    ck_assert_ptr_nonnull(reg);
    struct netswitch *a = netswitch_registry_get(reg, "lan0");
    ck_assert_ptr_eq(netswitch_registry_get(reg, "lan0"), a);
    ck_assert_ptr_ne(netswitch_registry_get(reg, "lan1"), a);
    ck_assert_str_eq(netswitch_name(a), "lan0");
    ck_assert_int_eq(
        netdev_parse_option("switch,id=x,name=lan0", NETDEV_OPT_NETDEV, &cfg, err, sizeof(err)), 0);
    ck_assert_int_eq(netdev_create(&cfg, reg, &p0, err, sizeof(err)), 0);
    ck_assert_int_eq(netdev_create(&cfg, reg, &p1, err, sizeof(err)), 0);
    netdev_destroy(p0);
    netdev_destroy(p1);
    netswitch_registry_destroy(reg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_switch");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_flood_then_learn);
    tcase_add_test(tc, test_filter_and_move);
    tcase_add_test(tc, test_unplug_forgets);
    tcase_add_test(tc, test_bad_frames_and_limits);
    tcase_add_test(tc, test_threaded_exchange);
    tcase_add_test(tc, test_registry);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
