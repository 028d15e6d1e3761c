/*
 * Running one VM under the caller's control (vm_api.h): the harts of the VM take turns
 * on the calling thread in slices of VM_SLICE instructions, as hv/sched.c runs them in
 * deterministic mode, with the device service, WFI parking, timer deadlines (jumped over
 * in deterministic mode, slept through otherwise), guest reboots, and console input
 * queued by other threads. The runner is the VM's scheduler (vm->sched) as far as
 * wake-ups go: an interrupt raised on another thread (a network back end delivering a
 * frame) or queued input ends the sleep of a run whose harts all wait. Exits, their
 * sources and fatal faults are recorded by the VM itself (hv/vm.c: a trap that leads
 * nowhere ends it with VM_EXIT_FAULT through hart_env.fatal_trap, unless a debugger is
 * attached); this file copies the fault into r->fault for the library.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/csr.h"
#include "cpu/hart.h"
#include "devices/bus.h"
#include "devices/virtio_net.h"
#include "hv/clock.h"
#include "hv/vm_api.h"
#include "hv/vm_internal.h"

#define VM_API_IDLE_SLEEP_NS 1000000ull /* longest sleep while every hart waits */

/* ---- wake-ups: the runner as the VM's scheduler (struct vm_sched_ops) ---- */

static void api_wake(struct vm_api_runner *r)
{
    pthread_mutex_lock(&r->wake_lock);
    r->woken = true;
    pthread_cond_signal(&r->wake_cond);
    pthread_mutex_unlock(&r->wake_lock);
}

static void api_sched_wake(void *opaque, unsigned hart)
{
    (void)hart;
    api_wake(opaque);
}

static bool api_sched_running(void *opaque, unsigned hart)
{
    (void)opaque;
    (void)hart;
    return false; /* harts take turns on the runner's thread: none runs beside the caller */
}

static void api_sched_exit(void *opaque)
{
    api_wake(opaque);
}

static const struct vm_sched_ops api_sched_ops = {
    .wake = api_sched_wake, .running = api_sched_running, .exit = api_sched_exit};

/* From the first run on, interrupts raised on other threads reach this runner. */
static void api_attach(struct vm_api_runner *r)
{
    if (!r->vm->sched) {
        r->vm->sched_opaque = r;
        r->vm->sched = &api_sched_ops;
    }
}

/* A network card's back end raises interrupts on its own thread at any time. */
static bool api_async_irqs(const struct vm *vm)
{
    for (unsigned s = 0; s < VM_MAX_VIRTIO; s++)
        if (vm->net[s])
            return true;
    return false;
}

/* Forget earlier wake-ups: the runner is about to look whether a hart can run. */
static void api_unwake(struct vm_api_runner *r)
{
    pthread_mutex_lock(&r->wake_lock);
    r->woken = false;
    pthread_mutex_unlock(&r->wake_lock);
}

/* Sleep up to ns host nanoseconds unless woken since the last api_unwake. */
static void api_sleep(struct vm_api_runner *r, uint64_t ns)
{
    /* pthread_cond_timedwait's clock is CLOCK_REALTIME (the only one on some hosts) */
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    uint64_t t = (uint64_t)ts.tv_nsec + ns;
    ts.tv_sec += (time_t)(t / 1000000000ull);
    ts.tv_nsec = (long)(t % 1000000000ull);
    pthread_mutex_lock(&r->wake_lock);
    while (!r->woken)
        if (pthread_cond_timedwait(&r->wake_cond, &r->wake_lock, &ts) != 0)
            break;
    pthread_mutex_unlock(&r->wake_lock);
}

int vm_api_init(struct vm_api_runner *r, struct vm *vm)
{
    memset(r, 0, sizeof(*r));
    r->vm = vm;
    if (pthread_mutex_init(&r->in_lock, NULL) != 0)
        return -1;
    if (pthread_mutex_init(&r->wake_lock, NULL) != 0) {
        pthread_mutex_destroy(&r->in_lock);
        return -1;
    }
    if (pthread_cond_init(&r->wake_cond, NULL) != 0) {
        pthread_mutex_destroy(&r->wake_lock);
        pthread_mutex_destroy(&r->in_lock);
        return -1;
    }
    return 0;
}

