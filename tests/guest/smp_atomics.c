/*
 * SMP stress for a Linux guest (issue 6): N threads x M iterations hammer shared counters
 * and check that the totals are exact.
 *
 *   smp_atomics [THREADS [ITERATIONS [MP_ROUNDS]]]     (defaults 4, 20000, 20000)
 *
 * Per iteration each thread adds 1 (or its own odd step) to:
 *   - a 32-bit and a 64-bit counter with amoadd.w / amoadd.d,
 *   - a 32-bit and a 64-bit counter with lr.w/sc.w and lr.d/sc.d retry loops,
 *   - two plain counters in a critical section, one under a pthread mutex and one under a
 *     spinlock built from amoswap.w.aq / amoswap.w.rl (checks acquire/release ordering),
 *   - amoor.d of its own bit pattern and amomax.d / amominu.w of its own values;
 * all counters share one 64-byte line, so LR/SC reservations and AMOs really collide.
 * Then two memory-ordering checks between pairs of threads:
 *   - message passing: a producer writes four data words (separate lines) then a flag with
 *     fence rw,w; consumers read the flag, fence r,rw, then the data: a data word older
 *     than the flag it was published with is a failure;
 *   - store buffering (Dekker): x=1; fence rw,rw; r1=y  ||  y=1; fence rw,rw; r2=x:
 *     r1 == r2 == 0 is forbidden.
 * Prints "smp_atomics: PASS ..." or "smp_atomics: FAIL ..." lines; exit status 0 on pass,
 * 1 on a mismatch, 2 on bad usage or a thread creation error.
 *
 * Build: riscv64-linux-gnu-gcc -static -O2 -pthread -o smp_atomics smp_atomics.c
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64

struct shared {
    uint32_t amo_w;
    uint32_t lrsc_w;
    uint64_t amo_d;
    uint64_t lrsc_d;
    uint64_t spin_count; /* under spin_lock */
    uint32_t spin_lock;
    uint32_t minu_w;
    uint64_t or_d;
    int64_t max_d;
} __attribute__((aligned(64)));

static struct shared S;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t mutex_count __attribute__((aligned(64)));

static long nthreads, iters, mp_rounds;
static volatile int failed_mp;

/* ---- atomics through inline assembly, so the compiler cannot choose other instructions ---- */

static inline void amoadd_w(uint32_t *p, uint32_t v)
{
    __asm__ volatile("amoadd.w zero, %1, %0" : "+A"(*p) : "r"(v) : "memory");
}

static inline void amoadd_d(uint64_t *p, uint64_t v)
{
    __asm__ volatile("amoadd.d zero, %1, %0" : "+A"(*p) : "r"(v) : "memory");
}

static inline void lrsc_add_w(uint32_t *p, uint32_t v)
{
    uint32_t old, tmp, fail;
    __asm__ volatile("1: lr.w %0, %3\n"
                     "   addw %1, %0, %4\n"
                     "   sc.w %2, %1, %3\n"
                     "   bnez %2, 1b\n"
                     : "=&r"(old), "=&r"(tmp), "=&r"(fail), "+A"(*p)
                     : "r"(v)
                     : "memory");
}

static inline void lrsc_add_d(uint64_t *p, uint64_t v)
{
    uint64_t old, tmp, fail;
    __asm__ volatile("1: lr.d %0, %3\n"
                     "   add %1, %0, %4\n"
                     "   sc.d %2, %1, %3\n"
                     "   bnez %2, 1b\n"
                     : "=&r"(old), "=&r"(tmp), "=&r"(fail), "+A"(*p)
                     : "r"(v)
                     : "memory");
}

static inline void amoor_d(uint64_t *p, uint64_t v)
{
    __asm__ volatile("amoor.d zero, %1, %0" : "+A"(*p) : "r"(v) : "memory");
}

static inline void amomax_d(int64_t *p, int64_t v)
{
    __asm__ volatile("amomax.d zero, %1, %0" : "+A"(*p) : "r"(v) : "memory");
}

static inline void amominu_w(uint32_t *p, uint32_t v)
{
    __asm__ volatile("amominu.w zero, %1, %0" : "+A"(*p) : "r"(v) : "memory");
}

