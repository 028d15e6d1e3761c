/*
 * Page-based virtual memory, Sv39 (privileged spec 4.3/4.4; priv_vm_sv48.S and
 * priv_vm_sv57.S include this file with VM_LEVELS = 4 and 5). M-mode builds the page
 * tables, opens PMP, and runs the cases in S-mode and then U-mode; an M-mode handler
 * checks each expected fault's mcause and mtval (s10, s11), counts it in s9 and resumes
 * after the faulting instruction (at ra for fetch faults). S/U code reports a failure
 * with ecall and a7 = 1; ecall with a7 = 0 returns to M-mode at s8.
 *
 * Virtual layout (VA -> PA), inside the 512 GiB that index 0 of the upper levels reaches:
 *   1 GiB leaves:  0x80000000 identity (S, RWX)      0xc0000000 -> 0x80000000 (U, RWX)
 *                  0x100000000 misaligned            0x140000000 with N (bit 63) set
 *                  0x180000000 -> 0x80000000 (R, A clear)
 *   2 MiB leaves:  0x40200000 -> 0x80200000 (RW)     0x40400000 misaligned
 *   4 KiB leaves:  0x40000000 + n * 0x1000, n = 0..13 (see the table in setup_tables)
 * With 4 or 5 levels, entry 1 of each table above level 2 is a leaf mapping PA 0 and
 * entry 2 a misaligned leaf.
 */
#include "rvtest.h"

#ifndef VM_LEVELS
#define VM_LEVELS 3
#endif
#define VA_BITS (12 + 9 * VM_LEVELS)
#define SATP_VALUE_MODE ((VM_LEVELS + 5) << 60)

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define PTE_AD (PTE_A | PTE_D)

#define SSTATUS_SUM (1 << 18)
#define SSTATUS_MXR (1 << 19)
#define USER_ALIAS (0xc0000000 - 0x80000000)

#define VAL_A 0x1111222233334444
#define VAL_B 0x5555666677778888
#define VAL_B_END 0x77778888aaaabbbb
#define VAL_MEGA 0x0123456789abcdef

/* clang-format off */
/* Write PTE `idx` of `table`: physical address in register `pareg`, `flags`. */
#define SET_PTE(table, idx, pareg, flags)               \
    srli t0, pareg, 12;                                 \
    slli t0, t0, 10;                                    \
    li t1, flags;                                       \
    or t0, t0, t1;                                      \
    la t1, table;                                       \
    li t2, (idx) * 8;                                   \
    add t1, t1, t2;                                     \
    sd t0, 0(t1)

#define SET_PTE_PA(table, idx, pa, flags)               \
    li t3, pa;                                          \
    SET_PTE(table, idx, t3, flags)

#define SET_PTE_LABEL(table, idx, label, flags)         \
    la t3, label;                                       \
    SET_PTE(table, idx, t3, flags)

/* In S/U-mode: fail the current case unless reg == val. */
#define S_CHECK(reg, val)                               \
    li t6, val;                                         \
    beq reg, t6, 1f;                                    \
    li a7, 1;                                           \
    ecall;                                              \
1:

/* The next access must trap with this cause and tval. */
#define EXPECT(cause, tval)                             \
    li s10, cause;                                      \
    li s11, tval;                                       \
    li s9, 0

#define EXPECT_REG(cause, reg)                          \
    li s10, cause;                                      \
    mv s11, reg;                                        \
    li s9, 0

#define TRAPPED                                         \
    S_CHECK(s9, 1);                                     \
    li s10, -1

/* Run `label` in privilege `mode` (at `pc_off` + its address); continue at `cont`. */
#define RUN_IN(mode, label, pc_off, cont)               \
    li t0, 0x1800;                                      \
    csrc mstatus, t0;                                   \
    li t0, (mode) << 11;                                \
    csrs mstatus, t0;                                   \
    la t0, label;                                       \
    li t1, pc_off;                                      \
    add t0, t0, t1;                                     \
    csrw mepc, t0;                                      \
    la s8, cont;                                        \
    mret

/* S/U: back to M-mode. */
#define LEAVE                                           \
    li a7, 0;                                           \
    ecall
