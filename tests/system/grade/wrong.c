/* Grading test guest: a submission with bugs (32-bit fib, no reverse, exit code 3). */
#include "uart.h"
int main(void)
{
    int a = 0, b = 1;
    for (int i = 0; i < 50; i++) {
        int t = a + b;
        a = b;
        b = t;
    }
    uart_puts("fib(10) = 55\nfib(50) = ");
    uart_putdec(a);
    uart_puts("\nreverse(riscv) = riscv\nname? ");
    while (uart_getc() != '\n')
        ;
    uart_puts("hello, Ada!\n");
    return 3;
}
