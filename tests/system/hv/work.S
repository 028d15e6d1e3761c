# A job of about 600 million instructions (seconds, so a test can connect to the
# monitor before it ends), then power off.
.equ FINISHER, 0x100000
.globl _start
.section .text.init
_start:
    li t0, 300000000
1:  addi t0, t0, -1
    bnez t0, 1b
    li t0, FINISHER
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
