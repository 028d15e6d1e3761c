/*
 * RV64I register-register and register-immediate arithmetic and logic: add, sub, and, or,
 * xor, slt, sltu, addi, andi, ori, xori, slti, sltiu. Wrap-around at the signed limits,
 * signed vs unsigned comparison, 12-bit immediates at -2048 and 2047 (sign-extended, also
 * for sltiu and the logical forms), rd aliasing a source.
 */
#include "rvtest.h"
RVTEST_BEGIN
    .option norvc /* test the 32-bit encodings */
    /* add */
    TEST_RR_OP(1, add, 0x3, 0x1, 0x2)
    TEST_RR_OP(2, add, 0x8000000000000000, 0x7fffffffffffffff, 0x1)
    TEST_RR_OP(3, add, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR_OP(4, add, 0xfffffffffffffffe, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(5, add, 0x100000000, 0xffffffff, 0x1)
    TEST_RR_OP(6, add, 0x0, 0x0, 0x0)
    /* sub */
    TEST_RR_OP(7, sub, 0xffffffffffffffff, 0x1, 0x2)
    TEST_RR_OP(8, sub, 0x7fffffffffffffff, 0x8000000000000000, 0x1)
    TEST_RR_OP(9, sub, 0x8000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(10, sub, 0x8000000000000000, 0x0, 0x8000000000000000)
    TEST_RR_OP(11, sub, 0xffffffff, 0x100000000, 0x1)
    TEST_RR_OP(12, sub, 0x0, 0x0, 0x0)
    /* and */
    TEST_RR_OP(13, and, 0x810045008900cd00, 0x8123456789abcdef, 0xff00ff00ff00ff00)
    TEST_RR_OP(14, and, 0x0, 0xffffffffffffffff, 0x0)
    TEST_RR_OP(15, and, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
    /* or */
    TEST_RR_OP(16, or, 0xff23ff67ffabffef, 0x8123456789abcdef, 0xff00ff00ff00ff00)
    TEST_RR_OP(17, or, 0x0, 0x0, 0x0)
    TEST_RR_OP(18, or, 0xffffffffffffffff, 0x0, 0xffffffffffffffff)
    /* xor */
    TEST_RR_OP(19, xor, 0x7e23ba6776ab32ef, 0x8123456789abcdef, 0xff00ff00ff00ff00)
    TEST_RR_OP(20, xor, 0x0, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR_OP(21, xor, 0x8123456789abcdef, 0x0, 0x8123456789abcdef)
    /* slt */
    TEST_RR_OP(22, slt, 0x1, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(23, slt, 0x0, 0x1, 0xffffffffffffffff)
    TEST_RR_OP(24, slt, 0x1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(25, slt, 0x0, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_RR_OP(26, slt, 0x0, 0x5, 0x5)
    TEST_RR_OP(27, slt, 0x1, 0xfffffffffffffffe, 0xffffffffffffffff)
    /* sltu */
    TEST_RR_OP(28, sltu, 0x0, 0xffffffffffffffff, 0x1)
    TEST_RR_OP(29, sltu, 0x1, 0x1, 0xffffffffffffffff)
    TEST_RR_OP(30, sltu, 0x0, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR_OP(31, sltu, 0x1, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_RR_OP(32, sltu, 0x0, 0x5, 0x5)
    TEST_RR_OP(33, sltu, 0x1, 0x0, 0x1)
    /* addi */
    TEST_IMM_OP(34, addi, 0x0, 0x0, 0)
    TEST_IMM_OP(35, addi, 0x0, 0x1, -1)
    TEST_IMM_OP(36, addi, 0x8123456789abd5ee, 0x8123456789abcdef, 2047)
    TEST_IMM_OP(37, addi, 0x8123456789abc5ef, 0x8123456789abcdef, -2048)
    TEST_IMM_OP(38, addi, 0xfffffffffffff7ff, 0xffffffffffffffff, -2048)
    TEST_IMM_OP(39, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_IMM_OP(40, addi, 0x7fffffff, 0x80000000, -1)
    /* andi */
    TEST_IMM_OP(41, andi, 0x8123456789abcdef, 0x8123456789abcdef, -1)
    TEST_IMM_OP(42, andi, 0x5ef, 0x8123456789abcdef, 2047)
    TEST_IMM_OP(43, andi, 0x8123456789abc800, 0x8123456789abcdef, -2048)
    TEST_IMM_OP(44, andi, 0x0, 0x8123456789abcdef, 0)
    /* ori */
    TEST_IMM_OP(45, ori, 0xfffffffffffffdef, 0x8123456789abcdef, -2048)
    TEST_IMM_OP(46, ori, 0x7ff, 0x0, 2047)
    TEST_IMM_OP(47, ori, 0xffffffffffffffff, 0x0, -1)
    /* xori */
    TEST_IMM_OP(48, xori, 0x7edcba9876543210, 0x8123456789abcdef, -1)
    TEST_IMM_OP(49, xori, 0x8123456789abca10, 0x8123456789abcdef, 2047)
    TEST_IMM_OP(50, xori, 0x7edcba98765435ef, 0x8123456789abcdef, -2048)
    /* slti */
    TEST_IMM_OP(51, slti, 0x1, 0xffffffffffffffff, 0)
    TEST_IMM_OP(52, slti, 0x0, 0x0, -1)
    TEST_IMM_OP(53, slti, 0x1, 0x8000000000000000, -2048)
    TEST_IMM_OP(54, slti, 0x0, 0xfffffffffffff800, -2048)
    TEST_IMM_OP(55, slti, 0x1, 0xfffffffffffff7ff, -2048)
    TEST_IMM_OP(56, slti, 0x1, 0x7fe, 2047)
    /* sltiu */
    TEST_IMM_OP(57, sltiu, 0x1, 0x0, 1)
    TEST_IMM_OP(58, sltiu, 0x0, 0x1, 1)
    TEST_IMM_OP(59, sltiu, 0x0, 0xffffffffffffffff, -1)
    TEST_IMM_OP(60, sltiu, 0x1, 0xfffffffffffffffe, -1)
    TEST_IMM_OP(61, sltiu, 0x0, 0xfffffffffffff800, -2048)
    TEST_IMM_OP(62, sltiu, 0x0, 0x5, 0)
    /* rd = rs1 = rs2 */
    TEST_CASE(90, a1, 26, li a1, 13; add a1, a1, a1)
    TEST_CASE(91, a1, 0, li a1, 13; sub a1, a1, a1)
    TEST_CASE(92, a1, 0, li a1, -13; slt a1, a1, a1)
    /* x0 as a source reads zero */
    TEST_CASE(93, a4, 1, li a1, 5; sltu a4, x0, a1)
    TEST_CASE(94, a4, 0, li a1, 5; sltu a4, a1, x0)
    TEST_CASE(95, a4, 0xfffffffffffffffb, li a1, 5; sub a4, x0, a1)
RVTEST_END
