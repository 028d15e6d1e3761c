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
 * jumps its own clock to its next timer deadline.
 *
 * --trace-sched: Chrome trace-event JSON (Perfetto, chrome://tracing): one process per VM,
 * one thread per hart, a complete event per slice, instant events for park, wake, pause,
 * quota and stop.
 */
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
#include "hv/vm_internal.h"

#define HV_CAP_PERIOD_NS 10000000ull /* cap accounting period: 10 ms */
#define HV_IDLE_POLL_NS 10000000ull  /* longest sleep of an idle worker */
#define HV_CONSOLE_DRAIN_NS 200000ull /* typed-ahead input: retry as the UART drains */
#define HV_VTIME_SCALE HV_DEFAULT_WEIGHT

struct hv_vm;

struct vhart {
    struct hv_vm *vm;
    unsigned idx;
    struct hart *h;
    enum hv_hart_state state;
    bool queued;
    struct vhart *next; /* run queue link */
    uint64_t since_ns;  /* RUNNABLE since (steal time) */
    struct hv_hart_stats st;
};

enum hv_pause_reason { PAUSE_NONE = 0, PAUSE_USER, PAUSE_QUOTA };

struct hv_vm {
    struct hv *hv;
    struct vm *vm;
    unsigned index;
    struct vhart *vh;
    unsigned nharts;
    struct vhart *rq_head, *rq_tail;
    unsigned running;      /* harts on a worker now */
    unsigned max_parallel; /* 1: serial (GDB stub, --trace, deterministic) */
    bool in_service;       /* a thread services the VM exclusively (reboot, GDB) */
    bool stopped;          /* ended for good */
    bool exiting;          /* an exit reason is recorded: wind down */
    enum hv_pause_reason pause;
    uint64_t vtime;
    unsigned weight, cap;
    uint64_t cap_period_start, cap_used_ns;
    bool throttled;
    uint64_t quota, soft_quota, peak, overhead;
    bool soft_fired;
    bool reset_by_user;
    _Atomic uint64_t committed_pages;
    uint64_t insns, run_ns, reserved;
    struct vm_exit exit;
    bool parked[VM_MAX_HARTS];
};

struct hv {
    pthread_mutex_t lock;
    pthread_cond_t work;  /* workers: something may be runnable */
    pthread_cond_t done;  /* hv_run: a VM ended; pause waits */
    struct hv_vm **vms;
    unsigned nvms, cap_vms;
    unsigned nthreads;
    pthread_t *threads;
    bool deterministic;
    bool quit;      /* workers: leave */
    unsigned live;  /* VMs not stopped */
    uint64_t timer_due_ns; /* host ns when some parked hart's timer comes due */
    bool timer_owner;      /* an idle worker waits for the timer */
    uint64_t start_ns;
    uint64_t det_insns;    /* deterministic: all instructions, the trace's clock */
    hv_event_fn ev;
    void *ev_opaque;
    FILE *guest_errors; /* -d guest_errors of some VM: device reports of workers go here */
    FILE *trace;
    bool trace_first;
    pthread_mutex_t trace_lock;
};

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

static void hv_err(char *err, size_t errlen, const char *fmt, ...)
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

static uint64_t now_ns(void)
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

static void hv_event(struct hv *hv, const char *name, const char *fmt, ...)
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

static void trace_emit(struct hv *hv, const char *fmt, ...)
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

static void trace_instant(struct hv *hv, struct hv_vm *v, int hart, const char *what)
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

static bool vm_eligible(const struct hv_vm *v)
{
    return !v->stopped && !v->exiting && v->pause == PAUSE_NONE && !v->in_service &&
           !v->throttled && v->rq_head && v->running < v->max_parallel;
}

/* The smallest vtime among VMs that are running or runnable now (for waking VMs). */
static uint64_t min_active_vtime(struct hv *hv, const struct hv_vm *except, bool *found)
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

/* Hart vh becomes runnable. */
static void make_runnable(struct hv *hv, struct vhart *vh)
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
    pthread_cond_signal(&hv->work);
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

static const char *exit_reason(enum vm_exit_kind k)
{
    switch (k) {
    case VM_EXIT_POWEROFF: return "poweroff";
    case VM_EXIT_FAIL: return "fail";
    case VM_EXIT_RESET: return "reset";
    case VM_EXIT_MAX_INSNS: return "max-insns";
    case VM_EXIT_QUIT: return "quit";
    case VM_EXIT_HALTED: return "halted";
    default: return "user";
    }
}

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
             vm_name(v->vm), exit_reason(v->exit.kind), v->exit.code);
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
            vm_record_exit(v->vm, VM_EXIT_HALTED, 0);
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
static void hv_update_timer(struct hv *hv)
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
                       uint64_t ran, uint64_t t0, uint64_t t1)
{
    struct hv_vm *v = vh->vm;
    struct vm_exit ex;
    static const char *const why_name[] = {"slice", "wfi", "halt", "env", "debug"};

    v->running--;
    v->reserved -= budget;
    v->insns += ran;
    v->run_ns += t1 - t0;
    v->vtime += ran * HV_VTIME_SCALE / v->weight;
    vh->st.insns += ran;
    vh->st.run_ns += t1 - t0;
    vh->st.slices++;
    if (hv->deterministic)
        hv->det_insns += ran;
    if (v->cap) {
        v->cap_used_ns += t1 - t0;
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
        vm_record_exit(v->vm, VM_EXIT_MAX_INSNS, 0);
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
    make_runnable(hv, vh);
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
        if (!budget) { /* the rest of the budget is in flight on other harts */
            rq_push(vh);
            if (!v->running) {
                vm_record_exit(v->vm, VM_EXIT_MAX_INSNS, 0);
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

    enum hart_stop why = hart_run(vh->h, budget);
    uint64_t ran = budget - vh->h->slice_left;
    hart_resv_clear(vh->h); /* a context switch loses the reservation */
    clock_account_insns(&v->vm->clock, ran);
    t1 = now_ns();
    bool serial = v->max_parallel == 1;
    if (serial || why == HART_STOP_DEBUG)
        vm_service(v->vm, v->vm->gdb != NULL); /* no other hart of this VM runs */

    pthread_mutex_lock(&hv->lock);
    slice_done(hv, vh, why, budget, ran, t0, t1);
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
            continue;
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

static const struct vm_sched_ops sched_ops = {
    .wake = sched_wake,
    .running = sched_running,
    .exit = sched_exit,
    .timer = sched_timer,
};

/* ---- memory quotas ---- */

static void stop_all_harts(struct hv_vm *v)
{
    for (unsigned i = 0; i < v->nharts; i++)
        hart_request_stop(v->vh[i].h);
}

static void quota_check(struct hv *hv, struct hv_vm *v)
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
    /* what boot placed (kernel, initrd, device tree) is committed already */
    for (uint64_t off = 0; off < vm->ram_size; off += 4096) {
        const uint8_t *p8 = vm->ram + off;
        for (unsigned k = 0; k < 4096; k += 64)
            if (memcmp(p8 + k, (const uint8_t[64]){0}, 64) != 0) {
                bus_ram_note_write(vm->bus, vm->ram_base + off, 1);
                break;
            }
    }
    v->committed_pages = bus_ram_committed(vm->bus, vm->ram_base);
    v->peak = v->committed_pages * 4096 + v->overhead;
    vm->sched = &sched_ops;
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
            vm_record_exit(v->vm, VM_EXIT_HALTED, 0);
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

/* ---- queries and control ---- */

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

int hv_vm_pause(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    pthread_mutex_lock(&hv->lock);
    if (v->stopped) {
        pthread_mutex_unlock(&hv->lock);
        hv_err(err, errlen, "VM '%s' has stopped", vm_name(v->vm));
        return -1;
    }
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
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    pthread_mutex_lock(&hv->lock);
    if (v->stopped) {
        pthread_mutex_unlock(&hv->lock);
        hv_err(err, errlen, "VM '%s' has stopped", vm_name(v->vm));
        return -1;
    }
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
    vm_set_exit(v->vm, VM_EXIT_HALTED, 0); /* winds it down through sched_exit */
    return 0;
}

int hv_vm_reset(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    struct hv_vm *v = vm_at(hv, idx, err, errlen);
    if (!v)
        return -1;
    pthread_mutex_lock(&hv->lock);
    if (v->stopped) {
        pthread_mutex_unlock(&hv->lock);
        hv_err(err, errlen, "VM '%s' has stopped", vm_name(v->vm));
        return -1;
    }
    if (v->vm->cfg.no_reboot) {
        pthread_mutex_unlock(&hv->lock);
        hv_err(err, errlen, "VM '%s' has no-reboot set", vm_name(v->vm));
        return -1;
    }
    v->pause = PAUSE_NONE;
    v->reset_by_user = true;
    pthread_mutex_unlock(&hv->lock);
    vm_set_exit(v->vm, VM_EXIT_RESET, 0); /* reboots it through sched_exit */
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
    if (cap > 100 * HV_MAX_THREADS) {
        hv_err(err, errlen, "cap %u%%: 0 (none) to %d", cap, 100 * HV_MAX_THREADS);
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
