/* Unit tests for the -netdev / -nic / -device virtio-net-device option parser. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netdev.h"

static struct netdev_config cfg;
static char err[256];

static int parse(const char *s)
{
    return netdev_parse_option(s, NETDEV_OPT_NETDEV, &cfg, err, sizeof(err));
}

static int parse_nic(const char *s)
{
    return netdev_parse_option(s, NETDEV_OPT_NIC, &cfg, err, sizeof(err));
}

START_TEST(test_user_basic)
{
    ck_assert_int_eq(parse("user,id=n0"), 0);
    ck_assert_int_eq(cfg.kind, NETDEV_USER);
    ck_assert_str_eq(cfg.id, "n0");
    ck_assert_uint_eq(cfg.nhostfwd, 0);
    ck_assert(!cfg.restrict_net);
}
END_TEST

START_TEST(test_hostfwd_forms)
{
    ck_assert_int_eq(parse("user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp::5353-"
                           "10.0.2.15:53,hostfwd=::2222-:22,restrict=on"),
                     0);
    ck_assert_uint_eq(cfg.nhostfwd, 3);
    ck_assert(!cfg.hostfwd[0].udp);
    ck_assert_uint_eq(cfg.hostfwd[0].host_addr, 0x7f000001);
    ck_assert_uint_eq(cfg.hostfwd[0].host_port, 8080);
    ck_assert_uint_eq(cfg.hostfwd[0].guest_addr, 0);
    ck_assert_uint_eq(cfg.hostfwd[0].guest_port, 80);
    ck_assert(cfg.hostfwd[1].udp);
    ck_assert_uint_eq(cfg.hostfwd[1].host_addr, 0x7f000001); /* empty: loopback */
    ck_assert_uint_eq(cfg.hostfwd[1].host_port, 5353);
    ck_assert_uint_eq(cfg.hostfwd[1].guest_addr, 0x0a00020f);
    ck_assert_uint_eq(cfg.hostfwd[1].guest_port, 53);
    ck_assert(!cfg.hostfwd[2].udp);
    ck_assert_uint_eq(cfg.hostfwd[2].host_port, 2222);
    ck_assert_uint_eq(cfg.hostfwd[2].guest_port, 22);
    ck_assert(cfg.restrict_net);
    ck_assert_int_eq(parse("user,id=n0,hostfwd=tcp:0.0.0.0:1-:65535"), 0);
    ck_assert_uint_eq(cfg.hostfwd[0].host_addr, 0);
    ck_assert_uint_eq(cfg.hostfwd[0].host_port, 1);
    ck_assert_uint_eq(cfg.hostfwd[0].guest_port, 65535);
}
END_TEST

START_TEST(test_bad_hostfwd)
{
    static const char *bad[] = {
        "user,id=n0,hostfwd=tcp:127.0.0.1:70000-:80", "user,id=n0,hostfwd=tcp:127.0.0.1:0-:80",
        "user,id=n0,hostfwd=tcp:127.0.0.1:8080",      "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:",
        "user,id=n0,hostfwd=tcp:300.0.0.1:8080-:80",  "user,id=n0,hostfwd=tcp:1.2.3:8080-:80",
        "user,id=n0,hostfwd=sctp:127.0.0.1:8080-:80", "user,id=n0,hostfwd=tcp:127.0.0.1:80x-:80",
        "user,id=n0,hostfwd=tcp:127.0.0.1:-1-:80",    "user,id=n0,hostfwd=",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(parse(bad[i]) == -EINVAL, "accepted %s", bad[i]);
        ck_assert_msg(strstr(err, "hostfwd") != NULL, "message for %s: %s", bad[i], err);
    }
}
END_TEST

START_TEST(test_errors)
{
    ck_assert_int_eq(parse("user"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "id= is required"));
    ck_assert_int_eq(parse("socket,id=n0"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "unknown back end 'socket'"));
    ck_assert_int_eq(parse("user,id=n0,foo=bar"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "unknown option 'foo'"));
    ck_assert_int_eq(parse("user,id=n0,novalue"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "not key=value"));
    ck_assert_int_eq(parse("user,id=n0,restrict=maybe"), -EINVAL);
    ck_assert_int_eq(parse("user,id=n0,mac=52:54:00:12:34:56"), -EINVAL); /* -nic only */
    ck_assert_int_eq(parse("tap,id=n0"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "ifname"));
    ck_assert_int_eq(parse("tap,id=n0,ifname=tap0,script=/etc/qemu-ifup"), -EINVAL);
    ck_assert_int_eq(parse("switch,id=n0,hostfwd=tcp::1-:1"), -EINVAL);
    ck_assert_int_eq(parse(""), -EINVAL);
    char longid[100];
    memset(longid, 'a', sizeof(longid));
    longid[99] = '\0';
    char arg[200] = "user,id=";
    strcat(arg, longid);
    ck_assert_int_eq(parse(arg), -EINVAL);
    char huge[2000];
    memset(huge, 'x', sizeof(huge));
    huge[sizeof(huge) - 1] = '\0';
    memcpy(huge, "user,id=", 8);
    ck_assert_int_eq(parse(huge), -EINVAL);
    /* Every message is one line naming the option. */
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_int_eq(strncmp(err, "-netdev", 7), 0);
}
END_TEST

