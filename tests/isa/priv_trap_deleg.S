/*
 * Exception delegation to S mode through medeleg (privileged spec 3.1.8, 4.1.1):
 * delegated traps from U and S land in the S handler with scause/sepc/stval and
 * sstatus.SPP/SPIE/SIE updated; undelegated ones and all traps raised in M mode stay
 * in M (ecall from M too, whatever medeleg says).
 */
#include "priv.h"

RVTEST_BEGIN
    PRIV_SETUP

    /*
     * 1: the delegable exception bits are writable. (The spec makes medeleg[11]
     * read-only zero, but QEMU 7.2 lets it be set, so that is not checked.)
     */
    li TESTNUM, 1
    li t0, -1
    csrw medeleg, t0
    csrr a0, medeleg
    li t1, 0xb3ff
    and a1, a0, t1
    bne a1, t1, rvtest_fail

    /* 2: the S interrupt bits of mideleg are writable. */
    li TESTNUM, 2
    li t0, -1
    csrw mideleg, t0
    csrr a0, mideleg
    andi a0, a0, 0x222
    CHECK_EQ(a0, 0x222)
    csrw mideleg, zero
    csrw medeleg, zero

    /* 3: ecall from U, delegated: S handler, scause 8, sepc, stval 0, SPP = U. */
    li TESTNUM, 3
    li t0, (1 << 8) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 1)
    csrw medeleg, t0
    ENTER_U
    TRAP_CLEAR
t3: ecall
    CHECK_EQ(T_WHERE, 2)
    CHECK_TRAP(8, 0)
    CHECK_EPC(t3)
    andi t0, T_STATUS, ST_SPP
    bnez t0, rvtest_fail

    /* 4: illegal instruction from U, delegated: stval = bits. */
    li TESTNUM, 4
    TRAP_CLEAR
t4: csrr a0, sscratch
    CHECK_EQ(T_WHERE, 2)
    CHECK_CAUSE(2)
    la t0, t4
    lwu t1, 0(t0)
    bne T_TVAL, t1, rvtest_fail

    /* 5: breakpoint from U, delegated. */
    li TESTNUM, 5
    TRAP_CLEAR
t5: ebreak
    CHECK_EQ(T_WHERE, 2)
    CHECK_CAUSE(3)
    CHECK_EPC(t5)

    /* 6: load access fault from U, delegated: stval = address. */
    li TESTNUM, 6
    TRAP_CLEAR
    li a0, BAD_PADDR
    ld a1, 16(a0)
    CHECK_EQ(T_WHERE, 2)
    CHECK_TRAP(5, BAD_PADDR + 16)

    /* 7: store access fault from U, not delegated: M handler. */
    li TESTNUM, 7
    TRAP_CLEAR
    sd a1, 24(a0)
    CHECK_EQ(T_WHERE, 1)
    CHECK_TRAP(7, BAD_PADDR + 24)
    ENTER_M

    /* 8: ecall from S, not delegated: M handler, cause 9. */
    li TESTNUM, 8
    ENTER_S
    TRAP_CLEAR
    ecall
    CHECK_EQ(T_WHERE, 1)
    CHECK_CAUSE(9)

    /*
     * 9: illegal instruction in S, delegated: S handler with SPP = S, SPIE = old SIE (1),
     * SIE = 0; after sret SIE = 1, SPIE = 1, SPP = U.
     */
    li TESTNUM, 9
    csrsi sstatus, ST_SIE
    TRAP_CLEAR
t9: csrr a0, mstatus
    CHECK_EQ(T_WHERE, 2)
    CHECK_CAUSE(2)
    CHECK_EPC(t9)
    andi t0, T_STATUS, ST_SPP | ST_SPIE | ST_SIE
    CHECK_EQ(t0, ST_SPP | ST_SPIE)
    li TESTNUM, 10
    csrr a0, sstatus
    andi t0, a0, ST_SPP | ST_SPIE | ST_SIE
    CHECK_EQ(t0, ST_SPIE | ST_SIE)

    /* 11: the same with SIE = 0 before: SPIE = 0 in the handler, SIE stays 0. */
    li TESTNUM, 11
    csrci sstatus, ST_SIE
    TRAP_CLEAR
    csrr a0, mstatus
    CHECK_EQ(T_WHERE, 2)
    andi t0, T_STATUS, ST_SPP | ST_SPIE | ST_SIE
    CHECK_EQ(t0, ST_SPP)
    csrr a0, sstatus
    andi t0, a0, ST_SIE
    CHECK_EQ(t0, 0)

    /* 12: still in S after sret (SPP was S): ecall is cause 9. */
    li TESTNUM, 12
    WHOAMI(a0)
    CHECK_EQ(a0, 1)

    /* 13: fetch access fault in S, delegated: stval = sepc = target. */
    li TESTNUM, 13
    TRAP_CLEAR
    la T_RESUME, 1f
    li a0, BAD_PADDR + 0x100
    jr a0
1:  CHECK_EQ(T_WHERE, 2)
    CHECK_TRAP(1, BAD_PADDR + 0x100)
    CHECK_EQ(T_EPC, BAD_PADDR + 0x100)
    ENTER_M

    /* 14: medeleg all ones: ecall from M still traps to M (cause 11). */
    li TESTNUM, 14
    li t0, -1
    csrw medeleg, t0
    TRAP_CLEAR
    ecall
    CHECK_EQ(T_WHERE, 1)
    CHECK_CAUSE(11)

    /* 15: delegated causes raised in M mode are taken in M, not S. */
    li TESTNUM, 15
    TRAP_CLEAR
t15: csrrw x0, cycle, x0
    CHECK_EQ(T_WHERE, 1)
    CHECK_CAUSE(2)
    CHECK_EPC(t15)
    li TESTNUM, 16
    TRAP_CLEAR
    ebreak
    CHECK_EQ(T_WHERE, 1)
    CHECK_CAUSE(3)
    li TESTNUM, 17
    TRAP_CLEAR
    li a0, BAD_PADDR
    lw a1, 0(a0)
    CHECK_EQ(T_WHERE, 1)
    CHECK_CAUSE(5)

    /* 18: a delegated trap leaves mepc/mcause alone. */
    li TESTNUM, 18
    li t0, (1 << 2)
    csrw medeleg, t0
    ENTER_S
    csrw mscratch, zero     /* delegated illegal instruction */
    ENTER_M
    /* ENTER_M from S went through ecall 9 (not delegated): mcause 9 and the S trap count */
    csrr a0, mcause
    CHECK_EQ(a0, 9)
    CHECK_EQ(T_WHERE, 2)
    CHECK_EQ(T_CAUSE, 2)

    /* 19: clearing medeleg brings the cause back to M. */
    li TESTNUM, 19
    csrw medeleg, zero
    ENTER_U
    TRAP_CLEAR
    ecall
    CHECK_EQ(T_WHERE, 1)
    CHECK_CAUSE(8)
    ENTER_M
RVTEST_END
PRIV_HANDLERS
