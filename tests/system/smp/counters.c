/*
 * Every hart hammers shared counters, all in one 64-byte line so that AMOs, LR/SC
 * reservations and plain stores really collide: ITERS times amoadd.w, amoadd.d, an
 * lr.w/sc.w and an lr.d/sc.d increment loop, and a plain load/add/store of a counter
 * under a spinlock made of amoswap.w.aq / amoswap.w.rl. Hart 0 waits for the others and
 * checks the totals exactly. Then two checks of what the memory model promises across
 * harts: naturally aligned 8-, 4- and 2-byte stores are single-copy atomic (readers never
 * see a mix of two values), message passing with fence w,w / fence r,r never shows data
 * older than the flag that published it, and store buffering between harts 0 and 1
 * (x = 1; fence rw,rw; read y || y = 1; fence rw,rw; read x) never reads 0 on both
 * sides, which a host with store buffers (x86, Arm) shows unless FENCE is a host barrier.
 *
 * Exit status: 0 pass; 2 harts missing; 3..8 a counter is wrong; 9..11 a torn read;
 * 12 stale data after the flag; 13 a timeout in those phases; 14 store buffering seen.
 */
#include "smp.h"

#ifndef ITERS
#define ITERS 100000
#endif
#define TEAR_ROUNDS 20000
#define MP_ROUNDS   20000
#define SB_ROUNDS   10000

static struct {
    uint32_t amo_w;
    uint32_t lrsc_w;
    uint64_t amo_d;
    uint64_t lrsc_d;
    uint64_t locked; /* plain counter under `lock` */
    uint32_t lock;
} cnt __attribute__((aligned(64)));

static uint32_t arrived __attribute__((aligned(64)));
static uint32_t done_counting __attribute__((aligned(64)));
static uint32_t done_tearing __attribute__((aligned(64)));
static uint32_t done_mp __attribute__((aligned(64)));
static uint32_t bad_code, bad_seen_lo; /* first failure seen by a non-zero hart */

static struct {
    uint64_t d;
    uint32_t w[2];
    uint16_t hw[4];
} tear __attribute__((aligned(64)));

static struct {
    uint64_t data[4][8]; /* one word per line */
    uint64_t flag __attribute__((aligned(64)));
} mp __attribute__((aligned(64)));

static void lrsc_add_w(uint32_t *p, uint32_t v)
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

static void lrsc_add_d(uint64_t *p, uint64_t v)
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

static void spin_lock(uint32_t *l)
{
    uint32_t old;
    do
        __asm__ volatile("amoswap.w.aq %0, %2, %1" : "=r"(old), "+A"(*l) : "r"(1) : "memory");
    while (old);
}

static void spin_unlock(uint32_t *l)
{
    __asm__ volatile("amoswap.w.rl zero, zero, %0" : "+A"(*l) : : "memory");
}

static void report(unsigned code, uint64_t seen)
{
    if (!bad_code) {
        bad_seen_lo = (uint32_t)seen;
        bad_code = code;
    }
}

static void counting(unsigned hart)
{
    for (unsigned i = 0; i < ITERS; i++) {
        amoadd_w(&cnt.amo_w, 1);
        amoadd_d(&cnt.amo_d, (1ull << 32) + 1);
        lrsc_add_w(&cnt.lrsc_w, 1);
        lrsc_add_d(&cnt.lrsc_d, hart + 1);
        spin_lock(&cnt.lock);
        uint64_t v = READ_ONCE(cnt.locked);
        WRITE_ONCE(cnt.locked, v + 1);
        spin_unlock(&cnt.lock);
    }
}

#define PAT64 0x0123456789abcdefull
#define PAT32 0x89abcdefu
#define PAT16 0xcdefu

/* Hart 1 stores two alternating patterns; every other hart reads and checks. */
static void tearing(unsigned hart)
{
    if (hart == 1) {
        for (unsigned i = 0; i < TEAR_ROUNDS; i++) {
            WRITE_ONCE(tear.d, (i & 1) ? ~PAT64 : PAT64);
            WRITE_ONCE(tear.w[1], (i & 1) ? ~PAT32 : PAT32);
            WRITE_ONCE(tear.hw[3], (uint16_t)((i & 1) ? ~PAT16 : PAT16));
        }
        return;
    }
    for (unsigned i = 0; i < TEAR_ROUNDS; i++) {
        uint64_t d = READ_ONCE(tear.d);
        uint32_t w = READ_ONCE(tear.w[1]);
        uint16_t hw = READ_ONCE(tear.hw[3]);
        if (d != 0 && d != PAT64 && d != ~PAT64)
            return report(9, d);
        if (w != 0 && w != PAT32 && w != (uint32_t)~PAT32)
            return report(10, w);
        if (hw != 0 && hw != PAT16 && hw != (uint16_t)~PAT16)
            return report(11, hw);
    }
}

