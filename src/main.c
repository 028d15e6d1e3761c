/*
 * rvisor command line: parses QEMU-style options into a vm_config (or takes a --config
 * file of several VMs), runs them (hv/launch.c) and turns the way they ended into the
 * process exit status. `rvisor ctl ...` is the monitor client (hv/ctl.c), `rvisor grade
 * JOB.json` the autograder (grade/grade.h).
 *
 * Exit status: the guest's code (0 on poweroff / test pass), 2 for bad usage or input,
 * 124 when --max-insns ran out, 125 when the guest can never run again (every hart waits
 * for an interrupt no device can send). With --config: the first nonzero status of the
 * VMs in file order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netdev.h"
#include "grade/grade.h"
#include "hv/console.h"
#include "hv/ctl.h"
#include "hv/launch.h"
#include "hv/trace.h"
#include "hv/vm.h"
#define MAX_RAM (1ull << 40)
#define MIN_RAM (1ull << 20)

static void usage(FILE *f)
{
    fputs("usage: rvisor [options] -kernel FILE\n"
          "       rvisor --config VMS.json [--threads N] [--monitor PATH] [--trace-sched F]\n"
          "       rvisor ctl SOCKET COMMAND [KEY=VALUE...]   (the monitor client)\n"
          "       rvisor grade JOB.json [--results F] [--json F]   (the autograder)\n"
          "  -M, -machine virt      the board (only 'virt')\n"
          "  -bios builtin|none|default|FILE\n"
          "                         firmware: rvisor's SBI (the default), none (the kernel\n"
          "                         runs in M-mode), Debian's OpenSBI, or a file\n"
          "  -kernel FILE           kernel: ELF, RISC-V Linux Image, or raw *.bin\n"
          "  -initrd FILE           initial RAM disk for Linux\n"
          "  -append STRING         kernel command line\n"
          "  -dtb FILE              use this device tree instead of the generated one\n"
          "  --dump-dtb FILE        write the generated device tree to FILE and exit\n"
          "  -m SIZE                guest RAM (e.g. 64M, 2G; a plain number is MiB)\n"
          "  -smp N                 number of harts (default 1)\n"
          "  -nographic             no display; the console is this terminal\n"
          "                         (Ctrl-A x quits, Ctrl-A h lists the keys)\n"
          "  -display sdl|none      a window showing the framebuffer, with a virtio keyboard\n"
          "                         and tablet (needs SDL2); none: no window (the default)\n"
          "  -fb WIDTHxHEIGHT       a simple-framebuffer (x8r8g8b8; default 1024x768 when\n"
          "                         -display sdl or --screenshot asks for one)\n"
          "  --screenshot FILE.png  write the framebuffer as a PNG when the run ends...\n"
          "  --screenshot-after S   ...or after S seconds of guest time (the run goes on)\n"
          "  -serial mon:stdio|stdio  the UART on this terminal (the default)\n"
          "  -drive file=F,format=raw,if=virtio|none[,id=ID][,readonly=on]\n"
          "         [,cache=writeback|writethrough|unsafe]\n"
          "                         a raw disk image (if=none: attach with -device)\n"
          "  -device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N][,serial=S]\n"
          "  -device virtio-rng-device[,bus=virtio-mmio-bus.N]\n"
          "  -netdev user,id=ID[,hostfwd=[tcp|udp]:[ADDR]:PORT-[ADDR]:PORT]...[,restrict=on]\n"
          "                         user-mode network (NAT, DHCP 10.0.2.15, DNS 10.0.2.3)\n"
          "  -netdev tap,id=ID,ifname=NAME   a Linux TAP interface\n"
          "  -device virtio-net-device,netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N]\n"
          "  -nic user[,hostfwd=...][,mac=MAC]   back end and NIC in one\n"
          "  -global virtio-mmio.force-legacy=false|true\n"
          "                         virtio-mmio version 2 (rvisor's default) or 1 (QEMU's)\n"
          "  --max-insns N          stop after N instructions (exit status 124)\n"
          "  --deterministic        guest time follows executed instructions (one thread)\n"
          "  --config FILE          run the VMs described in FILE (docs/config.md)\n"
          "  --threads N            host worker threads for the harts (default: as many as\n"
          "                         harts, at most the host's CPUs)\n"
          "  --monitor PATH         QMP control socket at PATH (docs/monitor.md)\n"
          "  --trace-sched FILE     scheduler decisions as Chrome trace-event JSON\n"
          "  -no-reboot             exit when the guest reboots (status 0)\n"
          "  --trace                print each executed instruction on stderr\n"
          "  -d ITEM[,ITEM...]      log events: int, mmu, sbi, unimp, guest_errors\n"
          "                         (-d help describes them)\n"
          "  -D FILE                write the -d log to FILE instead of stderr\n"
          "  -gdb tcp:[HOST]:PORT   GDB stub on HOST (default 127.0.0.1) and PORT\n"
          "  -s                     the same as -gdb tcp::1234\n"
          "  -S                     do not start the harts until the debugger continues\n"
          "  -h, --help             this text\n"
          "  --version              print the version\n",
          f);
}

static int bad(const char *fmt, const char *arg)
{
    fputs("rvisor: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (try --help)\n", stderr);
    return -1;
}

/* A size with an optional K/M/G/T suffix (bytes); a bare number is MiB, as in QEMU. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 20;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    case 'b': case 'B': shift = 0; end++; break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'B')
        end++;
    if (*end || (v >> (64 - shift)) != 0)
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

#define CLI_MAX_DRIVES 16
#define CLI_MAX_KV 16

/* One -drive option. */
struct cli_drive {
    char *id;
    struct vm_virtio_config vc;
    bool used;
};

