/*
 * The hypervisor's scheduler (hv.h): every virtual hart of every VM runs on a pool of host
 * worker threads (M:N), in slices counted in retired instructions.
 *
 * Fair share. Each VM has a virtual time, vtime, advanced after each slice by the
 * instructions its hart retired times HV_DEFAULT_WEIGHT / weight. A free worker takes the
 * eligible VM with the smallest vtime (ties: the lower index) and the first hart of that
 * VM's run queue. Because the charge is the exact retired count, a VM gains nothing by
 * spinning, by yielding (WFI) just before a slice ends, or by being lucky with timer
 * ticks: there are no sampled ticks. A VM that wakes after sleeping has its vtime raised
 * to the smallest vtime of the VMs that kept running, so idleness banks no credit, yet an
 * interactive VM's vtime stays at or below a spinner's and it runs first when it wakes.
 *
 * Caps. A capped VM may use `cap`% of one host thread per HV_CAP_PERIOD_NS of host time,
 * measured per slice with a monotonic clock (exact, not sampled); once used up it waits,
 * throttled, for the next period.
 *
 * Parking. A hart that executes WFI (or an SBI suspend) with nothing pending is parked
 * and costs nothing until an interrupt is raised for it (vm_wake_hart, any thread) or its
 * timer comes due. Timer deadlines of parked harts are watched by an idle worker in a
 * timed wait, or by busy workers between slices; interrupts raised by devices and other
 * harts wake the hart directly.
 *
 * Locks: one mutex (hv->lock) guards queues, states and statistics. Device code may call
 * in (wake) with device locks held, so the scheduler never calls device code with hv->lock
 * held. vm_service() runs outside the lock.
 *
 * Deterministic mode: no worker threads. hv_run's thread runs slices in the same policy
 * order, every decision depending only on retired instructions; a VM with nothing to run
 * jumps its own clock to its next timer deadline. Caps, a limit on host CPU time, do not
 * apply there.
 *
 * --trace-sched: Chrome trace-event JSON (Perfetto, chrome://tracing): one process per VM,
 * one thread per hart, a complete event per slice, instant events for park, wake, pause,
 * quota and stop.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime(CLOCK_THREAD_CPUTIME_ID) */
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "devices/bus.h"
#include "devices/device.h"
#include "devices/host/screenshot.h"
#include "hv/clock.h"
#include "hv/console.h"
#include "hv/hv.h"
#include "hv/sched_internal.h"
#include "hv/vm_internal.h"

#define HV_IDLE_POLL_NS 10000000ull  /* longest sleep of an idle worker */
#define HV_CONSOLE_DRAIN_NS 200000ull /* typed-ahead input: retry as the UART drains */
#define HV_VTIME_SCALE HV_DEFAULT_WEIGHT

void hv_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static unsigned host_cpus(void)
{
#ifdef _WIN32
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors ? (unsigned)si.dwNumberOfProcessors : 1;
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
#endif
}

uint64_t now_ns(void)
{
    return clock_host_ns();
}

/*
 * An absolute time for pthread_cond_timedwait (whose clock is CLOCK_REALTIME by default,
 * and only that on some hosts) from a deadline on the monotonic clock of now_ns().
 */
static struct timespec deadline_to_timespec(uint64_t until)
{
    struct timespec ts;
    uint64_t now = now_ns(), rel = until > now ? until - now : 0;
    timespec_get(&ts, TIME_UTC);
    uint64_t ns = (uint64_t)ts.tv_nsec + rel;
    ts.tv_sec += (time_t)(ns / 1000000000ull);
    ts.tv_nsec = (long)(ns % 1000000000ull);
    return ts;
}

/* ---- events and the scheduler trace ---- */

void hv_event(struct hv *hv, const char *name, const char *fmt, ...)
{
    char data[512];
    va_list ap;
    if (!hv->ev)
        return;
    va_start(ap, fmt);
    vsnprintf(data, sizeof(data), fmt, ap);
    va_end(ap);
    hv->ev(hv->ev_opaque, name, data);
}

