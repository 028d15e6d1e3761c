/* Grading test guest: loads through a wild pointer (a load access fault, no handler). */
#include "uart.h"
int main(void)
{
    volatile long *p = (volatile long *)0x40000000;
    uart_puts("before\n");
    long v = *p;
    uart_putdec(v);
    return 0;
}
