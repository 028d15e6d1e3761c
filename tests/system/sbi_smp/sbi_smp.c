/*
 * An S-mode guest for the SMP side of an SBI implementation (SBI spec v2.0: HSM, IPI,
 * RFENCE), run with -smp NHARTS under rvisor's built-in SBI, where only the boot hart
 * starts. The boot hart:
 *   1. hart_get_status: itself STARTED, every other hart STOPPED, bad ids INVALID_PARAM;
 *      hart_start with a bad id / a running hart / a non-RAM address fails as specified.
 *   2. hart_start of every other hart (entry, opaque): each checks a0 = hart id,
 *      a1 = opaque, satp = 0, sstatus.SIE = 0, counts itself and calls hart_stop; the
 *      boot hart polls hart_get_status until all are STOPPED. Twice.
 *   3. hart_suspend with reserved or unimplemented types: INVALID_PARAM; non-retentive
 *      with a non-RAM resume address: INVALID_ADDRESS.
 *   4. Retentive suspend (type 0): the others suspend with sie.SSIE set and
 *      sstatus.SIE clear; hart_get_status says SUSPENDED; sbi_send_ipi (hart_mask) wakes
 *      them, the call returns SUCCESS and sip.SSIP is pending; status STARTED again.
 *   5. Non-retentive suspend (0x80000000): woken by an IPI to all harts (hart_mask_base
 *      = -1, which includes the boot hart itself), they restart at the resume address
 *      with a0 = hart id, a1 = opaque, satp = 0, sstatus.SIE = 0.
 *   6. IPI and RFENCE with invalid hart masks: INVALID_PARAM; the hypervisor fences on
 *      a machine without the H extension: NOT_SUPPORTED.
 *   7. Remote fences that must really reach the other hart: hart 1 runs with Sv39 on,
 *      reading a page through a 4 KiB mapping and calling code in RAM; the boot hart
 *      changes the PTE and rewrites the code, then calls remote_sfence_vma (a range,
 *      then the _asid form on the whole space) and remote_fence_i for hart 1 only. Hart 1
 *      executes no fence of its own, so it sees the new page and the new code only if
 *      the remote fences flushed its TLB and its cached instructions.
 * Then SRST shutdown: reason 0 if every check passed, else 1 (system failure).
 * Output through DBCN: "ok: ..." / "FAIL: ..." lines and "sbi_smp: all passed".
 */
#include <stdint.h>

#ifndef NHARTS
#error "build with -DNHARTS=N (the -smp value)"
#endif

struct sbiret {
    long error;
    long value;
};

static struct sbiret sbi(long ext, long fid, long a0, long a1, long a2, long a3, long a4)
{
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r2 __asm__("a2") = a2;
    register long r3 __asm__("a3") = a3;
    register long r4 __asm__("a4") = a4;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r0), "+r"(r1)
                     : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7)
                     : "memory");
    return (struct sbiret){r0, r1};
}

#define EXT_BASE   0x10
#define EXT_IPI    0x735049
#define EXT_RFENCE 0x52464e43
#define EXT_HSM    0x48534d
#define EXT_SRST   0x53525354
#define EXT_DBCN   0x4442434e

enum { HSM_START = 0, HSM_STOP = 1, HSM_STATUS = 2, HSM_SUSPEND = 3 };
enum {
    STARTED = 0,
    STOPPED = 1,
    START_PENDING = 2,
    STOP_PENDING = 3,
    SUSPENDED = 4,
    SUSPEND_PENDING = 5,
    RESUME_PENDING = 6
};
#define ERR_NOT_SUPPORTED     (-2)
#define ERR_INVALID_PARAM     (-3)
#define ERR_INVALID_ADDRESS   (-5)
#define ERR_ALREADY_AVAILABLE (-6)

#define SUSPEND_RETENTIVE     0x00000000l
#define SUSPEND_NON_RETENTIVE 0x80000000l

#define SSTATUS_SIE 2ul
#define SIP_SSIP    2ul
#define SECOND      10000000l /* time ticks: the virt board's 10 MHz timebase */
#define NOT_RAM     0x1000l   /* the boot ROM area of the virt board: no RAM there */

#define READ_ONCE(x)     (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define csr_read(csr)                                                                              \
    ({                                                                                             \
        unsigned long v_;                                                                          \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((unsigned long)(v)))
#define csr_set(csr, v)   __asm__ volatile("csrs " #csr ", %0" ::"r"((unsigned long)(v)))
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"r"((unsigned long)(v)))