/* One -netdev option: checked when parsed, made into a back end by vm_create. */
struct cli_netdev {
    char id[NETDEV_ID_MAX];
    const char *arg;
    bool used;
};

struct cli {
    struct vm_config cfg;
    struct cli_netdev netdevs[VM_MAX_VIRTIO];
    unsigned nnetdevs;
    struct cli_drive drives[CLI_MAX_DRIVES];
    unsigned ndrives;
    char *strings[2 * CLI_MAX_DRIVES + VM_MAX_VIRTIO + 8]; /* copies of option values */
    unsigned nstrings;
    const char *dump_dtb;
    bool display_sdl; /* -display sdl */
    const char *trace_file; /* -D */
    bool raw_signals; /* -serial stdio: Ctrl-C stops rvisor, no Ctrl-A commands */
    bool help, version, trace_help;
    const char *config;    /* --config */
    bool vm_options;       /* an option that describes the one command-line VM */
    struct launch_opts launch;
};

/* Returns the option's argument, or NULL (and an error) when it is missing. */
static const char *opt_arg(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        bad("option %s needs an argument", argv[*i]);
        return NULL;
    }
    return argv[++*i];
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
        return bad("too many %s options", opt);
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
            return bad("too many items in %s", opt);
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

static int cli_add_virtio(struct cli *c, const struct vm_virtio_config *vc)
{
    if (c->cfg.nvirtio >= VM_MAX_VIRTIO) {
        fprintf(stderr, "rvisor: at most %d virtio devices are supported\n", VM_MAX_VIRTIO);
        return -1;
    }
    c->cfg.virtio[c->cfg.nvirtio++] = *vc;
    return 0;
}

static int parse_cache(const char *v, enum vm_blk_cache *out)
{
    if (!strcmp(v, "writeback"))
        *out = VM_BLK_CACHE_WRITEBACK;
    else if (!strcmp(v, "writethrough"))
        *out = VM_BLK_CACHE_WRITETHROUGH;
    else if (!strcmp(v, "unsafe"))
        *out = VM_BLK_CACHE_UNSAFE;
    else
        return bad("unsupported -drive cache='%s' (writeback, writethrough or unsafe)", v);
    return 0;
}

