/*
 * Sv39 corners: MPRV (M-mode loads translated at MPP's privilege, fetches not), SUM and
 * MXR under MPRV, misaligned loads and stores across a page boundary where one part
 * faults (mtval names the part; a faulting store writes nothing), AMO and LR faults and
 * misalignment, and a 32-bit instruction straddling into an unmapped page (privileged
 * spec 3.1.6.3, 4.3.1, 4.3.2). The handler checks an expected fault's mcause/mtval
 * (s10/s11), counts it in s9 and resumes after the instruction (at ra for fetch faults).
 * S code reports a failure with ecall and a7 = 1; a7 = 0 returns to M-mode at s8.
 *
 * Pages at 0x40000000 + n * 0x1000: 0 data_a RW U | 1 data_a R | 2 - | 3 code_a X |
 * 4 - | 5 data_a X | 6 code_b X | 7 -; 0x80000000: identity gigapage, S, RWX.
 */
#include "rvtest.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_AD 0xc0
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM (1 << 18)
#define MSTATUS_MXR (1 << 19)
#define VAL_A 0x1111222233334444

/* clang-format off */
#define SET_PTE(table, idx, pareg, flags)               \
    srli t0, pareg, 12;                                 \
    slli t0, t0, 10;                                    \
    li t1, flags;                                       \
    or t0, t0, t1;                                      \
    la t1, table;                                       \
    sd t0, (idx) * 8(t1)

#define SET_PTE_LABEL(table, idx, label, flags)         \
    la t3, label;                                       \
    SET_PTE(table, idx, t3, flags)

#define S_CHECK(reg, val)                               \
    li t6, val;                                         \
    beq reg, t6, 1f;                                    \
    li a7, 1;                                           \
    ecall;                                              \
1:

#define EXPECT(cause, tval)                             \
    li s10, cause;                                      \
    li s11, tval;                                       \
    li s9, 0

#define TRAPPED                                         \
    S_CHECK(s9, 1);                                     \
    li s10, -1

/* M-mode: MPRV on, MPP = mode (a trap into M-mode changes MPP: set it again after one). */
#define MPRV_AS(mode)                                   \
    li t0, 0x1800;                                      \
    csrc mstatus, t0;                                   \
    li t0, ((mode) << 11) | MSTATUS_MPRV;               \
    csrs mstatus, t0
/* clang-format on */

RVTEST_BEGIN
    .option norvc
    la t0, mtrap
    csrw mtvec, t0
    li s10, -1
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0

    la t0, data_a
    li t1, VAL_A
    sd t1, 0(t0)
    la t0, code_a /* c.jr ra in the last parcel */
    li t1, 0xffe
    add t0, t0, t1
    li t1, 0x8082
    sh t1, 0(t0)
    la t0, code_b /* lower half of a 32-bit nop in the last parcel */
    li t1, 0xffe
    add t0, t0, t1
    li t1, 0x0013
    sh t1, 0(t0)
    fence.i

    li t0, 0x80000000 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD
    srli t1, t0, 12 /* PPN field of a PA ending in 0x000 */
    slli t1, t1, 10
    andi t0, t0, 0xff
    or t0, t0, t1
    la t1, pt_root
    sd t0, 2 * 8(t1)
    SET_PTE_LABEL(pt_root, 1, pt_l1, PTE_V)
    SET_PTE_LABEL(pt_l1, 0, pt_l0, PTE_V)
    SET_PTE_LABEL(pt_l0, 0, data_a, PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD)
    SET_PTE_LABEL(pt_l0, 1, data_a, PTE_V | PTE_R | PTE_AD)
    SET_PTE_LABEL(pt_l0, 3, code_a, PTE_V | PTE_X | PTE_AD)
    SET_PTE_LABEL(pt_l0, 5, data_a, PTE_V | PTE_X | PTE_AD)
    SET_PTE_LABEL(pt_l0, 6, code_b, PTE_V | PTE_X | PTE_AD)
    la t0, pt_root
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    csrw satp, t0
    sfence.vma

    li TESTNUM, 1 /* MPRV, MPP = S: M-mode loads are translated */
    MPRV_AS(1)
    li t0, 0x40001000
    ld a0, 0(t0)
    CHECK_EQ(a0, VAL_A)

    li TESTNUM, 2 /* ... S may not read a U page without SUM */
    EXPECT(13, 0x40000000)
    li t0, 0x40000000
    ld a0, 0(t0)
    CHECK_EQ(s9, 1)

    li TESTNUM, 3 /* ... with SUM it may */
    MPRV_AS(1)
    li t0, MSTATUS_SUM
    csrs mstatus, t0
    li t0, 0x40000000
    ld a0, 0(t0)
    CHECK_EQ(a0, VAL_A)
    li t0, MSTATUS_SUM
    csrc mstatus, t0

    li TESTNUM, 4 /* MPP = U: a U page is fine, and fetches stay untranslated */
    MPRV_AS(0)
    li t0, 0x40000000
    ld a0, 0(t0)
    CHECK_EQ(a0, VAL_A)

    li TESTNUM, 5 /* ... an S page is not */
    EXPECT(13, 0x40001008)
    li t0, 0x40001008
    ld a0, 0(t0)
    CHECK_EQ(s9, 1)

    li TESTNUM, 6 /* MPP = S, execute-only page: MXR decides */
    MPRV_AS(1)
    EXPECT(13, 0x40005000)
    li t0, 0x40005000
    ld a0, 0(t0)
    CHECK_EQ(s9, 1)
    MPRV_AS(1)
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    li t0, 0x40005000
    ld a0, 0(t0)
    CHECK_EQ(a0, VAL_A)
    li t0, MSTATUS_MXR | MSTATUS_MPRV
    csrc mstatus, t0

    /* to S-mode */
    li t0, 0x1800
    csrc mstatus, t0
    li t0, 0x0800
    csrs mstatus, t0
    la t0, s_cases
    csrw mepc, t0
    la s8, s_done
    mret
