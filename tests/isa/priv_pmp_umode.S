/*
 * PMP against U-mode (privileged spec 3.7): NA4, NAPOT and TOR entries with different
 * permissions, priority of the lowest-numbered entry, accesses that match an entry only
 * partly (which fail, for M-mode too), and the no-match default. U-mode with no entry
 * active is not tested: QEMU 7.2 makes mret to U/S illegal then, which the spec does not.
 * Translation is off (Bare), so addresses are physical. The M-mode handler checks an
 * expected fault's mcause/mtval (s10/s11), counts it in s9 and resumes after the
 * instruction (at ra for fetch faults). U code reports a failure with ecall and a7 = 1;
 * a7 = 0 returns to M-mode at s8.
 */
#include "rvtest.h"

#define CFG_R 0x01
#define CFG_W 0x02
#define CFG_X 0x04
#define CFG_TOR 0x08
#define CFG_NA4 0x10
#define CFG_NAPOT 0x18

/* clang-format off */
#define U_CHECK(reg, val)                               \
    li t6, val;                                         \
    beq reg, t6, 1f;                                    \
    li a7, 1;                                           \
    ecall;                                              \
1:

#define EXPECT_REG(cause, reg)                          \
    li s10, cause;                                      \
    mv s11, reg;                                        \
    li s9, 0

#define TRAPPED                                         \
    U_CHECK(s9, 1);                                     \
    li s10, -1

#define RUN_IN_U(label, cont)                           \
    li t0, 0x1800;                                      \
    csrc mstatus, t0;                                   \
    la t0, label;                                       \
    csrw mepc, t0;                                      \
    la s8, cont;                                        \
    mret
/* clang-format on */

RVTEST_BEGIN
    .option norvc
    la t0, mtrap
    csrw mtvec, t0
    li s10, -1
    la t0, page_a
    li t1, 0x1234abcd
    sw t1, 0x10(t0)

    /*
     * entry 0: NA4 page_a+0x10, R          entry 1: NAPOT page_a (4 KiB), RW
     * entry 2: OFF, holds page_b           entry 3: TOR [page_b, page_b+0x800), RW
     * entry 4: NAPOT 0x80000000 (32 MiB), X
     */
    la t0, page_a
    addi t1, t0, 0x10
    srli t1, t1, 2
    csrw pmpaddr0, t1
    srli t1, t0, 2
    ori t1, t1, 0x1ff
    csrw pmpaddr1, t1
    la t0, page_b
    srli t1, t0, 2
    csrw pmpaddr2, t1
    li t2, 0x800
    add t1, t0, t2
    srli t1, t1, 2
    csrw pmpaddr3, t1
    li t1, (0x80000000 >> 2) | ((0x2000000 >> 3) - 1)
    csrw pmpaddr4, t1
    li t1, ((CFG_NAPOT | CFG_X) << 32) | ((CFG_TOR | CFG_R | CFG_W) << 24) | \
           ((CFG_NAPOT | CFG_R | CFG_W) << 8) | (CFG_NA4 | CFG_R)
    csrw pmpcfg0, t1
    csrr t2, pmpcfg0
    li TESTNUM, 2
    bne t1, t2, rvtest_fail
    RUN_IN_U(u_cases, u_done)
u_done:

    li TESTNUM, 20 /* M-mode ignores an unlocked entry's permissions */
    la t0, page_a
    li t1, 0x55
    sw t1, 0x10(t0)
    lw a0, 0x10(t0)
    CHECK_EQ(a0, 0x55)

    li TESTNUM, 21 /* ... but not a partial match */
    la t0, page_a
    addi t1, t0, 0x10
    EXPECT_REG(5, t1)
    ld a0, 0x10(t0)
    CHECK_EQ(s9, 1)

    li TESTNUM, 22 /* M-mode access that matches no entry */
    la t0, page_c
    li t1, 7
    sd t1, 0x100(t0)
    ld a0, 0x100(t0)
    CHECK_EQ(a0, 7)
    RVTEST_PASS

/* ---- M-mode trap handler ---- */
    .align 2
mtrap:
    csrr t5, mcause
    li t6, 8
    beq t5, t6, mtrap_ecall
    bne t5, s10, rvtest_fail
    csrr t6, mtval
    bne t6, s11, rvtest_fail
    addi s9, s9, 1
    li t6, 1
    beq t5, t6, mtrap_fetch
    csrr t6, mepc
    addi t6, t6, 4
    csrw mepc, t6
    mret
mtrap_fetch:
    csrw mepc, ra
    mret
mtrap_ecall:
    bnez a7, rvtest_fail
    jr s8

/* ---- U-mode cases ---- */
u_cases:
    li TESTNUM, 3 /* NA4 entry: readable */
    la t0, page_a
    lw a0, 0x10(t0)
    U_CHECK(a0, 0x1234abcd)

    li TESTNUM, 4 /* NA4 entry: not writable, though entry 1 would allow it */
    la t0, page_a
    addi t1, t0, 0x10
    EXPECT_REG(7, t1)
    sw zero, 0x10(t0)
    TRAPPED

    li TESTNUM, 5 /* 8 bytes over the 4-byte NA4 entry: partial match fails */
    la t0, page_a
    addi t1, t0, 0x10
    EXPECT_REG(5, t1)
    ld a0, 0x10(t0)
    TRAPPED

    li TESTNUM, 6 /* NAPOT entry: writable */
    la t0, page_a
    li t1, 0x66
    sd t1, 0x20(t0)
    ld a0, 0x20(t0)
    U_CHECK(a0, 0x66)

    li TESTNUM, 7 /* NAPOT entry: not executable */
    la t0, page_a
    EXPECT_REG(1, t0)
    jalr ra, 0(t0)
    TRAPPED

    li TESTNUM, 8 /* TOR entry: top word */
    la t0, page_b
    li t1, 0x7f8
    add t0, t0, t1
    li t1, 0x88
    sd t1, 0(t0)
    ld a0, 0(t0)
    U_CHECK(a0, 0x88)

    li TESTNUM, 9 /* just above TOR: entry 4 (X only) */
    la t0, page_b
    li t1, 0x800
    add t0, t0, t1
    EXPECT_REG(7, t0)
    sd zero, 0(t0)
    TRAPPED

    li TESTNUM, 10 /* straddling the top of TOR */
    la t0, page_b
    li t1, 0x7fc
    add t0, t0, t1
    EXPECT_REG(5, t0)
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 11 /* execute-only entry: no loads */
    la t0, page_c
    EXPECT_REG(5, t0)
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 12 /* no entry matches: U-mode is denied */
    li t0, 0x88000000
    EXPECT_REG(5, t0)
    lw a0, 0(t0)
    TRAPPED

    li a7, 0
    ecall

    .bss
    .align 12
page_a: .skip 4096
page_b: .skip 4096
page_c: .skip 4096
    .text
RVTEST_END
