/*
 * rvisor's bare-metal demo: what the hart reports about itself, then a Mandelbrot set in
 * ASCII (double-precision FPU), a prime sieve (integer, memory) and the instruction count.
 * It talks to the ns16550a UART at 0x10000000 directly; no firmware, no libc.
 */
#include <stdint.h>

#define UART_THR ((volatile uint8_t *)0x10000000)
#define UART_LSR ((volatile uint8_t *)0x10000005)
#define LSR_THRE 0x20

static void putc_uart(char c)
{
    while (!(*UART_LSR & LSR_THRE))
        ;
    *UART_THR = (uint8_t)c;
}

static void puts_uart(const char *s)
{
    while (*s)
        putc_uart(*s++);
}

static void put_dec(uint64_t v)
{
    char buf[21];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc_uart(buf[--n]);
}

static uint64_t csr_misa(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, misa" : "=r"(v));
    return v;
}

static uint64_t csr_instret(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, minstret" : "=r"(v));
    return v;
}

static void mandelbrot(void)
{
    static const char shades[] = " .:-=+*#%@";
    for (int y = 0; y < 22; y++) {
        for (int x = 0; x < 72; x++) {
            double cr = -2.2 + x * (3.2 / 72), ci = -1.2 + y * (2.4 / 22);
            double zr = 0, zi = 0;
            int i = 0;
            while (i < 90 && zr * zr + zi * zi < 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                i++;
            }
            putc_uart(shades[i >= 90 ? 9 : i % 9]);
        }
        putc_uart('\n');
    }
}

static uint8_t sieve[100000];

static unsigned count_primes(unsigned n)
{
    unsigned count = 0;
    for (unsigned i = 2; i < n; i++) {
        if (sieve[i])
            continue;
        count++;
        for (unsigned j = i * 2; j < n; j += i)
            sieve[j] = 1;
    }
    return count;
}

int main(void)
{
    uint64_t misa = csr_misa();
    puts_uart("rvisor bare-metal demo\nhart 0, ISA rv64");
    for (int b = 0; b < 26; b++)
        if (misa & (1ull << b))
            putc_uart((char)('a' + b));
    puts_uart("\n\n");
    mandelbrot();
    puts_uart("\nprimes below 100000: ");
    put_dec(count_primes(100000));
    puts_uart("\ninstructions retired: ");
    put_dec(csr_instret());
    puts_uart("\nbye\n");
    return 0;
}
