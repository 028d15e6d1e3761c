/*
 * dev_log_guest_error(): rate-limited reports of guest misuse of a device, to stderr.
 *
 * Rate limit: at most DEV_LOG_BURST lines per call site per wall-clock second. A "call site"
 * is identified by its format string's address (each call site passes its own literal;
 * sites that happen to share a literal, or a hash slot, share one budget, which only makes
 * the limit stricter). The budgets live in a small table of lock-free atomic slots, each
 * packing (second << 32 | count) into one 64-bit word updated by compare-and-swap.
 *
 * This is the one piece of process-wide mutable state in devices/, and deliberately so:
 * stderr is itself one per process, so the flood it protects against is process-wide too.
 * It holds no machine state, never influences what a guest sees (determinism is kept), is
 * safe from any thread and needs no initialisation or teardown. The table is a static
 * inside the function, not at file scope.
 *
 * With -d guest_errors the run loop binds its thread to the VM's trace file
 * (dev_log_set_thread_sink): reports made on that thread then all go there, unlimited.
 * The binding is thread-local, so VMs on other threads keep their own.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "devices/device.h"

enum {
    DEV_LOG_SLOTS = 64,
    DEV_LOG_BURST = 5,
};

/* True if this call may print; *last is set when it is the last one allowed this second. */
static int dev_log_admit(_Atomic uint64_t *slot, uint32_t now, int *last)
{
    uint64_t old = atomic_load_explicit(slot, memory_order_relaxed);
    uint64_t next;
    uint32_t count;

    do {
        if ((uint32_t)(old >> 32) != now)
            next = ((uint64_t)now << 32) | 1;
        else if ((uint32_t)old >= DEV_LOG_BURST)
            return 0;
        else
            next = old + 1;
    } while (!atomic_compare_exchange_weak_explicit(slot, &old, next, memory_order_relaxed,
                                                    memory_order_relaxed));
    count = (uint32_t)next;
    *last = count == DEV_LOG_BURST;
    return 1;
}

#if defined(_MSC_VER) && !defined(__clang__)
#define DEV_LOG_THREAD_LOCAL __declspec(thread)
#else
#define DEV_LOG_THREAD_LOCAL _Thread_local
#endif

static FILE **dev_log_thread_sink(void)
{
    static DEV_LOG_THREAD_LOCAL FILE *sink;
    return &sink;
}

void dev_log_set_thread_sink(FILE *trace)
{
    *dev_log_thread_sink() = trace;
}

void dev_log_guest_error(const char *dev, const char *fmt, ...)
{
    static _Atomic uint64_t slots[DEV_LOG_SLOTS];
    uintptr_t key = (uintptr_t)fmt;
    _Atomic uint64_t *slot = &slots[(key ^ (key >> 6) ^ (key >> 12)) % DEV_LOG_SLOTS];
    char msg[256];
    va_list ap;
    int last = 0;
    FILE *sink = *dev_log_thread_sink();

    if (sink) {
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        fprintf(sink, "guest_error: %s: %s\n", dev ? dev : "?", msg);
        return;
    }
    if (!dev_log_admit(slot, (uint32_t)time(NULL), &last))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One fprintf per line so that lines from different threads do not interleave. */
    fprintf(stderr, "rvisor: %s: guest error: %s%s\n", dev ? dev : "?", msg,
            last ? " (further reports from here suppressed this second)" : "");
}
