/*
 * mtvec and stvec modes (privileged spec 3.1.7, 4.1.2): in Direct mode every trap goes
 * to BASE; in Vectored mode exceptions go to BASE and interrupt n to BASE + 4*n.
 * Interrupts: mcause has bit 63 set, mtval is 0, mepc is the next instruction to run.
 * s11 records which vector entry ran (0x100 + n; 0x1ff = the Direct-mode entry).
 */
#include "priv.h"

RVTEST_BEGIN
    PRIV_SETUP
    li s11, 0
    /* Sstc off, so mip.STIP is software-writable; CLINT timer far in the future. */
    li t0, 1
    slli t0, t0, 63
    csrc menvcfg, t0
    li t0, CLINT_MTIMECMP
    li t1, -1
    sd t1, 0(t0)

    /* 1: Direct mode reads back as written. */
    li TESTNUM, 1
    la a0, mdirect
    csrw mtvec, a0
    csrr a1, mtvec
    bne a0, a1, rvtest_fail

    /* 2: in Direct mode, an interrupt goes to BASE. */
    li TESTNUM, 2
    TRAP_CLEAR
    li s11, 0
    csrsi mip, (1 << 1)
    csrsi mie, (1 << 1)
    csrsi mstatus, ST_MIE
t2: csrci mstatus, ST_MIE
    csrci mip, (1 << 1)
    CHECK_EQ(s11, 0x1ff)
    CHECK_TRAP(MCAUSE_IRQ(1), 0)
    CHECK_EPC(t2)

    /* 3: Vectored mode reads back as written. */
    li TESTNUM, 3
    la a0, mvec
    ori a0, a0, 1
    csrw mtvec, a0
    csrr a1, mtvec
    bne a0, a1, rvtest_fail

    /* 4: in Vectored mode, exceptions go to BASE. */
    li TESTNUM, 4
    TRAP_CLEAR
    li s11, 0
    ecall
    CHECK_EQ(s11, 0x100)
    CHECK_TRAP(11, 0)

    /* 5: SSI (cause 1) goes to BASE + 4. */
    li TESTNUM, 5
    TRAP_CLEAR
    li s11, 0
    csrsi mip, (1 << 1)
    csrsi mie, (1 << 1)
    csrsi mstatus, ST_MIE
t5: csrci mstatus, ST_MIE
    csrci mip, (1 << 1)
    CHECK_EQ(s11, 0x101)
    CHECK_TRAP(MCAUSE_IRQ(1), 0)
    CHECK_EPC(t5)

    /* 6: STI (cause 5), set through mip.STIP, goes to BASE + 20. */
    li TESTNUM, 6
    TRAP_CLEAR
    li s11, 0
    li t0, (1 << 5)
    csrs mip, t0
    csrs mie, t0
    csrsi mstatus, ST_MIE
t6: csrci mstatus, ST_MIE
    csrc mip, t0
    CHECK_EQ(s11, 0x105)
    CHECK_TRAP(MCAUSE_IRQ(5), 0)
    CHECK_EPC(t6)

    /* 7: SEI (cause 9), set through mip.SEIP, goes to BASE + 36. */
    li TESTNUM, 7
    TRAP_CLEAR
    li s11, 0
    li t0, (1 << 9)
    csrs mip, t0
    csrs mie, t0
    csrsi mstatus, ST_MIE
t7: csrci mstatus, ST_MIE
    csrc mip, t0
    CHECK_EQ(s11, 0x109)
    CHECK_TRAP(MCAUSE_IRQ(9), 0)
    CHECK_EPC(t7)

    /* 8: MSI (cause 3) from the CLINT msip register goes to BASE + 12. */
    li TESTNUM, 8
    TRAP_CLEAR
    li s11, 0
    li a0, CLINT_MSIP
    li t0, 1
    sw t0, 0(a0)
    csrsi mie, (1 << 3)
    csrsi mstatus, ST_MIE
t8: csrci mstatus, ST_MIE
    sw zero, 0(a0)
    CHECK_EQ(s11, 0x103)
    CHECK_TRAP(MCAUSE_IRQ(3), 0)
    CHECK_EPC(t8)

    /* 9: MTI (cause 7) from the CLINT timer goes to BASE + 28. */
    li TESTNUM, 9
    TRAP_CLEAR
    li s11, 0
    li a0, CLINT_MTIMECMP
    sd zero, 0(a0)
    li t0, (1 << 7)
    csrs mie, t0
    csrsi mstatus, ST_MIE
t9: csrci mstatus, ST_MIE
    li t1, -1
    sd t1, 0(a0)
    CHECK_EQ(s11, 0x107)
    CHECK_TRAP(MCAUSE_IRQ(7), 0)
    CHECK_EPC(t9)

    /* 10: stvec Vectored: delegated SSI in S goes to stvec BASE + 4. */
    li TESTNUM, 10
    la a0, svec
    ori a0, a0, 1
    csrw stvec, a0
    csrr a1, stvec
    bne a0, a1, rvtest_fail
    li TESTNUM, 11
    csrwi mideleg, (1 << 1)
    li t0, (1 << 1)
    csrw medeleg, t0        /* misaligned fetch: not raised, just a nonzero medeleg */
    li t0, (1 << 2)
    csrs medeleg, t0        /* illegal instruction goes to S */
    ENTER_S
    TRAP_CLEAR
    li s11, 0
    csrsi sie, (1 << 1)
    csrsi sip, (1 << 1)
    csrsi sstatus, ST_SIE
t11: csrci sstatus, ST_SIE
    csrci sip, (1 << 1)
    CHECK_EQ(s11, 0x201)
    CHECK_EQ(T_WHERE, 2)
    CHECK_TRAP(MCAUSE_IRQ(1), 0)
    CHECK_EPC(t11)

    /* 12: a delegated exception in S goes to stvec BASE. */
    li TESTNUM, 12
    TRAP_CLEAR
    li s11, 0
    csrr a0, mstatus
    CHECK_EQ(s11, 0x200)
    CHECK_EQ(T_WHERE, 2)
    CHECK_CAUSE(2)
    ENTER_M
RVTEST_END
PRIV_HANDLERS

    .text
    .option push
    .option norvc
    .align 8
mvec:
    j mv0
    j mv1
    j mvbad
    j mv3
    j mvbad
    j mv5
    j mvbad
    j mv7
    j mvbad
    j mv9
    j mvbad
    j mvbad
mv0: li s11, 0x100
    j priv_mtrap
mv1: li s11, 0x101
    j priv_mtrap
mv3: li s11, 0x103
    j priv_mtrap
mv5: li s11, 0x105
    j priv_mtrap
mv7: li s11, 0x107
    j priv_mtrap
mv9: li s11, 0x109
    j priv_mtrap
mvbad:
    j rvtest_fail
mdirect:
    li s11, 0x1ff
    j priv_mtrap

    .align 8
svec:
    j sv0
    j sv1
    j svbad
    j svbad
    j svbad
    j svbad
sv0: li s11, 0x200
    j priv_strap
sv1: li s11, 0x201
    j priv_strap
svbad:
    li s11, 0x2ff
    j priv_strap
    .option pop
