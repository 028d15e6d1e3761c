/*
 * The command-line syntax of network back ends and NICs, as QEMU spells it:
 *   -netdev user,id=ID[,hostfwd=RULE]...[,restrict=on|off]
 *   -netdev switch,id=ID[,name=LAN]            (rvisor: the in-process switch)
 *   -netdev tap,id=ID,ifname=NAME[,script=no][,downscript=no]
 *   -nic user|switch|tap[,<the options above>][,mac=MAC][,model=virtio-net-device]
 *   -device virtio-net-device,netdev=ID[,mac=MAC][,id=NAME]
 * RULE is [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT. Unlike QEMU an empty
 * HOSTADDR means 127.0.0.1 (nothing is exposed beyond this host unless asked for).
 * Left out: QEMU's ",," escapes, IPv6 forwarding, the tftp/smb/guestfwd options.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netdev.h"

#define OPT_MAX 256 /* longest key=value item */

static int opts_fail(char *err, size_t errlen, int r, const char *fmt, const char *what)
{
    snprintf(err, errlen, fmt, what);
    return r;
}

/* Decimal number in [lo, hi]; the whole string must be digits. */
static int opts_number(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -EINVAL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -EINVAL;
    *out = v;
    return 0;
}

/* Dotted-quad IPv4 (exactly four parts) -> host byte order. */
static int opts_ipv4(const char *s, uint32_t *out)
{
    uint32_t a = 0;
    for (int i = 0; i < 4; i++) {
        char part[4];
        size_t n = strcspn(s, ".");
        if (n == 0 || n > 3 || (i < 3 && s[n] != '.') || (i == 3 && s[n]))
            return -EINVAL;
        memcpy(part, s, n);
        part[n] = '\0';
        unsigned long v;
        if (opts_number(part, 0, 255, &v) < 0)
            return -EINVAL;
        a = a << 8 | (uint32_t)v;
        s += n + (i < 3);
    }
    *out = a;
    return 0;
}

int netdev_parse_mac(const char *s, uint8_t mac[6])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        const char *hi = strchr(hex, s[0] | 0x20), *lo = s[0] ? strchr(hex, s[1] | 0x20) : NULL;
        if (!s[0] || !s[1] || !hi || !lo)
            return -EINVAL;
        mac[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
        s += 2;
        if (i < 5 && *s != ':' && *s != '-')
            return -EINVAL;
        if (i < 5)
            s++;
    }
    return *s ? -EINVAL : 0;
}

/* "ADDR:PORT" with ADDR optional; addr keeps its default when ADDR is empty. */
static int opts_addr_port(const char *s, uint32_t *addr, uint16_t *port)
{
    char buf[OPT_MAX];
    const char *colon = strrchr(s, ':');
    unsigned long p;
    if (!colon || (size_t)(colon - s) >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, s, (size_t)(colon - s));
    buf[colon - s] = '\0';
    if (buf[0] && opts_ipv4(buf, addr) < 0)
        return -EINVAL;
    if (opts_number(colon + 1, 1, 65535, &p) < 0)
        return -EINVAL;
    *port = (uint16_t)p;
    return 0;
}

static int opts_hostfwd(const char *rule, struct netdev_hostfwd *fwd)
{
    char host[OPT_MAX];
    memset(fwd, 0, sizeof(*fwd));
    fwd->host_addr = 0x7f000001; /* 127.0.0.1 */
    if (strncmp(rule, "tcp:", 4) == 0) {
        rule += 4;
    } else if (strncmp(rule, "udp:", 4) == 0) {
        fwd->udp = true;
        rule += 4;
    } else if (rule[0] == ':') {
        rule += 1;
    }
    const char *dash = strchr(rule, '-');
    if (!dash || (size_t)(dash - rule) + 2 >= sizeof(host))
        return -EINVAL;
    /* The host part is ADDR:PORT but ADDR may be empty and the "proto:" may be gone. */
    host[0] = ':';
    memcpy(host + 1, rule, (size_t)(dash - rule));
    host[dash - rule + 1] = '\0';
    const char *h = strchr(host + 1, ':') ? host + 1 : host;
    if (opts_addr_port(h, &fwd->host_addr, &fwd->host_port) < 0)
        return -EINVAL;
    if (opts_addr_port(dash + 1, &fwd->guest_addr, &fwd->guest_port) < 0)
        return -EINVAL;
    return 0;
}

