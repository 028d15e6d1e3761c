/*
 * librvisor: a public struct rvisor_config (include/rvisor.h) checked and turned into the
 * vm_config of hv/vm.h, with copies of its strings; and the checks front ends use for
 * option strings (network back ends, MACs, log items).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netdev.h"
#include "hv/trace.h"
#include "lib/lib_internal.h"

bool lib_config_ok(const struct rvisor_config *c, char *err, size_t errlen)
{
    if (!c || c->struct_size != sizeof(*c)) {
        lib_err(err, errlen, "struct rvisor_config not set up by rvisor_config_init "
                             "(or from another version of rvisor.h)");
        return false;
    }
    if (c->harts < 1 || c->harts > VM_MAX_HARTS) {
        lib_err(err, errlen, "harts must be 1 to %d", VM_MAX_HARTS);
        return false;
    }
    if (c->ram_size < (1ull << 20) || c->ram_size > (1ull << 40)) {
        lib_err(err, errlen, "ram_size must be 1 MiB to 1 TiB");
        return false;
    }
    if ((unsigned)c->console > RVISOR_CONSOLE_NONE) {
        lib_err(err, errlen, "console: unknown kind %d", (int)c->console);
        return false;
    }
    if (c->ndevices && !c->devices) {
        lib_err(err, errlen, "ndevices is %u but devices is NULL", c->ndevices);
        return false;
    }
    return true;
}

static int add_device(struct rvisor_vm *v, const struct vm_virtio_config *vc, char *err,
                      size_t errlen)
{
    if (v->cfg.nvirtio >= VM_MAX_VIRTIO) {
        lib_err(err, errlen, "at most %d virtio devices are supported", VM_MAX_VIRTIO);
        return -1;
    }
    v->cfg.virtio[v->cfg.nvirtio++] = *vc;
    return 0;
}

static bool has_device(const struct vm_config *c, enum vm_virtio_kind kind)
{
    for (unsigned i = 0; i < c->nvirtio; i++)
        if (c->virtio[i].kind == kind)
            return true;
    return false;
}

/* One public device into v->cfg. */
static int translate_device(struct rvisor_vm *v, const struct rvisor_device *d, unsigned i,
                            bool *oom, char *err, size_t errlen)
{
    static const enum vm_virtio_kind kinds[] = {
        [RVISOR_DEVICE_DISK] = VM_VIRTIO_BLK,         [RVISOR_DEVICE_RNG] = VM_VIRTIO_RNG,
        [RVISOR_DEVICE_NET] = VM_VIRTIO_NET,          [RVISOR_DEVICE_KEYBOARD] = VM_VIRTIO_KEYBOARD,
        [RVISOR_DEVICE_TABLET] = VM_VIRTIO_TABLET};
    if (d->kind < RVISOR_DEVICE_DISK || d->kind > RVISOR_DEVICE_TABLET) {
        lib_err(err, errlen, "devices[%u]: unknown kind %d", i, (int)d->kind);
        return -1;
    }
    if (d->slot > VM_MAX_VIRTIO) {
        lib_err(err, errlen, "devices[%u]: slot %u (0 for any, or 1 to %d)", i, d->slot,
                VM_MAX_VIRTIO);
        return -1;
    }
    struct vm_virtio_config vc = {.kind = kinds[d->kind], .slot = (int)d->slot - 1};
    switch (d->kind) {
    case RVISOR_DEVICE_DISK:
        if (!d->file || !*d->file) {
            lib_err(err, errlen, "devices[%u]: a disk needs a file", i);
            return -1;
        }
        if ((unsigned)d->cache > RVISOR_CACHE_UNSAFE) {
            lib_err(err, errlen, "devices[%u]: unknown cache mode %d", i, (int)d->cache);
            return -1;
        }
        vc.file = lib_keep(v, d->file, oom);
        vc.readonly = d->readonly;
        vc.cache = d->cache == RVISOR_CACHE_WRITETHROUGH ? VM_BLK_CACHE_WRITETHROUGH
                   : d->cache == RVISOR_CACHE_UNSAFE     ? VM_BLK_CACHE_UNSAFE
                                                         : VM_BLK_CACHE_WRITEBACK;
        vc.serial = lib_keep(v, d->serial, oom);
        break;
    case RVISOR_DEVICE_NET:
        if (!d->netdev || !*d->netdev) {
            lib_err(err, errlen, "devices[%u]: a network card needs a netdev", i);
            return -1;
        }
        if (d->mac && rvisor_check_mac(d->mac) < 0) {
            lib_err(err, errlen, "devices[%u]: invalid MAC address '%s' (e.g. "
                                 "52:54:00:12:34:56)", i, d->mac);
            return -1;
        }
        vc.netdev = lib_keep(v, d->netdev, oom);
        vc.mac = lib_keep(v, d->mac, oom);
        break;
    default: break;
    }
    return add_device(v, &vc, err, errlen);
}

