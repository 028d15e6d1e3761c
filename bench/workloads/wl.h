/* Shared by the guest workloads of bench/suite.sh and bench/smp.sh: argument parsing,
 * timing, a deterministic random source, checksums and the result line.
 *
 * Every workload runs REPS repetitions (argv[1]) of a fixed piece of work, after one more
 * that is not timed (it warms up a translating emulator's code cache and faults the data
 * in), checks each repetition's result against a value known in advance and times the
 * repetitions with CLOCK_MONOTONIC, so that neither boot nor program start-up is counted.
 * It prints
 *
 *     wl: NAME work=W unit=U ns=T check=C
 *
 * (W units of work, e.g. MB or Melem, done in T nanoseconds; C the checksum of one
 * repetition) and exits 0, or prints "wl: NAME FAIL ..." and exits 1. */
#ifndef WL_H
#define WL_H

#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *wl_name = "?";

static inline void wl_fail(const char *fmt, ...)
{
    va_list ap;
    printf("wl: %s FAIL: ", wl_name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    exit(1);
}

/* wl_start(NAME, argc, argv, default reps): the number of repetitions. */
static inline long wl_start(const char *name, int argc, char **argv, long def)
{
    wl_name = name;
    if (argc < 2)
        return def;
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n < 1)
        wl_fail("usage: %s [REPS]", name);
    return n;
}

static inline uint64_t wl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void wl_report(double work, const char *unit, uint64_t ns, uint64_t check)
{
    printf("wl: %s work=%.6f unit=%s ns=%llu check=%016llx\n", wl_name, work, unit,
           (unsigned long long)ns, (unsigned long long)check);
    fflush(stdout);
}

/* wl_expect(what, got, want): fail loudly on a wrong result. */
static inline void wl_expect(const char *what, uint64_t got, uint64_t want)
{
    if (got != want)
        wl_fail("%s is %016llx, expected %016llx (the emulator computed a wrong result)", what,
                (unsigned long long)got, (unsigned long long)want);
}

/* xorshift64: the deterministic input of every workload. */
static inline uint64_t wl_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* A 64-bit mixing step for checksums (order-dependent). */
static inline uint64_t wl_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdu;
}

/* The bit pattern of a double, for exact floating-point checksums. */
static inline uint64_t wl_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

#endif
