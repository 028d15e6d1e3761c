/*
 * librvisor (include/rvisor.h): VMs. A public struct rvisor_config (or --config JSON)
 * becomes a vm_config (hv/vm.h) and a machine; rvisor_vm_run drives it on the caller's
 * thread through the caller-driven runner (hv/vm_api.h); results, memory, registers.
 * A rvisor_vm owns copies of every string its vm_config points to, its console
 * (console.c) and the limits that end it (total instructions, total host time). VMs on
 * a host (host.c) are built here too but run by the host's scheduler.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* strdup */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvisor.h"

#include "devices/chardev.h"
#include "hv/clock.h"
#include "hv/config.h"
#include "hv/vm.h"
#include "devices/host/netdev.h"
#include "hv/trace.h"
#include "hv/vm_api.h"
#include "lib/lib_internal.h"

void lib_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *rvisor_version(void)
{
    return "0.1.0";
}

void rvisor_config_init(struct rvisor_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->struct_size = sizeof(*cfg);
    cfg->name = "vm0";
    cfg->ram_size = VM_DEFAULT_RAM;
    cfg->harts = 1;
}

const char *lib_keep(struct rvisor_vm *v, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    if (v->nstrings == v->cap_strings) {
        unsigned n = v->cap_strings ? 2 * v->cap_strings : 16;
        char **a = realloc(v->strings, n * sizeof(*a));
        if (!a) {
            *oom = true;
            return NULL;
        }
        v->strings = a;
        v->cap_strings = n;
    }
    char *c = strdup(s);
    if (!c) {
        *oom = true;
        return NULL;
    }
    v->strings[v->nstrings++] = c;
    return c;
}

struct rvisor_vm *lib_vm_alloc(const struct rvisor_config *o)
{
    struct rvisor_vm *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->limit = RVISOR_CONSOLE_LIMIT_DEFAULT;
    if (o) {
        v->out = o->console_out;
        v->in = o->console_in;
        v->opaque = o->console_opaque;
        if (o->console_limit)
            v->limit = o->console_limit;
        v->max_insns = o->max_insns;
        v->timeout_ns = o->timeout_ns;
        v->display = o->display;
        v->params = (struct hv_vm_params){
            .weight = o->weight, .cap = o->cap, .quota = o->quota, .soft_quota = o->soft_quota};
    }
    atomic_init(&v->console_bytes, 0);
    atomic_init(&v->console_dropped, 0);
    atomic_init(&v->pause, false);
    return v;
}

int lib_vm_build(struct rvisor_vm *v, enum rvisor_console console, const char *path,
                 bool append, struct netswitch_registry *switches, rvisor_vm **out, char *err,
                 size_t errlen)
{
    v->cfg.switches = switches;
    if (v->cfg.dtb_only) {
        v->cfg.console = NULL;
        v->cfg.input = NULL;
    } else if (lib_console_open(v, console, path, append, err, errlen) < 0) {
        rvisor_vm_destroy(v);
        return -1;
    }
    if (vm_create(&v->cfg, &v->vm, err, errlen) < 0) {
        rvisor_vm_destroy(v);
        return -1;
    }
    lib_console_attach(v);
    if (vm_api_init(&v->run, v->vm) < 0) {
        lib_err(err, errlen, "out of resources");
        rvisor_vm_destroy(v);
        return -1;
    }
    v->run_ok = true;
    v->run.pull = lib_console_pull;
    v->run.pull_opaque = v;
    *out = v;
    return 0;
}

static bool config_ok(const struct rvisor_config *c, char *err, size_t errlen)
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

int rvisor_vm_create(const struct rvisor_config *c, rvisor_vm **out, char *err, size_t errlen)
{
    if (!out || !config_ok(c, err, errlen))
        return -1;
    struct rvisor_vm *v = lib_vm_alloc(c);
    if (!v) {
        lib_err(err, errlen, "out of memory");
        return -1;
    }
    if (lib_vm_translate(v, c, err, errlen) < 0) {
        rvisor_vm_destroy(v);
        return -1;
    }
    return lib_vm_build(v, c->console, c->console_path, c->console_append, NULL, out, err,
                        errlen);
}

