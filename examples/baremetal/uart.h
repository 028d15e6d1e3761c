/* Course runtime (given to students): the ns16550a UART of the virt board at 0x10000000. */
#ifndef COURSE_UART_H
#define COURSE_UART_H

#include <stdint.h>

#define UART_RBR ((volatile uint8_t *)0x10000000) /* receive (read) */
#define UART_THR ((volatile uint8_t *)0x10000000) /* transmit (write) */
#define UART_LSR ((volatile uint8_t *)0x10000005)
#define LSR_DR   0x01 /* a received byte is waiting */
#define LSR_THRE 0x20 /* room to transmit */

static inline void uart_putc(char c)
{
    while (!(*UART_LSR & LSR_THRE))
        ;
    *UART_THR = (uint8_t)c;
}

static inline void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static inline char uart_getc(void)
{
    while (!(*UART_LSR & LSR_DR))
        ;
    return (char)*UART_RBR;
}

static inline void uart_putdec(long v)
{
    char buf[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    if (v < 0)
        uart_putc('-');
    do {
        buf[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        uart_putc(buf[--n]);
}

#endif
