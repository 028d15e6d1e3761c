/*
 * An S-mode guest for rvisor's built-in SBI (SBI spec v2.0): it calls every function
 * rvisor implements, checks the error codes and values, prints through DBCN and the legacy
 * console, starts and stops a second hart through HSM, takes an SBI timer interrupt and a
 * software interrupt (IPI) to itself, and finally shuts down through SRST. Entered in
 * S-mode at 0x80200000 with a0 = hart id, a1 = DTB, like a kernel.
 */
#include <stdint.h>

struct sbiret {
    long error;
    long value;
};

static struct sbiret sbi(long ext, long fid, long a0, long a1, long a2)
{
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r2 __asm__("a2") = a2;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){r0, r1};
}

#define EXT_BASE 0x10
#define EXT_TIME 0x54494d45
#define EXT_IPI 0x735049
#define EXT_RFENCE 0x52464e43
#define EXT_HSM 0x48534d
#define EXT_SRST 0x53525354
#define EXT_DBCN 0x4442434e

static int failures;
static volatile int hart1_ran;
static volatile int irq_seen;

static void say(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    sbi(EXT_DBCN, 0, (long)n, (long)(uintptr_t)s, 0);
}

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        say("FAIL: ");
    } else {
        say("ok: ");
    }
    say(what);
    say("\n");
}

void secondary_entry(void);
__asm__(".align 2\n"
        "secondary_entry:\n"
        "  la sp, stack1_top\n"
        "  call secondary_main\n"
        "1: j 1b\n");

char stack1[4096] __attribute__((aligned(16)));
__asm__(".globl stack1_top\n.set stack1_top, stack1 + 4096\n");

void secondary_main(long hartid, long opaque)
{
    if (hartid == 1 && opaque == 0x1234)
        hart1_ran = 1;
    sbi(EXT_HSM, 1, 0, 0, 0); /* hart_stop: never returns */
}

void strap(void);
__asm__(".align 2\n"
        "strap:\n"
        "  addi sp, sp, -16\n"
        "  sd t0, 0(sp)\n"
        "  sd t1, 8(sp)\n"
        "  csrr t0, scause\n"
        "  bgez t0, 1f\n"             /* exceptions: not expected */
        "  la t1, irq_seen\n"
        "  andi t0, t0, 0xff\n"
        "  sw t0, 0(t1)\n"
        "  li t1, 0x22\n"            /* STIE | SSIE off again */
        "  csrc sie, t1\n"
        "  li t1, 2\n"
        "  csrc sip, t1\n"
        "1: ld t0, 0(sp)\n"
        "  ld t1, 8(sp)\n"
        "  addi sp, sp, 16\n"
        "  sret\n");

static long now(void)
{
    long t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

int main(long hartid)
{
    struct sbiret r;
    __asm__ volatile("csrw stvec, %0" ::"r"(strap));

    r = sbi(EXT_BASE, 0, 0, 0, 0);
    check(r.error == 0 && r.value == 0x02000000, "BASE spec version 2.0");
    r = sbi(EXT_BASE, 3, EXT_HSM, 0, 0);
    check(r.error == 0 && r.value == 1, "BASE probe HSM");
    r = sbi(EXT_BASE, 3, 0x12345678, 0, 0);
    check(r.error == 0 && r.value == 0, "BASE probe unknown extension = 0");
    r = sbi(0x0a000000, 0, 0, 0, 0);
    check(r.error == -2, "unknown extension: NOT_SUPPORTED");

    sbi(1, 0, 'L', 0, 0); /* legacy console_putchar */
    sbi(1, 0, '\n', 0, 0);
    r = sbi(EXT_DBCN, 2, 'D', 0, 0);
    sbi(EXT_DBCN, 2, '\n', 0, 0);
    check(r.error == 0, "DBCN write_byte");
    r = sbi(EXT_DBCN, 0, 4, 0x1000, 0); /* not RAM */
    check(r.error == -3, "DBCN write from a bad address: INVALID_PARAM");

    r = sbi(EXT_HSM, 2, 1, 0, 0);
    check(r.error == 0 && r.value == 1, "HSM hart 1 starts STOPPED");
    r = sbi(EXT_HSM, 2, 7, 0, 0);
    check(r.error == -3, "HSM status of a missing hart: INVALID_PARAM");
    r = sbi(EXT_HSM, 0, 1, (long)(uintptr_t)secondary_entry, 0x1234);
    check(r.error == 0, "HSM hart_start hart 1");
    r = sbi(EXT_HSM, 0, 1, (long)(uintptr_t)secondary_entry, 0x1234);
    check(r.error == -6 || r.error == 0, "HSM second hart_start: ALREADY_AVAILABLE (or stopped again)");
    for (long t0 = now(); !hart1_ran && now() - t0 < 50000000;)
        ;
    check(hart1_ran, "hart 1 ran with a0 = hart id, a1 = opaque");
    for (long t0 = now(); sbi(EXT_HSM, 2, 1, 0, 0).value != 1 && now() - t0 < 50000000;)
        ;
    check(sbi(EXT_HSM, 2, 1, 0, 0).value == 1, "hart 1 stopped itself");

    r = sbi(EXT_RFENCE, 1, 3, 0, 0); /* remote sfence.vma on harts 0 and 1 */
    check(r.error == 0, "RFENCE remote_sfence_vma");
    r = sbi(EXT_RFENCE, 0, 1, 40, 0); /* hart_mask_base beyond the harts */
    check(r.error == -3, "RFENCE with a bad hart mask: INVALID_PARAM");

    irq_seen = 0;
    __asm__ volatile("csrs sie, %0; csrsi sstatus, 2" ::"r"(1L << 5));
    r = sbi(EXT_TIME, 0, now() + 10000, 0, 0);
    for (long t0 = now(); !irq_seen && now() - t0 < 50000000;)
        ;
    check(r.error == 0 && irq_seen == 5, "TIME set_timer: supervisor timer interrupt");

    irq_seen = 0;
    __asm__ volatile("csrs sie, %0" ::"r"(1L << 1));
    r = sbi(EXT_IPI, 0, 1, 0, 0);
    for (long t0 = now(); !irq_seen && now() - t0 < 50000000;)
        ;
    check(r.error == 0 && irq_seen == 1, "IPI send_ipi to self: supervisor software interrupt");
    __asm__ volatile("csrci sstatus, 2");

    r = sbi(EXT_SRST, 0, 5, 0, 0);
    check(r.error == -3, "SRST bad reset type: INVALID_PARAM");
    say(failures ? "sbi: FAILED\n" : "sbi: all passed\n");
    sbi(EXT_SRST, 0, 0, failures ? 1 : 0, 0); /* shutdown; reason 1 = system failure */
    return 1;
}
