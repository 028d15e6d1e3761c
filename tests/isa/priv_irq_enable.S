/*
 * Interrupt enable rules (privileged spec 3.1.6.1, 3.1.9, 4.1.3): an M-level interrupt is
 * taken in M only with mstatus.MIE = 1, but always in S and U; an interrupt delegated
 * through mideleg is never taken in M, is taken in S only with sstatus.SIE = 1, and
 * always in U; an interrupt needs its mie bit. On an interrupt mcause has bit 63 set and
 * mepc is the next instruction to run. WFI returns when an interrupt is pending and
 * enabled in mie, even with MIE = 0, without taking it.
 */
#include "priv.h"

#define SPIN(n)                                         \
    li t0, n;                                           \
9804: addi t0, t0, -1;                                  \
    bnez t0, 9804b

#define MPP_OF(reg, st)                                 \
    srli reg, st, 11;                                   \
    andi reg, reg, 3

RVTEST_BEGIN
    PRIV_SETUP
    csrw mie, zero
    csrw mip, zero
    csrw mideleg, zero
    li t0, 1
    slli t0, t0, 63
    csrc menvcfg, t0
    li t0, CLINT_MTIMECMP
    li t1, -1
    sd t1, 0(t0)

    /* 1: M, MIE = 0: a pending, enabled SSI is not taken. */
    li TESTNUM, 1
    TRAP_CLEAR
    csrci mstatus, ST_MIE
    csrsi mie, (1 << 1)
    csrsi mip, (1 << 1)
    SPIN(100)
    CHECK_NO_TRAP

    /* 2: setting MIE takes it at once: mepc = the next instruction, MPIE = 1, MIE = 0. */
    li TESTNUM, 2
    csrsi mstatus, ST_MIE
t2: csrci mstatus, ST_MIE
    CHECK_TRAP(MCAUSE_IRQ(1), 0)
    CHECK_EPC(t2)
    CHECK_EQ(T_WHERE, 1)
    andi t0, T_STATUS, ST_MIE | ST_MPIE
    CHECK_EQ(t0, ST_MPIE)
    li TESTNUM, 3
    MPP_OF(t0, T_STATUS)
    CHECK_EQ(t0, 3)

    /* 4: without its mie bit it is not taken, even with MIE = 1. */
    li TESTNUM, 4
    TRAP_CLEAR
    csrw mie, zero
    csrsi mstatus, ST_MIE
    SPIN(100)
    csrci mstatus, ST_MIE
    CHECK_NO_TRAP
    csrci mip, (1 << 1)

    /* 5: MSI (CLINT) is taken in U although MIE = 0 there; MPP = U. */
    li TESTNUM, 5
    li t0, ST_MPIE
    csrc mstatus, t0
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)
    csrsi mie, (1 << 3)
    TRAP_CLEAR
    ENTER_U
    nop
    CHECK_TRAP(MCAUSE_IRQ(3), 0)
    CHECK_EQ(T_WHERE, 1)
    MPP_OF(t0, T_STATUS)
    CHECK_EQ(t0, 0)
    li TESTNUM, 6
    andi t0, T_STATUS, ST_MPIE
    bnez t0, rvtest_fail
    ENTER_M
    li t0, CLINT_MSIP
    sw zero, 0(t0)

    /* 7: MTI (CLINT) is taken in S with MIE = 0; MPP = S, mepc in S code. */
    li TESTNUM, 7
    csrci mstatus, ST_MIE
    li t0, ST_MPIE
    csrc mstatus, t0
    li t0, CLINT_MTIMECMP
    sd zero, 0(t0)
    li t0, (1 << 7)
    csrs mie, t0
    TRAP_CLEAR
    ENTER_S
    SPIN(10)
    CHECK_TRAP(MCAUSE_IRQ(7), 0)
    CHECK_EQ(T_WHERE, 1)
    MPP_OF(t0, T_STATUS)
    CHECK_EQ(t0, 1)
    ENTER_M
    li t0, CLINT_MTIMECMP
    li t1, -1
    sd t1, 0(t0)

    /* 8: a non-delegated SEI (mip.SEIP) in S with SIE = 0 traps to M. */
    li TESTNUM, 8
    li t0, (1 << 9)
    csrs mip, t0
    csrs mie, t0
    TRAP_CLEAR
    ENTER_S
    csrci sstatus, ST_SIE
    SPIN(10)
    CHECK_TRAP(MCAUSE_IRQ(9), 0)
    CHECK_EQ(T_WHERE, 1)
    ENTER_M
    li t0, (1 << 9)
    csrc mip, t0

    /* 9: a delegated SSI is never taken in M, even with MIE = SIE = 1. */
    li TESTNUM, 9
    csrwi mideleg, (1 << 1)
    csrsi mie, (1 << 1)
    csrsi mip, (1 << 1)
    TRAP_CLEAR
    csrsi mstatus, ST_MIE | ST_SIE
    SPIN(100)
    csrci mstatus, ST_MIE | ST_SIE
    CHECK_NO_TRAP

    /* 10: in S with SIE = 0 it waits ... */
    li TESTNUM, 10
    ENTER_S
    SPIN(100)
    CHECK_NO_TRAP
    /* 11: ... and SIE = 1 takes it in S: scause, sepc = next, SPP = S, SPIE = 1. */
    li TESTNUM, 11
    csrsi sstatus, ST_SIE
