/*
 * Assignment 1 (a student's submission): bare-metal RISC-V.
 *   1. fib(n): the n-th Fibonacci number.
 *   2. reverse(s): reverse a string in place.
 *   3. Read a name from the console and greet it.
 * main's return value is the exit code (0: success).
 */
#include "uart.h"

long fib(int n)
{
    long a = 0, b = 1;
    for (int i = 0; i < n; i++) {
        long t = a + b;
        a = b;
        b = t;
    }
    return a;
}

void reverse(char *s)
{
    int n = 0;
    while (s[n])
        n++;
    for (int i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
}

int main(void)
{
    char word[] = "riscv";
    char name[64];
    int n = 0;

    uart_puts("fib(10) = ");
    uart_putdec(fib(10));
    uart_puts("\nfib(50) = ");
    uart_putdec(fib(50));
    reverse(word);
    uart_puts("\nreverse(riscv) = ");
    uart_puts(word);
    uart_puts("\nname? ");
    for (char c; (c = uart_getc()) != '\n' && c != '\r';)
        if (n < (int)sizeof(name) - 1)
            name[n++] = c;
    name[n] = 0;
    uart_puts("hello, ");
    uart_puts(name);
    uart_puts("!\n");
    return 0;
}
