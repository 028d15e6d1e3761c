/*
 * Shared helpers for the privileged-architecture ISA tests (priv_*.S), written for rvisor.
 *
 * Register conventions on top of rvtest.h (tests must not use these for anything else):
 *   s2 T_CAUSE   cause of the last trap (mcause or scause)
 *   s3 T_TVAL    mtval / stval of the last trap
 *   s4 T_EPC     mepc / sepc of the last trap
 *   s5 T_STATUS  mstatus / sstatus as read inside the handler (after trap entry)
 *   s6 T_COUNT   number of traps recorded (the trap log holds the first 16)
 *   s7, s8       handler scratch
 *   s9 T_RESUME  if nonzero, the handler resumes there (and clears it) instead of
 *                skipping the trapping instruction (needed for fetch faults)
 *   s10 T_WHERE  1 = last trap taken by the M handler, 2 = by the S handler
 *
 * Exceptions: the handler records, then skips the instruction at epc (2 or 4 bytes) and
 * returns to the mode the trap came from. Interrupts: the handler records, clears the
 * interrupt's enable bit (mie or sie) so it does not fire again, and returns to epc.
 * Each trap appends its cause to priv_trap_log (S-handler entries have bit 8 set).
 *
 * ENTER_S / ENTER_U (from M only) continue at the next line in S or U mode; ENTER_M
 * (from any mode) continues at the next line in M mode, through an ecall with
 * a7 = PRIV_MAGIC and a6 = the resume address (not recorded as a trap).
 */
#ifndef PRIV_H
#define PRIV_H

#include "rvtest.h"

#define T_CAUSE  s2
#define T_TVAL   s3
#define T_EPC    s4
#define T_STATUS s5
#define T_COUNT  s6
#define T_RESUME s9
#define T_WHERE  s10

#define PRIV_MAGIC 0x7e57
#define NO_TRAP 0x7ff

#define MCAUSE_IRQ(n) (0x8000000000000000 | (n))

/* mstatus bits used by the tests. */
#define ST_SIE  (1 << 1)
#define ST_MIE  (1 << 3)
#define ST_SPIE (1 << 5)
#define ST_MPIE (1 << 7)
#define ST_SPP  (1 << 8)
#define ST_MPP  (3 << 11)
#define ST_MPP_S (1 << 11)
#define ST_MPRV (1 << 17)
#define ST_TVM  (1 << 20)
#define ST_TW   (1 << 21)
#define ST_TSR  (1 << 22)

/* CLINT on the virt board (hart 0). */
#define CLINT_MSIP     0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME    0x200bff8

/* Nonexistent physical address (above 64 MiB of RAM): loads/stores/fetches fault. */
#define BAD_PADDR 0x84000000

/* clang-format off */

/* Install both handlers, open PMP to everything (S/U need a matching PMP entry). */
#define PRIV_SETUP                                      \
    la t0, priv_mtrap;                                  \
    csrw mtvec, t0;                                     \
    la t0, priv_strap;                                  \
    csrw stvec, t0;                                     \
    li t0, -1;                                          \
    csrw pmpaddr0, t0;                                  \
    li t0, 0x1f;                                        \
    csrw pmpcfg0, t0;                                   \
    li T_COUNT, 0;                                      \
    li T_RESUME, 0;                                     \
    TRAP_CLEAR

/* Forget the last trap. */
#define TRAP_CLEAR                                      \
    li T_CAUSE, NO_TRAP;                                \
    li T_TVAL, NO_TRAP;                                 \
    li T_EPC, NO_TRAP;                                  \
    li T_WHERE, 0

/* Set MPP to `mode` (0, 1, 3) and mret to the next line. */
#define ENTER_MODE(mode)                                \
    li t0, ST_MPP;                                      \
    csrc mstatus, t0;                                   \
    li t0, ((mode) << 11);                              \
    csrs mstatus, t0;                                   \
    la t0, 9801f;                                       \
    csrw mepc, t0;                                      \
    mret;                                               \
9801:

#define ENTER_S ENTER_MODE(1)
#define ENTER_U ENTER_MODE(0)

/* Back to M mode at the next line, from any mode (mstatus.MIE becomes MPIE). */
#define ENTER_M                                         \
    la a6, 9802f;                                       \
    li a7, PRIV_MAGIC;                                  \
    ecall;                                              \
9802:

/* Fail the case unless the last trap had this cause. */
#define CHECK_CAUSE(cause)                              \
    CHECK_EQ(T_CAUSE, cause)

/* Fail the case unless the last trap had this cause and tval. */
#define CHECK_TRAP(cause, tval)                         \
    CHECK_EQ(T_CAUSE, cause);                           \
    CHECK_EQ(T_TVAL, tval)

/* Fail the case unless the last trap's epc is `label`. */
#define CHECK_EPC(label)                                \
    la t6, label;                                       \
    bne T_EPC, t6, rvtest_fail

/* Fail the case if any trap was recorded since TRAP_CLEAR. */
#define CHECK_NO_TRAP CHECK_EQ(T_CAUSE, NO_TRAP)

/*
 * Current privilege into `reg` (0, 1 or 3): an ecall, whose cause tells the mode.
 * Clobbers the trap record.
 */
#define WHOAMI(reg)                                     \
    li a7, 0;                                           \
    ecall;                                              \
    addi reg, T_CAUSE, -8

