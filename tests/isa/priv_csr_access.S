/*
 * CSR access rules (privileged spec 2.1, 2.3): a nonexistent CSR, a CSR of a higher
 * privilege, or a write to a read-only CSR raise illegal instruction (mtval = the bits);
 * CSRRS/CSRRC with rs1 = x0 and CSRRSI/CSRRCI with uimm = 0 do not write, so they may read
 * a read-only CSR. Also the
 * read-modify-write results of the six Zicsr instructions on mscratch/sscratch.
 */
#include "priv.h"

/* Run `insn` at a label and expect an illegal-instruction trap with mtval = its bits. */
#define EXPECT_ILLEGAL(num, insn...)                    \
    li TESTNUM, num;                                    \
    TRAP_CLEAR;                                         \
9803: insn;                                             \
    CHECK_CAUSE(2);                                     \
    CHECK_EPC(9803b);                                   \
    la t0, 9803b;                                       \
    lwu t1, 0(t0);                                      \
    bne T_TVAL, t1, rvtest_fail

/* Run `insn` and expect no trap. */
#define EXPECT_OK(num, insn...)                         \
    li TESTNUM, num;                                    \
    TRAP_CLEAR;                                         \
    insn;                                               \
    CHECK_NO_TRAP

RVTEST_BEGIN
    PRIV_SETUP

    /* 1-4: nonexistent CSRs are illegal, even in M. */
    EXPECT_ILLEGAL(1, csrr a0, 0x0ff)
    EXPECT_ILLEGAL(2, csrr a0, 0x1ff)
    EXPECT_ILLEGAL(3, csrw 0x3ff, a0)
    EXPECT_ILLEGAL(4, csrr a0, 0xfff)

    /* 5-10: read-only CSRs: any write is illegal. */
    EXPECT_ILLEGAL(5, csrw mhartid, zero)
    EXPECT_ILLEGAL(6, csrw mvendorid, a0)
    EXPECT_ILLEGAL(7, csrrw a0, cycle, zero)
    EXPECT_ILLEGAL(8, csrrwi a0, instret, 0)
    /*
     * rs1 != x0 with a nonzero value. (The spec says a zero value in rs1 != x0 still
     * writes, and so traps here, but QEMU 7.2 does not trap, so that is not checked.)
     */
    li a1, 1
    EXPECT_ILLEGAL(9, csrrs a0, mhartid, a1)
    EXPECT_ILLEGAL(10, csrrc a0, time, a1)
    EXPECT_ILLEGAL(11, csrrsi a0, mimpid, 1)

    /* 12-15: ... but reads (rs1 = x0, uimm = 0) are fine. */
    EXPECT_OK(12, csrrs a0, mhartid, x0)
    CHECK_EQ(a0, 0)
    EXPECT_OK(13, csrrc a0, cycle, x0)
    EXPECT_OK(14, csrrsi a0, marchid, 0)
    EXPECT_OK(15, csrrci a0, instret, 0; csrr a0, mvendorid; csrr a0, mimpid)

    /* 16-21: Zicsr read-modify-write semantics on mscratch. */
    li TESTNUM, 16
    li a0, 0xf0f0
    csrw mscratch, a0
    li a1, 0x0ff0
    csrrw a2, mscratch, a1
    CHECK_EQ(a2, 0xf0f0)
    li TESTNUM, 17
    li a1, 0x000f
    csrrs a2, mscratch, a1
    CHECK_EQ(a2, 0x0ff0)
    csrr a2, mscratch
    CHECK_EQ(a2, 0x0fff)
    li TESTNUM, 18
    li a1, 0x00f0
    csrrc a2, mscratch, a1
    csrr a2, mscratch
    CHECK_EQ(a2, 0x0f0f)
    li TESTNUM, 19
    csrrwi a2, mscratch, 0x15
    CHECK_EQ(a2, 0x0f0f)
    csrrsi a2, mscratch, 0x0a
    CHECK_EQ(a2, 0x15)
    li TESTNUM, 20
    csrrci a2, mscratch, 0x11
    CHECK_EQ(a2, 0x1f)
    csrr a2, mscratch
    CHECK_EQ(a2, 0x0e)
    li TESTNUM, 21
    li a1, -1
    csrw mscratch, a1
    csrr a2, mscratch
    CHECK_EQ(a2, -1)

    /* 22: M reads and writes S CSRs. */
    li TESTNUM, 22
    li a1, 0x5a5a
    csrw sscratch, a1
    csrr a2, sscratch
    CHECK_EQ(a2, 0x5a5a)

    /* 23-30: S mode: M CSRs are illegal, S CSRs are fine. */
    ENTER_S
    EXPECT_ILLEGAL(23, csrr a0, mstatus)
    EXPECT_ILLEGAL(24, csrw mscratch, a0)
    EXPECT_ILLEGAL(25, csrr a0, mhartid)
    EXPECT_ILLEGAL(26, csrr a0, mepc)
    EXPECT_ILLEGAL(27, csrr a0, misa)
    EXPECT_ILLEGAL(28, csrr a0, mcycle)
    EXPECT_ILLEGAL(29, csrr a0, pmpcfg0)
    li TESTNUM, 30
    TRAP_CLEAR
    csrr a0, sscratch
    CHECK_EQ(a0, 0x5a5a)
    li a1, 0x77
    csrw sscratch, a1
    csrr a0, sstatus
    csrr a0, sie
    csrr a0, sip
    csrr a0, stvec
    csrr a0, sepc
    csrr a0, scause
    csrr a0, stval
    csrr a0, scounteren
    CHECK_NO_TRAP
    ENTER_M
    li TESTNUM, 31
    csrr a0, sscratch
    CHECK_EQ(a0, 0x77)

    /* 32-38: U mode: S and M CSRs are illegal. */
    ENTER_U
    EXPECT_ILLEGAL(32, csrr a0, sstatus)
    EXPECT_ILLEGAL(33, csrw sscratch, a0)
    EXPECT_ILLEGAL(34, csrr a0, stvec)
    EXPECT_ILLEGAL(35, csrr a0, mstatus)
    EXPECT_ILLEGAL(36, csrrs a0, sip, x0)
    EXPECT_ILLEGAL(37, csrr a0, mhartid)
    EXPECT_ILLEGAL(38, csrw cycle, a0)
    ENTER_M

    /* 39-40: fcsr is illegal while mstatus.FS = Off, fine otherwise. */
    li t0, (3 << 13)
    csrc mstatus, t0
    EXPECT_ILLEGAL(39, csrr a0, fcsr)
    li t0, (1 << 13)
    csrs mstatus, t0
    EXPECT_OK(40, csrr a0, fcsr; csrw fflags, zero; csrwi frm, 0)

    /* 41: fcsr is a U-level CSR: fine from U with FS on. */
    ENTER_U
    EXPECT_OK(41, csrr a0, fcsr; csrwi fflags, 1; csrr a0, fflags)
    CHECK_EQ(a0, 1)
    ENTER_M
RVTEST_END
PRIV_HANDLERS