void vm_api_fini(struct vm_api_runner *r)
{
    struct vm *vm = r->vm;
    if (vm && vm->sched == &api_sched_ops) {
        /* no back end thread may wake a runner that is gone (vm_destroy stops them too) */
        for (unsigned s = 0; s < VM_MAX_VIRTIO; s++)
            if (vm->net[s])
                virtio_net_stop(vm->net[s]);
        vm->sched = NULL;
        vm->sched_opaque = NULL;
    }
    free(r->in_buf);
    pthread_cond_destroy(&r->wake_cond);
    pthread_mutex_destroy(&r->wake_lock);
    pthread_mutex_destroy(&r->in_lock);
}

int vm_api_send(struct vm_api_runner *r, const uint8_t *buf, size_t len)
{
    int rc = 0;
    pthread_mutex_lock(&r->in_lock);
    if (r->in_len + len > r->in_cap) {
        size_t cap = r->in_cap ? r->in_cap : 256;
        while (cap < r->in_len + len)
            cap *= 2;
        uint8_t *p = realloc(r->in_buf, cap);
        if (!p) {
            rc = -1;
            goto out;
        }
        r->in_buf = p;
        r->in_cap = cap;
    }
    memcpy(r->in_buf + r->in_len, buf, len);
    r->in_len += len;
out:
    pthread_mutex_unlock(&r->in_lock);
    if (rc == 0)
        api_wake(r); /* a run waiting for an interrupt feeds it to the UART */
    return rc;
}

size_t vm_api_pending_input(struct vm_api_runner *r)
{
    pthread_mutex_lock(&r->in_lock);
    size_t n = r->in_len;
    pthread_mutex_unlock(&r->in_lock);
    return n;
}

void vm_api_feed(void *opaque)
{
    struct vm_api_runner *r = opaque;
    if (r->pull && !vm_api_pending_input(r)) {
        uint8_t buf[64];
        size_t n = r->pull(r->pull_opaque, buf, sizeof(buf));
        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n)
            vm_api_send(r, buf, n);
    }
    pthread_mutex_lock(&r->in_lock);
    if (r->in_len) {
        size_t n = vm_console_input(r->vm, r->in_buf, r->in_len);
        memmove(r->in_buf, r->in_buf + n, r->in_len - n);
        r->in_len -= n;
    }
    pthread_mutex_unlock(&r->in_lock);
}

/* ---- running ---- */

/* Hart i after it ran: HSM stop, WFI park. */
static void after_slice(struct vm_api_runner *r, unsigned i, enum hart_stop why)
{
    struct vm *vm = r->vm;
    int hsm = atomic_load(&vm->hsm[i]);
    if (hsm == HSM_STOP_PENDING)
        atomic_store(&vm->hsm[i], HSM_STOPPED);
    else if (why == HART_STOP_WFI && !vm_hart_can_wake(vm, i, true))
        r->parked[i] = true;
}

static bool exited(struct vm *vm)
{
    struct vm_exit ex;
    vm_get_exit(vm, &ex);
    return ex.kind != VM_EXIT_NONE;
}

/* The fault of a VM that ended with one, for the library (r->faulted, r->fault). */
static void sync_fault(struct vm_api_runner *r, const struct vm_exit *ex)
{
    const struct vm_fault *f = &ex->fault;
    r->faulted = ex->kind == VM_EXIT_FAULT;
    if (r->faulted)
        r->fault = (struct vm_api_fault){.hart = f->hart,
                                         .priv = f->priv,
                                         .cause = f->cause,
                                         .epc = f->epc,
                                         .tval = f->tval,
                                         .vector = f->vector,
                                         .jump = f->jump};
}

/* The VM recorded an exit: a guest reboot goes on (true), anything else ends the run. */
static bool handle_exit(struct vm_api_runner *r)
{
    struct vm_exit ex;
    vm_get_exit(r->vm, &ex);
    sync_fault(r, &ex);
    if (ex.kind != VM_EXIT_RESET || r->vm->cfg.no_reboot || ex.source == VM_SRC_HOST)
        return false;
    if (vm_reboot(r->vm) < 0) {
        vm_record_exit(r->vm, VM_EXIT_HALTED, 0, VM_SRC_HOST);
        return false;
    }
    memset(r->parked, 0, sizeof(r->parked));
    return true;
}

