/*
 * Fields of the machine and supervisor status/interrupt CSRs (privileged spec 3.1.1,
 * 3.1.6, 3.1.9, 4.1.1, 4.1.3, 3.1.18, 4.1.10): misa, mstatus.SXL/UXL, sstatus as a view
 * of mstatus, the mip/mie bits writable by software, sip/sie as views restricted to
 * mideleg, menvcfg/senvcfg, mstatus.SD.
 */
#include "priv.h"

#define M_ONLY (ST_MIE | ST_MPIE | ST_MPP | ST_MPRV | ST_TVM | ST_TW | ST_TSR)

RVTEST_BEGIN
    PRIV_SETUP
    csrw mie, zero
    li t0, CLINT_MTIMECMP
    li t1, -1
    sd t1, 0(t0)
    li t0, 1
    slli t0, t0, 63
    csrc menvcfg, t0        /* Sstc off: mip.STIP is a plain software bit */

    /* 1: misa: MXL = 2 (RV64). */
    li TESTNUM, 1
    csrr a0, misa
    srli a1, a0, 62
    CHECK_EQ(a1, 2)
    /* 2: I M A F D C S U. */
    li TESTNUM, 2
    li t0, (1 << 8) | (1 << 12) | (1 << 0) | (1 << 5) | (1 << 3) | (1 << 2) | (1 << 18) | (1 << 20)
    and a1, a0, t0
    bne a1, t0, rvtest_fail
    /* 3: no E, no Q: the base is RV64I. */
    li TESTNUM, 3
    li t0, (1 << 4) | (1 << 16)
    and a1, a0, t0
    bnez a1, rvtest_fail

    /* 4: mstatus.SXL = UXL = 2, and writing other values there changes nothing. */
    li TESTNUM, 4
    csrr a0, mstatus
    srli a1, a0, 32
    andi a1, a1, 0xf
    CHECK_EQ(a1, 0xa)
    li TESTNUM, 5
    li t0, 0xf
    slli t0, t0, 32
    csrc mstatus, t0
    csrr a0, mstatus
    srli a1, a0, 32
    andi a1, a1, 0xf
    CHECK_EQ(a1, 0xa)
    /* 6: sstatus shows UXL = 2 too. */
    li TESTNUM, 6
    csrr a0, sstatus
    srli a1, a0, 32
    andi a1, a1, 0xf
    CHECK_EQ(a1, 0x2)

    /* 7: sstatus hides the M-only fields of mstatus. */
    li TESTNUM, 7
    li t0, ST_MPIE | ST_MPP | ST_MPRV | ST_TVM | ST_TW | ST_TSR
    csrs mstatus, t0
    csrr a0, sstatus
    li t0, M_ONLY
    and a1, a0, t0
    bnez a1, rvtest_fail

    /* 8: writing sstatus with all ones leaves the M-only fields of mstatus alone. */
    li TESTNUM, 8
    li t0, ST_TVM | ST_TW | ST_MPRV
    csrc mstatus, t0
    csrci mstatus, ST_MIE
    li t0, -1
    csrw sstatus, t0
    csrr a0, mstatus
    li t0, ST_MIE | ST_TVM | ST_TW | ST_MPRV | ST_MPIE | ST_MPP | ST_TSR
    and a1, a0, t0
    li t0, ST_MPIE | ST_MPP | ST_TSR
    bne a1, t0, rvtest_fail
    /* 9: ... and sets the S fields in mstatus: SIE, SPIE, SPP, SUM, MXR. */
    li TESTNUM, 9
    li t0, ST_SIE | ST_SPIE | ST_SPP | (1 << 18) | (1 << 19)
    and a1, a0, t0
    bne a1, t0, rvtest_fail
    /* 10: clearing through sstatus clears them in mstatus. */
    li TESTNUM, 10
    li t0, ST_SIE | ST_SPIE | ST_SPP | (1 << 18) | (1 << 19)
    csrc sstatus, t0
    csrr a0, mstatus
    and a1, a0, t0
    bnez a1, rvtest_fail
    li t0, ST_MPIE | ST_MPP | ST_TSR | (3 << 9)
    csrc mstatus, t0        /* (and VS, which the all-ones write may have set) */

    /* 11: mstatus.SD is set while FS = Dirty, and reads the same in sstatus. */
    li TESTNUM, 11
    li t0, (3 << 13)
    csrs mstatus, t0
    csrr a0, mstatus
    bgez a0, rvtest_fail
    csrr a0, sstatus
    bgez a0, rvtest_fail
    li TESTNUM, 12
    li t0, (3 << 13)
    csrc mstatus, t0
    li t0, (1 << 13)
    csrs mstatus, t0        /* FS = Initial */
    csrr a0, mstatus
    bltz a0, rvtest_fail
    li TESTNUM, 13
    fmv.d.x f1, zero        /* an FP register write makes FS Dirty */
    csrr a0, mstatus
    bgez a0, rvtest_fail
    srli a1, a0, 13
    andi a1, a1, 3
    CHECK_EQ(a1, 3)

    /* 14: mie: the six standard enable bits are writable. */
    li TESTNUM, 14
    li t0, -1
    csrw mie, t0
    csrr a0, mie
    csrw mie, zero
    li t0, 0xaaa
    and a1, a0, t0
    CHECK_EQ(a1, 0xaaa)

    /* 15: mip: SSIP, STIP, SEIP writable by M; MSIP, MTIP, MEIP are not. */
    li TESTNUM, 15
    li t0, 0xaaa
    csrs mip, t0
    csrr a0, mip
    li t1, 0xaaa
    and a1, a0, t1
    CHECK_EQ(a1, 0x222)
    li TESTNUM, 16
    csrc mip, t0
    csrr a0, mip
    and a1, a0, t1
    CHECK_EQ(a1, 0)

    /* 17: mideleg = 0: sie and sip read as 0, writes to them change nothing. */
    li TESTNUM, 17
    csrw mideleg, zero
    li t0, 0x222
    csrs mie, t0
    csrs mip, t0
    csrr a0, sie
    CHECK_EQ(a0, 0)
    csrr a0, sip
    CHECK_EQ(a0, 0)
    li TESTNUM, 18
    csrw sie, zero
    csrw sip, zero
    csrr a0, mie
    andi a0, a0, 0x222
    CHECK_EQ(a0, 0x222)
    csrr a0, mip
    andi a0, a0, 0x222
    CHECK_EQ(a0, 0x222)

    /* 19: mideleg = SSI|STI|SEI: sie/sip show exactly those bits of mie/mip. */
    li TESTNUM, 19
    li t0, 0x222
    csrw mideleg, t0
    li t0, 0xaaa
    csrw mie, t0
    csrr a0, sie
    CHECK_EQ(a0, 0x222)
    csrr a0, sip
    CHECK_EQ(a0, 0x222)

    /* 20: sie writes reach mie (delegated bits only). */
    li TESTNUM, 20
    csrw sie, zero
    csrr a0, mie
    CHECK_EQ(a0, 0x888)
    li t0, -1
    csrw sie, t0
    csrr a0, mie
    li t0, 0xaaa
    and a0, a0, t0
    CHECK_EQ(a0, 0xaaa)

    /* 21: sip: SSIP writable from S, STIP and SEIP read-only there. */
    li TESTNUM, 21
    csrw mie, zero
    csrw mip, zero
    li t0, 0x222
    csrw mideleg, t0
    ENTER_S
    li t0, 0x222
    csrs sip, t0
    csrr a0, sip
    CHECK_EQ(a0, 0x2)
    li TESTNUM, 22
    csrc sip, t0
    csrr a0, sip
    CHECK_EQ(a0, 0)
    ENTER_M
    /* 23: STIP/SEIP set by M show through sip. */
    li TESTNUM, 23
    li t0, 0x220
    csrs mip, t0
    csrr a0, sip
    CHECK_EQ(a0, 0x220)
    csrc mip, t0
    csrw mideleg, zero

    /* 24: (mepc[0]/sepc[0] always reading 0 is not checked: QEMU 7.2 keeps the bit.) */

    /* 25: menvcfg exists; FIOM and STCE are writable. */
    li TESTNUM, 25
    csrwi menvcfg, 1
    csrr a0, menvcfg
    CHECK_EQ(a0, 1)
    li t0, 1
    slli t0, t0, 63
    csrs menvcfg, t0
    csrr a0, menvcfg
    bgez a0, rvtest_fail
    csrw menvcfg, zero

    /* 26: senvcfg exists (from M and S); FIOM is writable. */
    li TESTNUM, 26
    csrwi senvcfg, 1
    csrr a0, senvcfg
    CHECK_EQ(a0, 1)
    ENTER_S
    TRAP_CLEAR
    csrw senvcfg, zero
    csrr a0, senvcfg
    CHECK_NO_TRAP
    CHECK_EQ(a0, 0)
    /* 27: menvcfg is not accessible from S. */
    li TESTNUM, 27
    csrr a0, menvcfg
    CHECK_CAUSE(2)
    ENTER_M

    /* 28: mhartid of the only hart is 0; mscratch/mtval/mcause hold values. */
    li TESTNUM, 28
    csrr a0, mhartid
    CHECK_EQ(a0, 0)
    li t0, 0x1234
    csrw mtval, t0
    csrr a0, mtval
    CHECK_EQ(a0, 0x1234)
    csrwi mcause, 5
    csrr a0, mcause
    CHECK_EQ(a0, 5)
RVTEST_END
PRIV_HANDLERS
