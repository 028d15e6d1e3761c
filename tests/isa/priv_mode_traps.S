/*
 * Privileged instructions that trap as illegal depending on mode and on mstatus.TVM, TW,
 * TSR (privileged spec 3.1.6.5, 3.3.2, 3.3.3): satp and sfence.vma in S with TVM = 1,
 * wfi in S with TW = 1 and in U always, sret in S with TSR = 1 and in U, mret below M.
 * M mode is never affected by TVM/TW/TSR. Illegal traps carry the instruction bits.
 */
#include "priv.h"

/* Expect an illegal-instruction trap at label `l` with mtval = its 32 bits. */
#define CHECK_ILLEGAL_AT(l)                             \
    CHECK_CAUSE(2);                                     \
    CHECK_EPC(l);                                       \
    la t0, l;                                           \
    lwu t1, 0(t0);                                      \
    bne T_TVAL, t1, rvtest_fail

RVTEST_BEGIN
    PRIV_SETUP
    csrw mie, zero
    csrw satp, zero

    /* 1: TVM = 0: S may read/write satp (bare) and run sfence.vma. */
    li TESTNUM, 1
    li t0, ST_TVM | ST_TW | ST_TSR
    csrc mstatus, t0
    ENTER_S
    TRAP_CLEAR
    csrr a0, satp
    csrw satp, zero
    sfence.vma
    sfence.vma zero, a0
    CHECK_NO_TRAP
    ENTER_M

    /* 2-4: TVM = 1: satp reads, writes and sfence.vma trap in S. */
    li t0, ST_TVM
    csrs mstatus, t0
    ENTER_S
    li TESTNUM, 2
    TRAP_CLEAR
t2: csrr a0, satp
    CHECK_ILLEGAL_AT(t2)
    li TESTNUM, 3
    TRAP_CLEAR
t3: csrw satp, zero
    CHECK_ILLEGAL_AT(t3)
    li TESTNUM, 4
    TRAP_CLEAR
t4: sfence.vma
    CHECK_ILLEGAL_AT(t4)
    ENTER_M

    /* 5: TVM = 1 does not affect M. */
    li TESTNUM, 5
    TRAP_CLEAR
    csrr a0, satp
    csrw satp, zero
    sfence.vma
    CHECK_NO_TRAP
    li t0, ST_TVM
    csrc mstatus, t0

    /*
     * 6: TW = 0: wfi in S is legal. A delegated SSI is pending and enabled in sie but
     * sstatus.SIE = 0, so wfi returns without taking it.
     */
    li TESTNUM, 6
    csrwi mideleg, (1 << 1)
    csrsi mip, (1 << 1)
    csrsi mie, (1 << 1)
    ENTER_S
    csrci sstatus, ST_SIE
    TRAP_CLEAR
    wfi
    CHECK_NO_TRAP
    ENTER_M

    /* 7: TW = 1: wfi in S is illegal. */
    li TESTNUM, 7
    li t0, ST_TW
    csrs mstatus, t0
    ENTER_S
    csrci sstatus, ST_SIE
    TRAP_CLEAR
t7: wfi
    CHECK_ILLEGAL_AT(t7)
    ENTER_M

    /* 8: TW = 1 does not affect M (SSI pending+enabled, MIE = 0: wfi returns). */
    li TESTNUM, 8
    csrci mstatus, ST_MIE
    csrw mideleg, zero
    TRAP_CLEAR
    wfi
    CHECK_NO_TRAP

    /*
     * 9: wfi in U is illegal (TW = 1). The SSI is cleared; a timer interrupt 10 ms away
     * makes a wrongly-waiting wfi fail instead of hanging.
     */
    li TESTNUM, 9
    csrci mip, (1 << 1)
    csrw mie, zero
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 100000
    add t1, t1, t2
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
    li t0, (1 << 7)
    csrs mie, t0
    ENTER_U
    TRAP_CLEAR
t9: wfi
    CHECK_ILLEGAL_AT(t9)
    ENTER_M

    /* 10: wfi in U is illegal with TW = 0 too (S mode exists). */
    li TESTNUM, 10
    li t0, ST_TW
    csrc mstatus, t0
    ENTER_U
    TRAP_CLEAR
t10: wfi
    CHECK_ILLEGAL_AT(t10)
    ENTER_M
    csrw mie, zero

    /* 11: TSR = 1: sret in S is illegal. */
    li TESTNUM, 11
    li t0, ST_TSR
    csrs mstatus, t0
    ENTER_S
    TRAP_CLEAR
t11: sret
    CHECK_ILLEGAL_AT(t11)
    ENTER_M

    /* 12: TSR = 1 does not affect sret in M. */
    li TESTNUM, 12
    li t0, ST_SPP
    csrs mstatus, t0
    la t0, 1f
    csrw sepc, t0
    TRAP_CLEAR
    sret
1:  CHECK_NO_TRAP
    WHOAMI(a0)
    CHECK_EQ(a0, 1)
    ENTER_M
    li t0, ST_TSR
    csrc mstatus, t0

    /* 13: TSR = 0: sret in S works (back to S at sepc). */
    li TESTNUM, 13
    ENTER_S
    li t0, ST_SPP
    csrs sstatus, t0
    la t0, 1f
    csrw sepc, t0
    TRAP_CLEAR
    sret
1:  CHECK_NO_TRAP

    /* 14: mret in S is illegal. */
    li TESTNUM, 14
    TRAP_CLEAR
t14: mret
    CHECK_ILLEGAL_AT(t14)
    ENTER_M

    /* 15: sret in U is illegal. */
    li TESTNUM, 15
    ENTER_U
    TRAP_CLEAR
t15: sret
    CHECK_ILLEGAL_AT(t15)

    /* 16: mret in U is illegal. */
    li TESTNUM, 16
    TRAP_CLEAR
t16: mret
    CHECK_ILLEGAL_AT(t16)

    /* 17: sfence.vma in U is illegal. */
    li TESTNUM, 17
    TRAP_CLEAR
t17: sfence.vma
    CHECK_ILLEGAL_AT(t17)

    /* 18: satp from U is illegal. */
    li TESTNUM, 18
    TRAP_CLEAR
t18: csrr a0, satp
    CHECK_ILLEGAL_AT(t18)
    ENTER_M

    /* 19: TSR = 1 and TVM = 1 leave S's ecall and other S CSRs alone. */
    li TESTNUM, 19
    li t0, ST_TSR | ST_TVM
    csrs mstatus, t0
    ENTER_S
    TRAP_CLEAR
    csrr a0, sscratch
    csrr a0, sstatus
    CHECK_NO_TRAP
    WHOAMI(a0)
    CHECK_EQ(a0, 1)
    ENTER_M
RVTEST_END
PRIV_HANDLERS