int rvisor_vm_create_json(const char *json, size_t len, const char *vm_name,
                          const char *base_dir, const struct rvisor_config *overrides,
                          rvisor_vm **out, char *err, size_t errlen)
{
    char dir[4096];
    if (!json || !out) {
        lib_err(err, errlen, "no JSON given");
        return -1;
    }
    if (overrides && !config_ok(overrides, err, errlen))
        return -1;
    if (base_dir && *base_dir) {
        size_t n = strlen(base_dir);
        if (n + 2 > sizeof(dir)) {
            lib_err(err, errlen, "base_dir is too long");
            return -1;
        }
        snprintf(dir, sizeof(dir), "%s%s", base_dir, base_dir[n - 1] == '/' ? "" : "/");
    } else {
        dir[0] = 0;
    }
    struct rvisor_vm *v = lib_vm_alloc(overrides);
    if (!v) {
        lib_err(err, errlen, "out of memory");
        return -1;
    }
    if (hv_config_parse(json, len, "config", dir, &v->json, err, errlen) < 0) {
        hv_config_free(&v->json);
        free(v);
        return -1;
    }
    v->has_json = true;
    struct hv_config_vm *pick = NULL;
    for (unsigned i = 0; i < v->json.nvms && !pick; i++)
        if (!vm_name || !strcmp(v->json.vms[i].cfg.name, vm_name))
            pick = &v->json.vms[i];
    if (!pick) {
        lib_err(err, errlen, vm_name ? "config: no VM named '%s'" : "config: no VM%s",
                vm_name ? vm_name : "");
        rvisor_vm_destroy(v);
        return -1;
    }
    v->cfg = pick->cfg;
    if (v->json.deterministic || (overrides && overrides->deterministic))
        v->cfg.deterministic = true;
    for (unsigned i = 0; i < v->cfg.nvirtio; i++)
        if (v->cfg.virtio[i].kind == VM_VIRTIO_NET && !v->cfg.virtio[i].mac)
            v->cfg.virtio[i].mac = "52:54:00:12:34:56";
    /* the console is the caller's (overrides), not the file's */
    return lib_vm_build(v, overrides ? overrides->console : RVISOR_CONSOLE_CALLBACKS,
                        overrides ? overrides->console_path : NULL,
                        overrides && overrides->console_append, NULL, out, err, errlen);
}

void rvisor_vm_destroy(rvisor_vm *v)
{
    if (v && !v->host) /* a host's VMs go with the host */
        lib_vm_free(v);
}

void lib_vm_free(rvisor_vm *v)
{
    if (!v)
        return;
    if (v->run_ok)
        vm_api_fini(&v->run);
    vm_destroy(v->vm);
    lib_console_close(v); /* after the VM: nothing writes to it any more */
    if (v->log_file)
        fclose(v->log_file);
    if (v->has_json)
        hv_config_free(&v->json);
    for (unsigned i = 0; i < v->nstrings; i++)
        free(v->strings[i]);
    free(v->strings);
    free(v);
}

/* ---- running ---- */

static bool ended(rvisor_vm *v)
{
    struct vm_exit ex;
    vm_api_exit(&v->run, &ex, NULL);
    return ex.kind != VM_EXIT_NONE;
}

/* A host runs its VMs: the caller-driven functions refuse them. */
static bool on_host(const rvisor_vm *v)
{
    return v->host != NULL;
}

static void host_end(rvisor_vm *v, enum rvisor_exit_kind kind)
{
    if (ended(v))
        return;
    v->host_end = kind;
    vm_api_end(&v->run, kind == RVISOR_EXIT_INSN_LIMIT ? VM_EXIT_MAX_INSNS : VM_EXIT_HALTED);
}

