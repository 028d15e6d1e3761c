/* intloop: bare-metal integer benchmark for bench/mips.sh (M-mode, -bios none, one hart).
 *
 * Prints "intloop: start", runs ITERS iterations of a 20-instruction loop (adds, xors,
 * shifts, a data-dependent branch whose two paths are equally long, loads and stores
 * to a 128-byte array), then prints "intloop: done delta=<hex> total=<hex> sum=<hex>" and exits
 * through the sifive,test finisher (0x5555 at 0x100000).
 *
 * Instructions are countable from the structure: from the csrr that reads minstret
 * before the loop to the one after it, exactly 1 + 20 * ITERS instructions retire.
 * delta is that minstret difference (exact on rvisor; QEMU's minstret without -icount
 * is not an instruction count, so there the figure is computed, not read). total is
 * minstret at the end of the loop, i.e. everything from reset including the first print;
 * sum is a checksum of the loop's results, which must agree between emulators. */
#ifndef ITERS
#define ITERS 25000000
#endif
#define BODY 20

    .section .text.start, "ax"
    .globl _start
_start:
    la a0, msg_start
    jal ra, puts
    la t0, array
    li t1, ITERS
    li a1, 0x2545f4914f6cdd1d
    li a2, 1
    li a6, 0
    li t3, 0
    mv t2, t0
    csrr s0, minstret
loop:
    ld   a3, 0(t2)          /*  1 */
    add  a3, a3, a1         /*  2 */
    xor  a2, a2, a3         /*  3 */
    sd   a3, 0(t2)          /*  4 */
    addi t3, t3, 8          /*  5 */
    andi t3, t3, 120        /*  6: 16 doublewords */
    add  t2, t0, t3         /*  7 */
    slli a4, a1, 13         /*  8: xorshift64 */
    xor  a1, a1, a4         /*  9 */
    srli a4, a1, 7          /* 10 */
    xor  a1, a1, a4         /* 11 */
    slli a4, a1, 17         /* 12 */
    xor  a1, a1, a4         /* 13 */
    lw   a5, 4(t2)          /* 14 */
    sub  a2, a2, a5         /* 15 */
    bgez a1, 1f             /* 16: data-dependent, both paths 2 more */
    addi a6, a6, 1          /* 17 */
    j    2f                 /* 18 */
1:  addi a6, a6, -1         /* 17 */
    nop                     /* 18 */
2:  addi t1, t1, -1         /* 19 */
    bnez t1, loop           /* 20 */
    csrr s1, minstret
    xor s2, a1, a2          /* checksum of the work, the same on every emulator */
    xor s2, s2, a6
    la a0, msg_done
    jal ra, puts
    sub a0, s1, s0
    jal ra, puthex
    la a0, msg_total
    jal ra, puts
    mv a0, s1
    jal ra, puthex
    la a0, msg_sum
    jal ra, puts
    mv a0, s2
    jal ra, puthex
    li a0, '\n'
    jal ra, putc
    li t4, 0x10000000       /* wait until the UART has sent everything (TEMT) */
1:  lbu t5, 5(t4)
    andi t5, t5, 0x40
    beqz t5, 1b
    li t0, 0x100000         /* sifive,test finisher: pass */
    li t1, 0x5555
    sw t1, 0(t0)
    j .

/* putc(a0): ns16550a at 0x10000000, wait for THRE. Clobbers t4, t5. */
putc:
    li t4, 0x10000000
1:  lbu t5, 5(t4)
    andi t5, t5, 0x20
    beqz t5, 1b
    sb a0, 0(t4)
    ret

/* puts(a0 = NUL-terminated string). Clobbers a0, a7, t4, t5, t6. */
puts:
    mv t6, ra
    mv a7, a0
1:  lbu a0, 0(a7)
    beqz a0, 2f
    jal ra, putc
    addi a7, a7, 1
    j 1b
2:  mv ra, t6
    ret

/* puthex(a0): "0x" and 16 hex digits. Clobbers a0, a7, t3, t4, t5, t6. */
puthex:
    mv t6, ra
    mv a7, a0
    li a0, '0'
    jal ra, putc
    li a0, 'x'
    jal ra, putc
    li t3, 60
1:  srl a0, a7, t3
    andi a0, a0, 15
    addi a0, a0, '0'
    li t4, '9'
    ble a0, t4, 2f
    addi a0, a0, 'a' - '9' - 1
2:  jal ra, putc
    addi t3, t3, -4
    bgez t3, 1b
    mv ra, t6
    ret

    .section .rodata
msg_start: .asciz "intloop: start\n"
msg_done:  .asciz "intloop: done delta="
msg_total: .asciz " total="
msg_sum:   .asciz " sum="

    .data
    .balign 64
array: .space 128
