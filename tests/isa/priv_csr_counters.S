/*
 * Counters (Zicntr; privileged spec 3.1.10-3.1.12, 4.1.5): mcycle and minstret count and
 * are writable, cycle/instret shadow them, time follows the CLINT mtime and advances;
 * mcounteren gates cycle/time/instret for S and U, scounteren additionally for U.
 */
#include "priv.h"

#define SPIN(n)                                         \
    li t0, n;                                           \
9804: addi t0, t0, -1;                                  \
    bnez t0, 9804b

/* Read `csr` in the current mode; expect an illegal-instruction trap. */
#define EXPECT_ILLEGAL(num, csr)                        \
    li TESTNUM, num;                                    \
    TRAP_CLEAR;                                         \
    csrr a0, csr;                                       \
    CHECK_CAUSE(2)

#define EXPECT_READ(num, csr)                           \
    li TESTNUM, num;                                    \
    TRAP_CLEAR;                                         \
    csrr a0, csr;                                       \
    CHECK_NO_TRAP

RVTEST_BEGIN
    PRIV_SETUP
    csrw mcountinhibit, zero

    /* 1: minstret counts: at least the instructions of a 100-iteration loop. */
    li TESTNUM, 1
    csrr a0, minstret
    SPIN(100)
    csrr a1, minstret
    sub a2, a1, a0
    li t0, 200
    bltu a2, t0, rvtest_fail

    /* 2: mcycle counts. */
    li TESTNUM, 2
    csrr a0, mcycle
    SPIN(100)
    csrr a1, mcycle
    bgeu a0, a1, rvtest_fail

    /* 3: minstret is writable and counts on from the written value. */
    li TESTNUM, 3
    li t1, 0x100000000
    csrw minstret, t1
    csrr a0, minstret
    bltu a0, t1, rvtest_fail
    li t2, 0x180000000
    bgeu a0, t2, rvtest_fail

    /* 4: mcycle is writable. */
    li TESTNUM, 4
    li t1, 0x200000000
    csrw mcycle, t1
    csrr a0, mcycle
    bltu a0, t1, rvtest_fail
    li t2, 0x280000000
    bgeu a0, t2, rvtest_fail

    /* 5: instret and cycle read the same counters (between two M reads). */
    li TESTNUM, 5
    csrr a0, minstret
    csrr a1, instret
    csrr a2, minstret
    bltu a1, a0, rvtest_fail
    bltu a2, a1, rvtest_fail
    li TESTNUM, 6
    csrr a0, mcycle
    csrr a1, cycle
    csrr a2, mcycle
    bltu a1, a0, rvtest_fail
    bltu a2, a1, rvtest_fail

    /* 7: time lies between two reads of the CLINT mtime. */
    li TESTNUM, 7
    li t1, CLINT_MTIME
    ld a0, 0(t1)
    csrr a1, time
    ld a2, 0(t1)
    bltu a1, a0, rvtest_fail
    bltu a2, a1, rvtest_fail

    /* 8: time advances (wait until it has moved by 100 ticks = 10 us). */
    li TESTNUM, 8
    csrr a0, time
    addi a0, a0, 100
    li t2, 100000000
1:  csrr a1, time
    bgeu a1, a0, 2f
    addi t2, t2, -1
    bnez t2, 1b
    j rvtest_fail
2:

    /* 9: mcounteren and scounteren hold the CY, TM, IR bits. */
    li TESTNUM, 9
    csrwi mcounteren, 7
    csrr a0, mcounteren
    andi a0, a0, 7
    CHECK_EQ(a0, 7)
    csrwi scounteren, 7
    csrr a0, scounteren
    andi a0, a0, 7
    CHECK_EQ(a0, 7)

    /* 10-12: mcounteren = 0: S may not read cycle, time, instret. */
    csrw mcounteren, zero
    csrw scounteren, zero
    ENTER_S
    EXPECT_ILLEGAL(10, cycle)
    EXPECT_ILLEGAL(11, time)
    EXPECT_ILLEGAL(12, instret)
    ENTER_M

    /* 13-15: mcounteren = CY only: S reads cycle, not time or instret. */
    csrwi mcounteren, 1
    ENTER_S
    EXPECT_READ(13, cycle)
    EXPECT_ILLEGAL(14, time)
    EXPECT_ILLEGAL(15, instret)
    ENTER_M

    /* 16-18: mcounteren = TM|IR: S reads time and instret, not cycle. */
    csrwi mcounteren, 6
    ENTER_S
    EXPECT_ILLEGAL(16, cycle)
    EXPECT_READ(17, time)
    EXPECT_READ(18, instret)
    ENTER_M

    /* 19-21: mcounteren = 7, scounteren = 0: S reads all, U none. */
    csrwi mcounteren, 7
    ENTER_U
    EXPECT_ILLEGAL(19, cycle)
    EXPECT_ILLEGAL(20, time)
    EXPECT_ILLEGAL(21, instret)
    ENTER_M

    /* 22-24: mcounteren = 7, scounteren = TM: U reads time only. */
    csrwi scounteren, 2
    ENTER_U
    EXPECT_ILLEGAL(22, cycle)
    EXPECT_READ(23, time)
    EXPECT_ILLEGAL(24, instret)
    ENTER_M

    /* 25-27: mcounteren = CY, scounteren = 7: U reads cycle only. */
    csrwi mcounteren, 1
    csrwi scounteren, 7
    ENTER_U
    EXPECT_READ(25, cycle)
    EXPECT_ILLEGAL(26, time)
    EXPECT_ILLEGAL(27, instret)
    ENTER_M

    /* 28: both 7: U reads all three, and the values are sane. */
    li TESTNUM, 28
    csrwi mcounteren, 7
    ENTER_U
    TRAP_CLEAR
    csrr a0, time
    csrr a1, cycle
    csrr a2, instret
    SPIN(10)
    csrr a3, time
    csrr a4, instret
    CHECK_NO_TRAP
    bltu a3, a0, rvtest_fail
    bgeu a2, a4, rvtest_fail
    ENTER_M

    /* 29: M always reads them, whatever mcounteren says. */
    li TESTNUM, 29
    csrw mcounteren, zero
    csrw scounteren, zero
    TRAP_CLEAR
    csrr a0, cycle
    csrr a0, time
    csrr a0, instret
    CHECK_NO_TRAP

    /* (mcountinhibit is not checked: QEMU 7.2 without icount does not honour it.) */
RVTEST_END
PRIV_HANDLERS
