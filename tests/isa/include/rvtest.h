/*
 * Conventions for rvisor's bare-metal ISA tests (written for this project).
 *
 * A test is one .S file that includes this header, starts with RVTEST_BEGIN and ends with
 * RVTEST_END. It runs in M-mode from 0x80000000 on the virt board, with no firmware.
 * gp (x3) holds the number of the current test case (TESTNUM). RVTEST_PASS writes 0x5555 to
 * the sifive,test finisher at 0x100000 (exit status 0); RVTEST_FAIL writes
 * 0x3333 | (TESTNUM << 16), so the emulator's exit status is the failing case number.
 * Any unexpected trap fails with the case number too (the default mtvec handler); a test that
 * expects traps installs its own handler. The same ELF runs unchanged under
 * qemu-system-riscv64 -M virt -bios none -nographic -kernel t.elf, which is how the tests
 * themselves are checked.
 */
#ifndef RVTEST_H
#define RVTEST_H

#define TESTNUM gp
#define FINISHER_BASE 0x100000
#define UART_BASE 0x10000000

/* clang-format off */
#define RVTEST_BEGIN                                    \
    .section .text.init;                                \
    .align 6;                                           \
    .globl _start;                                      \
_start:                                                 \
    la t0, rvtest_unexpected_trap;                      \
    csrw mtvec, t0;                                     \
    li TESTNUM, 0;                                      \
    la sp, rvtest_stack_top;                            \
    j rvtest_main;                                      \
    .align 2;                                           \
rvtest_unexpected_trap:                                 \
    j rvtest_fail;                                      \
rvtest_pass:                                            \
    li t0, FINISHER_BASE;                               \
    li t1, 0x5555;                                      \
    sw t1, 0(t0);                                       \
1:  j 1b;                                               \
rvtest_fail:                                            \
    li t0, FINISHER_BASE;                               \
    slli t1, TESTNUM, 16;                               \
    li t2, 0x3333;                                      \
    or t1, t1, t2;                                      \
    sw t1, 0(t0);                                       \
1:  j 1b;                                               \
    .text;                                              \
rvtest_main:

#define RVTEST_END                                      \
    RVTEST_PASS;                                        \
    .bss;                                               \
    .align 4;                                           \
rvtest_stack:                                           \
    .skip 4096;                                         \
rvtest_stack_top:                                       \
    .text

#define RVTEST_PASS j rvtest_pass
#define RVTEST_FAIL j rvtest_fail

/* Compare register `reg` with `val` (clobbers t6); fail the current case if different. */
#define CHECK_EQ(reg, val)                              \
    li t6, val;                                         \
    bne reg, t6, rvtest_fail

/* One test case: set TESTNUM, run `code`, then check that `reg` == `correct`. */
#define TEST_CASE(num, reg, correct, code...)           \
    li TESTNUM, num;                                    \
    code;                                               \
    CHECK_EQ(reg, correct)

/* rd = op(val1, val2) on registers. */
#define TEST_RR_OP(num, inst, result, val1, val2)       \
    TEST_CASE(num, a4, result,                          \
        li a1, val1;                                    \
        li a2, val2;                                    \
        inst a4, a1, a2)

/* rd = op(val1, imm). */
#define TEST_IMM_OP(num, inst, result, val1, imm)       \
    TEST_CASE(num, a4, result,                          \
        li a1, val1;                                    \
        inst a4, a1, imm)

/* rd = op(val1). */
#define TEST_R_OP(num, inst, result, val1)              \
    TEST_CASE(num, a4, result,                          \
        li a1, val1;                                    \
        inst a4, a1)
/* clang-format on */

#endif