START_TEST(test_too_many_hostfwd)
{
    char arg[2048] = "user,id=n0";
    for (int i = 0; i < NETDEV_MAX_HOSTFWD; i++)
        strcat(arg, ",hostfwd=tcp::1000-:80");
    ck_assert_int_eq(parse(arg), 0);
    strcat(arg, ",hostfwd=tcp::1000-:80");
    ck_assert_int_eq(parse(arg), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "too many"));
}
END_TEST

START_TEST(test_switch_and_tap)
{
    ck_assert_int_eq(parse("switch,id=n1"), 0);
    ck_assert_int_eq(cfg.kind, NETDEV_SWITCH);
    ck_assert_str_eq(cfg.name, "default");
    ck_assert_int_eq(parse("switch,id=n1,name=lan0"), 0);
    ck_assert_str_eq(cfg.name, "lan0");
    ck_assert_int_eq(parse("tap,id=t,ifname=tap0,script=no,downscript=no"), 0);
    ck_assert_int_eq(cfg.kind, NETDEV_TAP);
    ck_assert_str_eq(cfg.name, "tap0");
}
END_TEST

START_TEST(test_nic_shorthand)
{
    ck_assert_int_eq(parse_nic("user"), 0);
    ck_assert_int_eq(cfg.kind, NETDEV_USER);
    ck_assert(!cfg.has_mac);
    ck_assert_int_eq(parse_nic("user,hostfwd=tcp::8080-:80,mac=52:54:00:AB:cd:01,"
                               "model=virtio-net-device"),
                     0);
    ck_assert_uint_eq(cfg.nhostfwd, 1);
    ck_assert(cfg.has_mac);
    static const uint8_t want[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0x01};
    ck_assert_mem_eq(cfg.mac, want, 6);
    ck_assert_int_eq(parse_nic("user,model=e1000"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "e1000"));
    ck_assert_int_eq(parse_nic("user,mac=01:00:5e:00:00:01"), -EINVAL); /* multicast */
    ck_assert_int_eq(strncmp(err, "-nic", 4), 0);
}
END_TEST

START_TEST(test_mac)
{
    uint8_t m[6];
    ck_assert_int_eq(netdev_parse_mac("52:54:00:12:34:56", m), 0);
    ck_assert_uint_eq(m[5], 0x56);
    ck_assert_int_eq(netdev_parse_mac("52-54-00-12-34-5F", m), 0);
    ck_assert_uint_eq(m[5], 0x5f);
    ck_assert_int_eq(netdev_parse_mac("52:54:00:12:34", m), -EINVAL);
    ck_assert_int_eq(netdev_parse_mac("52:54:00:12:34:56:78", m), -EINVAL);
    ck_assert_int_eq(netdev_parse_mac("5:54:00:12:34:56", m), -EINVAL);
    ck_assert_int_eq(netdev_parse_mac("52:54:00:12:34:5g", m), -EINVAL);
    ck_assert_int_eq(netdev_parse_mac("", m), -EINVAL);
}
END_TEST

START_TEST(test_device)
{
    struct netdev_nic_config nic;
    ck_assert_int_eq(netdev_parse_nic("virtio-net-device,netdev=n0", &nic, err, sizeof(err)), 0);
    ck_assert_str_eq(nic.netdev, "n0");
    ck_assert(!nic.has_mac);
    ck_assert_int_eq(netdev_parse_nic("virtio-net-device,id=x,netdev=n0,mac=52:54:00:00:00:02",
                                      &nic, err, sizeof(err)),
                     0);
    ck_assert(nic.has_mac);
    ck_assert_uint_eq(nic.mac[5], 2);
    ck_assert_int_eq(netdev_parse_nic("virtio-net,netdev=n0", &nic, err, sizeof(err)), 0);
    ck_assert_int_eq(netdev_parse_nic("virtio-blk-device,drive=d0", &nic, err, sizeof(err)),
                     -ENOENT);
    ck_assert_int_eq(netdev_parse_nic("virtio-net-devicex,netdev=n0", &nic, err, sizeof(err)),
                     -ENOENT);
    ck_assert_int_eq(netdev_parse_nic("virtio-net-device", &nic, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "netdev= is required"));
    ck_assert_int_eq(netdev_parse_nic("virtio-net-device,netdev=n0,mac=zz", &nic, err, sizeof(err)),
                     -EINVAL);
    ck_assert_int_eq(
        netdev_parse_nic("virtio-net-device,netdev=n0,speed=10", &nic, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "speed"));
}
END_TEST

START_TEST(test_create_errors)
{
    struct netdev *nd = NULL;
    ck_assert_int_eq(parse("switch,id=s0"), 0);
    ck_assert_int_eq(netdev_create(&cfg, NULL, &nd, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_null(nd);
    ck_assert_int_eq(parse("tap,id=t0,ifname=rvisor-no-such-tap-device-name"), 0);
    ck_assert_int_lt(netdev_create(&cfg, NULL, &nd, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "-netdev tap"));
    ck_assert_ptr_null(nd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_opts");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_user_basic);
    tcase_add_test(tc, test_hostfwd_forms);
    tcase_add_test(tc, test_bad_hostfwd);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_too_many_hostfwd);
    tcase_add_test(tc, test_switch_and_tap);
    tcase_add_test(tc, test_nic_shorthand);
    tcase_add_test(tc, test_mac);
    tcase_add_test(tc, test_device);
    tcase_add_test(tc, test_create_errors);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