static inline void spin_lock(uint32_t *l)
{
    uint32_t old, one = 1;
    unsigned spins = 0;
    for (;;) {
        __asm__ volatile("amoswap.w.aq %0, %2, %1" : "=r"(old), "+A"(*l) : "r"(one) : "memory");
        if (old == 0)
            return;
        /* the holder may have lost its CPU (fewer harts than threads): let it run */
        if (++spins % 256 == 0)
            sched_yield();
    }
}

static inline void spin_unlock(uint32_t *l)
{
    __asm__ volatile("amoswap.w.rl zero, zero, %0" : "+A"(*l) : : "memory");
}

static inline uint64_t load_relaxed(volatile uint64_t *p)
{
    return *p;
}

/* ---- a reusable spinning barrier (sense-reversing) on amoadd ---- */

struct barrier {
    uint32_t count;
    volatile uint32_t sense;
    uint32_t n;
};

static void barrier_wait(struct barrier *b, uint32_t *local_sense)
{
    uint32_t s = !*local_sense, old;
    *local_sense = s;
    __asm__ volatile("amoadd.w.aqrl %0, %2, %1" : "=r"(old), "+A"(b->count) : "r"(1) : "memory");
    if (old + 1 == b->n) {
        b->count = 0;
        __asm__ volatile("fence rw, w" ::: "memory");
        b->sense = s;
    } else {
        unsigned spins = 0;
        while (b->sense != s)
            if (++spins % 1024 == 0)
                sched_yield();
        __asm__ volatile("fence r, rw" ::: "memory");
    }
}

/* ---- counters ---- */

static void *counter_thread(void *arg)
{
    long id = (long)arg;
    uint64_t step = 2 * (uint64_t)id + 1; /* odd and distinct per thread */
    for (long i = 0; i < iters; i++) {
        amoadd_w(&S.amo_w, 1);
        amoadd_d(&S.amo_d, step << 32 | 1);
        lrsc_add_w(&S.lrsc_w, 1);
        lrsc_add_d(&S.lrsc_d, step);
        pthread_mutex_lock(&mutex);
        mutex_count++;
        pthread_mutex_unlock(&mutex);
        spin_lock(&S.spin_lock);
        S.spin_count += 1;
        spin_unlock(&S.spin_lock);
        if ((i & 63) == 0) {
            amoor_d(&S.or_d, 1ull << (id % 64));
            amomax_d(&S.max_d, id * 1000000000L + i);
            amominu_w(&S.minu_w, (uint32_t)(1000000 + id * 1000 + i));
        }
    }
    return NULL;
}

/* ---- message passing: one producer, the other threads consume ---- */

struct mp {
    volatile uint64_t data[4][8]; /* one word used per 64-byte line */
    volatile uint64_t flag __attribute__((aligned(64)));
} __attribute__((aligned(64)));
static struct mp MP;

static void *mp_thread(void *arg)
{
    long id = (long)arg;
    if (id == 0) {
        for (uint64_t i = 1; i <= (uint64_t)mp_rounds; i++) {
            for (int k = 0; k < 4; k++)
                MP.data[k][0] = i;
            __asm__ volatile("fence rw, w" ::: "memory");
            MP.flag = i;
        }
        return NULL;
    }
    uint64_t last = 0;
    unsigned spins = 0;
    while (last < (uint64_t)mp_rounds) {
        uint64_t f = load_relaxed(&MP.flag);
        __asm__ volatile("fence r, rw" ::: "memory");
        for (int k = 0; k < 4; k++) {
            uint64_t d = MP.data[k][0];
            if (d < f) {
                printf("smp_atomics: FAIL message passing: thread %ld saw flag %llu but "
                       "data[%d] = %llu\n",
                       id, (unsigned long long)f, k, (unsigned long long)d);
                failed_mp = 1;
                return NULL;
            }
        }
        if (f < last) {
            printf("smp_atomics: FAIL message passing: flag went back from %llu to %llu\n",
                   (unsigned long long)last, (unsigned long long)f);
            failed_mp = 1;
            return NULL;
        }
        if (f == last && ++spins % 1024 == 0)
            sched_yield();
        last = f;
    }
    return NULL;
}

/* ---- store buffering (Dekker) between threads 0 and 1 ---- */