/* Hart 1 publishes round i in four data words then the flag; the others check. */
static void message_passing(unsigned hart)
{
    if (hart == 1) {
        for (uint64_t i = 1; i <= MP_ROUNDS; i++) {
            for (int k = 0; k < 4; k++)
                WRITE_ONCE(mp.data[k][0], i);
            __asm__ volatile("fence w, w" ::: "memory");
            WRITE_ONCE(mp.flag, i);
        }
        return;
    }
    uint64_t t0 = mtime(), f = 0;
    while (f < MP_ROUNDS) {
        f = READ_ONCE(mp.flag);
        __asm__ volatile("fence r, r" ::: "memory");
        for (int k = 0; k < 4; k++)
            if (READ_ONCE(mp.data[k][0]) < f)
                return report(12, f);
        if (mtime() - t0 > TIMEOUT_TICKS)
            return report(13, f);
    }
}

static struct {
    uint64_t x __attribute__((aligned(64)));
    uint64_t y __attribute__((aligned(64)));
    uint64_t r[2] __attribute__((aligned(64)));
    uint32_t arrive[2][16] __attribute__((aligned(64))); /* one line each */
} sb __attribute__((aligned(64)));

/* Harts 0 and 1 meet: each publishes its step n and waits for the other's. */
static int sb_sync(unsigned me, uint32_t n)
{
    __asm__ volatile("fence rw, w" ::: "memory");
    WRITE_ONCE(sb.arrive[me][0], n);
    uint64_t t0 = mtime();
    /* mtime (a device read) only now and then: the harts must leave together */
    for (unsigned spins = 0; READ_ONCE(sb.arrive[!me][0]) < n;)
        if (++spins % 4096 == 0 && mtime() - t0 > TIMEOUT_TICKS)
            return -1;
    __asm__ volatile("fence r, rw" ::: "memory");
    return 0;
}

/* Returns the number of rounds in which both harts read 0, or -1 on a timeout. */
static long store_buffering(unsigned me)
{
    uint64_t *mine = me ? &sb.y : &sb.x, *other = me ? &sb.x : &sb.y;
    long both_zero = 0;
    for (uint32_t i = 1; i <= SB_ROUNDS; i++) {
        if (sb_sync(me, 3 * i - 2) < 0)
            return -1;
        WRITE_ONCE(*mine, 1);
        __asm__ volatile("fence rw, rw" ::: "memory");
        WRITE_ONCE(sb.r[me], READ_ONCE(*other));
        if (sb_sync(me, 3 * i - 1) < 0)
            return -1;
        if (me == 0) {
            if (sb.r[0] == 0 && sb.r[1] == 0)
                both_zero++;
            WRITE_ONCE(sb.x, 0);
            WRITE_ONCE(sb.y, 0);
        }
        if (sb_sync(me, 3 * i) < 0)
            return -1;
    }
    return both_zero;
}

int main(unsigned long hart)
{
    if (hart >= NHARTS)
        fail(2, "a hart beyond NHARTS started", hart);
    amoadd_w(&arrived, 1);
    counting((unsigned)hart);
    amoadd_w(&done_counting, 1);
    if (hart == 0) {
        wait_eq(&done_counting, NHARTS, 2, "harts done counting");
        uint64_t n = (uint64_t)NHARTS * ITERS, steps = (uint64_t)NHARTS * (NHARTS + 1) / 2;
        if (arrived != NHARTS)
            fail(2, "harts arrived", arrived);
        if (cnt.amo_w != (uint32_t)n)
            fail(3, "amoadd.w total", cnt.amo_w);
        if (cnt.amo_d != (n << 32) + n)
            fail(4, "amoadd.d total", cnt.amo_d);
        if (cnt.lrsc_w != (uint32_t)n)
            fail(5, "lr.w/sc.w total", cnt.lrsc_w);
        if (cnt.lrsc_d != steps * ITERS)
            fail(6, "lr.d/sc.d total", cnt.lrsc_d);
        if (cnt.locked != n)
            fail(7, "spinlocked plain counter", cnt.locked);
        if (cnt.lock != 0)
            fail(8, "spinlock word", cnt.lock);
        uart_puts("counters: exact\n");
    }
    if (NHARTS < 2) {
        uart_puts("smp counters: all passed\n");
        finish(0);
    }
    tearing((unsigned)hart);
    amoadd_w(&done_tearing, 1);
    message_passing((unsigned)hart);
    amoadd_w(&done_mp, 1);
    long sb_bad = hart <= 1 ? store_buffering((unsigned)hart) : 0;
    if (hart != 0)
        park();
    wait_eq(&done_mp, NHARTS, 13, "harts done with tearing and message passing");
    if (sb_bad < 0)
        fail(13, "timeout in the store-buffering rounds", 0);
    if (sb_bad > 0)
        fail(14, "store buffering: both harts read 0 despite fence rw,rw, rounds", sb_bad);
    if (bad_code == 9 || bad_code == 10 || bad_code == 11)
        fail(bad_code, "torn read of an aligned store", bad_seen_lo);
    if (bad_code == 12)
        fail(12, "message passing: data older than the flag, at flag", bad_seen_lo);
    if (bad_code)
        fail(bad_code, "timeout in message passing, flag", bad_seen_lo);
    uart_puts("smp counters: all passed\n");
    finish(0);
}
