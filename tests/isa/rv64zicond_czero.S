/*
 * Zicond: czero.eqz (rd = rs2 == 0 ? 0 : rs1) and czero.nez (rd = rs2 != 0 ? 0 : rs1).
 * binutils here predates Zicond, so the instructions are written with .insn (OP opcode
 * 0x33, funct7 7, funct3 5 = eqz, 7 = nez). Any nonzero rs2 counts, including only bit 63.
 * QEMU 7.2 does not implement Zicond: to check the cases themselves on it, build with
 * -DRVTEST_EMULATE_ZICOND, which replaces each instruction by an equivalent branch sequence.
 */
#include "rvtest.h"

#ifdef RVTEST_EMULATE_ZICOND
#define CZERO_EQZ(rd, rs1, rs2) bnez rs2, 1f; li t5, 0; j 2f; 1: mv t5, rs1; 2: mv rd, t5
#define CZERO_NEZ(rd, rs1, rs2) beqz rs2, 1f; li t5, 0; j 2f; 1: mv t5, rs1; 2: mv rd, t5
#else
#define CZERO_EQZ(rd, rs1, rs2) .insn r 0x33, 5, 7, rd, rs1, rs2
#define CZERO_NEZ(rd, rs1, rs2) .insn r 0x33, 7, 7, rd, rs1, rs2
#endif
RVTEST_BEGIN
    /* czero.eqz */
    TEST_CASE(1, a4, 0x0, li a1, 0x8123456789abcdef; li a2, 0x0; CZERO_EQZ(a4, a1, a2))
    TEST_CASE(2, a4, 0x8123456789abcdef, li a1, 0x8123456789abcdef; li a2, 0x1; CZERO_EQZ(a4, a1, a2))
    TEST_CASE(3, a4, 0xffffffffffffffff, li a1, 0xffffffffffffffff; li a2, 0xffffffffffffffff; CZERO_EQZ(a4, a1, a2))
    TEST_CASE(4, a4, 0x7fffffff80000001, li a1, 0x7fffffff80000001; li a2, 0x10; CZERO_EQZ(a4, a1, a2))
    TEST_CASE(5, a4, 0xffffffff, li a1, 0xffffffff; li a2, 0x1; CZERO_EQZ(a4, a1, a2))
    TEST_CASE(6, a4, 0x1, li a1, 0x1; li a2, 0x7fffffffffffffff; CZERO_EQZ(a4, a1, a2))
    /* czero.nez */
    TEST_CASE(7, a4, 0x8123456789abcdef, li a1, 0x8123456789abcdef; li a2, 0x0; CZERO_NEZ(a4, a1, a2))
    TEST_CASE(8, a4, 0x0, li a1, 0x8123456789abcdef; li a2, 0x1; CZERO_NEZ(a4, a1, a2))
    TEST_CASE(9, a4, 0x0, li a1, 0xffffffffffffffff; li a2, 0xffffffffffffffff; CZERO_NEZ(a4, a1, a2))
    TEST_CASE(10, a4, 0x0, li a1, 0x7fffffff80000001; li a2, 0x10; CZERO_NEZ(a4, a1, a2))
    TEST_CASE(11, a4, 0x0, li a1, 0xffffffff; li a2, 0x1; CZERO_NEZ(a4, a1, a2))
    TEST_CASE(12, a4, 0x0, li a1, 0x1; li a2, 0x7fffffffffffffff; CZERO_NEZ(a4, a1, a2))
    /* condition only in bit 63 / bit 32: still nonzero */
    TEST_CASE(20, a4, 0, li a1, 5; li a2, 0x8000000000000000; CZERO_NEZ(a4, a1, a2))
    TEST_CASE(21, a4, 5, li a1, 5; li a2, 0x100000000; CZERO_EQZ(a4, a1, a2))
    /* rd aliases rs1 / rs2; x0 as rs2 */
    TEST_CASE(22, a1, 0, li a1, 5; CZERO_EQZ(a1, a1, x0))
    TEST_CASE(23, a2, 9, li a1, 9; li a2, 0; CZERO_NEZ(a2, a1, a2))
    TEST_CASE(24, x0, 0, li a1, 9; li a2, 1; CZERO_EQZ(x0, a1, a2))
RVTEST_END
