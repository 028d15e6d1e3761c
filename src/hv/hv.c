/*
 * The hypervisor's life cycle, memory quotas, queries and control commands (hv.h): what
 * main, the QMP monitor and the embedding API call. The scheduler itself is sched.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"

#include "devices/host/screenshot.h"
#include "hv/sched_internal.h"

static const char *const vm_state_names[] = {"running", "paused", "quota", "stopped"};
static const char *const hart_state_names[] = {"runnable", "running", "parked", "off"};

const char *hv_vm_state_name(enum hv_vm_state s)
{
    return (unsigned)s < 4 ? vm_state_names[s] : "?";
}

const char *hv_hart_state_name(enum hv_hart_state s)
{
    return (unsigned)s < 4 ? hart_state_names[s] : "?";
}

/* ---- memory quotas ---- */

void stop_all_harts(struct hv_vm *v)
{
    for (unsigned i = 0; i < v->nharts; i++)
        hart_request_stop(v->vh[i].h);
}

void quota_check(struct hv *hv, struct hv_vm *v)
{
    uint64_t used = atomic_load(&v->committed_pages) * 4096 + v->overhead;
    if (used > v->peak)
        v->peak = used;
    if (v->soft_quota && used > v->soft_quota && !v->soft_fired) {
        v->soft_fired = true;
        hv_event(hv, "QUOTA_SOFT",
                 "{\"vm\": \"%s\", \"committed\": %" PRIu64 ", \"soft-quota\": %" PRIu64 "}",
                 vm_name(v->vm), used, v->soft_quota);
    }
    if (v->quota && used > v->quota && v->pause == PAUSE_NONE && !v->stopped) {
        v->pause = PAUSE_QUOTA;
        stop_all_harts(v);
        fprintf(stderr,
                "rvisor: vm '%s' reached its memory quota (%" PRIu64 " MiB committed, quota %"
                PRIu64 " MiB): paused\n",
                vm_name(v->vm), used >> 20, v->quota >> 20);
        trace_instant(hv, v, -1, "quota-pause");
        hv_event(hv, "QUOTA_HARD",
                 "{\"vm\": \"%s\", \"committed\": %" PRIu64 ", \"quota\": %" PRIu64 "}",
                 vm_name(v->vm), used, v->quota);
        hv_event(hv, "VM_PAUSED", "{\"vm\": \"%s\", \"reason\": \"quota\"}", vm_name(v->vm));
        pthread_cond_broadcast(&hv->done);
    }
}

static void on_commit(void *opaque, uint64_t pages)
{
    struct hv_vm *v = opaque;
    atomic_store(&v->committed_pages, pages);
    uint64_t used = pages * 4096 + v->overhead;
    if ((v->quota && used > v->quota) || (v->soft_quota && used > v->soft_quota) ||
        used > v->peak + (1u << 20)) {
        pthread_mutex_lock(&v->hv->lock);
        quota_check(v->hv, v);
        pthread_mutex_unlock(&v->hv->lock);
    }
}

/* ---- creation ---- */

int hv_create(const struct hv_options *opt, struct hv **out, char *err, size_t errlen)
{
    struct hv *hv = calloc(1, sizeof(*hv));
    *out = NULL;
    if (!hv) {
        hv_err(err, errlen, "out of memory");
        return -1;
    }
    if (opt->threads > HV_MAX_THREADS) {
        hv_err(err, errlen, "--threads: at most %d", HV_MAX_THREADS);
        free(hv);
        return -1;
    }
    hv->nthreads = opt->threads;
    hv->deterministic = opt->deterministic;
    if (hv->deterministic && hv->nthreads > 1) {
        hv_err(err, errlen, "--deterministic runs on one thread (--threads %u given)",
               hv->nthreads);
        free(hv);
        return -1;
    }
    if (opt->trace_sched) {
        hv->trace = fopen(opt->trace_sched, "w");
        if (!hv->trace) {
            hv_err(err, errlen, "--trace-sched: cannot write %s: %s", opt->trace_sched,
                   strerror(errno));
            free(hv);
            return -1;
        }
        fputs("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", hv->trace);
        hv->trace_first = true;
    }
    pthread_mutex_init(&hv->lock, NULL);
    pthread_mutex_init(&hv->trace_lock, NULL);
    pthread_cond_init(&hv->work, NULL);
    pthread_cond_init(&hv->done, NULL);
    hv->timer_due_ns = UINT64_MAX;
    *out = hv;
    return 0;
}

