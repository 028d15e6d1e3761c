/*
 * Locked PMP entries (privileged spec 3.7.1): the L bit makes an entry's permissions
 * apply to M-mode, and makes its pmpcfg byte and pmpaddr (and, for a TOR entry, the
 * pmpaddr below it) ignore writes until reset. All in M-mode, translation off.
 * The handler checks an expected fault's mcause/mtval (s10/s11), counts it in s9 and
 * resumes after the instruction (at ra for fetch faults).
 */
#include "rvtest.h"

#define CFG_R 0x01
#define CFG_W 0x02
#define CFG_X 0x04
#define CFG_TOR 0x08
#define CFG_NAPOT 0x18
#define CFG_L 0x80

/* clang-format off */
#define EXPECT_REG(cause, reg)                          \
    li s10, cause;                                      \
    mv s11, reg;                                        \
    li s9, 0
/* clang-format on */

RVTEST_BEGIN
    .option norvc
    la t0, mtrap
    csrw mtvec, t0
    li s10, -1
    la t0, page_a
    li t1, 0x5a5a
    sd t1, 0(t0)
    /* code for the fetch case: li a0, 0x77; ret */
    la t1, code_template
    lw t2, 0(t1)
    sw t2, 0x100(t0)
    lw t2, 4(t1)
    sw t2, 0x104(t0)
    fence.i

    li TESTNUM, 1 /* unlocked R-only entry: M-mode may still write and execute */
    la t0, page_a
    srli t1, t0, 2
    ori t1, t1, 0x1ff
    csrw pmpaddr0, t1
    li t1, CFG_NAPOT | CFG_R
    csrw pmpcfg0, t1
    li t1, 0x1
    sd t1, 8(t0)
    li a0, 0
    addi t1, t0, 0x100
    jalr ra, 0(t1)
    CHECK_EQ(a0, 0x77)

    li TESTNUM, 2 /* locked: the store faults in M-mode */
    li t1, CFG_NAPOT | CFG_R | CFG_L
    csrw pmpcfg0, t1
    la t0, page_a
    addi t1, t0, 8
    EXPECT_REG(7, t1)
    sd zero, 8(t0)
    CHECK_EQ(s9, 1)

    li TESTNUM, 3 /* ... loads still work */
    la t0, page_a
    ld a0, 0(t0)
    CHECK_EQ(a0, 0x5a5a)

    li TESTNUM, 4 /* ... fetches fault */
    la t0, page_a
    addi t1, t0, 0x100
    EXPECT_REG(1, t1)
    jalr ra, 0(t1)
    CHECK_EQ(s9, 1)

    li TESTNUM, 5 /* the locked cfg byte ignores writes */
    li t1, CFG_NAPOT | CFG_R | CFG_W | CFG_X
    csrw pmpcfg0, t1
    csrr a0, pmpcfg0
    andi a0, a0, 0xff
    CHECK_EQ(a0, CFG_NAPOT | CFG_R | CFG_L)
    la t0, page_a
    addi t1, t0, 8
    EXPECT_REG(7, t1)
    sd zero, 8(t0)
    CHECK_EQ(s9, 1)

    li TESTNUM, 6 /* the locked pmpaddr ignores writes */
    csrr t2, pmpaddr0
    li t1, -1
    csrw pmpaddr0, t1
    csrr a0, pmpaddr0
    bne a0, t2, rvtest_fail

    li TESTNUM, 7 /* locked TOR entry 2 over page_b: pmpaddr1 is locked too */
    la t0, page_b
    srli t1, t0, 2
    csrw pmpaddr1, t1
    li t2, 0x1000
    add t1, t0, t2
    srli t1, t1, 2
    csrw pmpaddr2, t1
    li t1, ((CFG_TOR | CFG_R | CFG_L) << 16) | (CFG_NAPOT | CFG_R | CFG_L)
    csrw pmpcfg0, t1
    csrr t2, pmpaddr1
    csrw pmpaddr1, zero
    csrr a0, pmpaddr1
    bne a0, t2, rvtest_fail
    la t0, page_b
    addi t1, t0, 0x10
    EXPECT_REG(7, t1)
    sw zero, 0x10(t0)
    CHECK_EQ(s9, 1)

    li TESTNUM, 8 /* entry 1 itself (OFF, unlocked) may still change its cfg */
    li t1, ((CFG_TOR | CFG_R | CFG_L) << 16) | ((CFG_NAPOT | CFG_R) << 8) | \
           (CFG_NAPOT | CFG_R | CFG_L)
    csrw pmpcfg0, t1
    csrr a0, pmpcfg0
    bne a0, t1, rvtest_fail

    li TESTNUM, 9 /* M-mode access matching no entry succeeds */
    la t0, page_c
    li t1, 9
    sd t1, 0(t0)
    ld a0, 0(t0)
    CHECK_EQ(a0, 9)
    RVTEST_PASS

    .align 2
mtrap:
    csrr t5, mcause
    bne t5, s10, rvtest_fail
    csrr t6, mtval
    bne t6, s11, rvtest_fail
    addi s9, s9, 1
    li s10, -1
    li t6, 1
    beq t5, t6, mtrap_fetch
    csrr t6, mepc
    addi t6, t6, 4
    csrw mepc, t6
    mret
mtrap_fetch:
    csrw mepc, ra
    mret

code_template:
    li a0, 0x77
    ret

    .bss
    .align 12
page_a: .skip 4096
page_b: .skip 4096
page_c: .skip 4096
    .text
RVTEST_END