/* clang-format on */

#if VM_LEVELS == 3
#define PT_L2 pt_root
#else
#define PT_L2 pt_l2
#endif

RVTEST_BEGIN
    .option norvc
    la t0, mtrap
    csrw mtvec, t0
    li s10, -1
    /* PMP: one NAPOT entry over everything, RWX, so S and U may run */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    call setup_tables
    call setup_data
    la t0, pt_root
    srli t0, t0, 12
    li t1, SATP_VALUE_MODE
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
    RUN_IN(1, s_cases, 0, s_done)
s_done:
    RUN_IN(0, u_cases, USER_ALIAS, u_done)
u_done:
    csrw satp, zero
    RVTEST_PASS

/* ---- M-mode trap handler ---- */
    .align 2
mtrap:
    csrr t5, mcause
    li t6, 8
    beq t5, t6, mtrap_ecall
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

/* ---- M-mode setup ---- */
setup_tables:
    /* clear the tables and data pages */
    la t0, pt_root
    la t1, tables_end
1:  sd zero, 0(t0)
    addi t0, t0, 8
    bltu t0, t1, 1b

#if VM_LEVELS == 4
    SET_PTE_LABEL(pt_root, 0, pt_l2, PTE_V)
    SET_PTE_PA(pt_root, 1, 0, PTE_V | PTE_R | PTE_W | PTE_AD)
    SET_PTE_PA(pt_root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_AD)
#elif VM_LEVELS == 5
    SET_PTE_LABEL(pt_root, 0, pt_l3, PTE_V)
    SET_PTE_PA(pt_root, 1, 0, PTE_V | PTE_R | PTE_W | PTE_AD)
    SET_PTE_PA(pt_root, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_AD)
    SET_PTE_LABEL(pt_l3, 0, pt_l2, PTE_V)
    SET_PTE_PA(pt_l3, 1, 0, PTE_V | PTE_R | PTE_W | PTE_AD)
    SET_PTE_PA(pt_l3, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_AD)
#endif
    /* level 2: gigapages */
    SET_PTE_LABEL(PT_L2, 1, pt_l1, PTE_V)
    SET_PTE_PA(PT_L2, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD)
    SET_PTE_PA(PT_L2, 3, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_AD)
    SET_PTE_PA(PT_L2, 4, 0x80200000, PTE_V | PTE_R | PTE_W | PTE_AD)
    SET_PTE_PA(PT_L2, 5, 0x80000000, PTE_V | PTE_R | PTE_AD | (1 << 63))
    SET_PTE_PA(PT_L2, 6, 0x80000000, PTE_V | PTE_R)
    /* level 1: megapages */
    SET_PTE_LABEL(pt_l1, 0, pt_l0, PTE_V)
    SET_PTE_PA(pt_l1, 1, 0x80200000, PTE_V | PTE_R | PTE_W | PTE_AD)
    SET_PTE_PA(pt_l1, 2, 0x80201000, PTE_V | PTE_R | PTE_W | PTE_AD)
    /* level 0: 4 KiB pages at 0x40000000 + n * 0x1000 */
    SET_PTE_LABEL(pt_l0, 0, data_a, PTE_V | PTE_R | PTE_W)           /* A, D clear */
    SET_PTE_LABEL(pt_l0, 1, data_a, PTE_V | PTE_R | PTE_AD)          /* read-only */
    SET_PTE_LABEL(pt_l0, 2, data_a, PTE_V | PTE_X | PTE_AD)          /* execute-only */
    SET_PTE_LABEL(pt_l0, 3, data_a, PTE_V | PTE_W | PTE_AD)          /* W without R */
    SET_PTE_LABEL(pt_l0, 4, data_a, PTE_R | PTE_W | PTE_AD)          /* V clear */
    SET_PTE_LABEL(pt_l0, 5, data_a, PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD)
    SET_PTE_LABEL(pt_l0, 6, data_a, PTE_V | PTE_R | PTE_AD)          /* remapped later */
    SET_PTE_LABEL(pt_l0, 7, data_a, PTE_V | PTE_R | PTE_AD | (1 << 54))
    SET_PTE_LABEL(pt_l0, 8, code_page, PTE_V | PTE_X | PTE_U | PTE_AD)
    SET_PTE_LABEL(pt_l0, 9, pt_l0, PTE_V)                            /* pointer at level 0 */
    SET_PTE_LABEL(pt_l0, 10, code_page, PTE_V | PTE_R | PTE_X | PTE_A)
    SET_PTE_LABEL(pt_l0, 11, data_b, PTE_V | PTE_R | PTE_AD)
    SET_PTE_LABEL(pt_l0, 12, data_a, PTE_V | PTE_R | PTE_AD)
    ret