static struct {
    volatile uint64_t x __attribute__((aligned(64)));
    volatile uint64_t y __attribute__((aligned(64)));
    volatile uint64_t r[2] __attribute__((aligned(64)));
} SB;
static struct barrier sb_barrier = {.n = 2};
static long sb_rounds, sb_both_zero;

static void *sb_thread(void *arg)
{
    long id = (long)arg;
    uint32_t sense = 0;
    volatile uint64_t *mine = id ? &SB.y : &SB.x, *other = id ? &SB.x : &SB.y;
    for (long i = 0; i < sb_rounds; i++) {
        barrier_wait(&sb_barrier, &sense);
        *mine = 1;
        __asm__ volatile("fence rw, rw" ::: "memory");
        SB.r[id] = *other;
        barrier_wait(&sb_barrier, &sense);
        if (id == 0) {
            if (SB.r[0] == 0 && SB.r[1] == 0)
                sb_both_zero++;
            SB.x = SB.y = 0;
        }
        barrier_wait(&sb_barrier, &sense);
    }
    return NULL;
}

static int run_threads(long n, void *(*fn)(void *))
{
    pthread_t t[MAX_THREADS];
    for (long i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, fn, (void *)i) != 0) {
            printf("smp_atomics: FAIL cannot create thread %ld\n", i);
            return -1;
        }
    for (long i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    return 0;
}

static int check(const char *what, uint64_t got, uint64_t want)
{
    if (got == want)
        return 0;
    printf("smp_atomics: FAIL %s = %llu, wanted %llu\n", what, (unsigned long long)got,
           (unsigned long long)want);
    return 1;
}

int main(int argc, char **argv)
{
    nthreads = argc > 1 ? atol(argv[1]) : 4;
    iters = argc > 2 ? atol(argv[2]) : 20000;
    mp_rounds = argc > 3 ? atol(argv[3]) : 20000;
    if (nthreads < 1 || nthreads > MAX_THREADS || iters < 1 || mp_rounds < 0) {
        fprintf(stderr, "usage: smp_atomics [THREADS(1-%d) [ITERATIONS [MP_ROUNDS]]]\n",
                MAX_THREADS);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    S.minu_w = UINT32_MAX;
    S.max_d = -1;
    if (run_threads(nthreads, counter_thread) < 0)
        return 2;

    uint64_t n = (uint64_t)nthreads * (uint64_t)iters, sum_steps = 0, bits = 0;
    for (long id = 0; id < nthreads; id++) {
        sum_steps += 2 * (uint64_t)id + 1;
        bits |= 1ull << (id % 64);
    }
    long last_i = (iters - 1) & ~63L;
    int bad = 0;
    bad += check("amoadd.w counter", S.amo_w, (uint32_t)n);
    bad += check("amoadd.d counter", S.amo_d, (sum_steps * (uint64_t)iters) << 32 | n);
    bad += check("lr.w/sc.w counter", S.lrsc_w, (uint32_t)n);
    bad += check("lr.d/sc.d counter", S.lrsc_d, sum_steps * (uint64_t)iters);
    bad += check("pthread mutex counter", mutex_count, n);
    bad += check("amoswap spinlock counter", S.spin_count, n);
    bad += check("spinlock word after the run", S.spin_lock, 0);
    bad += check("amoor.d bits", S.or_d, bits);
    bad += check("amomax.d", (uint64_t)S.max_d, (uint64_t)((nthreads - 1) * 1000000000L + last_i));
    bad += check("amominu.w", S.minu_w, 1000000);

    if (nthreads >= 2 && mp_rounds > 0) {
        if (run_threads(nthreads, mp_thread) < 0)
            return 2;
        bad += failed_mp;
        sb_rounds = mp_rounds / 10;
        if (run_threads(2, sb_thread) < 0)
            return 2;
        if (sb_both_zero) {
            printf("smp_atomics: FAIL store buffering: r1 = r2 = 0 in %ld of %ld rounds "
                   "despite fence rw,rw\n",
                   sb_both_zero, sb_rounds);
            bad++;
        }
    }
    if (bad) {
        printf("smp_atomics: FAIL %d check(s), %ld threads x %ld iterations\n", bad, nthreads,
               iters);
        return 1;
    }
    printf("smp_atomics: PASS %ld threads x %ld iterations, %ld message-passing rounds\n", nthreads,
           iters, mp_rounds);
    return 0;
}