enum rvisor_stop rvisor_vm_run(rvisor_vm *v, uint64_t max_insns, uint64_t timeout_ns)
{
    if (!v || on_host(v) || v->cfg.dtb_only)
        return RVISOR_STOP_ERROR;
    atomic_store(&v->pause, false);
    if (ended(v))
        return RVISOR_STOP_EXIT;
    uint64_t budget = max_insns;
    bool total_budget = false, total_time = false;
    if (v->max_insns) {
        uint64_t left = v->max_insns > v->run.insns ? v->max_insns - v->run.insns : 0;
        if (!left) {
            host_end(v, RVISOR_EXIT_INSN_LIMIT);
            return RVISOR_STOP_EXIT;
        }
        if (!budget || left <= budget) {
            budget = left;
            total_budget = true;
        }
    }
    uint64_t t0 = clock_host_ns(), limit = timeout_ns;
    if (v->timeout_ns) {
        uint64_t left = v->timeout_ns > v->run_ns ? v->timeout_ns - v->run_ns : 0;
        if (!left) {
            host_end(v, RVISOR_EXIT_TIMEOUT);
            return RVISOR_STOP_EXIT;
        }
        if (!limit || left <= limit) {
            limit = left;
            total_time = true;
        }
    }
    uint64_t ran;
    enum vm_api_stop s = vm_api_run(&v->run, budget, limit ? t0 + limit : 0, &v->pause, &ran);
    v->run_ns += clock_host_ns() - t0;
    switch (s) {
    case VM_API_STOP_EXIT: return RVISOR_STOP_EXIT;
    case VM_API_STOP_BUDGET:
        if (total_budget) {
            host_end(v, RVISOR_EXIT_INSN_LIMIT);
            return RVISOR_STOP_EXIT;
        }
        return RVISOR_STOP_BUDGET;
    case VM_API_STOP_DEADLINE:
        if (total_time) {
            host_end(v, RVISOR_EXIT_TIMEOUT);
            return RVISOR_STOP_EXIT;
        }
        return RVISOR_STOP_TIMEOUT;
    case VM_API_STOP_PAUSED: return RVISOR_STOP_PAUSED;
    case VM_API_STOP_IDLE: return RVISOR_STOP_IDLE;
    }
    return RVISOR_STOP_ERROR;
}

void rvisor_vm_pause(rvisor_vm *v)
{
    if (v && on_host(v))
        lib_host_vm_pause(v, NULL, 0);
    else if (v)
        atomic_store(&v->pause, true);
}

int rvisor_vm_resume(rvisor_vm *v, char *err, size_t errlen)
{
    if (!v || !on_host(v)) {
        lib_err(err, errlen, "only a host's VM is paused and resumed (rvisor_vm_run "
                             "goes on after a pause)");
        return -1;
    }
    return lib_host_vm_resume(v, err, errlen);
}

int rvisor_vm_set_share(rvisor_vm *v, unsigned weight, unsigned cap, char *err,
                        size_t errlen)
{
    if (!v || !on_host(v)) {
        lib_err(err, errlen, "weights and caps are for a host's VMs");
        return -1;
    }
    return lib_host_vm_set_share(v, weight, cap, err, errlen);
}

int rvisor_vm_set_quota(rvisor_vm *v, uint64_t quota, uint64_t soft_quota, char *err,
                        size_t errlen)
{
    if (!v || !on_host(v)) {
        lib_err(err, errlen, "memory quotas are for a host's VMs");
        return -1;
    }
    return lib_host_vm_set_quota(v, quota, soft_quota, err, errlen);
}

int rvisor_vm_step(rvisor_vm *v, unsigned hart)
{
    if (!v || on_host(v) || v->cfg.dtb_only)
        return -1;
    atomic_store(&v->pause, false);
    uint64_t t0 = clock_host_ns();
    int rc = vm_api_step(&v->run, hart);
    v->run_ns += clock_host_ns() - t0;
    return rc;
}