s_done:
    csrw satp, zero
    RVTEST_PASS

    .align 2
mtrap:
    csrr t5, mcause
    li t6, 9
    beq t5, t6, mtrap_ecall
    bne t5, s10, rvtest_fail
    csrr t6, mtval
    bne t6, s11, rvtest_fail
    addi s9, s9, 1
    li t6, 12
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

s_cases:
    li t0, MSTATUS_SUM
    csrs sstatus, t0

    li TESTNUM, 10 /* store across pages, first page read-only */
    EXPECT(15, 0x40001ffc)
    li t0, 0x40001ffc
    sd zero, 0(t0)
    TRAPPED

    li TESTNUM, 11 /* store across pages, second page read-only: nothing written */
    li t0, 0x40000ffc
    li t1, -1
    EXPECT(15, 0x40001000)
    sd t1, 0(t0)
    TRAPPED
    la t0, data_a
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)
    li t1, 0xff8
    add t0, t0, t1
    ld a0, 0(t0)
    S_CHECK(a0, 0)

    li TESTNUM, 12 /* load across pages, second page unmapped */
    EXPECT(13, 0x40002000)
    li t0, 0x40001ffe
    lw a0, 0(t0)
    TRAPPED

    li TESTNUM, 13 /* load across pages, both readable */
    li t0, 0x40000ffc
    ld a0, 0(t0)
    S_CHECK(a0, 0x3333444400000000)

    li TESTNUM, 14 /* AMO on a read-only page */
    EXPECT(15, 0x40001008)
    li t0, 0x40001008
    amoadd.d a0, zero, (t0)
    TRAPPED

    li TESTNUM, 15 /* LR on an unmapped page */
    EXPECT(13, 0x40002000)
    li t0, 0x40002000
    lr.d a0, (t0)
    TRAPPED

    /* (a misaligned AMO is not tested: QEMU 7.2 reports it as a misaligned load) */

    li TESTNUM, 17 /* misaligned LR */
    EXPECT(4, 0x40000004)
    li t0, 0x40000004
    lr.d a0, (t0)
    TRAPPED

    li TESTNUM, 18 /* compressed instruction in a page's last parcel, next page unmapped */
    li t0, 0x40003ffe
    jalr ra, 0(t0)

    li TESTNUM, 19 /* 32-bit instruction straddling into an unmapped page */
    EXPECT(12, 0x40007000)
    li t0, 0x40006ffe
    jalr ra, 0(t0)
    TRAPPED

    li a7, 0
    ecall

    .bss
    .align 12
pt_root: .skip 4096
pt_l1:   .skip 4096
pt_l0:   .skip 4096
data_a:  .skip 4096
code_a:  .skip 4096
code_b:  .skip 4096
    .text
RVTEST_END
