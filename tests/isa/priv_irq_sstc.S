/*
 * Sstc (stimecmp; privileged spec chapter "Sstc"): with menvcfg.STCE = 1, mip.STIP is
 * (time >= stimecmp) and software writes to it are ignored; the S timer interrupt is
 * taken in S when delegated. S-mode access to stimecmp needs menvcfg.STCE = 1 and
 * mcounteren.TM = 1, else illegal instruction.
 */
#include "priv.h"

#define STCE_ON                                         \
    li t0, 1;                                           \
    slli t0, t0, 63;                                    \
    csrs menvcfg, t0

#define STCE_OFF                                        \
    li t0, 1;                                           \
    slli t0, t0, 63;                                    \
    csrc menvcfg, t0

#define STIP_TO(reg)                                    \
    csrr reg, mip;                                      \
    srli reg, reg, 5;                                   \
    andi reg, reg, 1

RVTEST_BEGIN
    PRIV_SETUP
    csrci mstatus, ST_MIE
    csrw mie, zero
    csrw mip, zero
    csrw mideleg, zero

    /* 1: STCE can be set and reads back. */
    li TESTNUM, 1
    STCE_ON
    csrr a0, menvcfg
    bgez a0, rvtest_fail

    /* 2: stimecmp in the past: STIP = 1. */
    li TESTNUM, 2
    csrw stimecmp, zero
    csrr a0, stimecmp
    CHECK_EQ(a0, 0)
    STIP_TO(a0)
    CHECK_EQ(a0, 1)

    /* 3: stimecmp far in the future: STIP = 0. */
    li TESTNUM, 3
    li t0, -1
    csrw stimecmp, t0
    STIP_TO(a0)
    CHECK_EQ(a0, 0)

    /* 4: with STCE = 1, software cannot set mip.STIP. */
    li TESTNUM, 4
    li t0, (1 << 5)
    csrs mip, t0
    STIP_TO(a0)
    CHECK_EQ(a0, 0)

    /* 5: ... nor clear it while time >= stimecmp. */
    li TESTNUM, 5
    csrw stimecmp, zero
    li t0, (1 << 5)
    csrc mip, t0
    STIP_TO(a0)
    CHECK_EQ(a0, 1)

    /* 6: STIP rises by itself once time reaches stimecmp (1 ms ahead). */
    li TESTNUM, 6
    csrr a0, time
    li t0, 10000
    add a0, a0, t0
    csrw stimecmp, a0
    STIP_TO(a1)
    CHECK_EQ(a1, 0)
    li TESTNUM, 7
    li a2, 100000000
1:  STIP_TO(a1)
    bnez a1, 2f
    addi a2, a2, -1
    bnez a2, 1b
    j rvtest_fail
2:  csrr a1, time
    bltu a1, a0, rvtest_fail

    /* 8: not delegated: the STI is taken by M (MIE = 1). */
    li TESTNUM, 8
    TRAP_CLEAR
    li t0, (1 << 5)
    csrs mie, t0
    csrsi mstatus, ST_MIE
    nop
    csrci mstatus, ST_MIE
    CHECK_TRAP(MCAUSE_IRQ(5), 0)
    CHECK_EQ(T_WHERE, 1)

    /* 9-10: S with TM = 0 cannot access stimecmp. */
    li t0, -1
    csrw stimecmp, t0
    csrw mcounteren, zero
    ENTER_S
    li TESTNUM, 9
    TRAP_CLEAR
    csrr a0, stimecmp
    CHECK_CAUSE(2)
    li TESTNUM, 10
    TRAP_CLEAR
    csrw stimecmp, zero
    CHECK_CAUSE(2)
    ENTER_M
    /* 11: (the write did not happen) */
    li TESTNUM, 11
    csrr a0, stimecmp
    CHECK_EQ(a0, -1)

    /* 12: S with TM = 1 and STCE = 0 cannot access stimecmp either. */
    li TESTNUM, 12
    csrwi mcounteren, 2
    STCE_OFF
    ENTER_S
    TRAP_CLEAR
    csrr a0, stimecmp
    CHECK_CAUSE(2)
    ENTER_M

    /*
     * 13-15: TM = 1, STCE = 1, STI delegated: S arms stimecmp 1 ms ahead, sleeps in wfi
     * with SIE = 1, and takes the S timer interrupt in S.
     */
    li TESTNUM, 13
    STCE_ON
    csrci mstatus, ST_MIE
    li t0, (1 << 5)
    csrw mideleg, t0
    csrw mie, zero
    ENTER_S
    TRAP_CLEAR
    csrr a0, time
    li t0, 10000
    add a0, a0, t0
    csrw stimecmp, a0
    CHECK_NO_TRAP
    li t0, (1 << 5)
    csrs sie, t0
    csrsi sstatus, ST_SIE
    li a2, 1000000
1:  wfi
    li t0, NO_TRAP
    bne T_CAUSE, t0, 2f
    addi a2, a2, -1
    bnez a2, 1b
2:  csrci sstatus, ST_SIE
    CHECK_EQ(T_WHERE, 2)
    CHECK_TRAP(MCAUSE_IRQ(5), 0)
    li TESTNUM, 14
    csrr a1, time
    bltu a1, a0, rvtest_fail
    /* 15: sip.STIP is set; S writing stimecmp into the future clears it. */
    li TESTNUM, 15
    csrr a1, sip
    andi a1, a1, (1 << 5)
    CHECK_EQ(a1, (1 << 5))
    li t0, -1
    csrw stimecmp, t0
    csrr a1, sip
    andi a1, a1, (1 << 5)
    CHECK_EQ(a1, 0)
    ENTER_M

    /* 16: STCE = 0: mip.STIP is software-writable again and ignores stimecmp. */
    li TESTNUM, 16
    STCE_OFF
    csrw stimecmp, zero
    li t0, (1 << 5)
    csrc mip, t0
    STIP_TO(a0)
    CHECK_EQ(a0, 0)
    li t0, (1 << 5)
    csrs mip, t0
    STIP_TO(a0)
    CHECK_EQ(a0, 1)
    li t0, (1 << 5)
    csrc mip, t0
    csrw mideleg, zero
RVTEST_END
PRIV_HANDLERS
