/*
 * C extension (RV64), reserved encodings must raise illegal instruction (mcause 2) with
 * mepc = their address and mtval = the 16 instruction bits (privileged spec, mtval: the
 * faulting instruction, at most ILEN bits, so a 16-bit instruction zero-extended):
 * all-zero c.addi4spn, c.addi4spn with nzuimm 0 and rd' != 0, the quadrant-0 slot 100
 * (reserved in RV64C), c.lwsp / c.ldsp with rd = 0, c.lui with imm 0, c.addi16sp with imm
 * 0, c.addiw with rd = 0 (c.jal's slot in RV32), c.jr with rs1 = 0, and the funct2 10/11
 * slots after c.subw/c.addw (0x9c41, 0x9c61: Zcb's c.mul and others, not implemented).
 * The hand-written instruction that follows each one proves execution resumes there.
 */
#include "rvtest.h"

/* Execute `bits` as a 16-bit instruction; expect mcause 2, mtval bits, mepc its address. */
#define TEST_ILLEGAL16(num, bits)                       \
    li TESTNUM, num;                                    \
    li s2, 0;                                           \
    li s3, -1;                                          \
    li s4, 0;                                           \
    la s5, 1f;                                          \
1:  .2byte bits;                                        \
    CHECK_EQ(s2, 2);                                    \
    CHECK_EQ(s3, bits);                                 \
    bne s4, s5, rvtest_fail

RVTEST_BEGIN
    .option rvc
    la t0, ill_trap
    csrw mtvec, t0
    TEST_ILLEGAL16(1, 0x0000)  /* c.addi4spn x8, sp, 0: the defined illegal instruction */
    TEST_ILLEGAL16(2, 0x0004)  /* c.addi4spn x9, sp, 0 */
    TEST_ILLEGAL16(3, 0x001c)  /* c.addi4spn x15, sp, 0 */
    TEST_ILLEGAL16(4, 0x8000)  /* quadrant 0, funct3 100: reserved */
    TEST_ILLEGAL16(5, 0x4002)  /* c.lwsp x0, 0(sp) */
    TEST_ILLEGAL16(6, 0x6002)  /* c.ldsp x0, 0(sp) */
    TEST_ILLEGAL16(7, 0x707e)  /* c.ldsp x0, 504(sp) */
    TEST_ILLEGAL16(8, 0x6501)  /* c.lui a0, 0 */
    TEST_ILLEGAL16(9, 0x6101)  /* c.addi16sp sp, 0 */
    TEST_ILLEGAL16(10, 0x2001) /* c.addiw x0, 0 */
    TEST_ILLEGAL16(11, 0x2005) /* c.addiw x0, 1 */
    TEST_ILLEGAL16(12, 0x8002) /* c.jr x0 */
    TEST_ILLEGAL16(13, 0x9c41) /* 100 1 11 x8 10 x8 01 */
    TEST_ILLEGAL16(14, 0x9c61) /* 100 1 11 x8 11 x8 01 */
    /* neighbours of the reserved patterns are legal: c.lwsp ra, 0(sp); c.addiw a0, 0 */
    TEST_CASE(15, s2, 0, li s2, 0; .2byte 0x4082; .2byte 0x2501)
RVTEST_END

    .align 2
ill_trap:
    csrr s2, mcause
    csrr s3, mtval
    csrr s4, mepc
    addi t0, s4, 2
    csrw mepc, t0
    mret