/* Microseconds for the trace: host time, or retired instructions when deterministic. */
static double trace_us(struct hv *hv, uint64_t ns)
{
    if (hv->deterministic)
        return (double)hv->det_insns / 100.0; /* as if at 100 MIPS */
    return (double)(ns - hv->start_ns) / 1000.0;
}

void trace_emit(struct hv *hv, const char *fmt, ...)
{
    va_list ap;
    if (!hv->trace)
        return;
    pthread_mutex_lock(&hv->trace_lock);
    fputs(hv->trace_first ? "\n" : ",\n", hv->trace);
    hv->trace_first = false;
    va_start(ap, fmt);
    vfprintf(hv->trace, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&hv->trace_lock);
}

void trace_instant(struct hv *hv, struct hv_vm *v, int hart, const char *what)
{
    if (hv->trace)
        trace_emit(hv, "{\"name\":\"%s\",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"%c\","
                       "\"ts\":%.3f,\"pid\":%u,\"tid\":%d}",
                   what, hart < 0 ? 'p' : 't', trace_us(hv, now_ns()), v->index, hart < 0 ? 0 : hart);
}

/* ---- run queues (hv->lock held) ---- */

static void rq_push(struct vhart *vh)
{
    struct hv_vm *v = vh->vm;
    if (vh->queued)
        return;
    vh->queued = true;
    vh->next = NULL;
    if (v->rq_tail)
        v->rq_tail->next = vh;
    else
        v->rq_head = vh;
    v->rq_tail = vh;
}

static struct vhart *rq_pop(struct hv_vm *v)
{
    struct vhart *vh = v->rq_head;
    if (!vh)
        return NULL;
    v->rq_head = vh->next;
    if (!v->rq_head)
        v->rq_tail = NULL;
    vh->queued = false;
    vh->next = NULL;
    return vh;
}

/*
 * The VM's instruction limit is all reserved by slices in flight: another hart of it has
 * nothing to run until they end (picking it would only spin with the lock held while the
 * slice in flight waits for that lock to end).
 */
static bool budget_in_flight(const struct hv_vm *v)
{
    uint64_t max = v->vm->cfg.max_insns;
    return max && v->running && v->insns + v->reserved >= max;
}

static bool vm_eligible(const struct hv_vm *v)
{
    return !v->stopped && !v->exiting && v->pause == PAUSE_NONE && !v->in_service &&
           !v->throttled && v->rq_head && v->running < v->max_parallel &&
           !budget_in_flight(v);
}

/* The smallest vtime among VMs that are running or runnable now (for waking VMs). */
uint64_t min_active_vtime(struct hv *hv, const struct hv_vm *except, bool *found)
{
    uint64_t m = UINT64_MAX;
    *found = false;
    for (unsigned i = 0; i < hv->nvms; i++) {
        struct hv_vm *v = hv->vms[i];
        if (v == except || v->stopped || (!v->rq_head && !v->running))
            continue;
        if (v->vtime < m)
            m = v->vtime;
        *found = true;
    }
    return m;
}

/*
 * Hart vh becomes runnable; an idle worker is woken for it. (A worker that requeues the
 * hart it just ran uses requeue() instead: it picks again itself, and waking another
 * worker each slice would only hand the hart back and forth between threads.)
 */
static void requeue(struct hv *hv, struct vhart *vh)
{
    struct hv_vm *v = vh->vm;
    bool found;
    if (!v->rq_head && !v->running) { /* the VM wakes: no banked credit */
        uint64_t m = min_active_vtime(hv, v, &found);
        if (found && v->vtime < m)
            v->vtime = m;
    }
    vh->state = HV_HART_RUNNABLE;
    vh->since_ns = now_ns();
    v->parked[vh->idx] = false;
    rq_push(vh);
}

void make_runnable(struct hv *hv, struct vhart *vh)
{
    requeue(hv, vh);
    pthread_cond_signal(&hv->work);
}

/* More than one hart waits for a worker (so the caller should not keep all to itself). */
static bool more_than_one_runnable(struct hv *hv)
{
    unsigned n = 0;
    for (unsigned i = 0; i < hv->nvms && n < 2; i++) {
        struct hv_vm *v = hv->vms[i];
        if (v->stopped || v->exiting || v->pause != PAUSE_NONE || v->throttled ||
            budget_in_flight(v))
            continue;
        for (struct vhart *q = v->rq_head; q && n < 2; q = q->next)
            n++;
    }
    return n >= 2;
}

