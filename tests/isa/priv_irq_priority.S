/*
 * Priority of simultaneous interrupts (privileged spec 3.1.9, 4.1.3): to the same mode
 * MEI > MSI > MTI > SEI > SSI > STI; interrupts for M are taken before those delegated
 * to S. The handler disables each interrupt in mie/sie as it takes it, so the trap log
 * gives the order. MEI needs the PLIC and is left out. S-handler log entries have 0x100.
 *
 * QEMU 7.2 (without AIA) takes same-destination interrupts lowest number first, which
 * agrees with the spec for MSI > MTI > SEI and SSI > STI but not for SEI/MSI/MTI > SSI,
 * STI: those cases are in priv_irq_priority_spec.S, which QEMU 7.2 fails.
 */
#include "priv.h"

RVTEST_BEGIN
    IRQ_PRIORITY_SETUP

    /* 1-4: MSI, MTI, SEI pending for M: taken in that order. */
    li TESTNUM, 1
    SET_ALL_PENDING
    li t0, 0xa88
    csrw mie, t0
    li T_COUNT, 0
    csrsi mstatus, ST_MIE
    nop
    csrci mstatus, ST_MIE
    CHECK_EQ(T_COUNT, 3)
    li TESTNUM, 2
    CHECK_LOG(0, IRQ(3))
    li TESTNUM, 3
    CHECK_LOG(1, IRQ(7))
    li TESTNUM, 4
    CHECK_LOG(2, IRQ(9))

    /* 5-6: SSI and STI pending for M: SSI first. */
    li TESTNUM, 5
    li t0, 0x022
    csrw mie, t0
    li T_COUNT, 0
    csrsi mstatus, ST_MIE
    nop
    csrci mstatus, ST_MIE
    CHECK_EQ(T_COUNT, 2)
    li TESTNUM, 6
    CHECK_LOG(0, IRQ(1))
    CHECK_LOG(1, IRQ(5))

    /* 7-8: SSI and STI delegated, taken in S with SIE = 1: SSI first. */
    li TESTNUM, 7
    li t0, 0x022
    csrw mideleg, t0
    csrw mie, t0
    li T_COUNT, 0
    ENTER_S
    csrsi sstatus, ST_SIE
    nop
    csrci sstatus, ST_SIE
    ENTER_M
    CHECK_EQ(T_COUNT, 2)
    li TESTNUM, 8
    CHECK_LOG(0, SIRQ(1))
    CHECK_LOG(1, SIRQ(5))

    /*
     * 10-14: in S with SIE = 1, SSI and STI delegated, MSI and MTI not: the two for M
     * first, then SSI and STI in S.
     */
    li TESTNUM, 10
    csrci mstatus, ST_MIE
    CLEAR_ALL_PENDING
    SET_ALL_PENDING
    li t0, 0x0aa
    csrw mie, t0
    li T_COUNT, 0
    ENTER_S
    csrsi sstatus, ST_SIE
    nop
    csrci sstatus, ST_SIE
    ENTER_M
    CHECK_EQ(T_COUNT, 4)
    li TESTNUM, 11
    CHECK_LOG(0, IRQ(3))
    li TESTNUM, 12
    CHECK_LOG(1, IRQ(7))
    li TESTNUM, 13
    CHECK_LOG(2, SIRQ(1))
    li TESTNUM, 14
    CHECK_LOG(3, SIRQ(5))

    /* 15-18: SSI and STI delegated, SEI not; in S: SEI (to M) first, then SSI, STI. */
    li TESTNUM, 15
    csrci mstatus, ST_MIE
    CLEAR_ALL_PENDING
    li t0, 0x222
    csrs mip, t0
    li t0, 0x022
    csrw mideleg, t0
    li t0, 0x222
    csrw mie, t0
    li T_COUNT, 0
    ENTER_S
    csrsi sstatus, ST_SIE
    nop
    csrci sstatus, ST_SIE
    ENTER_M
    CHECK_EQ(T_COUNT, 3)
    li TESTNUM, 16
    CHECK_LOG(0, IRQ(9))
    li TESTNUM, 17
    CHECK_LOG(1, SIRQ(1))
    li TESTNUM, 18
    CHECK_LOG(2, SIRQ(5))

    /* 19-20: in U with SSI delegated and STI not: STI (to M) before SSI (to S). */
    li TESTNUM, 19
    csrci mstatus, ST_MIE
    CLEAR_ALL_PENDING
    li t0, 0x022
    csrs mip, t0
    li t0, 0x002
    csrw mideleg, t0
    li t0, 0x022
    csrw mie, t0
    li T_COUNT, 0
    ENTER_U
    nop
    nop
    ENTER_M
    CHECK_EQ(T_COUNT, 2)
    li TESTNUM, 20
    CHECK_LOG(0, IRQ(5))
    CHECK_LOG(1, SIRQ(1))
    CLEAR_ALL_PENDING
RVTEST_END
PRIV_HANDLERS
