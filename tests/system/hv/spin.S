# A CPU-bound guest: counts forever (the scheduler tests stop it through the monitor).
.globl _start
.section .text.init
_start:
    li t0, 0
1:  addi t0, t0, 1
    j 1b