int hv_add_vm(struct hv *hv, struct vm *vm, const struct hv_vm_params *p, char *err,
              size_t errlen)
{
    struct hv_vm_params def = {0};
    if (!p)
        p = &def;
    if (hv_vm_find(hv, vm_name(vm)) >= 0) {
        hv_err(err, errlen, "two VMs are named '%s'", vm_name(vm));
        return -1;
    }
    if (p->weight > HV_MAX_WEIGHT) {
        hv_err(err, errlen, "weight %u: 1 to %d", p->weight, HV_MAX_WEIGHT);
        return -1;
    }
    if (hv->nvms == hv->cap_vms) {
        unsigned n = hv->cap_vms ? 2 * hv->cap_vms : 4;
        struct hv_vm **vms = realloc(hv->vms, n * sizeof(*vms));
        if (!vms) {
            hv_err(err, errlen, "out of memory");
            return -1;
        }
        hv->vms = vms;
        hv->cap_vms = n;
    }
    struct hv_vm *v = calloc(1, sizeof(*v));
    if (!v || !(v->vh = calloc(vm->nharts, sizeof(*v->vh)))) {
        free(v);
        hv_err(err, errlen, "out of memory");
        return -1;
    }
    v->hv = hv;
    v->vm = vm;
    v->index = hv->nvms;
    v->nharts = vm->nharts;
    v->weight = p->weight ? p->weight : HV_DEFAULT_WEIGHT;
    v->cap = p->cap;
    v->quota = p->quota;
    v->soft_quota = p->soft_quota;
    v->max_parallel = (hv->deterministic || vm->gdb || vm->cfg.trace) ? 1 : v->nharts;
    v->overhead = vm_host_overhead(vm);
    for (unsigned i = 0; i < v->nharts; i++) {
        v->vh[i].vm = v;
        v->vh[i].idx = i;
        v->vh[i].h = &vm->harts[i];
        v->vh[i].state = HV_HART_OFF;
    }
    if (bus_ram_track(vm->bus, vm->ram_base, on_commit, v) < 0) {
        free(v->vh);
        free(v);
        hv_err(err, errlen, "out of memory");
        return -1;
    }
    v->overhead += (vm->ram_size / 4096 + 63) / 64 * 8; /* the commit bitmap */
    /* what boot placed (kernel, initrd, device tree) is counted since vm_create */
    v->committed_pages = bus_ram_committed(vm->bus, vm->ram_base);
    v->peak = v->committed_pages * 4096 + v->overhead;
    vm->sched = &hv_sched_ops;
    vm->sched_opaque = v;
    if (vm->cfg.trace_events & HART_TRACE_GUEST_ERRORS)
        hv->guest_errors = vm->harts[0].log;
    hv->vms[hv->nvms++] = v;
    hv->live++;
    if (hv->trace) {
        trace_emit(hv, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,\"args\":{\"name\":"
                       "\"%s\"}}", v->index, vm_name(vm));
        for (unsigned i = 0; i < v->nharts; i++)
            trace_emit(hv, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
                           "\"args\":{\"name\":\"hart %u\"}}", v->index, i, i);
    }
    return (int)v->index;
}

void hv_set_event_listener(struct hv *hv, hv_event_fn fn, void *opaque)
{
    pthread_mutex_lock(&hv->lock);
    hv->ev = fn;
    hv->ev_opaque = opaque;
    pthread_mutex_unlock(&hv->lock);
}

void hv_shutdown(struct hv *hv)
{
    for (unsigned i = 0; i < hv_vm_count(hv); i++)
        hv_vm_stop(hv, i, NULL, 0);
}

void hv_destroy(struct hv *hv)
{
    if (!hv)
        return;
    for (unsigned i = 0; i < hv->nvms; i++) {
        struct hv_vm *v = hv->vms[i];
        vm_final_screenshot(v->vm);
        v->vm->sched = NULL;
        free(v->vh);
        free(v);
    }
    free(hv->vms);
    if (hv->trace) {
        fputs("\n]}\n", hv->trace);
        fclose(hv->trace);
    }
    pthread_cond_destroy(&hv->work);
    pthread_cond_destroy(&hv->done);
    pthread_mutex_destroy(&hv->trace_lock);
    pthread_mutex_destroy(&hv->lock);
    free(hv);
}

unsigned hv_vm_count(const struct hv *hv)
{
    return hv->nvms;
}

