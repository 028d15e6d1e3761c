/*
 * librvisor (include/rvisor.h): VMs. A public struct rvisor_config (config.c) or
 * --config JSON becomes a vm_config (hv/vm.h) and a machine; rvisor_vm_run drives it on
 * the caller's thread through the caller-driven runner (hv/vm_api.h); memory and
 * registers. A rvisor_vm owns copies of every string its vm_config points to, its console
 * (console.c) and the limits that end it (total instructions, total host time). VMs on a
 * host (host.c) are built here too but run by the host's scheduler; how a VM ended and
 * its statistics are in results.c.
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

int rvisor_vm_create(const struct rvisor_config *c, rvisor_vm **out, char *err, size_t errlen)
{
    if (!out || !lib_config_ok(c, err, errlen))
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
    if (overrides && !lib_config_ok(overrides, err, errlen))
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

static void host_end(rvisor_vm *v, enum rvisor_exit_kind kind)
{
    if (ended(v))
        return;
    v->host_end = kind;
    vm_api_end(&v->run, kind == RVISOR_EXIT_INSN_LIMIT ? VM_EXIT_MAX_INSNS : VM_EXIT_HALTED);
}

enum rvisor_stop rvisor_vm_run(rvisor_vm *v, uint64_t max_insns, uint64_t timeout_ns)
{
    if (!v || lib_on_host(v) || v->cfg.dtb_only)
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
    if (v && lib_on_host(v))
        lib_host_vm_pause(v, NULL, 0);
    else if (v)
        atomic_store(&v->pause, true);
}

int rvisor_vm_resume(rvisor_vm *v, char *err, size_t errlen)
{
    if (!v || !lib_on_host(v)) {
        lib_err(err, errlen, "only a host's VM is paused and resumed (rvisor_vm_run "
                             "goes on after a pause)");
        return -1;
    }
    return lib_host_vm_resume(v, err, errlen);
}

int rvisor_vm_set_share(rvisor_vm *v, unsigned weight, unsigned cap, char *err,
                        size_t errlen)
{
    if (!v || !lib_on_host(v)) {
        lib_err(err, errlen, "weights and caps are for a host's VMs");
        return -1;
    }
    return lib_host_vm_set_share(v, weight, cap, err, errlen);
}

int rvisor_vm_set_quota(rvisor_vm *v, uint64_t quota, uint64_t soft_quota, char *err,
                        size_t errlen)
{
    if (!v || !lib_on_host(v)) {
        lib_err(err, errlen, "memory quotas are for a host's VMs");
        return -1;
    }
    return lib_host_vm_set_quota(v, quota, soft_quota, err, errlen);
}

int rvisor_vm_step(rvisor_vm *v, unsigned hart)
{
    if (!v || lib_on_host(v) || v->cfg.dtb_only)
        return -1;
    atomic_store(&v->pause, false);
    uint64_t t0 = clock_host_ns();
    int rc = vm_api_step(&v->run, hart);
    v->run_ns += clock_host_ns() - t0;
    return rc;
}

void rvisor_vm_stop(rvisor_vm *v)
{
    if (v && lib_on_host(v))
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

/* A host's VM while the host runs: memory and registers are off limits. */
static bool busy(const rvisor_vm *v)
{
    return lib_on_host(v) && lib_host_running(v);
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
