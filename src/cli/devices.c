/*
 * The rvisor command line's device options, QEMU's syntax: -drive, -device, -netdev, -nic
 * and -global, whose arguments are "key=value,..." lists (",," is a comma). Each becomes a
 * struct rvisor_device of the command-line VM; back ends and MACs are checked through
 * the public API (rvisor_check_netdev, rvisor_check_mac) as they are parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_bad(const char *fmt, const char *arg)
{
    fputs("rvisor: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (try --help)\n", stderr);
    return -1;
}

/* ---- -drive / -device / -global: QEMU's "key=value,..." lists (",," is a comma) ---- */

struct kv {
    char *key, *val; /* val NULL for a bare word */
};

/*
 * Split a copy of s into at most CLI_MAX_KV items (the copy is kept in c->strings and
 * lives as long as the configuration). Returns the count or -1.
 */
static int kv_split(struct cli *c, const char *s, struct kv *kv, const char *opt)
{
    size_t len = strlen(s);
    char *buf = malloc(len + 1), *w = buf, *item = buf;
    int n = 0;
    if (!buf || c->nstrings >= sizeof(c->strings) / sizeof(c->strings[0])) {
        free(buf);
        return cli_bad("too many %s options", opt);
    }
    c->strings[c->nstrings++] = buf;
    for (const char *r = s;; r++) {
        if (*r == ',' && r[1] == ',') {
            *w++ = ',';
            r++;
            continue;
        }
        if (*r != ',' && *r != 0) {
            *w++ = *r;
            continue;
        }
        *w++ = 0;
        if (n >= CLI_MAX_KV)
            return cli_bad("too many items in %s", opt);
        kv[n].key = item;
        kv[n].val = strchr(item, '=');
        if (kv[n].val)
            *kv[n].val++ = 0;
        n++;
        item = w;
        if (*r == 0)
            break;
    }
    return n;
}

static int parse_onoff(const char *v, bool *out)
{
    if (!v || !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = true;
        return 0;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = false;
        return 0;
    }
    return -1;
}

static int cli_add_device(struct cli *c, const struct rvisor_device *d)
{
    if (c->cfg.ndevices >= MAX_DEVICES) {
        fprintf(stderr, "rvisor: at most %d virtio devices are supported\n", MAX_DEVICES);
        return -1;
    }
    c->devices[c->cfg.ndevices++] = *d;
    return 0;
}

static int parse_cache(const char *v, enum rvisor_disk_cache *out)
{
    if (!strcmp(v, "writeback"))
        *out = RVISOR_CACHE_WRITEBACK;
    else if (!strcmp(v, "writethrough"))
        *out = RVISOR_CACHE_WRITETHROUGH;
    else if (!strcmp(v, "unsafe"))
        *out = RVISOR_CACHE_UNSAFE;
    else
        return cli_bad("unsupported -drive cache='%s' (writeback, writethrough or unsafe)", v);
    return 0;
}

