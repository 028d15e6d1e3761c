/* Course runtime (given to students): stack, FPU on, bss cleared, then main(); its
   return value goes to the sifive,test finisher (0: pass, else fail with that code).
   No trap handler: mtvec stays 0, so a crash is reported by rvisor as a fault. */
    .section .text.start
    .globl _start
_start:
    la sp, __stack_top
    li t0, (1 << 13)        /* mstatus.FS = Initial: enable the FPU */
    csrs mstatus, t0
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call main
    li t0, 0x100000
    beqz a0, 3f
    slli a0, a0, 16
    li t1, 0x3333
    or a0, a0, t1
    sw a0, 0(t0)
    j .
3:  li t1, 0x5555
    sw t1, 0(t0)
    j .
