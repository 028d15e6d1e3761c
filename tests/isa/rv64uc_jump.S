/*
 * C extension (RV64), control transfer: c.j forward and backward at its range limits
 * (+2046, -2048), c.beqz / c.bnez taken and not taken (a value with only upper bits set is
 * nonzero) at their limits (+254, -256), c.jr (bit 0 of the target cleared), c.jalr (link
 * = pc + 2; target read before the link is written when rs1 = ra), c.ebreak (mcause 3,
 * mepc = its address). RV64 has no c.jal: that encoding is c.addiw (see rv64uc_alu).
 * Padding and fall-through paths that must not run are filled with 0x0000, an illegal
 * instruction, so reaching them fails the case through the default trap handler.
 * .option norelax keeps the assembler from turning the explicit c.* jumps into 32-bit ones;
 * the distances were checked on the disassembly (objdump -d -M no-aliases).
 */
#include "rvtest.h"

/* A 32-bit jal x0 (never compressed), for the trampolines. */
#define JUMP32(label) .option push; .option norvc; j label; .option pop

RVTEST_BEGIN
    .option rvc
    .option norelax

    /* c.j forward by the maximum, 2046 bytes */
    li TESTNUM, 1
cj_fwd:
    c.j cj_fwd_target
    .fill 1022, 2, 0
cj_fwd_target:

    /* c.j backward by the maximum, -2048 bytes */
    li TESTNUM, 2
    JUMP32(cj_back)
cj_back_target:
    JUMP32(cj_back_done)
    .fill 1022, 2, 0
cj_back:
    c.j cj_back_target
    .2byte 0
cj_back_done:

    /* c.beqz / c.bnez taken and not taken */
    li TESTNUM, 3
    li a0, 0
    c.beqz a0, 1f
    .2byte 0
1:  li TESTNUM, 4
    li a0, 0x100000000
    c.beqz a0, 2f
    j 1f
2:  .2byte 0
1:  li TESTNUM, 5
    c.bnez a0, 1f
    .2byte 0
1:  li TESTNUM, 6
    li s1, 0
    c.bnez s1, 2f
    j 1f
2:  .2byte 0
1:  li TESTNUM, 7
    li a5, 0x8000000000000000
    c.bnez a5, 1f
    .2byte 0
1:
    /* c.bnez backward by the maximum, -256 bytes */
    li TESTNUM, 8
    li s0, 1
    JUMP32(cb_back)
cb_back_target:
    JUMP32(cb_back_done)
    .fill 126, 2, 0
cb_back:
    c.bnez s0, cb_back_target
    .2byte 0
cb_back_done:
    /* c.beqz forward by the maximum, 254 bytes */
    li TESTNUM, 9
    li s0, 0
cb_fwd:
    c.beqz s0, . + 254 /* = cb_fwd_target; with the label GAS would emit a 32-bit beq */
    .fill 126, 2, 0
cb_fwd_target:

    /* c.jr */
    li TESTNUM, 10
    la t1, 1f
    c.jr t1
    .2byte 0
1:  li TESTNUM, 11
    la t1, 1f
    addi t1, t1, 1 /* bit 0 is ignored */
    c.jr t1
    .2byte 0
1:
    /* c.jalr: link is the address of the next (2-byte) instruction */
    li TESTNUM, 12
    la t2, 1f
    c.jalr t2
2:  .2byte 0
1:  la t0, 2b
    bne ra, t0, rvtest_fail
    li TESTNUM, 13
    la ra, 1f
    c.jalr ra
2:  .2byte 0
1:  la t0, 2b
    bne ra, t0, rvtest_fail

    /* c.ebreak traps with cause 3; the handler records mcause and mepc, skips 2 bytes */
    li TESTNUM, 14
    la t0, cj_trap
    csrw mtvec, t0
    li s2, 0
    li s4, 0
1:  c.ebreak
    CHECK_EQ(s2, 3)
    la t0, 1b
    bne s4, t0, rvtest_fail
    RVTEST_PASS

    .align 2
cj_trap:
    csrr s2, mcause
    csrr s4, mepc
    addi t0, s4, 2
    csrw mepc, t0
    mret
RVTEST_END