enum vm_api_stop vm_api_run(struct vm_api_runner *r, uint64_t max_insns, uint64_t deadline_ns,
                            atomic_bool *pause, uint64_t *ran)
{
    struct vm *vm = r->vm;
    uint64_t done = 0;
    enum vm_api_stop stop;

    r->started = true;
    api_attach(r);
    for (;;) {
        if (exited(vm) && !handle_exit(r)) {
            stop = VM_API_STOP_EXIT;
            break;
        }
        if (pause && atomic_load(pause)) {
            stop = VM_API_STOP_PAUSED;
            break;
        }
        if (max_insns && done >= max_insns) {
            stop = VM_API_STOP_BUDGET;
            break;
        }
        if (deadline_ns && clock_host_ns() >= deadline_ns) {
            stop = VM_API_STOP_DEADLINE;
            break;
        }
        vm_api_feed(r);
        bool any = false;
        for (unsigned i = 0; i < vm->nharts && !exited(vm); i++) {
            struct hart *h = &vm->harts[i];
            if (r->parked[i]) {
                if (!vm_hart_can_wake(vm, i, true))
                    continue;
                r->parked[i] = false;
            } else if (!vm_hart_can_wake(vm, i, false)) {
                continue;
            }
            uint64_t budget = VM_SLICE;
            if (max_insns && max_insns - done < budget)
                budget = max_insns - done;
            if (!budget)
                break;
            enum hart_stop why = hart_run(h, budget);
            uint64_t n = budget - h->slice_left;
            if (vm->nharts > 1)
                hart_resv_clear(h); /* a context switch loses the reservation */
            clock_account_insns(&vm->clock, n);
            done += n;
            r->insns += n;
            any = true;
            after_slice(r, i, why);
        }
        vm_service(vm, false);
        if (any || exited(vm))
            continue;
        /*
         * Nothing could run: every hart waits for an interrupt (or is stopped). A wake-up
         * after api_unwake (an interrupt from another thread, input) ends the sleep below.
         */
        api_unwake(r);
        vm_api_feed(r);
        bool wake = false;
        for (unsigned i = 0; i < vm->nharts && !wake; i++)
            wake = r->parked[i] ? vm_hart_can_wake(vm, i, true) : vm_hart_can_wake(vm, i, false);
        if (wake)
            continue;
        uint64_t d = vm_next_deadline(vm, r->parked), now = clock_ticks(&vm->clock);
        if (d == UINT64_MAX && !api_async_irqs(vm)) {
            stop = VM_API_STOP_IDLE;
            break;
        }
        if (vm->cfg.deterministic && d != UINT64_MAX) {
            clock_advance_to(&vm->clock, d);
            continue;
        }
        /* no timer but a network card: wait for its interrupt (guest time stands still
           meanwhile when deterministic) */
        uint64_t ns = VM_API_IDLE_SLEEP_NS, tick_ns = 1000000000ull / CLOCK_TIMEBASE_HZ;
        if (d != UINT64_MAX && !vm->cfg.deterministic) {
            uint64_t left = d > now ? d - now : 0;
            if (left < ns / tick_ns)
                ns = left * tick_ns;
        }
        if (deadline_ns) {
            uint64_t t = clock_host_ns();
            if (t < deadline_ns && deadline_ns - t < ns)
                ns = deadline_ns - t;
        }
        if (ns)
            api_sleep(r, ns);
    }
    *ran = done;
    return stop;
}

int vm_api_step(struct vm_api_runner *r, unsigned hart)
{
    struct vm *vm = r->vm;
    if (hart >= vm->nharts || exited(vm))
        return -1;
    struct hart *h = &vm->harts[hart];
    r->started = true;
    api_attach(r);
    vm_api_feed(r);
    uint64_t ret0 = h->csr.minstret;
    hart_step(h);
    clock_account_insns(&vm->clock, 1);
    r->insns += h->csr.minstret != ret0 ? h->csr.minstret - ret0 : 0;
    h->env_stop = false;
    enum hart_stop why = h->wfi ? HART_STOP_WFI : HART_STOP_SLICE;
    h->wfi = false;
    if (!exited(vm))
        after_slice(r, hart, why);
    vm_service(vm, false);
    struct vm_exit ex;
    vm_get_exit(vm, &ex);
    sync_fault(r, &ex);
    return 0;
}

void vm_api_end_from(struct vm_api_runner *r, enum vm_exit_kind kind, enum vm_exit_source src)
{
    if (exited(r->vm))
        return;
    vm_record_exit(r->vm, kind, 0, src);
}

void vm_api_end(struct vm_api_runner *r, enum vm_exit_kind kind)
{
    vm_api_end_from(r, kind, VM_SRC_HOST);
}

