/*
 * Floating-point control and status: fcsr = frm[7:5] | fflags[4:0] and its aliases;
 * reserved rounding modes (static rm 5/6, dynamic with frm >= 5) are illegal with no side
 * effects; mstatus.FS = Off makes every FP instruction and FP CSR illegal; FP writes make
 * FS Dirty and set SD (privileged spec 3.1.6.6).
 */
#include "rvtest.h"

#define FS_MASK (3 << 13)
#define FS_INIT (1 << 13)
#define FS_CLEAN (2 << 13)

/* Expect the instruction(s) in `code` to raise illegal-instruction (cause 2) once. */
#define EXPECT_ILLEGAL(num, code...)                    \
    li TESTNUM, num;                                    \
    li s4, 0;                                           \
    code;                                               \
    CHECK_EQ(s4, 1);                                    \
    CHECK_EQ(s2, 2)

#define FS_SET(val) li t0, FS_MASK; csrc mstatus, t0; li t0, val; csrs mstatus, t0
#define READ_FS(reg) csrr reg, mstatus; srli reg, reg, 13; andi reg, reg, 3

RVTEST_BEGIN
    la t0, trap_handler
    csrw mtvec, t0
    FS_SET(FS_INIT)

    /* fcsr layout and aliases */
    li TESTNUM, 1
    li t0, 0xff
    csrw fcsr, t0
    csrr a0, fcsr
    CHECK_EQ(a0, 0xff)
    csrr a0, frm
    CHECK_EQ(a0, 7)
    csrr a0, fflags
    CHECK_EQ(a0, 0x1f)
    li TESTNUM, 2
    li t0, 0x3ff
    csrw fcsr, t0
    csrr a0, fcsr
    CHECK_EQ(a0, 0xff)
    li TESTNUM, 3
    li t0, 0x21
    csrrw a0, frm, t0               /* swap returns old frm; writes low 3 bits */
    CHECK_EQ(a0, 7)
    csrr a0, fcsr
    CHECK_EQ(a0, 0x3f)
    li TESTNUM, 4
    csrrci a0, fflags, 0x1e
    CHECK_EQ(a0, 0x1f)
    csrr a0, fcsr
    CHECK_EQ(a0, 0x21)
    fscsr zero

    /* flags accumulate until cleared */
    li TESTNUM, 5
    li t0, 0x3f800000
    fmv.w.x ft0, t0
    fmv.w.x ft1, zero
    fdiv.s ft2, ft0, ft1            /* DZ */
    li t0, 0x7f7fffff
    fmv.w.x ft3, t0
    fmul.s ft2, ft3, ft3            /* OF | NX */
    frflags a0
    CHECK_EQ(a0, 0x0d)

    /* reserved rounding modes */
    fmv.w.x ft0, zero
    fsflags zero
    EXPECT_ILLEGAL(10, .word 0x0020d053)    /* fadd.s ft0, ft1, ft2 with rm = 5 */
    EXPECT_ILLEGAL(11, .word 0x0020e053)    /* rm = 6 */
    li t0, 5
    fsrm t0
    EXPECT_ILLEGAL(12, fadd.s ft0, ft3, ft3, dyn)
    li t0, 7
    fsrm t0
    EXPECT_ILLEGAL(13, fcvt.w.s a0, ft3, dyn)
    li TESTNUM, 14
    fmv.x.w a0, ft0                 /* destination untouched */
    CHECK_EQ(a0, 0)
    frflags a0                      /* no flags raised */
    CHECK_EQ(a0, 0)
    li TESTNUM, 15
    li s4, 0
    fadd.s ft0, ft3, ft3, rne       /* static rm works whatever frm holds */
    fsgnj.s ft0, ft3, ft3           /* no rm field: fine with frm = 7 */
    CHECK_EQ(s4, 0)
    fsrm zero

    /* FS = Off: FP instructions and FP CSRs are illegal */
    FS_SET(0)
    EXPECT_ILLEGAL(20, fadd.s ft0, ft1, ft2)
    EXPECT_ILLEGAL(21, csrr a0, fcsr)
    EXPECT_ILLEGAL(22, fmv.x.w a0, ft0)
    EXPECT_ILLEGAL(23, flw ft0, 0(sp))
    EXPECT_ILLEGAL(24, fsd ft0, -8(sp))
    EXPECT_ILLEGAL(25, fmv.d.x ft0, zero)
    EXPECT_ILLEGAL(26, csrw frm, zero)
    li TESTNUM, 27
    csrr a0, mstatus
    srli a0, a0, 63
    CHECK_EQ(a0, 0)                 /* SD clear */

    /* FS dirty tracking */
    FS_SET(FS_INIT)
    li TESTNUM, 30
    READ_FS(a0)
    CHECK_EQ(a0, 1)
    fadd.s ft0, ft1, ft2
    READ_FS(a0)
    CHECK_EQ(a0, 3)
    csrr a0, mstatus
    srli a0, a0, 63
    CHECK_EQ(a0, 1)                 /* SD set */
    li TESTNUM, 31
    FS_SET(FS_CLEAN)
    fmv.d.x ft0, zero
    READ_FS(a0)
    CHECK_EQ(a0, 3)
    li TESTNUM, 32
    FS_SET(FS_CLEAN)
    flw ft0, -8(sp)
    READ_FS(a0)
    CHECK_EQ(a0, 3)
    li TESTNUM, 33
    FS_SET(FS_CLEAN)
    csrw fflags, zero
    READ_FS(a0)
    CHECK_EQ(a0, 3)
    li TESTNUM, 34
    FS_SET(FS_CLEAN)
    csrr a0, mstatus
    srli a0, a0, 63
    CHECK_EQ(a0, 0)                 /* Clean: SD clear */
RVTEST_END

    .text
    .align 2
/* Record cause in s2, tval in s3, count in s4; skip the 4-byte instruction. */
trap_handler:
    csrr s2, mcause
    csrr s3, mtval
    addi s4, s4, 1
    csrr t5, mepc
    addi t5, t5, 4
    csrw mepc, t5
    mret
