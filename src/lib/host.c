/*
 * librvisor hosts (include/rvisor.h): several VMs on one hypervisor (hv/hv.h), whose
 * worker threads run their harts with fair shares, caps and memory quotas; the VMs share
 * the host's in-process network switches; an optional QMP monitor; one VM may show its
 * framebuffer in a window on the thread that calls rvisor_host_run. The rvisor program's
 * run path (src/main.c) is this file.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* strdup */
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netswitch.h"
#include "hv/clock.h"
#include "hv/monitor.h"
#include "lib/lib_internal.h"

struct rvisor_host {
    struct hv *hv;
    bool deterministic;
    char *monitor_path;
    struct netswitch_registry *switches;
    rvisor_vm **vms;
    unsigned nvms, cap_vms;
    unsigned nics;       /* network cards so far: the next default MAC */
    atomic_bool running; /* inside rvisor_host_run */
    bool ran;
    atomic_bool run_over; /* rvisor_host_run is done: the watchdog quits */
};

#define WATCHDOG_TICK_NS 10000000ull /* the watchdog's longest sleep */

/*
 * config.timeout_ns on a host: a thread that stops each VM whose host time ran out
 * (measured from the start of rvisor_host_run) and marks it TIMEOUT.
 */
static void *watchdog_main(void *p)
{
    struct rvisor_host *h = p;
    uint64_t t0 = clock_host_ns();
    bool *done = calloc(h->nvms, sizeof(*done));
    while (done && !atomic_load(&h->run_over)) {
        uint64_t now = clock_host_ns(), next = now + WATCHDOG_TICK_NS;
        for (unsigned i = 0; i < h->nvms; i++) {
            rvisor_vm *v = h->vms[i];
            struct vm_exit ex;
            if (!v->timeout_ns || done[i])
                continue;
            if (now - t0 < v->timeout_ns) {
                if (t0 + v->timeout_ns < next)
                    next = t0 + v->timeout_ns;
                continue;
            }
            done[i] = true;
            hv_vm_exit(h->hv, v->host_index, &ex);
            if (ex.kind != VM_EXIT_NONE)
                continue;
            v->host_end = RVISOR_EXIT_TIMEOUT; /* read once the run is over */
            hv_vm_stop(h->hv, v->host_index, NULL, 0);
        }
        clock_sleep_ns(next > now ? next - now : 0);
    }
    free(done);
    return NULL;
}

static bool hc_ok(const struct rvisor_host_config *hc, char *err, size_t errlen)
{
    if (hc && hc->struct_size != sizeof(*hc)) {
        lib_err(err, errlen, "struct rvisor_host_config not set up by "
                             "rvisor_host_config_init (or from another version of rvisor.h)");
        return false;
    }
    return true;
}

void rvisor_host_config_init(struct rvisor_host_config *hc)
{
    memset(hc, 0, sizeof(*hc));
    hc->struct_size = sizeof(*hc);
}

int rvisor_host_create(const struct rvisor_host_config *hc, rvisor_host **out, char *err,
                       size_t errlen)
{
    struct rvisor_host_config def;
    if (!out || !hc_ok(hc, err, errlen))
        return -1;
    if (!hc) {
        rvisor_host_config_init(&def);
        hc = &def;
    }
    struct rvisor_host *h = calloc(1, sizeof(*h));
    if (!h || !(h->switches = netswitch_registry_create()) ||
        (hc->monitor && !(h->monitor_path = strdup(hc->monitor)))) {
        lib_err(err, errlen, "out of memory");
        rvisor_host_destroy(h);
        return -1;
    }
    struct hv_options opt = {.threads = hc->threads,
                             .deterministic = hc->deterministic,
                             .trace_sched = hc->trace_sched};
    if (hv_create(&opt, &h->hv, err, errlen) < 0) {
        rvisor_host_destroy(h);
        return -1;
    }
    h->deterministic = hc->deterministic;
    atomic_init(&h->running, false);
    *out = h;
    return 0;
}

