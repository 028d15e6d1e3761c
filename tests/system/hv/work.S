# A short job: about 30 million instructions, then power off.
.equ FINISHER, 0x100000
.globl _start
.section .text.init
_start:
    li t0, 15000000
1:  addi t0, t0, -1
    bnez t0, 1b
    li t0, FINISHER
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