static struct vhart *pick(struct hv *hv)
{
    struct hv_vm *best = NULL;
    for (unsigned i = 0; i < hv->nvms; i++) {
        struct hv_vm *v = hv->vms[i];
        if (vm_eligible(v) && (!best || v->vtime < best->vtime))
            best = v;
    }
    return best ? rq_pop(best) : NULL;
}

/* ---- VM life cycle (hv->lock held) ---- */

static void vm_mark_stopped(struct hv *hv, struct hv_vm *v)
{
    if (v->stopped)
        return;
    vm_get_exit(v->vm, &v->exit);
    v->exit.insns = v->insns;
    v->stopped = true;
    for (unsigned i = 0; i < v->nharts; i++) {
        struct vhart *vh = &v->vh[i];
        vh->state = HV_HART_OFF;
    }
    v->rq_head = v->rq_tail = NULL;
    for (unsigned i = 0; i < v->nharts; i++)
        v->vh[i].queued = false;
    hv->live--;
    trace_instant(hv, v, -1, "stop");
    hv_event(hv, "VM_STOPPED", "{\"vm\": \"%s\", \"reason\": \"%s\", \"code\": %u}",
             vm_name(v->vm), vm_exit_reason(v->exit.kind), v->exit.code);
    pthread_cond_broadcast(&hv->done);
    pthread_cond_broadcast(&hv->work);
}

/* Harts that may run after a (re)boot: those SBI HSM does not hold stopped. */
static void vm_start_harts(struct hv *hv, struct hv_vm *v)
{
    for (unsigned i = 0; i < v->nharts; i++) {
        struct vhart *vh = &v->vh[i];
        v->parked[i] = false;
        if (atomic_load(&v->vm->hsm[i]) == HSM_STOPPED)
            vh->state = HV_HART_OFF;
        else
            make_runnable(hv, vh);
    }
}

/*
 * The VM has an exit reason and no hart runs: stop it, or reboot it. Called with the lock
 * held; drops it around the reboot.
 */
static void vm_wind_down(struct hv *hv, struct hv_vm *v)
{
    struct vm_exit ex;
    if (v->stopped || v->running || v->in_service)
        return;
    vm_get_exit(v->vm, &ex);
    if (ex.kind == VM_EXIT_RESET && !v->vm->cfg.no_reboot) {
        v->in_service = true;
        v->rq_head = v->rq_tail = NULL;
        for (unsigned i = 0; i < v->nharts; i++) {
            v->vh[i].queued = false;
            v->vh[i].state = HV_HART_OFF;
        }
        pthread_mutex_unlock(&hv->lock);
        int rc = vm_reboot(v->vm);
        pthread_mutex_lock(&hv->lock);
        v->in_service = false;
        v->exiting = false;
        if (rc < 0) {
            vm_record_exit(v->vm, VM_EXIT_HALTED, 0, VM_SRC_HOST);
            v->exiting = true;
            vm_mark_stopped(hv, v);
            return;
        }
        trace_instant(hv, v, -1, "reset");
        hv_event(hv, "VM_RESET", "{\"vm\": \"%s\", \"reason\": \"%s\"}", vm_name(v->vm),
                 v->reset_by_user ? "user" : "guest");
        v->reset_by_user = false;
        vm_start_harts(hv, v);
        return;
    }
    vm_mark_stopped(hv, v);
}

/* ---- timers ---- */

/* Recompute when the earliest parked hart's timer is due (host ns). hv->lock held. */
void hv_update_timer(struct hv *hv)
{
    uint64_t due = UINT64_MAX;
    for (unsigned i = 0; i < hv->nvms; i++) {
        struct hv_vm *v = hv->vms[i];
        if (v->stopped || v->pause != PAUSE_NONE)
            continue;
        uint64_t d = vm_next_deadline(v->vm, v->parked);
        if (d == UINT64_MAX)
            continue;
        uint64_t now_t = clock_ticks(&v->vm->clock), host = now_ns();
        uint64_t ns = d > now_t ? host + (d - now_t) * (1000000000ull / CLOCK_TIMEBASE_HZ) : host;
        if (ns < due)
            due = ns;
    }
    hv->timer_due_ns = due;
}

