/*
 * mstatus.MPRV (privileged spec 3.1.6.3): with MPRV = 1, M-mode loads and stores are
 * checked at the privilege in MPP; fetches are not. satp stays Bare, so the difference is
 * made with PMP: entry 0 covers one page with no permissions (not locked, so M itself
 * may use it), entry 1 allows everything else.
 */
#include "priv.h"

#define SET_MPRV_MPP(mode)                              \
    li t0, ST_MPP;                                      \
    csrc mstatus, t0;                                   \
    li t0, ST_MPRV | ((mode) << 11);                    \
    csrs mstatus, t0

#define CLEAR_MPRV                                      \
    li t0, ST_MPRV;                                     \
    csrc mstatus, t0

RVTEST_BEGIN
    PRIV_SETUP
    la t0, secret
    srli t0, t0, 2
    ori t0, t0, 0x1ff       /* NAPOT, 4 KiB */
    csrw pmpaddr0, t0
    li t0, -1
    csrw pmpaddr1, t0
    li t0, 0x1f18           /* entry 0: NAPOT ---, entry 1: NAPOT rwx */
    csrw pmpcfg0, t0
    sfence.vma
    la a0, secret

    /* 1: M without MPRV reads the page. */
    li TESTNUM, 1
    TRAP_CLEAR
    ld a1, 0(a0)
    CHECK_EQ(a1, 0x5ec7e7)
    CHECK_NO_TRAP

    /* 2: MPRV = 1, MPP = M: still fine. */
    li TESTNUM, 2
    SET_MPRV_MPP(3)
    ld a1, 0(a0)
    CLEAR_MPRV
    CHECK_EQ(a1, 0x5ec7e7)
    CHECK_NO_TRAP

    /* 3: MPRV = 1, MPP = U: load access fault, mtval = address. */
    li TESTNUM, 3
    SET_MPRV_MPP(0)
    li a1, 0
t3: ld a1, 8(a0)
    CLEAR_MPRV
    CHECK_EQ(a1, 0)
    CHECK_EQ(T_WHERE, 1)
    CHECK_CAUSE(5)
    addi t0, a0, 8
    bne T_TVAL, t0, rvtest_fail
    CHECK_EPC(t3)

    /* 4: MPRV = 1, MPP = U: store access fault, memory unchanged. */
    li TESTNUM, 4
    TRAP_CLEAR
    SET_MPRV_MPP(0)
    li a1, 0x77
    sd a1, 0(a0)
    CLEAR_MPRV
    CHECK_CAUSE(7)
    bne T_TVAL, a0, rvtest_fail
    ld a1, 0(a0)
    CHECK_EQ(a1, 0x5ec7e7)

    /* 5: MPRV = 1, MPP = S: load access fault as well. */
    li TESTNUM, 5
    TRAP_CLEAR
    SET_MPRV_MPP(1)
    lw a1, 4(a0)
    CLEAR_MPRV
    CHECK_CAUSE(5)

    /* 6: MPRV = 1, MPP = S: an AMO faults as a store/AMO access (QEMU 7.2 says load). */
    li TESTNUM, 6
    TRAP_CLEAR
    SET_MPRV_MPP(1)
    amoadd.d a1, a1, (a0)
    CLEAR_MPRV
    li t0, 5
    beq T_CAUSE, t0, 1f
    CHECK_CAUSE(7)
1:

    /* 7: MPRV = 1, MPP = U: memory that U may access is fine. */
    li TESTNUM, 7
    TRAP_CLEAR
    la a2, other
    SET_MPRV_MPP(0)
    li t1, 0x1234
    sd t1, 0(a2)
    ld a1, 0(a2)
    CLEAR_MPRV
    CHECK_NO_TRAP
    CHECK_EQ(a1, 0x1234)

    /* 8: MPRV does not apply to fetches: M can run code in the page. */
    li TESTNUM, 8
    TRAP_CLEAR
    SET_MPRV_MPP(0)
    li a1, 0
    jal ra, secret_code
    CLEAR_MPRV
    CHECK_NO_TRAP
    CHECK_EQ(a1, 42)

    /* 9: U itself cannot fetch from the page (instruction access fault). */
    li TESTNUM, 9
    ENTER_U
    TRAP_CLEAR
    la T_RESUME, 1f
    la t0, secret_code
    jalr ra, 0(t0)
1:  CHECK_CAUSE(1)
    la t0, secret_code
    bne T_TVAL, t0, rvtest_fail
    ENTER_M

    /* 10: MPRV = 0 with MPP = U: M loads use M privilege. */
    li TESTNUM, 10
    TRAP_CLEAR
    li t0, ST_MPP
    csrc mstatus, t0
    ld a1, 0(a0)
    CHECK_NO_TRAP
    CHECK_EQ(a1, 0x5ec7e7)
RVTEST_END
PRIV_HANDLERS

    .text
    .align 12
secret:
    .dword 0x5ec7e7
    .dword 0x99
secret_code:
    li a1, 42
    ret
    .align 12
    .data
    .align 3
other:
    .dword 0