void rvisor_vm_stop(rvisor_vm *v)
{
    if (v && on_host(v))
        lib_host_vm_stop(v, NULL, 0);
    else if (v)
        host_end(v, RVISOR_EXIT_STOPPED);
}

int rvisor_vm_console_send(rvisor_vm *v, const void *buf, size_t len)
{
    if (!v || (!buf && len))
        return -1;
    return vm_api_send(&v->run, buf, len);
}

/* ---- results ---- */

const char *rvisor_exit_kind_name(enum rvisor_exit_kind k)
{
    switch (k) {
    case RVISOR_EXIT_POWEROFF: return "poweroff";
    case RVISOR_EXIT_FAIL: return "fail";
    case RVISOR_EXIT_RESET: return "reset";
    case RVISOR_EXIT_FAULT: return "fault";
    case RVISOR_EXIT_TIMEOUT: return "timeout";
    case RVISOR_EXIT_INSN_LIMIT: return "insn-limit";
    case RVISOR_EXIT_STOPPED: return "stopped";
    case RVISOR_EXIT_HALTED: return "halted";
    case RVISOR_EXIT_QUIT: return "quit";
    default: return "none";
    }
}

const char *rvisor_exit_source_name(enum rvisor_exit_source s)
{
    switch (s) {
    case RVISOR_SOURCE_FINISHER: return "finisher";
    case RVISOR_SOURCE_SBI: return "sbi";
    case RVISOR_SOURCE_HTIF: return "htif";
    case RVISOR_SOURCE_HOST: return "host";
    case RVISOR_SOURCE_CONSOLE: return "console";
    case RVISOR_SOURCE_GDB: return "gdb";
    default: return "none";
    }
}

static const char *cause_name(uint64_t cause)
{
    static const char *const names[] = {
        "instruction address misaligned", "instruction access fault", "illegal instruction",
        "breakpoint", "load address misaligned", "load access fault",
        "store address misaligned", "store access fault", "ecall from U-mode",
        "ecall from S-mode", "exception 10", "ecall from M-mode", "instruction page fault",
        "load page fault", "exception 14", "store page fault"};
    static const char *const irqs[] = {
        "interrupt 0", "supervisor software interrupt", "interrupt 2",
        "machine software interrupt", "interrupt 4", "supervisor timer interrupt",
        "interrupt 6", "machine timer interrupt", "interrupt 8",
        "supervisor external interrupt", "interrupt 10", "machine external interrupt"};
    if (cause >> 63) {
        cause &= ~(1ull << 63);
        return cause < sizeof(irqs) / sizeof(irqs[0]) ? irqs[cause] : "interrupt";
    }
    return cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "exception";
}

/* struct vm_exit.source as the library names it. */
static enum rvisor_exit_source lib_source(const struct vm_exit *e)
{
    if (e->kind == VM_EXIT_NONE)
        return RVISOR_SOURCE_NONE;
    switch (e->source) {
    case VM_SRC_FINISHER: return RVISOR_SOURCE_FINISHER;
    case VM_SRC_SBI: return RVISOR_SOURCE_SBI;
    case VM_SRC_HTIF: return RVISOR_SOURCE_HTIF;
    case VM_SRC_CONSOLE: return RVISOR_SOURCE_CONSOLE;
    case VM_SRC_GDB: return RVISOR_SOURCE_GDB;
    default: return RVISOR_SOURCE_HOST;
    }
}

static void fault_message(struct rvisor_exit *ex, const struct vm_fault *f)
{
    const char *mode = f->priv == 3 ? "M" : "S";
    if (f->jump)
        snprintf(ex->message, sizeof(ex->message),
                 "hart %u jumped to 0x%" PRIx64 ", where there is no memory to execute",
                 f->hart, f->vector);
    else
        snprintf(ex->message, sizeof(ex->message),
                 "%s at pc 0x%" PRIx64 " (tval 0x%" PRIx64 ") on hart %u, and no %s-mode "
                 "trap handler (the trap vector 0x%" PRIx64 " is not executable memory)",
                 cause_name(f->cause), f->epc, f->tval, f->hart, mode, f->vector);
}