static int opts_bool(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = true;
        return 0;
    }
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
        *out = false;
        return 0;
    }
    return -EINVAL;
}

static int opts_copy(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n >= cap)
        return -EINVAL;
    memcpy(dst, v, n + 1);
    return 0;
}

/* One key=value of -netdev/-nic. */
static int opts_item(struct netdev_config *cfg, enum netdev_option which, const char *key,
                     const char *val, char *err, size_t errlen)
{
    if (!strcmp(key, "id")) {
        if (opts_copy(cfg->id, sizeof(cfg->id), val) < 0)
            return opts_fail(err, errlen, -EINVAL, "bad id '%s'", val);
        return 0;
    }
    if (!strcmp(key, "hostfwd") && cfg->kind == NETDEV_USER) {
        if (cfg->nhostfwd >= NETDEV_MAX_HOSTFWD)
            return opts_fail(err, errlen, -EINVAL, "too many hostfwd rules (at '%s')", val);
        if (opts_hostfwd(val, &cfg->hostfwd[cfg->nhostfwd]) < 0)
            return opts_fail(err, errlen, -EINVAL,
                             "bad hostfwd '%s' (want [tcp|udp]:[ADDR]:PORT-[ADDR]:PORT)", val);
        cfg->nhostfwd++;
        return 0;
    }
    if (!strcmp(key, "restrict") && cfg->kind == NETDEV_USER) {
        if (opts_bool(val, &cfg->restrict_net) < 0)
            return opts_fail(err, errlen, -EINVAL, "bad restrict '%s' (on or off)", val);
        return 0;
    }
    if ((!strcmp(key, "name") && cfg->kind == NETDEV_SWITCH) ||
        (!strcmp(key, "ifname") && cfg->kind == NETDEV_TAP)) {
        if (opts_copy(cfg->name, sizeof(cfg->name), val) < 0)
            return opts_fail(err, errlen, -EINVAL, "bad name '%s'", val);
        return 0;
    }
    if ((!strcmp(key, "script") || !strcmp(key, "downscript")) && cfg->kind == NETDEV_TAP) {
        if (strcmp(val, "no") != 0)
            return opts_fail(err, errlen, -EINVAL, "tap scripts are not supported (%s)", key);
        return 0;
    }
    if (which == NETDEV_OPT_NIC && !strcmp(key, "mac")) {
        if (netdev_parse_mac(val, cfg->mac) < 0 || (cfg->mac[0] & 1))
            return opts_fail(err, errlen, -EINVAL, "bad MAC address '%s'", val);
        cfg->has_mac = true;
        return 0;
    }
    if (which == NETDEV_OPT_NIC && !strcmp(key, "model")) {
        if (strcmp(val, "virtio-net-device") != 0 && strcmp(val, "virtio") != 0 &&
            strcmp(val, "virtio-net") != 0)
            return opts_fail(err, errlen, -EINVAL,
                             "NIC model '%s' is not available (virtio-net-device is)", val);
        return 0;
    }
    return opts_fail(err, errlen, -EINVAL, "unknown option '%s'", key);
}

/* Split "key=value" at the first '='. */
static int opts_split(const char *item, char *key, char *val)
{
    const char *eq = strchr(item, '=');
    if (!eq || eq == item)
        return -EINVAL;
    memcpy(key, item, (size_t)(eq - item));
    key[eq - item] = '\0';
    strcpy(val, eq + 1);
    return 0;
}

