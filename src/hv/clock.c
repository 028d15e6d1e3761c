/*
 * Host time sources, portable across POSIX (clock_gettime, nanosleep) and Windows
 * (QueryPerformanceCounter, Sleep). See clock.h for the two time modes.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <time.h>
#ifdef _WIN32
#include <windows.h>
#endif

#include "hv/clock.h"

uint64_t clock_host_ns(void)
{
#ifdef _WIN32
    LARGE_INTEGER f, c;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&c);
    return (uint64_t)((double)c.QuadPart * 1e9 / (double)f.QuadPart);
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

void clock_init(struct vm_clock *c, bool deterministic)
{
    c->deterministic = deterministic;
    c->host_start_ns = clock_host_ns();
    c->det_insns = 0;
    c->det_offset = 0;
}

uint64_t clock_ticks(const struct vm_clock *c)
{
    if (c->deterministic)
        return c->det_insns / CLOCK_DET_INSNS_PER_TICK + c->det_offset;
    return (clock_host_ns() - c->host_start_ns) / (1000000000ull / CLOCK_TIMEBASE_HZ);
}

void clock_account_insns(struct vm_clock *c, uint64_t insns)
{
    if (c->deterministic)
        c->det_insns += insns;
}

void clock_advance_to(struct vm_clock *c, uint64_t ticks)
{
    uint64_t now = clock_ticks(c);
    if (c->deterministic && ticks > now)
        c->det_offset += ticks - now;
}

uint64_t clock_wall_ns(const struct vm_clock *c)
{
    if (c->deterministic) /* a fixed epoch: 2024-01-01T00:00:00Z, plus guest time */
        return 1704067200ull * 1000000000ull + clock_ticks(c) * 100;
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void clock_sleep_ns(uint64_t ns)
{
#ifdef _WIN32
    Sleep((DWORD)(ns / 1000000));
#else
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ull),
                          .tv_nsec = (long)(ns % 1000000000ull)};
    nanosleep(&ts, NULL);
#endif
}