int rvisor_vm_exit(rvisor_vm *v, struct rvisor_exit *ex)
{
    struct vm_exit e;
    if (!v || !ex)
        return -1;
    memset(ex, 0, sizeof(*ex));
    if (on_host(v))
        lib_host_vm_exit(v, &e);
    else
        vm_api_exit(&v->run, &e, NULL);
    ex->insns = e.insns;
    ex->source = lib_source(&e);
    ex->code = e.code;
    switch (e.kind) {
    case VM_EXIT_NONE: ex->kind = RVISOR_EXIT_NONE; break;
    case VM_EXIT_POWEROFF: ex->kind = RVISOR_EXIT_POWEROFF; break;
    case VM_EXIT_FAIL: ex->kind = RVISOR_EXIT_FAIL; break;
    case VM_EXIT_RESET: ex->kind = RVISOR_EXIT_RESET; break;
    case VM_EXIT_MAX_INSNS: ex->kind = RVISOR_EXIT_INSN_LIMIT; break;
    case VM_EXIT_QUIT: ex->kind = RVISOR_EXIT_QUIT; break;
    case VM_EXIT_FAULT: ex->kind = RVISOR_EXIT_FAULT; break;
    case VM_EXIT_HALTED:
        if (on_host(v)) {
            ex->kind = RVISOR_EXIT_HALTED;
            break;
        }
        /* fall through */
    default: /* the library ended it (host_end), or a reboot failed */
        ex->kind = v->host_end ? v->host_end : RVISOR_EXIT_STOPPED;
        break;
    }
    if (ex->kind == RVISOR_EXIT_FAULT) {
        const struct vm_fault *f = &e.fault;
        ex->fault_hart = f->hart;
        ex->fault_priv = f->priv;
        ex->fault_cause = f->cause;
        ex->fault_pc = f->epc;
        ex->fault_tval = f->tval;
        ex->fault_vector = f->vector;
        fault_message(ex, f);
    } else if (ex->kind == RVISOR_EXIT_FAIL) {
        snprintf(ex->message, sizeof(ex->message), "the guest reported failure, code %u (%s)",
                 e.code, rvisor_exit_source_name(ex->source));
    } else if (ex->kind == RVISOR_EXIT_POWEROFF) {
        snprintf(ex->message, sizeof(ex->message), "powered off (%s)",
                 rvisor_exit_source_name(ex->source));
    } else if (ex->kind == RVISOR_EXIT_TIMEOUT) {
        snprintf(ex->message, sizeof(ex->message), "time limit reached after %" PRIu64
                 " instructions", e.insns);
    } else if (ex->kind == RVISOR_EXIT_INSN_LIMIT) {
        snprintf(ex->message, sizeof(ex->message), "instruction limit reached (%" PRIu64 ")",
                 e.insns);
    } else if (ex->kind == RVISOR_EXIT_HALTED) {
        snprintf(ex->message, sizeof(ex->message), "halted (nothing can wake it)");
    } else if (ex->kind == RVISOR_EXIT_QUIT) {
        snprintf(ex->message, sizeof(ex->message), "quit");
    } else if (ex->kind == RVISOR_EXIT_RESET) {
        snprintf(ex->message, sizeof(ex->message), "rebooted (no_reboot)");
    } else if (ex->kind != RVISOR_EXIT_NONE) {
        snprintf(ex->message, sizeof(ex->message), "%s", rvisor_exit_kind_name(ex->kind));
    }
    return 0;
}