/*
 * Service every VM (devices, ACLINT timers, HTIF, screenshot) and wake parked harts whose
 * interrupts are now pending. Called without hv->lock.
 */
static void hv_service_all(struct hv *hv)
{
    pthread_mutex_lock(&hv->lock);
    unsigned n = hv->nvms;
    pthread_mutex_unlock(&hv->lock);
    for (unsigned i = 0; i < n; i++) {
        struct hv_vm *v = hv->vms[i];
        bool gdb = false;
        pthread_mutex_lock(&hv->lock);
        if (v->stopped) {
            pthread_mutex_unlock(&hv->lock);
            continue;
        }
        if (v->vm->gdb && !v->running && !v->in_service) {
            v->in_service = true; /* the stub may stop here while GDB is in control */
            gdb = true;
        }
        pthread_mutex_unlock(&hv->lock);
        vm_service(v->vm, gdb);
        pthread_mutex_lock(&hv->lock);
        if (gdb) {
            v->in_service = false;
            pthread_cond_broadcast(&hv->work);
        }
        for (unsigned j = 0; j < v->nharts; j++) {
            struct vhart *vh = &v->vh[j];
            if (vh->state == HV_HART_PARKED && v->pause == PAUSE_NONE && !v->exiting &&
                vm_hart_can_wake(v->vm, j, true)) {
                trace_instant(hv, v, (int)j, "wake");
                make_runnable(hv, vh);
            }
        }
        if (v->exiting)
            vm_wind_down(hv, v);
        pthread_mutex_unlock(&hv->lock);
    }
    pthread_mutex_lock(&hv->lock);
    hv_update_timer(hv);
    pthread_mutex_unlock(&hv->lock);
}

/* Caps: start a new period for VMs whose period is over. hv->lock held. */
/* CPU time of the calling thread (exact where the host keeps it; else wall time). */
static uint64_t thread_cpu_ns(void)
{
#if defined(CLOCK_THREAD_CPUTIME_ID) && !defined(_WIN32)
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
    return now_ns();
}

static uint64_t hv_caps(struct hv *hv, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < hv->nvms; i++) {
        struct hv_vm *v = hv->vms[i];
        if (!v->cap)
            continue;
        if (now - v->cap_period_start >= HV_CAP_PERIOD_NS) {
            v->cap_period_start = now;
            v->cap_used_ns = v->cap_used_ns > (uint64_t)v->cap * HV_CAP_PERIOD_NS / 100
                                 ? v->cap_used_ns - (uint64_t)v->cap * HV_CAP_PERIOD_NS / 100
                                 : 0; /* overshoot carries over */
            if (v->throttled && v->cap_used_ns < (uint64_t)v->cap * HV_CAP_PERIOD_NS / 100) {
                v->throttled = false;
                pthread_cond_broadcast(&hv->work);
            }
        }
        if (v->throttled && v->cap_period_start + HV_CAP_PERIOD_NS < next)
            next = v->cap_period_start + HV_CAP_PERIOD_NS;
    }
    return next;
}

/* ---- running a slice ---- */

