/*
 * Unit tests for the libslirp back end, driven by netdev_poll() on the test's thread (no
 * I/O thread): ARP with the virtual gateway, a host connection through hostfwd turning
 * into a SYN for the guest, and a clear error for a hostfwd port that is taken. Only the
 * host's loopback is used.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netdev.h"

#ifdef RVISOR_HAVE_SLIRP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

struct seen {
    unsigned frames, arp_replies, syns;
    uint16_t syn_port;
};

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void on_frame(void *opaque, const uint8_t *f, size_t len)
{
    struct seen *s = opaque;
    s->frames++;
    if (len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 && !memcmp(f, guest_mac, 6))
        s->arp_replies++; /* ARP, opcode 2 (reply), to us */
    if (len >= 54 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 6) {
        const uint8_t *tcp = f + 14 + (f[14] & 15) * 4;
        if ((tcp[13] & 0x12) == 0x02) { /* SYN without ACK */
            s->syns++;
            s->syn_port = (uint16_t)(tcp[2] << 8 | tcp[3]);
        }
    }
}

/* ARP who-has 10.0.2.2 tell 10.0.2.15. */
static size_t arp_request(uint8_t *f)
{
    static const uint8_t body[28] = {0,  1, 8, 0,  6, 4, 0, 1, 0x52, 0x54, 0,  0x12, 0x34, 0x56,
                                     10, 0, 2, 15, 0, 0, 0, 0, 0,    0,    10, 0,    2,    2};
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    memcpy(f + 14, body, sizeof(body));
    memset(f + 42, 0, 18);
    return 60;
}

static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static struct netdev *make(const char *opt, char *err, size_t errlen, int *rc)
{
    struct netdev_config cfg;
    struct netdev *nd = NULL;
    ck_assert_int_eq(netdev_parse_option(opt, NETDEV_OPT_NETDEV, &cfg, err, errlen), 0);
    *rc = netdev_create(&cfg, NULL, &nd, err, errlen);
    return nd;
}

START_TEST(test_arp_and_hostfwd)
{
    char opt[128], err[256];
    uint8_t f[60];
    struct seen s = {0};
    int rc, port = free_port();
    snprintf(opt, sizeof(opt), "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:80", port);
    struct netdev *nd = make(opt, err, sizeof(err), &rc);
    ck_assert_msg(rc == 0, "%s", err);
    netdev_set_receiver(nd, on_frame, &s);

    ck_assert_int_eq(netdev_send(nd, f, arp_request(f)), 0);
    for (int i = 0; i < 20 && !s.arp_replies; i++)
        netdev_poll(nd, 10);
    ck_assert_uint_eq(s.arp_replies, 1);

    /* A host client connects to the forwarded port: slirp opens a TCP connection to
     * 10.0.2.15:80 (after ARPing for it, if it does not know the guest's MAC yet). */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
    for (int i = 0; i < 100 && !s.syns; i++)
        netdev_poll(nd, 10);
    ck_assert_uint_eq(s.syns, 1);
    ck_assert_uint_eq(s.syn_port, 80);
    close(c);
    netdev_destroy(nd);
}
END_TEST

START_TEST(test_hostfwd_port_taken)
{
    char opt[128], err[256];
    int rc;
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(fd, 1), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    snprintf(opt, sizeof(opt), "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:22", ntohs(a.sin_port));
    struct netdev *nd = make(opt, err, sizeof(err), &rc);
    ck_assert_int_eq(rc, -EADDRINUSE);
    ck_assert_ptr_null(nd);
    ck_assert_ptr_nonnull(strstr(err, "hostfwd tcp 127.0.0.1:"));
    close(fd);
}
END_TEST

START_TEST(test_thread_start_stop)
{
    char err[256];
    int rc;
    struct seen s = {0};
    struct netdev *nd = make("user,id=n0", err, sizeof(err), &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(netdev_attach(nd, on_frame, &s), 0);
    uint8_t f[60];
    ck_assert_int_eq(netdev_send(nd, f, arp_request(f)), 0);
    netdev_destroy(nd); /* stops the thread whatever it was doing */
}
END_TEST

#else

START_TEST(test_not_built)
{
    struct netdev_config cfg;
    struct netdev *nd;
    char err[256];
    ck_assert_int_eq(netdev_parse_option("user,id=n0", NETDEV_OPT_NETDEV, &cfg, err, sizeof(err)),
                     0);
    ck_assert_int_eq(netdev_create(&cfg, NULL, &nd, err, sizeof(err)), -ENOTSUP);
    ck_assert_ptr_nonnull(strstr(err, "libslirp"));
}
END_TEST

#endif

int main(void)
{
    Suite *s = suite_create("net_slirp");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

#ifdef RVISOR_HAVE_SLIRP
    tcase_add_test(tc, test_arp_and_hostfwd);
    tcase_add_test(tc, test_hostfwd_port_taken);
    tcase_add_test(tc, test_thread_start_stop);
#else
    tcase_add_test(tc, test_not_built);
#endif
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
