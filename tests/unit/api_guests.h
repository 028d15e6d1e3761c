/*
 * Tiny bare-metal guests for the librvisor tests (test_api.c, test_host.c), assembled
 * here into raw files loaded at 0x80000000 with -bios none. Define API_GUESTS_TAG (a
 * string) before including; setup()/teardown() write and remove the files.
 */
#ifndef RVISOR_TEST_API_GUESTS_H
#define RVISOR_TEST_API_GUESTS_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

enum { T0 = 5, T1 = 6, T2 = 7, T3 = 28, T4 = 29 };

static uint32_t u_type(uint32_t op, unsigned rd, uint32_t imm20)
{
    return (imm20 << 12) | (rd << 7) | op;
}
static uint32_t addi(unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
static uint32_t store(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}
static uint32_t jal0(int32_t off) /* jal x0, off */
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
           ((u >> 12) & 0xff) << 12 | 0x6f;
}

static uint32_t load(unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x03;
}
static uint32_t andi(unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | 7u << 12 | rd << 7 | 0x13;
}
static uint32_t branch(unsigned f3, unsigned rs1, unsigned rs2, int32_t off) /* beq/bne */
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 |
           f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

/*
 * The guests: pass (finisher 0x5555), fail with code 7, spin, an illegal instruction with
 * no trap handler, flood the UART, print "hi" and pass, echo UART input until 'q'.
 */
enum prog { P_PASS, P_FAIL7, P_LOOP, P_ILLEGAL, P_FLOOD, P_HI, P_ECHO, P_COUNT };

static char paths[P_COUNT][128];

static void write_prog(enum prog p)
{
    uint32_t c[24];
    size_t n = 0;
    switch (p) {
    case P_PASS:
        c[n++] = addi(T1, 0, 42);                /* li t1, 42 (for register checks) */
        c[n++] = u_type(0x37, T2, 0x100);        /* lui t2, 0x100: finisher */
        c[n++] = u_type(0x37, T3, 5);
        c[n++] = addi(T3, T3, 0x555);
        c[n++] = store(2, T2, T3, 0);
        c[n++] = jal0(0);
        break;
    case P_FAIL7:
        c[n++] = u_type(0x37, T2, 0x100);
        c[n++] = u_type(0x37, T3, 0x73);         /* 0x73000 + 0x333: code 7 */
        c[n++] = addi(T3, T3, 0x333);
        c[n++] = store(2, T2, T3, 0);
        c[n++] = jal0(0);
        break;
    case P_LOOP:
        c[n++] = addi(T1, T1, 1);
        c[n++] = jal0(-4);
        break;
    case P_ILLEGAL:
        c[n++] = addi(T1, 0, 1);
        c[n++] = 0; /* illegal */
        break;
    case P_FLOOD:
        c[n++] = u_type(0x37, T2, 0x10000);      /* UART */
        c[n++] = addi(T3, 0, 'x');
        c[n++] = store(0, T2, T3, 0);
        c[n++] = jal0(-4);
        break;
    case P_HI:
        c[n++] = u_type(0x37, T2, 0x10000);      /* UART */
        c[n++] = addi(T3, 0, 'h');
        c[n++] = store(0, T2, T3, 0);
        c[n++] = addi(T3, 0, 'i');
        c[n++] = store(0, T2, T3, 0);
        c[n++] = u_type(0x37, T2, 0x100);        /* finisher pass */
        c[n++] = u_type(0x37, T3, 5);
        c[n++] = addi(T3, T3, 0x555);
        c[n++] = store(2, T2, T3, 0);
        c[n++] = jal0(0);
        break;
    case P_ECHO:
        c[n++] = u_type(0x37, T2, 0x10000);      /* UART */
        c[n++] = load(4, T3, T2, 5);             /* loop: lbu t3, LSR */
        c[n++] = andi(T3, T3, 1);                /* data ready? */
        c[n++] = branch(0, T3, 0, -8);           /* beqz t3, loop */
        c[n++] = load(4, T3, T2, 0);             /* lbu t3, RBR */
        c[n++] = store(0, T2, T3, 0);            /* echo it */
        c[n++] = addi(T4, T3, -'q');
        c[n++] = branch(1, T4, 0, -24);          /* bnez t4, loop */
        c[n++] = u_type(0x37, T2, 0x100);        /* 'q': finisher pass */
        c[n++] = u_type(0x37, T3, 5);
        c[n++] = addi(T3, T3, 0x555);
        c[n++] = store(2, T2, T3, 0);
        c[n++] = jal0(0);
        break;
    default: break;
    }
    snprintf(paths[p], sizeof(paths[p]), "/tmp/rvisor-test-%s-%ld-%d.bin", API_GUESTS_TAG, (long)getpid(), p);
    FILE *f = fopen(paths[p], "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(c, 4, n, f), n);
    fclose(f);
}

static void setup(void)
{
    for (int p = 0; p < P_COUNT; p++)
        write_prog((enum prog)p);
}

static void teardown(void)
{
    for (int p = 0; p < P_COUNT; p++)
        unlink(paths[p]);
}

#endif