/* After a slice of vh (hv->lock held): charge it and decide where the hart goes. */
static void slice_done(struct hv *hv, struct vhart *vh, enum hart_stop why, uint64_t budget,
                       uint64_t ran, uint64_t t0, uint64_t t1, uint64_t cpu)
{
    struct hv_vm *v = vh->vm;
    struct vm_exit ex;
    static const char *const why_name[] = {"slice", "wfi", "halt", "env", "debug"};

    v->running--;
    if (!v->running && v->pause != PAUSE_NONE)
        pthread_cond_broadcast(&hv->done); /* hv_vm_pause waits for this */
    v->reserved -= budget;
    v->insns += ran;
    v->run_ns += cpu;
    v->vtime += ran * HV_VTIME_SCALE / v->weight;
    vh->st.insns += ran;
    vh->st.run_ns += cpu;
    vh->st.slices++;
    if (hv->deterministic)
        hv->det_insns += ran;
    if (v->cap && !hv->deterministic) { /* a cap limits host time: no host input there */
        v->cap_used_ns += cpu;
        if (v->cap_used_ns >= (uint64_t)v->cap * HV_CAP_PERIOD_NS / 100) {
            v->throttled = true;
            trace_instant(hv, v, -1, "throttle");
        }
    }
    if (hv->trace)
        trace_emit(hv, "{\"name\":\"slice\",\"cat\":\"sched\",\"ph\":\"X\",\"ts\":%.3f,"
                       "\"dur\":%.3f,\"pid\":%u,\"tid\":%u,\"args\":{\"insns\":%" PRIu64
                       ",\"end\":\"%s\"}}",
                   hv->deterministic ? (double)(hv->det_insns - ran) / 100.0 : trace_us(hv, t0),
                   hv->deterministic ? (double)ran / 100.0 : (double)(t1 - t0) / 1000.0,
                   v->index, vh->idx, ran, why_name[why]);

    vm_get_exit(v->vm, &ex);
    if (ex.kind != VM_EXIT_NONE)
        v->exiting = true;
    if (v->vm->cfg.max_insns && v->insns >= v->vm->cfg.max_insns && !v->exiting) {
        vm_record_exit(v->vm, VM_EXIT_MAX_INSNS, 0, VM_SRC_HOST);
        v->exiting = true;
    }
    if (v->exiting) {
        vh->state = HV_HART_OFF;
        if (!v->running)
            vm_wind_down(hv, v);
        return;
    }
    int hsm = atomic_load(&v->vm->hsm[vh->idx]);
    if (hsm == HSM_STOP_PENDING || hsm == HSM_STOPPED) {
        atomic_store(&v->vm->hsm[vh->idx], HSM_STOPPED);
        vh->state = HV_HART_OFF;
        trace_instant(hv, v, (int)vh->idx, "hsm-stop");
        return;
    }
    if (why == HART_STOP_WFI && !vm_hart_can_wake(v->vm, vh->idx, true)) {
        vh->state = HV_HART_PARKED;
        v->parked[vh->idx] = true;
        vh->st.parks++;
        trace_instant(hv, v, (int)vh->idx, "park");
        hv_update_timer(hv);
        pthread_cond_signal(&hv->work); /* an idle worker re-arms its timed wait */
        return;
    }
    requeue(hv, vh);
    if (more_than_one_runnable(hv))
        pthread_cond_signal(&hv->work); /* this worker takes one; another may take the rest */
}

/*
 * Take a runnable hart and run one slice of it; false if nothing could run. Called with
 * hv->lock held; returns with it held.
 */
static bool run_one(struct hv *hv)
{
    struct vhart *vh = pick(hv);
    if (!vh)
        return false;
    struct hv_vm *v = vh->vm;
    uint64_t budget = VM_SLICE, t0, t1;
    if (v->vm->cfg.max_insns) {
        uint64_t used = v->insns + v->reserved;
        budget = used >= v->vm->cfg.max_insns ? 0 : v->vm->cfg.max_insns - used;
        if (budget > VM_SLICE)
            budget = VM_SLICE;
        if (!budget) { /* the limit is reached (vm_eligible: with no slice in flight) */
            rq_push(vh);
            if (!v->running) {
                vm_record_exit(v->vm, VM_EXIT_MAX_INSNS, 0, VM_SRC_HOST);
                v->exiting = true;
                vm_wind_down(hv, v);
            }
            return true;
        }
    }
    v->running++;
    v->reserved += budget;
    vh->state = HV_HART_RUNNING;
    t0 = now_ns();
    vh->st.steal_ns += t0 - vh->since_ns;
    pthread_mutex_unlock(&hv->lock);
    uint64_t c0 = thread_cpu_ns();

    enum hart_stop why = hart_run(vh->h, budget);
    uint64_t ran = budget - vh->h->slice_left;
    hart_resv_clear(vh->h); /* a context switch loses the reservation */
    clock_account_insns(&v->vm->clock, ran);
    /* charged by the host CPU time the slice took: preemption by other host processes
     * is not the VM's doing */
    uint64_t cpu = thread_cpu_ns() - c0;
    t1 = now_ns();
    bool serial = v->max_parallel == 1;
    if (serial || why == HART_STOP_DEBUG)
        vm_service(v->vm, v->vm->gdb != NULL); /* no other hart of this VM runs */

    pthread_mutex_lock(&hv->lock);
    slice_done(hv, vh, why, budget, ran, t0, t1, cpu);
    return true;
}