/* The two handlers and the trap log; place after RVTEST_END. */
#define PRIV_HANDLERS                                   \
    .text;                                              \
    .align 6;                                           \
priv_mtrap:                                             \
    csrr s7, mcause;                                    \
    li s8, PRIV_MAGIC;                                  \
    bne a7, s8, 1f;                                     \
    addi s8, s7, -8;                                    \
    sltiu s8, s8, 4;                                    \
    beqz s8, 1f;                                        \
    csrw mepc, a6;                                      \
    li s8, ST_MPP;                                      \
    csrs mstatus, s8;                                   \
    li a7, 0;                                           \
    mret;                                               \
1:  mv T_CAUSE, s7;                                     \
    csrr T_TVAL, mtval;                                 \
    csrr T_EPC, mepc;                                   \
    csrr T_STATUS, mstatus;                             \
    li T_WHERE, 1;                                      \
    la s8, priv_trap_log;                               \
    andi s7, T_COUNT, 15;                               \
    slli s7, s7, 3;                                     \
    add s8, s8, s7;                                     \
    sd T_CAUSE, 0(s8);                                  \
    addi T_COUNT, T_COUNT, 1;                           \
    bltz T_CAUSE, 3f;                                   \
    beqz T_RESUME, 2f;                                  \
    csrw mepc, T_RESUME;                                \
    li T_RESUME, 0;                                     \
    mret;                                               \
2:  lhu s7, 0(T_EPC);                                   \
    andi s7, s7, 3;                                     \
    addi s7, s7, -3;                                    \
    seqz s7, s7;                                        \
    slli s7, s7, 1;                                     \
    addi s7, s7, 2;                                     \
    add s7, s7, T_EPC;                                  \
    csrw mepc, s7;                                      \
    mret;                                               \
3:  li s8, 1;                                           \
    sll s8, s8, T_CAUSE;                                \
    csrc mie, s8;                                       \
    mret;                                               \
    .align 6;                                           \
priv_strap:                                             \
    csrr s7, scause;                                    \
    li s8, PRIV_MAGIC;                                  \
    bne a7, s8, 1f;                                     \
    addi s8, s7, -8;                                    \
    sltiu s8, s8, 4;                                    \
    beqz s8, 1f;                                        \
    ecall;                                              \
1:  mv T_CAUSE, s7;                                     \
    csrr T_TVAL, stval;                                 \
    csrr T_EPC, sepc;                                   \
    csrr T_STATUS, sstatus;                             \
    li T_WHERE, 2;                                      \
    la s8, priv_trap_log;                               \
    andi s7, T_COUNT, 15;                               \
    slli s7, s7, 3;                                     \
    add s8, s8, s7;                                     \
    ori s7, T_CAUSE, 0x100;                             \
    sd s7, 0(s8);                                       \
    addi T_COUNT, T_COUNT, 1;                           \
    bltz T_CAUSE, 3f;                                   \
    beqz T_RESUME, 2f;                                  \
    csrw sepc, T_RESUME;                                \
    li T_RESUME, 0;                                     \
    sret;                                               \
2:  lhu s7, 0(T_EPC);                                   \
    andi s7, s7, 3;                                     \
    addi s7, s7, -3;                                    \
    seqz s7, s7;                                        \
    slli s7, s7, 1;                                     \
    addi s7, s7, 2;                                     \
    add s7, s7, T_EPC;                                  \
    csrw sepc, s7;                                      \
    sret;                                               \
3:  li s8, 1;                                           \
    sll s8, s8, T_CAUSE;                                \
    csrc sie, s8;                                       \
    sret;                                               \
    .bss;                                               \
    .align 4;                                           \
priv_trap_log:                                          \
    .skip 128;                                          \
    .text

/* Fail unless trap log entry `idx` equals `val` (clobbers t5, t6). */
#define CHECK_LOG(idx, val)                             \
    la t5, priv_trap_log;                               \
    ld t5, ((idx) * 8)(t5);                             \
    CHECK_EQ(t5, val)

/* clang-format on */


/* ---- shared by the interrupt-priority tests (priv_irq_priority*.S) ---- */
/* clang-format off */
#define IRQ(n) MCAUSE_IRQ(n)
#define SIRQ(n) (0x8000000000000100 | (n))

#define SET_ALL_PENDING                                 \
    li t0, CLINT_MSIP;                                  \
    li t1, 1;                                           \
    sw t1, 0(t0);                                       \
    li t0, CLINT_MTIMECMP;                              \
    sd zero, 0(t0);                                     \
    li t0, 0x222;                                       \
    csrs mip, t0

#define CLEAR_ALL_PENDING                               \
    li t0, CLINT_MSIP;                                  \
    sw zero, 0(t0);                                     \
    li t0, CLINT_MTIMECMP;                              \
    li t1, -1;                                          \
    sd t1, 0(t0);                                       \
    li t0, 0x222;                                       \
    csrc mip, t0

/* M-mode, interrupts off and undelegated, Sstc off so mip.STIP is software-writable. */
#define IRQ_PRIORITY_SETUP                              \
    PRIV_SETUP;                                         \
    csrci mstatus, ST_MIE;                              \
    csrw mie, zero;                                     \
    csrw mideleg, zero;                                 \
    li t0, 1;                                           \
    slli t0, t0, 63;                                    \
    csrc menvcfg, t0
/* clang-format on */

#endif