/*
 * Network cards without a MAC get 52:54:00:12:34:56 upwards across the host's VMs, so
 * that VMs on one switch never share an address (v owns the strings).
 */
static int assign_macs(struct rvisor_host *h, struct rvisor_vm *v, char *err, size_t errlen)
{
    for (unsigned k = 0; k < v->cfg.nvirtio; k++) {
        struct vm_virtio_config *vc = &v->cfg.virtio[k];
        char mac[18];
        bool oom = false;
        if (vc->kind != VM_VIRTIO_NET)
            continue;
        unsigned id = 0x123456 + h->nics++;
        if (vc->mac)
            continue;
        snprintf(mac, sizeof(mac), "52:54:00:%02x:%02x:%02x", (id >> 16) & 0xff,
                 (id >> 8) & 0xff, id & 0xff);
        vc->mac = lib_keep(v, mac, &oom);
        if (oom) {
            lib_err(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Build v (its cfg filled in) on the host: console, VM, scheduler. v is gone on failure. */
static int host_adopt(struct rvisor_host *h, struct rvisor_vm *v, enum rvisor_console con,
                      const char *path, bool append, rvisor_vm **out, char *err,
                      size_t errlen)
{
    rvisor_vm *built;
    if (atomic_load(&h->running) || h->ran) {
        lib_err(err, errlen, "VMs are added before the host runs");
        lib_vm_free(v);
        return -1;
    }
    if (v->display)
        for (unsigned i = 0; i < h->nvms; i++)
            if (h->vms[i]->display) {
                lib_err(err, errlen, "only one VM can have a window (%s has it)",
                        h->vms[i]->cfg.name);
                lib_vm_free(v);
                return -1;
            }
    if (h->deterministic)
        v->cfg.deterministic = true;
    if (assign_macs(h, v, err, errlen) < 0) {
        lib_vm_free(v);
        return -1;
    }
    if (h->nvms == h->cap_vms) {
        unsigned n = h->cap_vms ? 2 * h->cap_vms : 4;
        rvisor_vm **a = realloc(h->vms, n * sizeof(*a));
        if (!a) {
            lib_err(err, errlen, "out of memory");
            lib_vm_free(v);
            return -1;
        }
        h->vms = a;
        h->cap_vms = n;
    }
    if (con == RVISOR_CONSOLE_CALLBACKS) {
        /* console_send's queue and console_in reach the UART from the VM's service */
        v->cfg.input_poll = vm_api_feed;
        v->cfg.input_opaque = &v->run;
    }
    if (lib_vm_build(v, con, path, append, h->switches, &built, err, errlen) < 0)
        return -1; /* v is gone */
    int idx = hv_add_vm(h->hv, built->vm, &built->params, err, errlen);
    if (idx < 0) {
        lib_vm_free(built);
        return -1;
    }
    built->host = h;
    built->host_index = (unsigned)idx;
    h->vms[h->nvms++] = built;
    if (out)
        *out = built;
    return 0;
}

int rvisor_host_add_vm(rvisor_host *h, const struct rvisor_config *cfg, rvisor_vm **out,
                       char *err, size_t errlen)
{
    if (!h || !cfg) {
        lib_err(err, errlen, "no host or no config");
        return -1;
    }
    if (cfg->struct_size != sizeof(*cfg)) {
        lib_err(err, errlen, "struct rvisor_config not set up by rvisor_config_init "
                             "(or from another version of rvisor.h)");
        return -1;
    }
    if (cfg->dtb_only) {
        lib_err(err, errlen, "a dtb_only VM cannot run on a host");
        return -1;
    }
    struct rvisor_vm *v = lib_vm_alloc(cfg);
    if (!v) {
        lib_err(err, errlen, "out of memory");
        return -1;
    }
    if (lib_vm_translate(v, cfg, err, errlen) < 0) {
        lib_vm_free(v);
        return -1;
    }
    v->cfg.max_insns = cfg->max_insns; /* the scheduler applies it */
    return host_adopt(h, v, cfg->console, cfg->console_path, cfg->console_append, out, err,
                      errlen);
}

static enum rvisor_console console_kind(enum hv_console_kind k)
{
    switch (k) {
    case HV_CONSOLE_STDIO: return RVISOR_CONSOLE_STDIO;
    case HV_CONSOLE_FILE: return RVISOR_CONSOLE_FILE;
    case HV_CONSOLE_SOCKET: return RVISOR_CONSOLE_SOCKET;
    default: return RVISOR_CONSOLE_NONE;
    }
}

int rvisor_host_create_file(const char *path, const struct rvisor_host_config *o,
                            rvisor_host **out, char *err, size_t errlen)
{
    struct hv_config c;
    struct rvisor_host_config hc;
    if (!path || !out || !hc_ok(o, err, errlen)) {
        lib_err(err, errlen, "no config file given");
        return -1;
    }
    if (hv_config_load(path, &c, err, errlen) < 0) {
        hv_config_free(&c);
        return -1;
    }
    rvisor_host_config_init(&hc);
    hc.threads = o && o->threads ? o->threads : c.threads;
    hc.monitor = o && o->monitor ? o->monitor : c.monitor;
    hc.trace_sched = o && o->trace_sched ? o->trace_sched : c.trace_sched;
    hc.deterministic = c.deterministic || (o && o->deterministic);
    rvisor_host *h;
    if (rvisor_host_create(&hc, &h, err, errlen) < 0) {
        hv_config_free(&c);
        return -1;
    }
    /* Each VM keeps its own copy of the file's strings: the host owns no config. */
    for (unsigned i = 0; i < c.nvms; i++) {
        struct hv_config_vm *cv = &c.vms[i];
        struct rvisor_vm *v = lib_vm_alloc(NULL);
        char msg[512];
        bool oom = !v;
        if (v) {
            v->cfg = cv->cfg;
            v->params = cv->params;
            struct vm_config *vc = &v->cfg;
            vc->name = lib_keep(v, vc->name, &oom);
            vc->kernel = lib_keep(v, vc->kernel, &oom);
            vc->bios = lib_keep(v, vc->bios, &oom);
            vc->initrd = lib_keep(v, vc->initrd, &oom);
            vc->append = lib_keep(v, vc->append, &oom);
            vc->dtb = lib_keep(v, vc->dtb, &oom);
            vc->gdb = lib_keep(v, vc->gdb, &oom);
            vc->screenshot = lib_keep(v, vc->screenshot, &oom);
            for (unsigned k = 0; k < vc->nvirtio; k++) {
                struct vm_virtio_config *d = &vc->virtio[k];
                d->file = lib_keep(v, d->file, &oom);
                d->serial = lib_keep(v, d->serial, &oom);
                d->netdev = lib_keep(v, d->netdev, &oom);
                d->mac = lib_keep(v, d->mac, &oom);
            }
        }
        if (oom) {
            lib_err(err, errlen, "out of memory");
            lib_vm_free(v);
            goto fail;
        }
        if (host_adopt(h, v, console_kind(cv->console.kind), cv->console.path,
                       cv->console.append, NULL, msg, sizeof(msg)) < 0) {
            lib_err(err, errlen, "vm %s: %s", cv->cfg.name, msg);
            goto fail;
        }
    }
    hv_config_free(&c);
    *out = h;
    return 0;
fail:
    rvisor_host_destroy(h);
    hv_config_free(&c);
    return -1;
}

unsigned rvisor_host_vm_count(rvisor_host *h)
{
    return h ? h->nvms : 0;
}

rvisor_vm *rvisor_host_vm(rvisor_host *h, unsigned i)
{
    return h && i < h->nvms ? h->vms[i] : NULL;
}

static void run_hv(void *opaque)
{
    hv_run(opaque);
}

int rvisor_host_run(rvisor_host *h, char *err, size_t errlen)
{
    struct monitor *mon = NULL;
    rvisor_vm *window = NULL;
    if (!h)
        return -1;
    if (h->ran || atomic_exchange(&h->running, true)) {
        lib_err(err, errlen, "a host runs once");
        return -1;
    }
    if (h->monitor_path && monitor_create(h->hv, h->monitor_path, &mon, err, errlen) < 0) {
        atomic_store(&h->running, false);
        return -1;
    }
    bool timeouts = false;
    for (unsigned i = 0; i < h->nvms; i++) {
        if (h->vms[i]->display)
            window = h->vms[i];
        timeouts |= h->vms[i]->timeout_ns != 0;
    }
    pthread_t wd;
    atomic_store(&h->run_over, false);
    if (timeouts && pthread_create(&wd, NULL, watchdog_main, h) != 0) {
        lib_err(err, errlen, "cannot start the watchdog thread (timeout_ns)");
        monitor_destroy(mon);
        atomic_store(&h->running, false);
        return -1;
    }
    int rc = 0;
    if (window)
        rc = vm_display_run(window->vm, window->cfg.name, run_hv, h->hv, err, errlen);
    else
        hv_run(h->hv);
    atomic_store(&h->run_over, true);
    if (timeouts)
        pthread_join(wd, NULL);
    monitor_destroy(mon); /* before anything else: no command may reach the hv any more */
    h->ran = rc == 0;
    atomic_store(&h->running, false);
    return rc;
}

void rvisor_host_stop(rvisor_host *h)
{
    if (h && h->hv)
        hv_shutdown(h->hv);
}

void rvisor_host_destroy(rvisor_host *h)
{
    if (!h)
        return;
    hv_destroy(h->hv); /* takes the final screenshots; the VMs are still there */
    for (unsigned i = 0; i < h->nvms; i++)
        lib_vm_free(h->vms[i]);
    free(h->vms);
    if (h->switches)
        netswitch_registry_destroy(h->switches); /* after the VMs: their ports are gone */
    free(h->monitor_path);
    free(h);
}

/* ---- a host's VM (for rvisor.c) ---- */

void lib_host_vm_exit(const rvisor_vm *v, struct vm_exit *ex)
{
    hv_vm_exit(v->host->hv, v->host_index, ex);
}

int lib_host_vm_info(const rvisor_vm *v, struct hv_vm_info *info)
{
    return hv_query_vm(v->host->hv, v->host_index, info);
}

int lib_host_vm_pause(rvisor_vm *v, char *err, size_t errlen)
{
    return hv_vm_pause(v->host->hv, v->host_index, err, errlen);
}

int lib_host_vm_resume(rvisor_vm *v, char *err, size_t errlen)
{
    return hv_vm_resume(v->host->hv, v->host_index, err, errlen);
}

int lib_host_vm_stop(rvisor_vm *v, char *err, size_t errlen)
{
    return hv_vm_stop(v->host->hv, v->host_index, err, errlen);
}

bool lib_host_running(const rvisor_vm *v)
{
    return atomic_load(&v->host->running);
}

int lib_host_vm_set_share(rvisor_vm *v, unsigned weight, unsigned cap, char *err,
                          size_t errlen)
{
    return hv_set_weight(v->host->hv, v->host_index, weight, err, errlen) < 0 ||
                   hv_set_cap(v->host->hv, v->host_index, cap, err, errlen) < 0
               ? -1
               : 0;
}

int lib_host_vm_set_quota(rvisor_vm *v, uint64_t quota, uint64_t soft_quota, char *err,
                          size_t errlen)
{
    return hv_set_quota(v->host->hv, v->host_index, quota, soft_quota, err, errlen);
}

uint64_t lib_host_vm_steal_ns(const rvisor_vm *v)
{
    uint64_t steal = 0;
    struct hv_hart_stats hs;
    for (unsigned i = 0; i < v->cfg.nharts; i++)
        if (hv_query_hart(v->host->hv, v->host_index, i, &hs) == 0)
            steal += hs.steal_ns;
    return steal;
}