void secondary_entry(void); /* start.S */
void resume_entry(void);

static int failures;
static unsigned long boot;

/* Shared with the other harts. */
static uint32_t phase;
static uint32_t count_started, count_suspending, count_resumed, count_nonret;
static uint32_t entry_bad[NHARTS]; /* 3: a0/a1, 4: satp, 8: SIE, 16: no SSIP on resume */
static long suspend_ret[NHARTS];
static uint64_t opaque_base;
uint64_t secondary_trap_cause; /* start.S: scause of an unexpected trap on another hart */

static void amoadd(uint32_t *p, uint32_t v)
{
    __asm__ volatile("amoadd.w.aqrl zero, %1, %0" : "+A"(*p) : "r"(v) : "memory");
}

static long now(void)
{
    long t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static void say(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    sbi(EXT_DBCN, 0, (long)n, (long)(uintptr_t)s, 0, 0, 0);
}

static void say_num(long v)
{
    char b[24];
    int i = 23;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    b[i] = 0;
    do
        b[--i] = (char)('0' + u % 10);
    while ((u /= 10) && i > 1);
    if (v < 0)
        b[--i] = '-';
    say(&b[i]);
}

static int check(int ok, const char *what)
{
    if (!ok)
        failures++;
    say(ok ? "ok: " : "FAIL: ");
    say(what);
    say("\n");
    return ok;
}

/* A check on an SBI error code: on failure, say what came back. */
static void check_err(struct sbiret r, long want, const char *what)
{
    if (!check(r.error == want, what)) {
        say("    error = ");
        say_num(r.error);
        say(", wanted ");
        say_num(want);
        say("\n");
    }
}

static int wait_count(uint32_t *p, uint32_t want, long ticks)
{
    for (long t0 = now(); READ_ONCE(*p) != want && now() - t0 < ticks;)
        ;
    __asm__ volatile("fence r, rw" ::: "memory");
    return READ_ONCE(*p) == want;
}

static long hart_status(unsigned long h)
{
    return sbi(EXT_HSM, HSM_STATUS, (long)h, 0, 0, 0, 0).value;
}

/* Poll until every other hart has hart_get_status == want; false on a timeout. */
static int wait_status(long want, long ticks)
{
    long t0 = now();
    for (unsigned long h = 0; h < NHARTS; h++)
        while (h != boot && hart_status(h) != want)
            if (now() - t0 > ticks)
                return 0;
    return 1;
}

static unsigned long others_mask(void)
{
    return ((1ul << NHARTS) - 1) & ~(1ul << boot);
}

/* ---- the other harts ---- */

/* opaque = base + hart id, so a0 and a1 are checked against each other. */
static void entry_checks(unsigned long hartid, unsigned long opaque, unsigned long satp,
                         unsigned long sstatus, unsigned long base)
{
    unsigned bad = 0;
    unsigned long slot = opaque - base;
    if (slot >= NHARTS || slot == boot)
        slot = hartid < NHARTS ? hartid : 0; /* a1 is wrong: report it somewhere */
    if (opaque - base != hartid)
        bad |= 3;
    if (satp != 0)
        bad |= 4;
    if (sstatus & SSTATUS_SIE)
        bad |= 8;
    __atomic_fetch_or(&entry_bad[slot], bad, __ATOMIC_SEQ_CST);
}

/* Phase 7, hart 1: read the test page and call the test code; no fences of its own. */
#define VA_TEST 0x40000000ul
static uint64_t *const va_test = (uint64_t *)VA_TEST;
static uint32_t fence_round, fence_ack;
static uint64_t seen_data[4];
static long seen_code[4];
static uint32_t code_buf[1024] __attribute__((aligned(4096)));
static uint64_t root_pt[512] __attribute__((aligned(4096)));
static uint64_t l1_pt[512] __attribute__((aligned(4096)));
static uint64_t l0_pt[512] __attribute__((aligned(4096)));
static uint64_t page_a[512] __attribute__((aligned(4096)));
static uint64_t page_b[512] __attribute__((aligned(4096)));
#define TEST_ASID 7ul

static void fence_worker(void)
{
    csr_write(satp, (8ul << 60) | (TEST_ASID << 44) | ((uintptr_t)root_pt >> 12));
    __asm__ volatile("sfence.vma\n fence.i" ::: "memory");
    for (uint32_t r = 1; r <= 3; r++) {
        while (READ_ONCE(fence_round) != r)
            ;
        /* warm the TLB and the instruction caches, as a busy kernel would */
        uint64_t d = 0;
        long c = 0;
        for (int i = 0; i < 100; i++) {
            d = READ_ONCE(*va_test);
            c = ((long (*)(void))(uintptr_t)code_buf)();
        }
        seen_data[r] = d;
        seen_code[r] = c;
        __asm__ volatile("fence rw, w" ::: "memory");
        WRITE_ONCE(fence_ack, r);
    }
    csr_write(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
}

/* After the entry checks: what phase the boot hart has asked for. */
static void secondary_work(unsigned long hartid)
{
    switch (READ_ONCE(phase)) {
    case 2: /* started, counted: stop */ break;
    case 4: { /* retentive suspend, woken by an IPI */
        csr_clear(sstatus, SSTATUS_SIE);
        csr_set(sie, SIP_SSIP);
        amoadd(&count_suspending, 1);
        struct sbiret r = sbi(EXT_HSM, HSM_SUSPEND, SUSPEND_RETENTIVE, 0, 0, 0, 0);
        suspend_ret[hartid] = r.error;
        if (!(csr_read(sip) & SIP_SSIP))
            entry_bad[hartid] |= 16;
        csr_clear(sip, SIP_SSIP);
        amoadd(&count_resumed, 1);
        /* non-retentive now: the IPI that wakes it is sent once every hart is in */
        csr_set(sie, SIP_SSIP);
        amoadd(&count_suspending, 1);
        r = sbi(EXT_HSM, HSM_SUSPEND, SUSPEND_NON_RETENTIVE, (long)(uintptr_t)resume_entry,
                (long)(opaque_base + 0x100 + hartid), 0, 0);
        suspend_ret[hartid] = r.error ? r.error : 1; /* it must not return */
        break;
    }
    default: break;
    }
    sbi(EXT_HSM, HSM_STOP, 0, 0, 0, 0, 0);
}

void secondary_main(unsigned long hartid, unsigned long opaque, unsigned long satp,
                    unsigned long sstatus)
{
    entry_checks(hartid, opaque, satp, sstatus, opaque_base);
    amoadd(&count_started, 1);
    secondary_work(hartid);
}

void resume_main(unsigned long hartid, unsigned long opaque, unsigned long satp,
                 unsigned long sstatus)
{
    entry_checks(hartid, opaque, satp, sstatus, opaque_base + 0x100);
    csr_clear(sip, SIP_SSIP);
    amoadd(&count_nonret, 1);
    if (hartid == 1 && READ_ONCE(phase) == 7)
        fence_worker();
    sbi(EXT_HSM, HSM_STOP, 0, 0, 0, 0, 0);
}

/* ---- the boot hart ---- */

static void start_others(uint64_t base)
{
    opaque_base = base;
    __asm__ volatile("fence rw, rw" ::: "memory");
    int all = 1;
    for (unsigned long h = 0; h < NHARTS; h++)
        if (h != boot)
            all &= sbi(EXT_HSM, HSM_START, (long)h, (long)(uintptr_t)secondary_entry,
                       (long)(base + h), 0, 0)
                       .error == 0;
    check(all, "hart_start of every other hart: SUCCESS");
}

static void check_entries(const char *what)
{
    unsigned bad = 0;
    for (unsigned long h = 0; h < NHARTS; h++)
        bad |= READ_ONCE(entry_bad[h]);
    if (!check(bad == 0, what)) {
        say("    problems (3: a0 or a1, 4: satp, 8: SIE, 16: no SSIP after resume): ");
        say_num(bad);
        say("\n");
    }
}

static void test_status_and_errors(void)
{
    int all = 1;
    for (unsigned long h = 0; h < NHARTS; h++)
        if (h != boot)
            all &= hart_status(h) == STOPPED;
    check(all, "hart_get_status: every other hart STOPPED at boot");
    struct sbiret r = sbi(EXT_HSM, HSM_STATUS, (long)boot, 0, 0, 0, 0);
    check(r.error == 0 && r.value == STARTED, "hart_get_status: the boot hart STARTED");
    check_err(sbi(EXT_HSM, HSM_STATUS, NHARTS, 0, 0, 0, 0), ERR_INVALID_PARAM,
              "hart_get_status of hart NHARTS: INVALID_PARAM");
    check_err(sbi(EXT_HSM, HSM_STATUS, -1, 0, 0, 0, 0), ERR_INVALID_PARAM,
              "hart_get_status of hart -1: INVALID_PARAM");
    check_err(sbi(EXT_HSM, HSM_START, NHARTS, (long)(uintptr_t)secondary_entry, 0, 0, 0),
              ERR_INVALID_PARAM, "hart_start of hart NHARTS: INVALID_PARAM");
    check_err(sbi(EXT_HSM, HSM_START, (long)boot, (long)(uintptr_t)secondary_entry, 0, 0, 0),
              ERR_ALREADY_AVAILABLE, "hart_start of the running boot hart: ALREADY_AVAILABLE");
    unsigned long other = boot == 0 ? 1 : 0;
    check_err(sbi(EXT_HSM, HSM_START, (long)other, NOT_RAM, 0, 0, 0), ERR_INVALID_ADDRESS,
              "hart_start at an address with no RAM: INVALID_ADDRESS");
    check(hart_status(other) == STOPPED, "that hart is still STOPPED");
}

static void test_start_stop(int round)
{
    WRITE_ONCE(count_started, 0);
    WRITE_ONCE(phase, 2);
    start_others(round == 1 ? 0x5000 : 0x6000);
    check(wait_count(&count_started, NHARTS - 1, 5 * SECOND),
          round == 1 ? "every other hart ran from its start address (round 1)"
                     : "every other hart ran again after hart_stop (round 2)");
    check_entries("a0 = hart id, a1 = opaque, satp = 0, sstatus.SIE = 0 at the start");
    check(wait_status(STOPPED, 5 * SECOND), "hart_stop: hart_get_status says STOPPED");
}

static void test_suspend_errors(void)
{
    static const long bad_types[] = {0x00000001, 0x0fffffff, 0x10000000, 0x7fffffff,
                                     0x80000001, 0x8fffffff, 0x90000000, 0xffffffff};
    int all = 1;
    for (unsigned i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
        struct sbiret r =
            sbi(EXT_HSM, HSM_SUSPEND, bad_types[i], (long)(uintptr_t)resume_entry, 0, 0, 0);
        if (r.error != ERR_INVALID_PARAM) {
            all = 0;
            say("    suspend type ");
            say_num(bad_types[i]);
            say(": error ");
            say_num(r.error);
            say("\n");
        }
    }
    check(all, "hart_suspend with reserved / unimplemented types: INVALID_PARAM");
    check_err(sbi(EXT_HSM, HSM_SUSPEND, SUSPEND_NON_RETENTIVE, NOT_RAM, 0, 0, 0),
              ERR_INVALID_ADDRESS,
              "non-retentive hart_suspend to a non-RAM address: INVALID_ADDRESS");
}

static void test_suspend(void)
{
    WRITE_ONCE(count_started, 0);
    WRITE_ONCE(count_suspending, 0);
    WRITE_ONCE(count_resumed, 0);
    WRITE_ONCE(count_nonret, 0);
    for (unsigned long h = 0; h < NHARTS; h++)
        WRITE_ONCE(suspend_ret[h], 0);
    WRITE_ONCE(phase, 4);
    start_others(0x7000);
    check(wait_count(&count_suspending, NHARTS - 1, 5 * SECOND),
          "every other hart started and is suspending (retentive)");
    check(wait_status(SUSPENDED, 5 * SECOND),
          "retentive hart_suspend: hart_get_status says SUSPENDED");
    check(READ_ONCE(count_resumed) == 0, "no hart resumed before the IPI");
    check_err(sbi(EXT_IPI, 0, (long)others_mask(), 0, 0, 0, 0), 0,
              "send_ipi (hart_mask) to the suspended harts: SUCCESS");
    check(wait_count(&count_resumed, NHARTS - 1, 5 * SECOND), "the IPI woke every suspended hart");
    int all = 1;
    for (unsigned long h = 0; h < NHARTS; h++)
        if (h != boot)
            all &= READ_ONCE(suspend_ret[h]) == 0;
    check(all, "retentive hart_suspend returned SUCCESS after the wake-up");
    check_entries("sip.SSIP pending after the retentive resume");

    /* non-retentive */
    check(wait_count(&count_suspending, 2 * (NHARTS - 1), 5 * SECOND),
          "every other hart is suspending (non-retentive)");
    check(wait_status(SUSPENDED, 5 * SECOND),
          "non-retentive hart_suspend: hart_get_status says SUSPENDED");
    WRITE_ONCE(phase, 7); /* hart 1 goes on to the fence tests once it resumes */
    __asm__ volatile("fence rw, rw" ::: "memory");
    csr_clear(sie, SIP_SSIP);
    check_err(sbi(EXT_IPI, 0, 0, -1, 0, 0, 0), 0,
              "send_ipi to all harts (hart_mask_base = -1): SUCCESS");
    check(wait_count(&count_nonret, NHARTS - 1, 5 * SECOND),
          "the IPI resumed every hart at its resume address");
    check_entries(
        "a0 = hart id, a1 = opaque, satp = 0, sstatus.SIE = 0 after a non-retentive resume");
    all = 1;
    for (unsigned long h = 0; h < NHARTS; h++)
        if (h != boot)
            all &= READ_ONCE(suspend_ret[h]) == 0;
    check(all, "non-retentive hart_suspend did not return");
    check(csr_read(sip) & SIP_SSIP,
          "hart_mask_base = -1 included the calling hart (its SSIP is set)");
    csr_clear(sip, SIP_SSIP);
}

static void test_mask_errors(void)
{
    check_err(sbi(EXT_IPI, 0, 1, NHARTS, 0, 0, 0), ERR_INVALID_PARAM,
              "send_ipi with hart_mask_base = NHARTS: INVALID_PARAM");
    check_err(sbi(EXT_IPI, 0, 1l << NHARTS, 0, 0, 0, 0), ERR_INVALID_PARAM,
              "send_ipi naming hart NHARTS in hart_mask: INVALID_PARAM");
    check_err(sbi(EXT_RFENCE, 0, 1l << NHARTS, 0, 0, 0, 0), ERR_INVALID_PARAM,
              "remote_fence_i naming hart NHARTS: INVALID_PARAM");
    check_err(sbi(EXT_RFENCE, 1, 1, NHARTS, 0, 0, 0), ERR_INVALID_PARAM,
              "remote_sfence_vma with hart_mask_base = NHARTS: INVALID_PARAM");
    check_err(sbi(EXT_RFENCE, 2, 1l << NHARTS, 0, 0, 0, 1), ERR_INVALID_PARAM,
              "remote_sfence_vma_asid naming hart NHARTS: INVALID_PARAM");
    check_err(sbi(EXT_HSM, HSM_START, 1, (long)(uintptr_t)secondary_entry, 0, 0, 0),
              ERR_ALREADY_AVAILABLE, "hart_start of running hart 1: ALREADY_AVAILABLE");
    check_err(sbi(EXT_RFENCE, 0, (long)others_mask(), 0, 0, 0, 0), 0,
              "remote_fence_i to the other harts, some STOPPED: SUCCESS");
    check_err(sbi(EXT_RFENCE, 1, 0, -1, 0, 0, 0), 0,
              "remote_sfence_vma to all harts (hart_mask_base = -1): SUCCESS");
    int all = 1;
    for (long fid = 3; fid <= 6; fid++)
        all &= sbi(EXT_RFENCE, fid, 1, 0, 0, 0, 0).error == ERR_NOT_SUPPORTED;
    check(all, "remote_hfence_* without the H extension: NOT_SUPPORTED");
}

/* Sv39: VA 0x8000_0000 + 1 GiB identity (RWX gigapage), VA_TEST -> page_a or page_b. */
#define PTE_V 1ul
#define PTE_R 2ul
#define PTE_W 4ul
#define PTE_X 8ul
#define PTE_A 0x40ul
#define PTE_D 0x80ul
static uint64_t pte(const void *pa, uint64_t flags)
{
    return ((uintptr_t)pa >> 12) << 10 | flags;
}

static void set_code(long v) /* code_buf: li a0, v; ret */
{
    WRITE_ONCE(code_buf[0], 0x00000513u | ((uint32_t)v << 20));
    WRITE_ONCE(code_buf[1], 0x00008067u);
}

/* Before hart 1 can get to fence_worker(). */
static void setup_paging(void)
{
    for (int i = 0; i < 512; i++) {
        page_a[i] = 0xaaaa0000aaaa0000ull + i;
        page_b[i] = 0xbbbb0000bbbb0000ull + i;
    }
    root_pt[2] = pte((void *)0x80000000ul, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    root_pt[VA_TEST >> 30] = pte(l1_pt, PTE_V);
    l1_pt[(VA_TEST >> 21) & 511] = pte(l0_pt, PTE_V);
    l0_pt[(VA_TEST >> 12) & 511] = pte(page_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    set_code(1);
    __asm__ volatile("fence rw, rw\n fence.i" ::: "memory");
}

static void test_remote_fences(void)
{
    if (boot != 0 || NHARTS < 2) {
        check(0, "remote fence tests need the boot hart 0 and a hart 1");
        return;
    }
    /* round 1: page_a, code 1 */
    WRITE_ONCE(fence_round, 1);
    int ok = wait_count(&fence_ack, 1, 5 * SECOND);
    check(ok && seen_data[1] == page_a[0] && seen_code[1] == 1,
          "hart 1 runs with Sv39: reads the test page (A) and calls the code in RAM (1)");

    /* round 2: page_b, code 2; remote_sfence_vma on the page's range, remote_fence_i */
    WRITE_ONCE(l0_pt[(VA_TEST >> 12) & 511], pte(page_b, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
    set_code(2);
    __asm__ volatile("fence rw, rw" ::: "memory");
    check_err(sbi(EXT_RFENCE, 1, 1l << 1, 0, VA_TEST, 4096, 0), 0,
              "remote_sfence_vma(hart 1, the test page): SUCCESS");
    check_err(sbi(EXT_RFENCE, 0, 1l << 1, 0, 0, 0, 0), 0, "remote_fence_i(hart 1): SUCCESS");
    WRITE_ONCE(fence_round, 2);
    ok = wait_count(&fence_ack, 2, 5 * SECOND);
    check(ok && seen_data[2] == page_b[0],
          "after remote_sfence_vma hart 1 sees the new mapping (page B)");
    check(ok && seen_code[2] == 2, "after remote_fence_i hart 1 runs the new code (2)");

    /* round 3: back to page_a, code 3; the _asid form over the whole address space */
    WRITE_ONCE(l0_pt[(VA_TEST >> 12) & 511], pte(page_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
    set_code(3);
    __asm__ volatile("fence rw, rw" ::: "memory");
    check_err(sbi(EXT_RFENCE, 2, 1l << 1, 0, 0, -1, (long)TEST_ASID), 0,
              "remote_sfence_vma_asid(hart 1, all addresses, its ASID): SUCCESS");
    check_err(sbi(EXT_RFENCE, 0, 0, -1, 0, 0, 0), 0, "remote_fence_i(all harts): SUCCESS");
    __asm__ volatile("fence.i" ::: "memory");
    WRITE_ONCE(fence_round, 3);
    ok = wait_count(&fence_ack, 3, 5 * SECOND);
    check(ok && seen_data[3] == page_a[0],
          "after remote_sfence_vma_asid hart 1 sees the old mapping again (page A)");
    check(ok && seen_code[3] == 3, "after the second remote_fence_i hart 1 runs code 3");
    check(wait_status(STOPPED, 5 * SECOND), "every other hart STOPPED at the end");
    if (!check(READ_ONCE(secondary_trap_cause) == 0, "no unexpected trap on the other harts")) {
        say("    scause = ");
        say_num((long)secondary_trap_cause);
        say("\n");
    }
}

int main(unsigned long hartid)
{
    boot = hartid;
    check(boot < NHARTS, "the boot hart's id is below NHARTS");
    check(sbi(EXT_BASE, 3, EXT_HSM, 0, 0, 0, 0).value == 1 &&
              sbi(EXT_BASE, 3, EXT_IPI, 0, 0, 0, 0).value == 1 &&
              sbi(EXT_BASE, 3, EXT_RFENCE, 0, 0, 0, 0).value == 1,
          "BASE probe: HSM, IPI and RFENCE present");
    setup_paging();
    test_status_and_errors();
    test_start_stop(1);
    test_start_stop(2);
    test_suspend_errors();
    test_suspend();
    test_mask_errors();
    test_remote_fences();
    say(failures ? "sbi_smp: FAILED\n" : "sbi_smp: all passed\n");
    sbi(EXT_SRST, 0, 0, failures ? 1 : 0, 0, 0, 0);
    return 1;
}