int lib_vm_translate(struct rvisor_vm *v, const struct rvisor_config *c, char *err,
                     size_t errlen)
{
    struct vm_config *cfg = &v->cfg;
    bool oom = false;
    cfg->name = lib_keep(v, c->name ? c->name : "vm0", &oom);
    cfg->ram_size = (c->ram_size + 4095) & ~4095ull;
    cfg->nharts = c->harts;
    cfg->kernel = lib_keep(v, c->kernel, &oom);
    cfg->bios = c->bios && strcmp(c->bios, "builtin") != 0 ? lib_keep(v, c->bios, &oom) : NULL;
    cfg->initrd = lib_keep(v, c->initrd, &oom);
    cfg->append = lib_keep(v, c->append, &oom);
    cfg->dtb = lib_keep(v, c->dtb, &oom);
    cfg->dtb_only = c->dtb_only;
    cfg->deterministic = c->deterministic;
    cfg->no_reboot = c->no_reboot;
    cfg->virtio_legacy = c->virtio_legacy;
    cfg->gdb = lib_keep(v, c->gdb, &oom);
    cfg->gdb_wait = c->gdb_wait;
    cfg->trace = c->trace ? stderr : NULL;
    cfg->fb_width = c->fb_width;
    cfg->fb_height = c->fb_height;
    cfg->screenshot = lib_keep(v, c->screenshot, &oom);
    cfg->screenshot_after_ns = c->screenshot_after_ns;
    if (c->disk) {
        struct vm_virtio_config vc = {.kind = VM_VIRTIO_BLK, .slot = -1,
                                      .file = lib_keep(v, c->disk, &oom),
                                      .readonly = c->disk_readonly};
        if (add_device(v, &vc, err, errlen) < 0)
            return -1;
    }
    if (c->rng) {
        struct vm_virtio_config vc = {.kind = VM_VIRTIO_RNG, .slot = -1};
        if (add_device(v, &vc, err, errlen) < 0)
            return -1;
    }
    for (unsigned i = 0; i < c->ndevices; i++)
        if (translate_device(v, &c->devices[i], i, &oom, err, errlen) < 0)
            return -1;
    if (oom) {
        lib_err(err, errlen, "out of memory");
        return -1;
    }
    if (c->log && trace_parse(c->log, &cfg->trace_events, err, errlen) < 0)
        return -1;
    if (c->log_file && !cfg->dtb_only) {
        if (!(v->log_file = fopen(c->log_file, "w"))) {
            lib_err(err, errlen, "cannot open the log file '%s': %s", c->log_file,
                    strerror(errno));
            return -1;
        }
        cfg->trace_log = v->log_file;
    }
    if (c->screenshot_after_ns && !c->screenshot) {
        lib_err(err, errlen, "screenshot_after_ns needs a screenshot file");
        return -1;
    }
    /* a window or a screenshot needs a framebuffer, a window its input devices */
    if ((c->display || c->screenshot) && !cfg->fb_width) {
        cfg->fb_width = 1024;
        cfg->fb_height = 768;
    }
    if (c->display) {
        static const enum vm_virtio_kind inputs[] = {VM_VIRTIO_KEYBOARD, VM_VIRTIO_TABLET};
        if (!vm_display_available()) {
            lib_err(err, errlen, "this rvisor was built without SDL2: no window (install "
                                 "libsdl2-dev and rebuild)");
            return -1;
        }
        for (unsigned i = 0; i < 2; i++) {
            struct vm_virtio_config vc = {.kind = inputs[i], .slot = -1};
            if (!has_device(cfg, inputs[i]) && add_device(v, &vc, err, errlen) < 0)
                return -1;
        }
    }
    if (!cfg->kernel && !cfg->dtb_only && (!cfg->bios || !strcmp(cfg->bios, "none"))) {
        lib_err(err, errlen, "no kernel given");
        return -1;
    }
    return 0;
}

/* ---- odds and ends ---- */

bool rvisor_have_display(void)
{
    return vm_display_available();
}

int rvisor_check_log(const char *items, char *err, size_t errlen)
{
    uint32_t mask;
    return items && trace_parse(items, &mask, err, errlen) == 0 ? 0 : -1;
}

void rvisor_log_help(void *f)
{
    trace_help(f ? f : stdout);
}

int rvisor_check_netdev(const char *spec, bool nic, char *id, size_t idlen, char *err,
                        size_t errlen)
{
    struct netdev_config nc;
    if (!spec) {
        lib_err(err, errlen, "no network back end given");
        return -1;
    }
    if (netdev_parse_option(spec, nic ? NETDEV_OPT_NIC : NETDEV_OPT_NETDEV, &nc, err,
                            errlen) < 0)
        return -1;
    if (id && idlen)
        snprintf(id, idlen, "%s", nc.id);
    return 0;
}

int rvisor_check_mac(const char *mac)
{
    uint8_t m[6];
    return mac && netdev_parse_mac(mac, m) == 0 && !(m[0] & 1) ? 0 : -1;
}