int rvisor_exit_status(const struct rvisor_exit *ex)
{
    if (!ex)
        return RVISOR_STATUS_HALTED;
    switch (ex->kind) {
    case RVISOR_EXIT_POWEROFF:
    case RVISOR_EXIT_STOPPED:
    case RVISOR_EXIT_QUIT:
    case RVISOR_EXIT_RESET: return 0;
    case RVISOR_EXIT_FAIL: return (ex->code & 0xff) ? (int)(ex->code & 0xff) : 1;
    case RVISOR_EXIT_FAULT: return RVISOR_STATUS_FAULT;
    case RVISOR_EXIT_INSN_LIMIT: return RVISOR_STATUS_INSN_LIMIT;
    case RVISOR_EXIT_TIMEOUT: return RVISOR_STATUS_TIMEOUT;
    default: return RVISOR_STATUS_HALTED;
    }
}

int rvisor_vm_stats(rvisor_vm *v, struct rvisor_stats *st)
{
    if (!v || !st)
        return -1;
    memset(st, 0, sizeof(*st));
    st->insns = v->run.insns;
    st->run_ns = v->run_ns;
    if (on_host(v)) {
        struct hv_vm_info info;
        if (lib_host_vm_info(v, &info) == 0) {
            st->insns = info.insns;
            st->run_ns = info.run_ns;
            st->committed = info.committed;
            st->committed_peak = info.peak;
        }
        st->steal_ns = lib_host_vm_steal_ns(v);
    }
    if (!on_host(v) || !lib_host_running(v))
        vm_api_counters(&v->run, &st->traps, &st->irqs, &st->guest_ns);
    st->console_bytes = v->console_bytes;
    st->console_dropped = v->console_dropped;
    st->harts = vm_api_harts(&v->run);
    st->ram_size = v->cfg.ram_size;
    return 0;
}

/* ---- memory and registers ---- */

/* A host's VM while the host runs: memory and registers are off limits. */
static bool busy(const rvisor_vm *v)
{
    return on_host(v) && lib_host_running(v);
}

int rvisor_vm_read_mem(rvisor_vm *v, uint64_t pa, void *buf, size_t len)
{
    return v && buf && !busy(v) ? vm_api_read_phys(&v->run, pa, buf, len) : -1;
}

int rvisor_vm_write_mem(rvisor_vm *v, uint64_t pa, const void *buf, size_t len)
{
    return v && buf && !busy(v) ? vm_api_write_phys(&v->run, pa, buf, len) : -1;
}

int rvisor_vm_read_virt(rvisor_vm *v, unsigned hart, uint64_t va, void *buf, size_t len)
{
    return v && buf && !busy(v) ? vm_api_rw_virt(&v->run, hart, va, buf, len, false) : -1;
}

int rvisor_vm_write_virt(rvisor_vm *v, unsigned hart, uint64_t va, const void *buf,
                         size_t len)
{
    return v && buf && !busy(v) ? vm_api_rw_virt(&v->run, hart, va, (void *)buf, len, true) : -1;
}

uint64_t rvisor_vm_ram_base(rvisor_vm *v)
{
    return v ? vm_api_ram_base(&v->run) : 0;
}

int rvisor_vm_get_reg(rvisor_vm *v, unsigned hart, unsigned reg, uint64_t *val)
{
    return v && val && !busy(v) ? vm_api_get_reg(&v->run, hart, reg, val) : -1;
}

int rvisor_vm_set_reg(rvisor_vm *v, unsigned hart, unsigned reg, uint64_t val)
{
    return v && !busy(v) ? vm_api_set_reg(&v->run, hart, reg, val) : -1;
}

const void *rvisor_vm_dtb(rvisor_vm *v, size_t *size)
{
    size_t n = 0;
    const void *p = v ? vm_dtb(v->vm, &n) : NULL;
    if (size)
        *size = n;
    return p;
}

const char *rvisor_vm_name(rvisor_vm *v)
{
    return v ? vm_name(v->vm) : NULL;
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
