# The console echo guest of the system tests (console.sh, hv_monitor.sh), run with
# -bios none: hart 0 prints "echo ready", then echoes every byte it receives on the
# ns16550a UART as [hh] (hex) and on 'q' prints "bye" and powers off; any other hart spins.
.globl _start
.section .text.init
_start:
    bnez a0, spin
    li s0, 0x10000000
    la a0, hello
    call puts
loop:
    lbu t0, 5(s0)
    andi t0, t0, 1
    beqz t0, loop
    lbu s1, 0(s0)
    li t1, 0x71
    beq s1, t1, done
    li a0, 0x5b
    call putc
    srli a0, s1, 4
    call hexd
    andi a0, s1, 15
    call hexd
    li a0, 0x5d
    call putc
    j loop
done:
    la a0, bye
    call puts
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
spin:
    addi t5, t5, 1
    j spin
hexd:
    li t0, 10
    blt a0, t0, 1f
    addi a0, a0, 0x61 - 10 - 0x30
1:  addi a0, a0, 0x30
    j putc /* putc and puts: uart.inc, appended by build_guest */
hello: .asciz "echo ready\n"
bye: .asciz "\nbye\n"
