/* parallel: a parallel CPU-bound workload for bench/smp.sh. THREADS threads (pthreads) each
 * run REPS repetitions of the same independent integer work on a private 32 KiB table: 4,096
 * updates that mix a xorshift stream into data-dependent slots (loads, stores, multiplies,
 * shifts, a branch). Every repetition starts from the same seed, so each one's checksum
 * must equal the known value. One untimed repetition runs first; the timing covers
 * creating the threads to joining the last one.
 *
 *   parallel THREADS [REPS]
 *
 * Work: millions of table updates by all threads together (Mupd). */
#include "wl.h"
#include <pthread.h>

#define SLOTS  4096
#define EXPECT 0x7399f54be4195013u

struct worker {
    pthread_t thread;
    long reps;
    uint64_t check; /* of the last repetition; bad counts wrong ones */
    long bad;
    uint64_t *table;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    uint64_t *t = w->table;
    for (long r = 0; r < w->reps; r++) {
        uint64_t s = 0x0ddba11cafef00du, h = 0;
        memset(t, 0, SLOTS * sizeof *t);
        for (long i = 0; i < SLOTS; i++) {
            uint64_t x = wl_rand(&s);
            uint64_t slot = (x ^ h) & (SLOTS - 1);
            uint64_t v = t[slot] * 0x9e3779b97f4a7c15u + x;
            if (v & 1)
                v ^= v >> 29;
            t[slot] = v;
            h += v >> 7;
        }
        for (long i = 0; i < SLOTS; i += 64)
            h = wl_mix(h, t[i]);
        w->bad += h != EXPECT;
        w->check = h;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    wl_name = "parallel";
    if (argc < 2 || atol(argv[1]) < 1 || atol(argv[1]) > 64)
        wl_fail("usage: parallel THREADS(1..64) [REPS]");
    long threads = atol(argv[1]);
    long reps = wl_start("parallel", argc - 1, argv + 1, 100);
    struct worker w[64];
    for (long i = 0; i < threads; i++) {
        w[i].reps = reps;
        w[i].bad = 0;
        w[i].table = aligned_alloc(4096, SLOTS * sizeof(uint64_t));
        if (!w[i].table)
            wl_fail("out of memory");
    }
    struct worker warm = w[0]; /* one untimed repetition on this thread first */
    warm.reps = 1;
    work(&warm);
    if (warm.bad)
        wl_fail("the warm-up computed a wrong checksum (%016llx)", (unsigned long long)warm.check);
    uint64_t t0 = wl_now_ns();
    for (long i = 0; i < threads; i++)
        if (pthread_create(&w[i].thread, NULL, work, &w[i]))
            wl_fail("pthread_create failed");
    for (long i = 0; i < threads; i++)
        pthread_join(w[i].thread, NULL);
    uint64_t ns = wl_now_ns() - t0;
    for (long i = 0; i < threads; i++) {
        if (w[i].bad)
            wl_fail("thread %ld: %ld of %ld repetitions computed a wrong checksum (last %016llx)",
                    i, w[i].bad, reps, (unsigned long long)w[i].check);
        wl_expect("a thread's checksum", w[i].check, EXPECT);
    }
    wl_report((double)SLOTS * reps * threads / 1e6, "Mupd", ns, w[0].check);
    return 0;
}
