/* Grading test guest: executes an illegal instruction (no trap handler: a fault). */
#include "uart.h"
int main(void)
{
    uart_puts("before\n");
    __asm__ volatile(".word 0x00000000");
    uart_puts("after\n");
    return 0;
}