int hv_vm_find(const struct hv *hv, const char *name)
{
    for (unsigned i = 0; i < hv->nvms; i++)
        if (name && !strcmp(vm_name(hv->vms[i]->vm), name))
            return (int)i;
    return -1;
}

struct vm *hv_vm(struct hv *hv, unsigned idx)
{
    return idx < hv->nvms ? hv->vms[idx]->vm : NULL;
}

void hv_vm_exit(struct hv *hv, unsigned idx, struct vm_exit *ex)
{
    memset(ex, 0, sizeof(*ex));
    if (idx >= hv->nvms)
        return;
    pthread_mutex_lock(&hv->lock);
    if (hv->vms[idx]->stopped)
        *ex = hv->vms[idx]->exit;
    pthread_mutex_unlock(&hv->lock);
}

static struct hv_vm *vm_at(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    if (idx >= hv->nvms) {
        hv_err(err, errlen, "no VM number %u", idx);
        return NULL;
    }
    return hv->vms[idx];
}

static enum hv_vm_state vm_state(const struct hv_vm *v)
{
    if (v->stopped)
        return HV_VM_STOPPED;
    if (v->pause == PAUSE_QUOTA)
        return HV_VM_QUOTA;
    if (v->pause == PAUSE_USER)
        return HV_VM_PAUSED;
    return HV_VM_RUNNING;
}

int hv_query_vm(struct hv *hv, unsigned idx, struct hv_vm_info *out)
{
    struct hv_vm *v = vm_at(hv, idx, NULL, 0);
    if (!v)
        return -1;
    pthread_mutex_lock(&hv->lock);
    memset(out, 0, sizeof(*out));
    out->name = vm_name(v->vm);
    out->state = vm_state(v);
    out->harts = v->nharts;
    out->weight = v->weight;
    out->cap = v->cap;
    out->ram_size = v->vm->ram_size;
    out->quota = v->quota;
    out->soft_quota = v->soft_quota;
    out->committed_pages = atomic_load(&v->committed_pages);
    out->overhead = v->overhead;
    out->committed = out->committed_pages * 4096 + v->overhead;
    if (out->committed > v->peak)
        v->peak = out->committed;
    out->peak = v->peak;
    out->insns = v->insns;
    out->run_ns = v->run_ns;
    if (v->stopped)
        out->exit = v->exit;
    pthread_mutex_unlock(&hv->lock);
    return 0;
}

int hv_query_hart(struct hv *hv, unsigned idx, unsigned hart, struct hv_hart_stats *out)
{
    struct hv_vm *v = vm_at(hv, idx, NULL, 0);
    if (!v || hart >= v->nharts)
        return -1;
    pthread_mutex_lock(&hv->lock);
    *out = v->vh[hart].st;
    out->state = v->vh[hart].state;
    if (out->state == HV_HART_RUNNABLE && (v->pause != PAUSE_NONE || v->stopped))
        out->state = HV_HART_OFF;
    else if (out->state == HV_HART_RUNNABLE)
        out->steal_ns += now_ns() - v->vh[hart].since_ns;
    pthread_mutex_unlock(&hv->lock);
    return 0;
}

/* VM idx with hv->lock held, or NULL (unlocked, err set) if there is none or it stopped. */
static struct hv_vm *lock_live_vm(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return NULL;
    pthread_mutex_lock(&hv->lock);
    if (v->stopped) {
        pthread_mutex_unlock(&hv->lock);
        hv_err(err, errlen, "VM '%s' has stopped", vm_name(v->vm));
        return NULL;
    }
    return v;
}

int hv_vm_pause(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    struct hv_vm *v = lock_live_vm(hv, idx, err, errlen);
    if (!v)
        return -1;
    if (v->pause == PAUSE_NONE) {
        v->pause = PAUSE_USER;
        stop_all_harts(v);
        trace_instant(hv, v, -1, "pause");
        hv_event(hv, "VM_PAUSED", "{\"vm\": \"%s\", \"reason\": \"user\"}", vm_name(v->vm));
    }
    /* return once no hart of it runs, so that statistics stand still */
    if (!hv->deterministic)
        while (v->running && !v->stopped)
            pthread_cond_wait(&hv->done, &hv->lock);
    pthread_mutex_unlock(&hv->lock);
    return 0;
}