int cli_parse_drive(struct cli *c, const char *arg)
{
    struct kv kv[CLI_MAX_KV];
    struct cli_drive d = {.dev = {.kind = RVISOR_DEVICE_DISK}};
    const char *iface = "virtio";
    int n = kv_split(c, arg, kv, "-drive");
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *k = kv[i].key, *v = kv[i].val;
        if (!v && i == 0 && n == 1)
            return cli_bad("-drive needs file=FILE (got '%s')", arg);
        if (!v)
            return cli_bad("-drive option '%s' needs a value", k);
        if (!strcmp(k, "file")) {
            d.dev.file = v;
        } else if (!strcmp(k, "format")) {
            if (strcmp(v, "raw") != 0)
                return cli_bad("unsupported -drive format '%s' (only raw)", v);
        } else if (!strcmp(k, "if")) {
            if (strcmp(v, "virtio") != 0 && strcmp(v, "none") != 0)
                return cli_bad("unsupported -drive if='%s' (virtio or none)", v);
            iface = v;
        } else if (!strcmp(k, "id")) {
            d.id = kv[i].val;
        } else if (!strcmp(k, "readonly")) {
            if (parse_onoff(v, &d.dev.readonly) < 0)
                return cli_bad("invalid -drive readonly='%s' (on or off)", v);
        } else if (!strcmp(k, "cache")) {
            if (parse_cache(v, &d.dev.cache) < 0)
                return -1;
        } else if (!strcmp(k, "serial")) {
            d.dev.serial = v;
        } else if (!strcmp(k, "media")) {
            if (strcmp(v, "disk") != 0)
                return cli_bad("unsupported -drive media='%s' (only disk)", v);
        } else {
            return cli_bad("unknown -drive option '%s'", k);
        }
    }
    if (!d.dev.file || !*d.dev.file)
        return cli_bad("-drive needs file=FILE (in '%s')", arg);
    if (!strcmp(iface, "virtio"))
        return cli_add_device(c, &d.dev);
    if (!d.id)
        return cli_bad("-drive if=none needs id=NAME (in '%s')", arg);
    for (unsigned i = 0; i < c->ndrives; i++)
        if (!strcmp(c->drives[i].id, d.id))
            return cli_bad("-drive id '%s' is defined twice", d.id);
    if (c->ndrives >= CLI_MAX_DRIVES)
        return cli_bad("too many -drive options (%s)", d.id);
    c->drives[c->ndrives++] = d;
    return 0;
}

/* bus=virtio-mmio-bus.N: the device's slot is N + 1 (0 is "any"). */
static int parse_bus(const char *v, unsigned *slot)
{
    static const char prefix[] = "virtio-mmio-bus.";
    char *end;
    if (strncmp(v, prefix, sizeof(prefix) - 1) != 0)
        return cli_bad("unknown bus '%s' (virtio-mmio-bus.0 to virtio-mmio-bus.7)", v);
    long n = strtol(v + sizeof(prefix) - 1, &end, 10);
    if (end == v + sizeof(prefix) - 1 || *end || n < 0 || n >= MAX_DEVICES)
        return cli_bad("unknown bus '%s' (virtio-mmio-bus.0 to virtio-mmio-bus.7)", v);
    *slot = (unsigned)n + 1;
    return 0;
}

/* -netdev ARG: check it now (one clear error line), keep it for its -device. */
int cli_parse_netdev(struct cli *c, const char *arg)
{
    char id[CLI_ID_MAX], err[256];
    if (rvisor_check_netdev(arg, false, id, sizeof(id), err, sizeof(err)) < 0)
        return cli_bad("%s", err);
    for (unsigned i = 0; i < c->nnetdevs; i++)
        if (!strcmp(c->netdevs[i].id, id))
            return cli_bad("-netdev id '%s' is defined twice", id);
    if (c->nnetdevs >= MAX_DEVICES)
        return cli_bad("too many -netdev options (%s)", id);
    struct cli_netdev *n = &c->netdevs[c->nnetdevs++];
    memcpy(n->id, id, sizeof(n->id));
    n->arg = arg;
    n->used = false;
    return 0;
}

/* -nic ARG: a back end and its virtio-net NIC in one (-nic none: no NIC). */
int cli_parse_nic(struct cli *c, const char *arg)
{
    char err[256];
    if (!strcmp(arg, "none"))
        return 0;
    if (rvisor_check_netdev(arg, true, NULL, 0, err, sizeof(err)) < 0)
        return cli_bad("%s", err);
    struct rvisor_device d = {.kind = RVISOR_DEVICE_NET, .netdev = arg};
    return cli_add_device(c, &d);
}

/* The -netdev a virtio-net-device names (netdev=ID); NULL after an error. */
static const char *cli_take_netdev(struct cli *c, const char *id, const char *arg)
{
    if (!id) {
        cli_bad("virtio-net-device needs netdev=ID (in '%s')", arg);
        return NULL;
    }
    for (unsigned i = 0; i < c->nnetdevs; i++) {
        if (strcmp(c->netdevs[i].id, id) != 0)
            continue;
        if (c->netdevs[i].used) {
            cli_bad("-netdev '%s' is used by two devices", id);
            return NULL;
        }
        c->netdevs[i].used = true;
        return c->netdevs[i].arg;
    }
    cli_bad("no -netdev with id '%s' (it must come before the -device)", id);
    return NULL;
}

