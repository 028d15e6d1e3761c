# A memory hog: spins a little (so a test can connect to the monitor), then writes one
# word in every 4 KiB page of 48 MiB of RAM from 0x80100000, then powers off.
.equ FINISHER, 0x100000
.globl _start
.section .text.init
_start:
    li t0, 150000000
1:  addi t0, t0, -1
    bnez t0, 1b
    li t0, 0x80100000
    li t1, 0x83100000
    li t2, 4096
2:  sd t0, 0(t0)
    add t0, t0, t2
    bltu t0, t1, 2b
    li t0, FINISHER
    li t1, 0x5555
    sw t1, 0(t0)
3:  j 3b