int hv_vm_resume(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    struct hv_vm *v = lock_live_vm(hv, idx, err, errlen);
    if (!v)
        return -1;
    if (v->pause == PAUSE_QUOTA && v->quota &&
        atomic_load(&v->committed_pages) * 4096 + v->overhead > v->quota) {
        pthread_mutex_unlock(&hv->lock);
        hv_err(err, errlen, "VM '%s' is still over its memory quota: raise it with set-quota",
               vm_name(v->vm));
        return -1;
    }
    if (v->pause != PAUSE_NONE) {
        v->pause = PAUSE_NONE;
        uint64_t now = now_ns();
        bool found;
        uint64_t m = min_active_vtime(hv, v, &found);
        if (found && v->vtime < m)
            v->vtime = m;
        for (unsigned i = 0; i < v->nharts; i++) {
            v->vh[i].since_ns = now;
            if (v->vh[i].state == HV_HART_PARKED && vm_hart_can_wake(v->vm, i, true))
                make_runnable(hv, &v->vh[i]);
        }
        trace_instant(hv, v, -1, "resume");
        hv_event(hv, "VM_RESUMED", "{\"vm\": \"%s\"}", vm_name(v->vm));
        hv_update_timer(hv);
        pthread_cond_broadcast(&hv->work);
    }
    pthread_mutex_unlock(&hv->lock);
    return 0;
}

int hv_vm_stop(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    pthread_mutex_lock(&hv->lock);
    v->pause = PAUSE_NONE; /* a paused VM winds down too */
    pthread_mutex_unlock(&hv->lock);
    vm_set_exit(v->vm, VM_EXIT_STOPPED, 0, VM_SRC_HOST); /* winds it down through sched_exit */
    return 0;
}

int hv_vm_reset(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    struct hv_vm *v = lock_live_vm(hv, idx, err, errlen);
    if (!v)
        return -1;
    if (v->vm->cfg.no_reboot) {
        pthread_mutex_unlock(&hv->lock);
        hv_err(err, errlen, "VM '%s' has no-reboot set", vm_name(v->vm));
        return -1;
    }
    v->pause = PAUSE_NONE;
    v->reset_by_user = true;
    pthread_mutex_unlock(&hv->lock);
    vm_set_exit(v->vm, VM_EXIT_RESET, 0, VM_SRC_HOST); /* reboots it through sched_exit */
    return 0;
}

int hv_set_weight(struct hv *hv, unsigned idx, unsigned weight, char *err, size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    if (weight < 1 || weight > HV_MAX_WEIGHT) {
        hv_err(err, errlen, "weight %u: 1 to %d", weight, HV_MAX_WEIGHT);
        return -1;
    }
    pthread_mutex_lock(&hv->lock);
    v->weight = weight;
    pthread_mutex_unlock(&hv->lock);
    return 0;
}

int hv_set_cap(struct hv *hv, unsigned idx, unsigned cap, char *err, size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    unsigned max = 100 * (hv->nthreads ? hv->nthreads : HV_MAX_THREADS);
    if (cap > max) {
        hv_err(err, errlen, "cap %u%%: 0 (none) to %u (100 per worker thread)", cap, max);
        return -1;
    }
    pthread_mutex_lock(&hv->lock);
    v->cap = cap;
    v->cap_used_ns = 0;
    v->cap_period_start = now_ns();
    if (v->throttled && !cap)
        v->throttled = false;
    pthread_cond_broadcast(&hv->work);
    pthread_mutex_unlock(&hv->lock);
    return 0;
}

int hv_set_quota(struct hv *hv, unsigned idx, uint64_t quota, uint64_t soft_quota, char *err,
                 size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    if (quota && soft_quota && soft_quota > quota) {
        hv_err(err, errlen, "soft-quota (%" PRIu64 ") above quota (%" PRIu64 ")", soft_quota,
               quota);
        return -1;
    }
    pthread_mutex_lock(&hv->lock);
    v->quota = quota;
    v->soft_quota = soft_quota;
    v->soft_fired = false;
    quota_check(hv, v);
    pthread_mutex_unlock(&hv->lock);
    return 0;
}

int hv_screendump(struct hv *hv, unsigned idx, const char *file, char *err, size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    struct simplefb *fb = vm_framebuffer(v->vm);
    if (!fb) {
        hv_err(err, errlen, "VM '%s' has no framebuffer", vm_name(v->vm));
        return -1;
    }
    if (!screenshot_available()) {
        hv_err(err, errlen, "this rvisor was built without libpng");
        return -1;
    }
    return screenshot_write_png(fb, file, err, errlen);
}