setup_data:
    la t0, data_a
    li t1, VAL_A
    sd t1, 0(t0)
    la t0, data_b
    li t1, VAL_B
    sd t1, 0(t0)
    li t1, VAL_B_END
    li t2, 0xff8
    add t0, t0, t2
    sd t1, 0(t0)
    li t0, 0x80200000 + 0x1230
    li t1, VAL_MEGA
    sd t1, 0(t0)
    ret

/* ---- S-mode cases ---- */
s_cases:
    li TESTNUM, 1 /* the identity gigapage */
    la t0, data_a
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)

    li TESTNUM, 2 /* a load sets A, not D */
    li t0, 0x40000000
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)
    la t0, pt_l0
    ld a0, 0(t0)
    andi a0, a0, PTE_AD
    S_CHECK(a0, PTE_A)

    li TESTNUM, 3 /* a store sets D */
    li t0, 0x40000000
    li a1, 0x42
    sd a1, 8(t0)
    la t0, pt_l0
    ld a0, 0(t0)
    andi a0, a0, PTE_AD
    S_CHECK(a0, PTE_AD)
    la t0, data_a
    ld a0, 8(t0)
    S_CHECK(a0, 0x42)

    li TESTNUM, 4 /* store to a read-only page */
    EXPECT(15, 0x40001008)
    li t0, 0x40001000
    sd zero, 8(t0)
    TRAPPED

    li TESTNUM, 5 /* ... which is readable */
    li t0, 0x40001000
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)

    li TESTNUM, 6 /* load from an execute-only page */
    EXPECT(13, 0x40002000)
    li t0, 0x40002000
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 7 /* MXR makes it readable */
    li t0, SSTATUS_MXR
    csrs sstatus, t0
    li t0, 0x40002000
    ld a0, 0(t0)
    li t0, SSTATUS_MXR
    csrc sstatus, t0
    S_CHECK(a0, VAL_A)

    li TESTNUM, 8 /* W without R is reserved */
    EXPECT(15, 0x40003000)
    li t0, 0x40003000
    sd zero, 0(t0)
    TRAPPED

    li TESTNUM, 9 /* invalid PTE */
    EXPECT(13, 0x40004010)
    li t0, 0x40004010
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 10 /* S-mode load from a U page without SUM */
    EXPECT(13, 0x40005000)
    li t0, 0x40005000
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 11 /* ... with SUM */
    li t0, SSTATUS_SUM
    csrs sstatus, t0
    li t0, 0x40005000
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)

    li TESTNUM, 12 /* S-mode fetch from a U page faults even with SUM */
    EXPECT(12, 0x40008000)
    li t0, 0x40008000
    jalr ra, 0(t0)
    TRAPPED
    li t0, SSTATUS_SUM
    csrc sstatus, t0

    li TESTNUM, 13 /* pointer PTE at the last level */
    EXPECT(13, 0x40009000)
    li t0, 0x40009000
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 14 /* fetch through a 4 KiB page */
    li a0, 0
    li t0, 0x4000a000
    jalr ra, 0(t0)
    S_CHECK(a0, 0x77)

    li TESTNUM, 15 /* reserved PTE bit 54 */
    EXPECT(13, 0x40007000)
    li t0, 0x40007000
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 16 /* N bit (63) without Svnapot */
    EXPECT(13, 0x140000000)
    li t0, 0x140000000
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 17 /* megapage */
    li t0, 0x40201230
    ld a0, 0(t0)
    S_CHECK(a0, VAL_MEGA)

    li TESTNUM, 18 /* misaligned megapage */
    EXPECT(13, 0x40400000)
    li t0, 0x40400000
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 19 /* gigapage with A clear: a load sets it */
    la t0, data_a
    li t1, 0x180000000 - 0x80000000
    add t0, t0, t1
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)
    la t0, PT_L2
    ld a0, 6 * 8(t0)
    andi a0, a0, PTE_AD
    S_CHECK(a0, PTE_A)

    li TESTNUM, 20 /* misaligned gigapage */
    EXPECT(15, 0x100000000)
    li t0, 0x100000000
    sd zero, 0(t0)
    TRAPPED

    li TESTNUM, 21 /* non-canonical address */
    li t0, 1 << (VA_BITS - 1)
    EXPECT_REG(13, t0)
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 22
    li t0, 0x5 << (VA_BITS - 3)
    EXPECT_REG(15, t0)
    sd a0, 0(t0)
    TRAPPED

    li TESTNUM, 23 /* change a PTE, sfence.vma, see the new mapping */
    li t0, 0x40006000
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)
    SET_PTE_LABEL(pt_l0, 6, data_b, PTE_V | PTE_R | PTE_AD)
    sfence.vma
    li t0, 0x40006000
    ld a0, 0(t0)
    S_CHECK(a0, VAL_B)

    li TESTNUM, 24 /* misaligned load across two pages mapped apart */
    li t0, 0x4000bffc
    ld a0, 0(t0)
    S_CHECK(a0, 0x3333444477778888)