static int parse_drive(struct cli *c, const char *arg)
{
    struct kv kv[CLI_MAX_KV];
    struct cli_drive d = {.vc = {.kind = VM_VIRTIO_BLK, .slot = -1}};
    const char *iface = "virtio";
    int n = kv_split(c, arg, kv, "-drive");
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *k = kv[i].key, *v = kv[i].val;
        if (!v && i == 0 && n == 1)
            return bad("-drive needs file=FILE (got '%s')", arg);
        if (!v)
            return bad("-drive option '%s' needs a value", k);
        if (!strcmp(k, "file")) {
            d.vc.file = v;
        } else if (!strcmp(k, "format")) {
            if (strcmp(v, "raw") != 0)
                return bad("unsupported -drive format '%s' (only raw)", v);
        } else if (!strcmp(k, "if")) {
            if (strcmp(v, "virtio") != 0 && strcmp(v, "none") != 0)
                return bad("unsupported -drive if='%s' (virtio or none)", v);
            iface = v;
        } else if (!strcmp(k, "id")) {
            d.id = kv[i].val;
        } else if (!strcmp(k, "readonly")) {
            if (parse_onoff(v, &d.vc.readonly) < 0)
                return bad("invalid -drive readonly='%s' (on or off)", v);
        } else if (!strcmp(k, "cache")) {
            if (parse_cache(v, &d.vc.cache) < 0)
                return -1;
        } else if (!strcmp(k, "serial")) {
            d.vc.serial = v;
        } else if (!strcmp(k, "media")) {
            if (strcmp(v, "disk") != 0)
                return bad("unsupported -drive media='%s' (only disk)", v);
        } else {
            return bad("unknown -drive option '%s'", k);
        }
    }
    if (!d.vc.file || !*d.vc.file)
        return bad("-drive needs file=FILE (in '%s')", arg);
    if (!strcmp(iface, "virtio"))
        return cli_add_virtio(c, &d.vc);
    if (!d.id)
        return bad("-drive if=none needs id=NAME (in '%s')", arg);
    for (unsigned i = 0; i < c->ndrives; i++)
        if (!strcmp(c->drives[i].id, d.id))
            return bad("-drive id '%s' is defined twice", d.id);
    if (c->ndrives >= CLI_MAX_DRIVES)
        return bad("too many -drive options (%s)", d.id);
    c->drives[c->ndrives++] = d;
    return 0;
}

static int parse_bus(const char *v, int *slot)
{
    static const char prefix[] = "virtio-mmio-bus.";
    char *end;
    if (strncmp(v, prefix, sizeof(prefix) - 1) != 0)
        return bad("unknown bus '%s' (virtio-mmio-bus.0 to virtio-mmio-bus.7)", v);
    long n = strtol(v + sizeof(prefix) - 1, &end, 10);
    if (end == v + sizeof(prefix) - 1 || *end || n < 0 || n >= VM_MAX_VIRTIO)
        return bad("unknown bus '%s' (virtio-mmio-bus.0 to virtio-mmio-bus.7)", v);
    *slot = (int)n;
    return 0;
}

/* -netdev ARG: check it now (one clear error line), keep it for its -device. */
static int parse_netdev(struct cli *c, const char *arg)
{
    struct netdev_config nc;
    char err[256];
    if (netdev_parse_option(arg, NETDEV_OPT_NETDEV, &nc, err, sizeof(err)) < 0)
        return bad("%s", err);
    for (unsigned i = 0; i < c->nnetdevs; i++)
        if (!strcmp(c->netdevs[i].id, nc.id))
            return bad("-netdev id '%s' is defined twice", nc.id);
    if (c->nnetdevs >= VM_MAX_VIRTIO)
        return bad("too many -netdev options (%s)", nc.id);
    struct cli_netdev *n = &c->netdevs[c->nnetdevs++];
    memcpy(n->id, nc.id, sizeof(n->id));
    n->arg = arg;
    n->used = false;
    return 0;
}

/* -nic ARG: a back end and its virtio-net NIC in one (-nic none: no NIC). */
static int parse_nic(struct cli *c, const char *arg)
{
    struct netdev_config nc;
    char err[256];
    if (!strcmp(arg, "none"))
        return 0;
    if (netdev_parse_option(arg, NETDEV_OPT_NIC, &nc, err, sizeof(err)) < 0)
        return bad("%s", err);
    struct vm_virtio_config vc = {.kind = VM_VIRTIO_NET, .slot = -1, .netdev = arg};
    return cli_add_virtio(c, &vc);
}