static enum vm_api_source api_source(enum vm_exit_source s)
{
    switch (s) {
    case VM_SRC_NONE: return VM_API_SRC_NONE;
    case VM_SRC_FINISHER: return VM_API_SRC_FINISHER;
    case VM_SRC_SBI: return VM_API_SRC_SBI;
    case VM_SRC_HTIF: return VM_API_SRC_HTIF;
    case VM_SRC_HOST:
    case VM_SRC_CONSOLE:
    case VM_SRC_GDB: return VM_API_SRC_HOST;
    }
    return VM_API_SRC_HOST;
}

void vm_api_exit(struct vm_api_runner *r, struct vm_exit *ex, enum vm_api_source *src)
{
    vm_get_exit(r->vm, ex);
    ex->insns = r->insns;
    sync_fault(r, ex);
    if (src)
        *src = ex->kind == VM_EXIT_NONE ? VM_API_SRC_NONE : api_source(ex->source);
}

/* ---- memory and registers ---- */

static void flush_harts(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nharts; i++)
        hart_tlb_flush(&vm->harts[i]); /* also drops pre-decoded blocks */
}

int vm_api_read_phys(struct vm_api_runner *r, uint64_t pa, void *buf, size_t len)
{
    return bus_dma_read(r->vm->bus, pa, buf, len) < 0 ? -1 : 0;
}

int vm_api_write_phys(struct vm_api_runner *r, uint64_t pa, const void *buf, size_t len)
{
    if (bus_dma_write(r->vm->bus, pa, buf, len) < 0)
        return -1;
    flush_harts(r->vm);
    return 0;
}

int vm_api_rw_virt(struct vm_api_runner *r, unsigned hart, uint64_t va, void *buf, size_t len,
                   bool write)
{
    size_t done;
    if (hart >= r->vm->nharts)
        return -1;
    if (hart_debug_rw(&r->vm->harts[hart], va, buf, len, write, &done) < 0)
        return -1;
    if (write)
        flush_harts(r->vm);
    return 0;
}

int vm_api_get_reg(struct vm_api_runner *r, unsigned hart, unsigned reg, uint64_t *val)
{
    if (hart >= r->vm->nharts)
        return -1;
    struct hart *h = &r->vm->harts[hart];
    if (reg < 32)
        *val = h->x[reg];
    else if (reg < 64)
        *val = h->f[reg - 32];
    else if (reg == VM_API_REG_PC)
        *val = h->pc;
    else if (reg == VM_API_REG_PRIV)
        *val = h->priv;
    else if (reg >= VM_API_REG_CSR && reg < VM_API_REG_CSR + 4096)
        return csr_debug_read(h, reg - VM_API_REG_CSR, val) ? 0 : -1;
    else
        return -1;
    return 0;
}

int vm_api_set_reg(struct vm_api_runner *r, unsigned hart, unsigned reg, uint64_t val)
{
    if (hart >= r->vm->nharts)
        return -1;
    struct hart *h = &r->vm->harts[hart];
    if (reg < 32) {
        if (reg)
            h->x[reg] = val;
    } else if (reg < 64) {
        h->f[reg - 32] = val;
    } else if (reg == VM_API_REG_PC) {
        h->pc = val;
    } else if (reg == VM_API_REG_PRIV) {
        if (val != PRIV_U && val != PRIV_S && val != PRIV_M)
            return -1;
        h->priv = (enum rv_priv)val;
        hart_tlb_flush(h);
    } else if (reg >= VM_API_REG_CSR && reg < VM_API_REG_CSR + 4096) {
        if (!csr_debug_write(h, reg - VM_API_REG_CSR, val))
            return -1;
        hart_tlb_flush(h);
    } else {
        return -1;
    }
    return 0;
}

void vm_api_counters(struct vm_api_runner *r, uint64_t *traps, uint64_t *irqs,
                     uint64_t *guest_ns)
{
    uint64_t t = 0, q = 0;
    for (unsigned i = 0; i < r->vm->nharts; i++) {
        t += r->vm->harts[i].stat_traps;
        q += r->vm->harts[i].stat_irqs;
    }
    *traps = t;
    *irqs = q;
    *guest_ns = clock_ticks(&r->vm->clock) * (1000000000ull / CLOCK_TIMEBASE_HZ);
}

unsigned vm_api_harts(const struct vm_api_runner *r)
{
    return r->vm->nharts;
}

uint64_t vm_api_ram_base(const struct vm_api_runner *r)
{
    return r->vm->ram_base;
}
