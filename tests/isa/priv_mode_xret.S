/*
 * MRET and SRET (privileged spec 3.1.6.1, 3.3.2): the new mode comes from MPP/SPP, MIE/SIE
 * from MPIE/SPIE, MPIE/SPIE become 1, MPP/SPP become U. SRET from M mode is legal and
 * uses the S fields. (Since priv 1.12, returning to a mode below M also clears MPRV;
 * QEMU 7.2 does not do that, so it is not checked here.)
 */
#include "priv.h"

#define FIELDS (ST_MIE | ST_MPIE | ST_MPP | ST_SIE | ST_SPIE | ST_SPP)

RVTEST_BEGIN
    PRIV_SETUP
    csrw mie, zero

    /* 1: mret M->M with MPIE = 0, MIE = 1: MIE = 0, MPIE = 1, MPP = U. */
    li TESTNUM, 1
    li t0, ST_MPIE
    csrc mstatus, t0
    li t0, ST_MIE | ST_MPP
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    mret
1:  csrr a0, mstatus
    li t0, ST_MIE | ST_MPIE | ST_MPP
    and a0, a0, t0
    CHECK_EQ(a0, ST_MPIE)

    /* 2: mret M->M with MPIE = 1, MIE = 0: MIE = 1, MPIE = 1. */
    li TESTNUM, 2
    li t0, ST_MPIE | ST_MPP
    csrs mstatus, t0
    csrci mstatus, ST_MIE
    la t0, 1f
    csrw mepc, t0
    mret
1:  csrr a0, mstatus
    csrci mstatus, ST_MIE
    li t0, ST_MIE | ST_MPIE | ST_MPP
    and a0, a0, t0
    CHECK_EQ(a0, ST_MIE | ST_MPIE)

    /* 3: mret to S (MPP = S): runs in S, the trap from there records MPP = S. */
    li TESTNUM, 3
    ENTER_S
    WHOAMI(a0)
    CHECK_EQ(a0, 1)
    li TESTNUM, 4
    srli t0, T_STATUS, 11
    andi t0, t0, 3
    CHECK_EQ(t0, 1)
    ENTER_M

    /* 5: mret to U: runs in U. */
    li TESTNUM, 5
    ENTER_U
    WHOAMI(a0)
    CHECK_EQ(a0, 0)
    ENTER_M

    /* 6: mret M->M leaves MPRV set. */
    li TESTNUM, 6
    li t0, ST_MPRV
    csrs mstatus, t0
    ENTER_MODE(3)
    csrr a0, mstatus
    li t0, ST_MPRV
    csrc mstatus, t0
    and a0, a0, t0
    CHECK_EQ(a0, ST_MPRV)

    /* 7: sret in S with SPP = S, SPIE = 1, SIE = 0: stays in S, SIE = 1, SPIE = 1, SPP = U. */
    li TESTNUM, 7
    ENTER_S
    li t0, ST_SPP | ST_SPIE
    csrs sstatus, t0
    csrci sstatus, ST_SIE
    la t0, 1f
    csrw sepc, t0
    sret
1:  csrr a0, sstatus
    csrci sstatus, ST_SIE
    andi a0, a0, ST_SIE | ST_SPIE | ST_SPP
    CHECK_EQ(a0, ST_SIE | ST_SPIE)
    li TESTNUM, 8
    WHOAMI(a0)
    CHECK_EQ(a0, 1)

    /* 9: sret in S with SPIE = 0, SIE = 1: SIE = 0, SPIE = 1. */
    li TESTNUM, 9
    li t0, ST_SPP | ST_SIE
    csrs sstatus, t0
    li t0, ST_SPIE
    csrc sstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret
1:  csrr a0, sstatus
    andi a0, a0, ST_SIE | ST_SPIE | ST_SPP
    CHECK_EQ(a0, ST_SPIE)

    /* 10: sret in S with SPP = U: runs in U. */
    li TESTNUM, 10
    li t0, ST_SPP
    csrc sstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret
1:  WHOAMI(a0)
    CHECK_EQ(a0, 0)
    ENTER_M

    /* 11: sret in M with SPP = S: runs in S; MIE stays 0 (the next trap copies it to MPIE). */
    li TESTNUM, 11
    li t0, ST_SPP | ST_MPIE
    csrs mstatus, t0
    csrci mstatus, ST_MIE
    la t0, 1f
    csrw sepc, t0
    sret
1:  WHOAMI(a0)
    CHECK_EQ(a0, 1)
    li TESTNUM, 12
    andi t0, T_STATUS, ST_MPIE
    bnez t0, rvtest_fail
    ENTER_M

    /* 13: sret in M with SPP = U: runs in U; then SPP = U, SPIE = 1 in mstatus. */
    li TESTNUM, 13
    li t0, ST_SPP | ST_SPIE
    csrc mstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret
1:  WHOAMI(a0)
    CHECK_EQ(a0, 0)
    ENTER_M
    li TESTNUM, 14
    csrr a0, mstatus
    andi a0, a0, ST_SPIE | ST_SPP
    CHECK_EQ(a0, ST_SPIE)

    /* 15: mret jumps to mepc exactly (a 2-byte aligned target is fine with C). */
    li TESTNUM, 15
    li t0, ST_MPP
    csrs mstatus, t0
    la t0, t15
    csrw mepc, t0
    li a0, 0
    mret
    li a0, 1
    .option push
    .option rvc
    .align 2
    c.nop
t15: c.addi a0, 5
    .option pop
    CHECK_EQ(a0, 5)
RVTEST_END
PRIV_HANDLERS