int cli_parse_device(struct cli *c, const char *arg)
{
    const char *netdev = NULL;
    struct kv kv[CLI_MAX_KV];
    struct rvisor_device vc = {0};
    const char *drive = NULL, *serial = NULL;
    int n = kv_split(c, arg, kv, "-device");
    if (n < 0)
        return -1;
    if (kv[0].val)
        return cli_bad("-device needs a driver name first (in '%s')", arg);
    if (!strcmp(kv[0].key, "virtio-blk-device"))
        vc.kind = RVISOR_DEVICE_DISK;
    else if (!strcmp(kv[0].key, "virtio-rng-device"))
        vc.kind = RVISOR_DEVICE_RNG;
    else if (!strcmp(kv[0].key, "virtio-net-device"))
        vc.kind = RVISOR_DEVICE_NET;
    else if (!strcmp(kv[0].key, "virtio-keyboard-device"))
        vc.kind = RVISOR_DEVICE_KEYBOARD;
    else if (!strcmp(kv[0].key, "virtio-tablet-device"))
        vc.kind = RVISOR_DEVICE_TABLET;
    else
        return cli_bad("unknown -device driver '%s' (virtio-blk-device, virtio-rng-device, "
                   "virtio-keyboard-device, virtio-tablet-device)",
                   kv[0].key);
    for (int i = 1; i < n; i++) {
        const char *k = kv[i].key, *v = kv[i].val;
        if (!v)
            return cli_bad("-device option '%s' needs a value", k);
        if (!strcmp(k, "bus")) {
            if (parse_bus(v, &vc.slot) < 0)
                return -1;
        } else if (vc.kind == RVISOR_DEVICE_DISK && !strcmp(k, "drive")) {
            drive = v;
        } else if (vc.kind == RVISOR_DEVICE_DISK && !strcmp(k, "serial")) {
            serial = v;
        } else if (vc.kind == RVISOR_DEVICE_NET && !strcmp(k, "netdev")) {
            netdev = v;
        } else if (vc.kind == RVISOR_DEVICE_NET && !strcmp(k, "mac")) {
            if (rvisor_check_mac(v) < 0)
                return cli_bad("invalid MAC address '%s' (e.g. 52:54:00:12:34:56)", v);
            vc.mac = v;
        } else {
            return cli_bad("unknown -device option '%s'", k);
        }
    }
    if (vc.kind == RVISOR_DEVICE_DISK) {
        struct cli_drive *d = NULL;
        if (!drive)
            return cli_bad("virtio-blk-device needs drive=ID (in '%s')", arg);
        for (unsigned i = 0; i < c->ndrives; i++)
            if (!strcmp(c->drives[i].id, drive))
                d = &c->drives[i];
        if (!d)
            return cli_bad("no -drive with id '%s' (it must come before the -device)", drive);
        if (d->used)
            return cli_bad("-drive '%s' is used by two devices", drive);
        d->used = true;
        unsigned slot = vc.slot;
        vc = d->dev;
        vc.slot = slot;
        if (serial)
            vc.serial = serial;
    }
    if (vc.kind == RVISOR_DEVICE_NET && !(vc.netdev = cli_take_netdev(c, netdev, arg)))
        return -1;
    return cli_add_device(c, &vc);
}

int cli_parse_global(struct cli *c, const char *arg)
{
    static const char key[] = "virtio-mmio.force-legacy=";
    bool legacy;
    if (strncmp(arg, key, sizeof(key) - 1) != 0)
        return cli_bad("unsupported -global '%s' (only virtio-mmio.force-legacy)", arg);
    if (parse_onoff(arg + sizeof(key) - 1, &legacy) < 0)
        return cli_bad("invalid -global '%s' (true or false)", arg);
    c->cfg.virtio_legacy = legacy;
    return 0;
}

/* After all options: every if=none drive must belong to a device. */
int cli_check_drives(const struct cli *c)
{
    for (unsigned i = 0; i < c->ndrives; i++)
        if (!c->drives[i].used)
            return cli_bad("-drive '%s' is not used by any -device", c->drives[i].id);
    return 0;
}
