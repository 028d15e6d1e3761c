/*
 * Helpers of the bare-metal SMP tests (M-mode, rvisor -bios none -smp NHARTS on the virt
 * board): the finisher, the UART, mtime, the ACLINT, atomics written as the instructions
 * themselves (inline assembly, so the compiler cannot pick others) and a barrier.
 * NHARTS is given on the compiler command line and must match -smp.
 */
#ifndef SMP_H
#define SMP_H

#include <stdint.h>

#ifndef NHARTS
#error "build with -DNHARTS=N (the -smp value)"
#endif

#define FINISHER        0x100000ul
#define UART            0x10000000ul
#define ACLINT_MSIP(h)  (0x2000000ul + 4 * (h))
#define ACLINT_MTIME    0x200bff8ul
#define SSWI_SETSSIP(h) (0x2f00000ul + 4 * (h))

#define MIP_SSIP    (1ul << 1)
#define MIP_MSIP    (1ul << 3)
#define MIP_SEIP    (1ul << 9)
#define MSTATUS_MIE (1ul << 3)

#define TICKS_PER_SEC 10000000ul
#define TIMEOUT_TICKS (30 * TICKS_PER_SEC) /* any single wait; far beyond a healthy run */

#define MMIO32(a)        (*(volatile uint32_t *)(uintptr_t)(a))
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

static inline void uart_puts(const char *s)
{
    for (; *s; s++)
        *(volatile uint8_t *)UART = (uint8_t)*s;
}

static inline void uart_hex(unsigned long v)
{
    char b[19] = "0x";
    for (int i = 0; i < 16; i++)
        b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    b[18] = 0;
    uart_puts(b);
}

static inline void uart_dec(unsigned long v)
{
    char b[21];
    int i = 20;
    b[i] = 0;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    uart_puts(&b[i]);
}

/* End the run: status 0, or `code` (the finisher's (code << 16) | 0x3333). */
static inline __attribute__((noreturn)) void finish(unsigned code)
{
    MMIO32(FINISHER) = code ? (code << 16) | 0x3333 : 0x5555;
    for (;;)
        __asm__ volatile("wfi");
}

/* A failed check: say which and what was seen, then exit with `code`. */
static inline __attribute__((noreturn)) void fail(unsigned code, const char *what,
                                                  unsigned long seen)
{
    uart_puts("FAIL: ");
    uart_puts(what);
    uart_puts(": ");
    uart_hex(seen);
    uart_puts("\n");
    finish(code);
}

static inline uint64_t mtime(void)
{
    return *(volatile uint64_t *)ACLINT_MTIME;
}

/* Park this hart for good: nothing enabled, so WFI never returns (rvisor parks it). */
static inline __attribute__((noreturn)) void park(void)
{
    csr_write(mie, 0);
    for (;;)
        __asm__ volatile("wfi");
}

static inline uint32_t amoadd_w(uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoadd.w.aqrl %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

static inline uint64_t amoadd_d(uint64_t *p, uint64_t v)
{
    uint64_t old;
    __asm__ volatile("amoadd.d.aqrl %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

static inline uint32_t amoswap_w(uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoswap.w.aqrl %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

/* Wait until *p == want; fail with `code` after TIMEOUT_TICKS. */
static inline void wait_eq(volatile uint32_t *p, uint32_t want, unsigned code, const char *what)
{
    uint64_t t0 = mtime();
    while (*p != want)
        if (mtime() - t0 > TIMEOUT_TICKS)
            fail(code, what, *p);
    __asm__ volatile("fence r, rw" ::: "memory");
}

/* All NHARTS harts meet here (counter: a zeroed word used for this barrier only). */
static inline void barrier_once(uint32_t *counter, unsigned code)
{
    amoadd_w(counter, 1);
    wait_eq(counter, NHARTS, code, "harts reaching a barrier (-smp and NHARTS differ?)");
}

#endif