/* The -netdev a virtio-net-device names (netdev=ID); NULL after an error. */
static const char *cli_take_netdev(struct cli *c, const char *id, const char *arg)
{
    if (!id) {
        bad("virtio-net-device needs netdev=ID (in '%s')", arg);
        return NULL;
    }
    for (unsigned i = 0; i < c->nnetdevs; i++) {
        if (strcmp(c->netdevs[i].id, id) != 0)
            continue;
        if (c->netdevs[i].used) {
            bad("-netdev '%s' is used by two devices", id);
            return NULL;
        }
        c->netdevs[i].used = true;
        return c->netdevs[i].arg;
    }
    bad("no -netdev with id '%s' (it must come before the -device)", id);
    return NULL;
}

static int parse_device(struct cli *c, const char *arg)
{
    const char *netdev = NULL;
    struct kv kv[CLI_MAX_KV];
    struct vm_virtio_config vc = {.slot = -1};
    const char *drive = NULL, *serial = NULL;
    int n = kv_split(c, arg, kv, "-device");
    if (n < 0)
        return -1;
    if (kv[0].val)
        return bad("-device needs a driver name first (in '%s')", arg);
    if (!strcmp(kv[0].key, "virtio-blk-device"))
        vc.kind = VM_VIRTIO_BLK;
    else if (!strcmp(kv[0].key, "virtio-rng-device"))
        vc.kind = VM_VIRTIO_RNG;
    else if (!strcmp(kv[0].key, "virtio-net-device"))
        vc.kind = VM_VIRTIO_NET;
    else if (!strcmp(kv[0].key, "virtio-keyboard-device"))
        vc.kind = VM_VIRTIO_KEYBOARD;
    else if (!strcmp(kv[0].key, "virtio-tablet-device"))
        vc.kind = VM_VIRTIO_TABLET;
    else
        return bad("unknown -device driver '%s' (virtio-blk-device, virtio-rng-device, "
                   "virtio-keyboard-device, virtio-tablet-device)",
                   kv[0].key);
    for (int i = 1; i < n; i++) {
        const char *k = kv[i].key, *v = kv[i].val;
        if (!v)
            return bad("-device option '%s' needs a value", k);
        if (!strcmp(k, "bus")) {
            if (parse_bus(v, &vc.slot) < 0)
                return -1;
        } else if (vc.kind == VM_VIRTIO_BLK && !strcmp(k, "drive")) {
            drive = v;
        } else if (vc.kind == VM_VIRTIO_BLK && !strcmp(k, "serial")) {
            serial = v;
        } else if (vc.kind == VM_VIRTIO_NET && !strcmp(k, "netdev")) {
            netdev = v;
        } else if (vc.kind == VM_VIRTIO_NET && !strcmp(k, "mac")) {
            uint8_t mac[6];
            if (netdev_parse_mac(v, mac) < 0 || (mac[0] & 1))
                return bad("invalid MAC address '%s' (e.g. 52:54:00:12:34:56)", v);
            vc.mac = v;
        } else {
            return bad("unknown -device option '%s'", k);
        }
    }
    if (vc.kind == VM_VIRTIO_BLK) {
        struct cli_drive *d = NULL;
        if (!drive)
            return bad("virtio-blk-device needs drive=ID (in '%s')", arg);
        for (unsigned i = 0; i < c->ndrives; i++)
            if (!strcmp(c->drives[i].id, drive))
                d = &c->drives[i];
        if (!d)
            return bad("no -drive with id '%s' (it must come before the -device)", drive);
        if (d->used)
            return bad("-drive '%s' is used by two devices", drive);
        d->used = true;
        int slot = vc.slot;
        vc = d->vc;
        vc.slot = slot;
        if (serial)
            vc.serial = serial;
    }
    if (vc.kind == VM_VIRTIO_NET && !(vc.netdev = cli_take_netdev(c, netdev, arg)))
        return -1;
    return cli_add_virtio(c, &vc);
}

static int parse_global(struct cli *c, const char *arg)
{
    static const char key[] = "virtio-mmio.force-legacy=";
    bool legacy;
    if (strncmp(arg, key, sizeof(key) - 1) != 0)
        return bad("unsupported -global '%s' (only virtio-mmio.force-legacy)", arg);
    if (parse_onoff(arg + sizeof(key) - 1, &legacy) < 0)
        return bad("invalid -global '%s' (true or false)", arg);
    c->cfg.virtio_legacy = legacy;
    return 0;
}