static void *worker_main(void *arg)
{
    struct hv *hv = arg;
    dev_log_set_thread_sink(hv->guest_errors);
    pthread_mutex_lock(&hv->lock);
    while (!hv->quit) {
        uint64_t now = now_ns();
        uint64_t cap_next = hv_caps(hv, now);
        if (now >= hv->timer_due_ns) {
            hv->timer_due_ns = UINT64_MAX; /* this worker services the timers */
            pthread_mutex_unlock(&hv->lock);
            hv_service_all(hv);
            pthread_mutex_lock(&hv->lock);
        }
        if (run_one(hv))
            continue;
        if (!hv->live)
            break;
        /* Nothing to run: wait for work, a timer, a cap period or a poll interval. */
        uint64_t until = now + HV_IDLE_POLL_NS;
        if (hv->timer_due_ns < until)
            until = hv->timer_due_ns;
        if (cap_next < until)
            until = cap_next;
        struct timespec ts = deadline_to_timespec(until);
        bool owner = !hv->timer_owner;
        if (owner)
            hv->timer_owner = true;
        if (owner)
            pthread_cond_timedwait(&hv->work, &hv->lock, &ts);
        else
            pthread_cond_wait(&hv->work, &hv->lock);
        if (owner) {
            hv->timer_owner = false;
            if (now_ns() >= until)
                hv->timer_due_ns = 0; /* poll devices once per idle interval */
        }
    }
    pthread_cond_broadcast(&hv->work);
    pthread_mutex_unlock(&hv->lock);
    dev_log_set_thread_sink(NULL);
    return NULL;
}

/* ---- scheduler callbacks from the VMs ---- */

static void sched_wake(void *opaque, unsigned hart)
{
    struct hv_vm *v = opaque;
    struct hv *hv = v->hv;
    pthread_mutex_lock(&hv->lock);
    struct vhart *vh = &v->vh[hart];
    if (!v->stopped && (vh->state == HV_HART_PARKED || vh->state == HV_HART_OFF) &&
        !v->exiting && !v->in_service && v->pause == PAUSE_NONE &&
        vm_hart_can_wake(v->vm, hart, vh->state == HV_HART_PARKED)) {
        trace_instant(hv, v, (int)hart, "wake");
        make_runnable(hv, vh);
    }
    pthread_mutex_unlock(&hv->lock);
}

static bool sched_running(void *opaque, unsigned hart)
{
    struct hv_vm *v = opaque;
    pthread_mutex_lock(&v->hv->lock);
    bool r = v->vh[hart].state == HV_HART_RUNNING;
    pthread_mutex_unlock(&v->hv->lock);
    return r;
}

static void sched_exit(void *opaque)
{
    struct hv_vm *v = opaque;
    struct hv *hv = v->hv;
    pthread_mutex_lock(&hv->lock);
    if (!v->stopped) {
        v->exiting = true;
        vm_wind_down(hv, v);
        pthread_cond_broadcast(&hv->work);
    }
    pthread_mutex_unlock(&hv->lock);
}

static void sched_timer(void *opaque)
{
    struct hv_vm *v = opaque;
    struct hv *hv = v->hv;
    pthread_mutex_lock(&hv->lock);
    hv_update_timer(hv);
    pthread_cond_signal(&hv->work);
    pthread_mutex_unlock(&hv->lock);
}

const struct vm_sched_ops hv_sched_ops = {
    .wake = sched_wake,
    .running = sched_running,
    .exit = sched_exit,
    .timer = sched_timer,
};

/* ---- running ---- */