t11: csrci sstatus, ST_SIE
    CHECK_EQ(T_WHERE, 2)
    CHECK_TRAP(MCAUSE_IRQ(1), 0)
    CHECK_EPC(t11)
    andi t0, T_STATUS, ST_SPP | ST_SPIE | ST_SIE
    CHECK_EQ(t0, ST_SPP | ST_SPIE)
    ENTER_M

    /* 12: a delegated STI (mip.STIP) is taken in U although SIE = 0; SPP = U. */
    li TESTNUM, 12
    li t0, (1 << 5)
    csrw mideleg, t0
    csrs mie, t0
    csrs mip, t0
    csrci sstatus, ST_SIE
    TRAP_CLEAR
    ENTER_U
    SPIN(10)
    CHECK_EQ(T_WHERE, 2)
    CHECK_TRAP(MCAUSE_IRQ(5), 0)
    andi t0, T_STATUS, ST_SPP
    bnez t0, rvtest_fail
    ENTER_M
    li t0, (1 << 5)
    csrc mip, t0
    csrw mideleg, zero

    /* 13: wfi with MIE = 0 and an enabled pending SSI returns without a trap. */
    li TESTNUM, 13
    csrci mstatus, ST_MIE
    csrw mie, zero
    csrsi mie, (1 << 1)
    csrsi mip, (1 << 1)
    TRAP_CLEAR
    wfi
    CHECK_NO_TRAP
    csrci mip, (1 << 1)
    csrw mie, zero

    /* 14: wfi with MIE = 0 wakes when the CLINT timer fires 1 ms later. */
    li TESTNUM, 14
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 10000
    add t1, t1, t2
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
    li t0, (1 << 7)
    csrs mie, t0
    TRAP_CLEAR
    li a2, 1000000
1:  wfi
    csrr a0, mip
    andi a0, a0, (1 << 7)
    bnez a0, 2f
    addi a2, a2, -1
    bnez a2, 1b
    j rvtest_fail
2:  CHECK_NO_TRAP
    /* 15: time has reached mtimecmp. */
    li TESTNUM, 15
    csrr a0, time
    bltu a0, t1, rvtest_fail
    /* 16: and MIE = 1 now takes it. */
    li TESTNUM, 16
    csrsi mstatus, ST_MIE
    nop
    csrci mstatus, ST_MIE
    CHECK_TRAP(MCAUSE_IRQ(7), 0)
    li t0, CLINT_MTIMECMP
    li t1, -1
    sd t1, 0(t0)
    /* 17: writing mtimecmp into the future clears mip.MTIP. */
    li TESTNUM, 17
    csrr a0, mip
    andi a0, a0, (1 << 7)
    bnez a0, rvtest_fail

    /*
     * 18: wfi with MIE = 1: the timer interrupt 1 ms later is taken with mepc = the
     * instruction after the wfi.
     */
    li TESTNUM, 18
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 10000
    add t1, t1, t2
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
    li t0, (1 << 7)
    csrs mie, t0
    TRAP_CLEAR
    li a2, 1000000
    csrsi mstatus, ST_MIE
1:  wfi
t18: li t0, NO_TRAP
    bne T_CAUSE, t0, 2f
    addi a2, a2, -1
    bnez a2, 1b
2:  csrci mstatus, ST_MIE
    CHECK_TRAP(MCAUSE_IRQ(7), 0)
    CHECK_EPC(t18)
    li t0, CLINT_MTIMECMP
    li t1, -1
    sd t1, 0(t0)
RVTEST_END
PRIV_HANDLERS
