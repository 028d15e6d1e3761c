# An "interactive" guest: 200 times, sleeps in WFI until an ACLINT timer 1 ms ahead and
# measures how late it woke (mtime ticks of 100 ns). Passes (finisher 0x5555) if the worst
# wake-up was under 100 ms (a starved guest would wait for ever); otherwise fails with the
# worst latency in ms as its exit code.
.equ MTIME, 0x200bff8
.equ MTIMECMP0, 0x2004000
.equ FINISHER, 0x100000
.globl _start
.section .text.init
_start:
    li s0, 200              # rounds
    li s1, 0                # worst latency
    li s2, MTIME
    li s3, MTIMECMP0
    li t0, 0x80             # MTIE: WFI wakes on the timer (interrupts stay globally off)
    csrw mie, t0
round:
    ld a1, 0(s2)
    li t1, 10000            # 1 ms
    add a2, a1, t1
    sd a2, 0(s3)
wait:
    wfi
    csrr t2, mip
    andi t2, t2, 0x80
    beqz t2, wait
    ld a4, 0(s2)
    sub a5, a4, a2
    bgeu s1, a5, 1f
    mv s1, a5
1:  addi s0, s0, -1
    bnez s0, round
    li t1, -1
    sd t1, 0(s3)
    li t0, FINISHER
    li t1, 1000000
    bgeu s1, t1, fail
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
fail:
    li t1, 10000
    divu s1, s1, t1
    li t1, 255
    bleu s1, t1, 3f
    mv s1, t1
3:  slli s1, s1, 16
    li t1, 0x3333
    or s1, s1, t1
    sw s1, 0(t0)
4:  j 4b