/* After all options: every if=none drive must belong to a device. */
static int check_drives(const struct cli *c)
{
    for (unsigned i = 0; i < c->ndrives; i++)
        if (!c->drives[i].used)
            return bad("-drive '%s' is not used by any -device", c->drives[i].id);
    return 0;
}

/* ---- -display, -fb, --screenshot ---- */

static int parse_graphics(struct cli *c, const char *o, const char *a)
{
    char *end;
    if (!strcmp(o, "-display")) {
        if (strcmp(a, "sdl") != 0 && strcmp(a, "none") != 0)
            return bad("unsupported -display '%s' (sdl or none)", a);
        c->display_sdl = strcmp(a, "sdl") == 0;
    } else if (!strcmp(o, "-fb")) {
        unsigned long w, h;
        errno = 0;
        w = strtoul(a, &end, 10);
        if (end == a || (*end != 'x' && *end != 'X') || !(end[1] >= '0' && end[1] <= '9'))
            return bad("invalid -fb '%s' (WIDTHxHEIGHT, e.g. 1024x768)", a);
        h = strtoul(end + 1, &end, 10);
        if (*end || errno || w > 65535 || h > 65535)
            return bad("invalid -fb '%s' (WIDTHxHEIGHT, e.g. 1024x768)", a);
        c->cfg.fb_width = (unsigned)w;
        c->cfg.fb_height = (unsigned)h;
    } else if (!strcmp(o, "--screenshot")) {
        if (!*a)
            return bad("--screenshot needs a file name%s", "");
        c->cfg.screenshot = a;
    } else {
        double sec = strtod(a, &end);
        if (end == a || *end || !(sec > 0 && sec <= 1e6))
            return bad("invalid --screenshot-after '%s' (seconds, more than 0)", a);
        c->cfg.screenshot_after_ns = (uint64_t)(sec * 1e9);
    }
    return 0;
}

static bool has_virtio(const struct cli *c, enum vm_virtio_kind kind)
{
    for (unsigned i = 0; i < c->cfg.nvirtio; i++)
        if (c->cfg.virtio[i].kind == kind)
            return true;
    return false;
}

/* After all options: a window or a screenshot needs a framebuffer, a window its input. */
static int finish_graphics(struct cli *c)
{
    static const enum vm_virtio_kind inputs[] = {VM_VIRTIO_KEYBOARD, VM_VIRTIO_TABLET};
    if (c->cfg.screenshot_after_ns && !c->cfg.screenshot)
        return bad("--screenshot-after needs --screenshot FILE.png%s", "");
    if ((c->display_sdl || c->cfg.screenshot) && !c->cfg.fb_width) {
        c->cfg.fb_width = 1024;
        c->cfg.fb_height = 768;
    }
    if (!c->display_sdl)
        return 0;
    if (!vm_display_available())
        return bad("-display sdl: this rvisor was built without SDL2 (install libsdl2-dev "
                   "and rebuild)%s", "");
    for (unsigned i = 0; i < 2; i++) {
        struct vm_virtio_config vc = {.kind = inputs[i], .slot = -1};
        if (!has_virtio(c, inputs[i]) && cli_add_virtio(c, &vc) < 0)
            return -1;
    }
    return 0;
}