#if VM_LEVELS >= 4
    li TESTNUM, 25 /* leaf at level 3 (512 GiB) */
    la t0, data_a
    li t1, 1 << 39
    add t0, t0, t1
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)

    li TESTNUM, 26 /* misaligned level-3 leaf */
    li t0, 2 << 39
    EXPECT_REG(13, t0)
    ld a0, 0(t0)
    TRAPPED
#endif
#if VM_LEVELS >= 5
    li TESTNUM, 27 /* leaf at level 4 (256 TiB) */
    la t0, data_a
    li t1, 1 << 48
    add t0, t0, t1
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)

    li TESTNUM, 28 /* misaligned level-4 leaf */
    li t0, 2 << 48
    EXPECT_REG(15, t0)
    sd a0, 0(t0)
    TRAPPED
#endif
    LEAVE

/* ---- U-mode cases (run at the U alias of this code) ---- */
u_cases:
    li TESTNUM, 40 /* U load through the U gigapage */
    la t0, data_a
    ld a0, 0(t0)
    S_CHECK(a0, VAL_A)

    li TESTNUM, 41 /* U load from an S page */
    la t0, data_a
    li t1, USER_ALIAS
    sub t0, t0, t1
    EXPECT_REG(13, t0)
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 42 /* U fetch from an S page */
    la t0, code_page
    li t1, USER_ALIAS
    sub t0, t0, t1
    EXPECT_REG(12, t0)
    jalr ra, 0(t0)
    TRAPPED

    li TESTNUM, 43 /* U store to a U 4 KiB page */
    li t0, 0x40005000
    li a1, 0x99
    sd a1, 16(t0)
    ld a0, 16(t0)
    S_CHECK(a0, 0x99)

    li TESTNUM, 44 /* U load from an S 4 KiB page */
    EXPECT(13, 0x40001000)
    li t0, 0x40001000
    ld a0, 0(t0)
    TRAPPED

    li TESTNUM, 45 /* U fetch from a U execute-only page */
    li a0, 0
    li t0, 0x40008000
    jalr ra, 0(t0)
    S_CHECK(a0, 0x77)
    LEAVE

    .align 12
code_page:
    li a0, 0x77
    ret

    .bss
    .align 12
pt_root: .skip 4096
pt_l3:   .skip 4096
pt_l2:   .skip 4096
pt_l1:   .skip 4096
pt_l0:   .skip 4096
data_a:  .skip 4096
data_b:  .skip 4096
tables_end:
    .text
RVTEST_END
