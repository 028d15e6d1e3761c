/* Grading test guest: prints forever (the console cap must hold). */
#include "uart.h"
int main(void)
{
    for (;;)
        uart_puts("flood flood flood flood flood flood flood flood flood flood\n");
    return 0;
}