static void cli_free(struct cli *c)
{
    for (unsigned i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    if (c->cfg.trace_log)
        fclose(c->cfg.trace_log);
}

static int parse_args(int argc, char **argv, struct cli *c)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *a;
        uint64_t n;
        static const char *const global[] = {"--config", "--threads", "--monitor",
                                             "--trace-sched", "--deterministic", NULL};
        bool is_global = false;
        for (unsigned g = 0; global[g]; g++)
            is_global |= !strcmp(o, global[g]);
        if (!is_global)
            c->vm_options = true;
        if (!strcmp(o, "-h") || !strcmp(o, "--help") || !strcmp(o, "-help")) {
            c->help = true;
        } else if (!strcmp(o, "--version") || !strcmp(o, "-version")) {
            c->version = true;
        } else if (!strcmp(o, "-M") || !strcmp(o, "-machine")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (strcmp(a, "virt") != 0 && strncmp(a, "virt,", 5) != 0)
                return bad("unknown machine '%s' (only 'virt')", a);
        } else if (!strcmp(o, "-bios")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            c->cfg.bios = strcmp(a, "builtin") == 0 ? NULL : a;
        } else if (!strcmp(o, "-kernel")) {
            if (!(c->cfg.kernel = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-initrd")) {
            if (!(c->cfg.initrd = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-append")) {
            if (!(c->cfg.append = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-dtb")) {
            if (!(c->cfg.dtb = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--dump-dtb") || !strcmp(o, "-dump-dtb")) {
            if (!(c->dump_dtb = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-m")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (!strncmp(a, "size=", 5))
                a += 5;
            if (parse_size(a, &n) < 0)
                return bad("invalid RAM size '%s'", a);
            if (n < MIN_RAM || n > MAX_RAM)
                return bad("RAM size '%s' is out of range (1 MiB to 1 TiB)", a);
            c->cfg.ram_size = (n + 4095) & ~4095ull;
        } else if (!strcmp(o, "-smp")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n < 1 || n > VM_MAX_HARTS)
                return bad("invalid -smp '%s' (1 to 32)", a);
            c->cfg.nharts = (unsigned)n;
        } else if (!strcmp(o, "-display") || !strcmp(o, "-fb") || !strcmp(o, "--screenshot") ||
                   !strcmp(o, "--screenshot-after")) {
            if (!(a = opt_arg(argc, argv, &i)) || parse_graphics(c, o, a) < 0)
                return -1;
        } else if (!strcmp(o, "-nographic") || !strcmp(o, "--nographic")) {
            c->display_sdl = false; /* the console already is the terminal */
        } else if (!strcmp(o, "-serial")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (strcmp(a, "mon:stdio") != 0 && strcmp(a, "stdio") != 0)
                return bad("unsupported -serial '%s' (mon:stdio or stdio)", a);
            c->raw_signals = strcmp(a, "stdio") == 0;
        } else if (!strcmp(o, "--max-insns")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n == 0)
                return bad("invalid --max-insns '%s'", a);
            c->cfg.max_insns = n;
        } else if (!strcmp(o, "-no-reboot") || !strcmp(o, "--no-reboot")) {
            c->cfg.no_reboot = true;
        } else if (!strcmp(o, "--deterministic")) {
            c->cfg.deterministic = true;
            c->launch.deterministic = true;
        } else if (!strcmp(o, "--config")) {
            if (!(c->config = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--threads")) {
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (parse_u64(a, &n) < 0 || n == 0 || n > HV_MAX_THREADS)
                return bad("invalid --threads '%s' (1 to 64)", a);
            c->launch.threads = (unsigned)n;
        } else if (!strcmp(o, "--monitor")) {
            if (!(c->launch.monitor = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--trace-sched")) {
            if (!(c->launch.trace_sched = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "--trace")) {
            c->cfg.trace = stderr;
        } else if (!strcmp(o, "-d")) {
            char msg[128];
            if (!(a = opt_arg(argc, argv, &i)))
                return -1;
            if (!strcmp(a, "help") || !strcmp(a, "?"))
                c->trace_help = true;
            else if (trace_parse(a, &c->cfg.trace_events, msg, sizeof(msg)) < 0)
                return bad("%s", msg);
        } else if (!strcmp(o, "-D")) {
            if (!(c->trace_file = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-gdb")) {
            if (!(c->cfg.gdb = opt_arg(argc, argv, &i)))
                return -1;
        } else if (!strcmp(o, "-s")) {
            c->cfg.gdb = "tcp::1234";
        } else if (!strcmp(o, "-S")) {
            c->cfg.gdb_wait = true;
        } else if (!strcmp(o, "-drive")) {
            if (!(a = opt_arg(argc, argv, &i)) || parse_drive(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-device")) {
            if (!(a = opt_arg(argc, argv, &i)) || parse_device(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-netdev")) {
            if (!(a = opt_arg(argc, argv, &i)) || parse_netdev(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-nic")) {
            if (!(a = opt_arg(argc, argv, &i)) || parse_nic(c, a) < 0)
                return -1;
        } else if (!strcmp(o, "-global")) {
            if (!(a = opt_arg(argc, argv, &i)) || parse_global(c, a) < 0)
                return -1;
        } else {
            return bad("unknown option '%s'", o);
        }
    }
    if (check_drives(c) < 0)
        return -1;
    return finish_graphics(c);
}

static int dump_dtb(struct vm *vm, const char *path)
{
    size_t size;
    const void *dtb = vm_dtb(vm, &size);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(dtb, 1, size, f) != size) {
        fprintf(stderr, "rvisor: cannot write the device tree to '%s': %s\n", path,
                strerror(errno));
        if (f)
            fclose(f);
        return EXIT_USAGE;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "rvisor: cannot write the device tree to '%s': %s\n", path,
                strerror(errno));
        return EXIT_USAGE;
    }
    return 0;
}

static int exit_status(const struct vm_exit *ex)
{
    if (ex->kind == VM_EXIT_MAX_INSNS)
        fprintf(stderr, "rvisor: instruction limit reached after %llu instructions\n",
                (unsigned long long)ex->insns);
    return launch_exit_status(ex);
}

/* Everything after option parsing; the exit status. */
static int cli_run(struct cli *c)
{
    struct vm *vm;
    struct vm_exit ex;
    char err[512];

    if (c->help) {
        usage(stdout);
        return 0;
    }
    if (c->version) {
        printf("rvisor 0.1.0\n");
        return 0;
    }
    if (c->trace_help) {
        trace_help(stdout);
        return 0;
    }
    if (c->config) {
        if (c->vm_options) {
            fprintf(stderr, "rvisor: --config describes the VMs: give -kernel and the other "
                            "VM options in the file, not on the command line\n");
            return EXIT_USAGE;
        }
        return launch_config(c->config, &c->launch);
    }
    if (c->trace_file && !c->dump_dtb && !(c->cfg.trace_log = fopen(c->trace_file, "w"))) {
        fprintf(stderr, "rvisor: cannot open the -D log '%s': %s\n", c->trace_file,
                strerror(errno));
        return EXIT_USAGE;
    }
    if (!c->cfg.kernel && !c->dump_dtb && (!c->cfg.bios || !strcmp(c->cfg.bios, "none"))) {
        fprintf(stderr, "rvisor: no kernel given: use -kernel FILE (try --help)\n");
        return EXIT_USAGE;
    }
    c->cfg.dtb_only = c->dump_dtb != NULL;
    if (!c->dump_dtb) {
        int flags = c->raw_signals ? CONSOLE_SIGNALS | CONSOLE_NO_ESCAPE : 0;
        c->cfg.input = console_open(flags, err, sizeof(err));
        if (!c->cfg.input) {
            fprintf(stderr, "rvisor: console: %s\n", err);
            return EXIT_USAGE;
        }
        c->cfg.console = console_chardev(c->cfg.input);
    }
    if (vm_create(&c->cfg, &vm, err, sizeof(err)) < 0) {
        console_close(c->cfg.input);
        fprintf(stderr, "rvisor: %s\n", err);
        return EXIT_USAGE;
    }
    if (c->dump_dtb) {
        int rc = dump_dtb(vm, c->dump_dtb);
        vm_destroy(vm);
        return rc;
    }
    if (!c->display_sdl) {
        if (launch_one(vm, &c->launch, &ex) < 0) {
            vm_destroy(vm);
            console_close(c->cfg.input);
            return EXIT_USAGE;
        }
    } else if (vm_run_display(vm, c->cfg.name, &ex, err, sizeof(err)) < 0) {
        vm_destroy(vm);
        console_close(c->cfg.input);
        fprintf(stderr, "rvisor: %s\n", err);
        return EXIT_USAGE;
    }
    vm_destroy(vm);
    console_close(c->cfg.input);
    return exit_status(&ex);
}

int main(int argc, char **argv)
{
    struct cli c = {.cfg = {.name = "vm0", .nharts = 1}};
    if (argc >= 2 && !strcmp(argv[1], "ctl"))
        return rvisor_ctl_main(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "grade"))
        return grade_main(argc - 1, argv + 1); /* the autograder (docs/grading.md) */
    int rc = parse_args(argc, argv, &c) < 0 ? EXIT_USAGE : cli_run(&c);
    cli_free(&c);
    return rc;
}
