/*
 * FENCE forms and Zihintpause: fence with every predecessor/successor set, fence.tso
 * (fm = 1000), pause (fence w,0: a hint) and fence.i all execute as ordering no-ops and
 * touch no register; the reserved fence fields (rd, rs1, fm) are ignored as the spec says.
 */
#include "rvtest.h"
RVTEST_BEGIN
    li TESTNUM, 1
    li a0, 11
    fence
    fence rw, rw
    fence iorw, iorw
    fence r, w
    CHECK_EQ(a0, 11)

    li TESTNUM, 2
    .word 0x8330000f        /* fence.tso */
    .word 0x0100000f        /* pause */
    CHECK_EQ(a0, 11)

    li TESTNUM, 3
    li a1, 22
    .word 0x0ff5858f        /* fence iorw,iorw with rd = a1, rs1 = a1: reserved, ignored */
    CHECK_EQ(a1, 22)

    li TESTNUM, 4
    fence.i
    .word 0x0015908f        /* fence.i with rd = x1, rs1 = a1: reserved fields ignored */
    CHECK_EQ(a0, 11)
RVTEST_END