int netdev_parse_option(const char *arg, enum netdev_option which, struct netdev_config *cfg,
                        char *err, size_t errlen)
{
    const char *opt = which == NETDEV_OPT_NIC ? "-nic" : "-netdev";
    char item[OPT_MAX], key[OPT_MAX], val[OPT_MAX], msg[OPT_MAX + 64];
    memset(cfg, 0, sizeof(*cfg));
    err[0] = '\0';

    for (unsigned i = 0; *arg || i == 0; i++) {
        size_t n = strcspn(arg, ",");
        if (n >= sizeof(item)) {
            snprintf(err, errlen, "%s: option too long", opt);
            return -EINVAL;
        }
        memcpy(item, arg, n);
        item[n] = '\0';
        arg += n + (arg[n] == ',');
        if (i == 0) {
            if (!strcmp(item, "user")) {
                cfg->kind = NETDEV_USER;
            } else if (!strcmp(item, "switch")) {
                cfg->kind = NETDEV_SWITCH;
                strcpy(cfg->name, "default");
            } else if (!strcmp(item, "tap")) {
                cfg->kind = NETDEV_TAP;
            } else {
                snprintf(err, errlen, "%s: unknown back end '%s' (user, switch or tap)", opt, item);
                return -EINVAL;
            }
            continue;
        }
        if (opts_split(item, key, val) < 0) {
            snprintf(err, errlen, "%s: '%s' is not key=value", opt, item);
            return -EINVAL;
        }
        if (opts_item(cfg, which, key, val, msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "%s: %s", opt, msg);
            return -EINVAL;
        }
    }
    if (which == NETDEV_OPT_NETDEV && !cfg->id[0]) {
        snprintf(err, errlen, "%s: id= is required", opt);
        return -EINVAL;
    }
    if (cfg->kind == NETDEV_TAP && !cfg->name[0]) {
        snprintf(err, errlen, "%s: tap needs ifname=", opt);
        return -EINVAL;
    }
    return 0;
}

int netdev_parse_nic(const char *arg, struct netdev_nic_config *nic, char *err, size_t errlen)
{
    char item[OPT_MAX], key[OPT_MAX], val[OPT_MAX];
    memset(nic, 0, sizeof(*nic));
    err[0] = '\0';
    size_t n = strcspn(arg, ",");
    if ((n == 17 && !strncmp(arg, "virtio-net-device", n)) ||
        (n == 10 && !strncmp(arg, "virtio-net", n)))
        arg += n + (arg[n] == ',');
    else
        return -ENOENT; /* another device */

    while (*arg) {
        n = strcspn(arg, ",");
        if (n >= sizeof(item)) {
            snprintf(err, errlen, "-device virtio-net-device: option too long");
            return -EINVAL;
        }
        memcpy(item, arg, n);
        item[n] = '\0';
        arg += n + (arg[n] == ',');
        if (opts_split(item, key, val) < 0) {
            snprintf(err, errlen, "-device virtio-net-device: '%s' is not key=value", item);
            return -EINVAL;
        }
        if (!strcmp(key, "netdev")) {
            if (opts_copy(nic->netdev, sizeof(nic->netdev), val) < 0) {
                snprintf(err, errlen, "-device virtio-net-device: bad netdev '%s'", val);
                return -EINVAL;
            }
        } else if (!strcmp(key, "mac")) {
            if (netdev_parse_mac(val, nic->mac) < 0 || (nic->mac[0] & 1)) {
                snprintf(err, errlen, "-device virtio-net-device: bad MAC address '%s'", val);
                return -EINVAL;
            }
            nic->has_mac = true;
        } else if (strcmp(key, "id") != 0) {
            snprintf(err, errlen, "-device virtio-net-device: unknown option '%s'", key);
            return -EINVAL;
        }
    }
    if (!nic->netdev[0]) {
        snprintf(err, errlen, "-device virtio-net-device: netdev= is required");
        return -EINVAL;
    }
    return 0;
}
