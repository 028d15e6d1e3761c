/*
 * A misbehaving guest: random reads and writes of every size, at random offsets and with
 * random values, to every device of the virt board except the test finisher (and the
 * virtio slots, whatever they hold). rvisor must neither crash nor hang: devices log and
 * ignore misuse or refuse it with an access fault, which the trap handler skips. At the
 * end the program reports how many accesses faulted and exits through the finisher.
 * Seeded from the command line? No: a fixed seed per build (-DSEED=n) keeps runs repeatable.
 */
#include <stdint.h>

#ifndef SEED
#define SEED 0x9e3779b97f4a7c15ull
#endif
#ifndef ROUNDS
#define ROUNDS 200000
#endif

struct region {
    uint64_t base, size;
};

static const struct region regions[] = {
    {0x00101000, 0x1000},   /* goldfish RTC */
    {0x02000000, 0x10000},  /* CLINT */
    {0x02f00000, 0x4000},   /* SSWI */
    {0x0c000000, 0x4000},   /* PLIC priorities, pending, enables */
    {0x0c200000, 0x4000},   /* PLIC contexts: threshold, claim/complete */
    {0x10000000, 0x100},    /* UART */
    {0x10001000, 0x8000},   /* virtio-mmio slots */
    {0x00000000, 0x1000},   /* nothing mapped: access faults */
    {0x40000000, 0x1000},   /* nothing mapped */
};

volatile uint64_t faults;

void trap_entry(void);
__asm__(".align 4\n"
        "trap_entry:\n"
        "  csrw mscratch, t0\n"
        "  csrr t0, mepc\n"
        "  sd t1, -8(sp)\n"
        "  lhu t1, 0(t0)\n"
        "  andi t1, t1, 3\n"
        "  addi t0, t0, 2\n"
        "  addi t1, t1, -3\n"
        "  bnez t1, 1f\n"
        "  addi t0, t0, 2\n"
        "1: csrw mepc, t0\n"
        "  la t0, faults\n"
        "  ld t1, 0(t0)\n"
        "  addi t1, t1, 1\n"
        "  sd t1, 0(t0)\n"
        "  ld t1, -8(sp)\n"
        "  csrr t0, mscratch\n"
        "  mret\n");

static uint64_t rng_state = SEED;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void access(uint64_t addr, unsigned size, int write, uint64_t v)
{
    volatile void *p = (volatile void *)addr;
    switch (size | (write << 4)) {
    case 0x01: (void)*(volatile uint8_t *)p; break;
    case 0x02: (void)*(volatile uint16_t *)p; break;
    case 0x04: (void)*(volatile uint32_t *)p; break;
    case 0x08: (void)*(volatile uint64_t *)p; break;
    case 0x11: *(volatile uint8_t *)p = (uint8_t)v; break;
    case 0x12: *(volatile uint16_t *)p = (uint16_t)v; break;
    case 0x14: *(volatile uint32_t *)p = (uint32_t)v; break;
    case 0x18: *(volatile uint64_t *)p = v; break;
    }
}

static void uart_puts(const char *s)
{
    volatile uint8_t *thr = (volatile uint8_t *)0x10000000;
    while (*s)
        *thr = (uint8_t)*s++;
}

static void uart_put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        uart_puts((char[]){buf[--n], 0});
}

/* Put the UART back in a state where it prints (the fuzzing scrambled LCR, MCR, FCR). */
static void uart_sane(void)
{
    volatile uint8_t *u = (volatile uint8_t *)0x10000000;
    u[3] = 0x03; /* LCR: 8N1, DLAB off */
    u[4] = 0x00; /* MCR: no loopback */
    u[1] = 0x00; /* IER */
}

int main(void)
{
    __asm__ volatile("csrw mtvec, %0" ::"r"(trap_entry));
    __asm__ volatile("csrw mie, zero");
    unsigned n = sizeof(regions) / sizeof(regions[0]);
    for (unsigned i = 0; i < ROUNDS; i++) {
        const struct region *r = &regions[rnd() % n];
        unsigned size = 1u << (rnd() % 4);
        uint64_t off = (rnd() % r->size) & ~(uint64_t)(size - 1);
        if (rnd() % 16 == 0)
            off |= 1; /* misaligned now and then */
        access(r->base + off, size, (int)(rnd() & 1), rnd());
    }
    uart_sane();
    uart_puts("devfuzz: done, faults ");
    uart_put_dec(faults);
    uart_puts("\n");
    return 0;
}