/* Deterministic: no threads; a VM with nothing runnable jumps to its next deadline. */
static void hv_run_deterministic(struct hv *hv)
{
    pthread_mutex_lock(&hv->lock);
    while (hv->live && !hv->quit) {
        if (run_one(hv))
            continue;
        pthread_mutex_unlock(&hv->lock);
        hv_service_all(hv);
        pthread_mutex_lock(&hv->lock);
        if (run_one(hv))
            continue;
        bool progressed = false;
        for (unsigned i = 0; i < hv->nvms; i++) {
            struct hv_vm *v = hv->vms[i];
            if (v->stopped || v->rq_head || v->pause != PAUSE_NONE)
                continue;
            uint64_t d = vm_next_deadline(v->vm, v->parked);
            if (d == UINT64_MAX)
                continue;
            clock_advance_to(&v->vm->clock, d);
            progressed = true;
        }
        if (progressed)
            continue;
        bool paused = false;
        for (unsigned i = 0; i < hv->nvms; i++) {
            struct hv_vm *v = hv->vms[i];
            if (v->stopped)
                continue;
            if (v->pause != PAUSE_NONE) {
                paused = true;
                continue;
            }
            /* nothing can ever wake this VM */
            fprintf(stderr, "rvisor: %s: every hart waits for an interrupt that can never come\n",
                    vm_name(v->vm));
            vm_record_exit(v->vm, VM_EXIT_HALTED, 0, VM_SRC_HOST);
            v->exiting = true;
            vm_wind_down(hv, v);
        }
        if (paused && hv->live) /* wait for the monitor to resume it */
            pthread_cond_wait(&hv->work, &hv->lock);
    }
    pthread_mutex_unlock(&hv->lock);
}

void hv_run(struct hv *hv)
{
    unsigned harts = 0;
    pthread_mutex_lock(&hv->lock);
    hv->start_ns = now_ns();
    for (unsigned i = 0; i < hv->nvms; i++) {
        harts += hv->vms[i]->nharts;
        hv->vms[i]->cap_period_start = hv->start_ns;
        vm_start_harts(hv, hv->vms[i]);
    }
    pthread_mutex_unlock(&hv->lock);
    if (hv->deterministic) {
        hv_run_deterministic(hv);
        return;
    }
    unsigned n = hv->nthreads;
    if (!n) {
        n = host_cpus();
        n = harts < n ? harts : n;
    }
    if (!n)
        n = 1;
    hv->threads = calloc(n, sizeof(*hv->threads));
    unsigned started = 0;
    for (unsigned i = 0; hv->threads && i < n; i++)
        if (pthread_create(&hv->threads[i], NULL, worker_main, hv) == 0)
            started++;
    if (!started) {
        fprintf(stderr, "rvisor: cannot start worker threads; running on this one\n");
        worker_main(hv);
    }
    /*
     * This thread owns the terminal: it moves typed input into the UART of the VM that
     * has it, and otherwise waits for the VMs to end.
     */
    struct vm *term = NULL;
    for (unsigned i = 0; i < hv->nvms; i++)
        if (hv->vms[i]->vm->cfg.input)
            term = hv->vms[i]->vm;
    pthread_mutex_lock(&hv->lock);
    while (hv->live) {
        if (term && console_pending(term->cfg.input)) {
            /* read ahead but not yet taken: hand it over as the UART FIFO drains */
            pthread_mutex_unlock(&hv->lock);
            vm_poll_console(term);
            if (console_pending(term->cfg.input))
                clock_sleep_ns(HV_CONSOLE_DRAIN_NS);
            pthread_mutex_lock(&hv->lock);
        } else if (term && !console_eof(term->cfg.input)) {
            pthread_mutex_unlock(&hv->lock);
            console_wait(term->cfg.input, HV_IDLE_POLL_NS);
            vm_poll_console(term);
            pthread_mutex_lock(&hv->lock);
        } else {
            pthread_cond_wait(&hv->done, &hv->lock);
        }
    }
    hv->quit = true;
    pthread_cond_broadcast(&hv->work);
    pthread_mutex_unlock(&hv->lock);
    for (unsigned i = 0; i < started; i++)
        pthread_join(hv->threads[i], NULL);
    free(hv->threads);
    hv->threads = NULL;
}
