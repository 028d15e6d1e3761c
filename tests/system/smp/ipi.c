/*
 * Inter-processor interrupts through the ACLINT, M-mode only:
 *  1. MSWI: hart 0 writes msip[h] = 1 for each other hart h, which sleeps in WFI with
 *     mie.MSIE and mstatus.MIE set; h takes machine software interrupt (mcause 3), sees
 *     mip.MSIP, clears msip[h] and counts it. ROUNDS rounds, one hart at a time, then
 *     ROUNDS rounds to every hart at once, then an IPI from hart 0 to itself.
 *  2. SSWI: hart 0 writes setssip[h] = 1 (0x2f00000 + 4h); h takes the supervisor
 *     software interrupt in M-mode (mideleg = 0, mie.SSIE), clears mip.SSIP and counts
 *     it. setssip reads as 0.
 *  3. WFI with interrupts globally off (mstatus.MIE = 0): msip still wakes WFI, no trap
 *     is taken, and the hart finds mip.MSIP set.
 * Exit status: 0 pass; 2 harts missing; 3..9 an IPI not delivered or delivered wrongly.
 */
#include "smp.h"

#define ROUNDS 200

static uint32_t ready __attribute__((aligned(64)));
static uint32_t ready_nomie __attribute__((aligned(64)));
static uint32_t phase __attribute__((aligned(64)));
static uint32_t msi_count[NHARTS] __attribute__((aligned(64)));
static uint32_t ssi_count[NHARTS] __attribute__((aligned(64)));
static uint32_t wake_count[NHARTS] __attribute__((aligned(64)));
static uint32_t bad_trap[NHARTS];

void __attribute__((interrupt("machine"), aligned(4))) trap_handler(void)
{
    unsigned long cause = csr_read(mcause), hart = csr_read(mhartid);
    if (cause == ((1ul << 63) | 3)) {
        if (!(csr_read(mip) & MIP_MSIP))
            bad_trap[hart] = 1;
        MMIO32(ACLINT_MSIP(hart)) = 0;
        amoadd_w(&msi_count[hart], 1);
    } else if (cause == ((1ul << 63) | 1)) {
        csr_clear(mip, MIP_SSIP);
        amoadd_w(&ssi_count[hart], 1);
    } else {
        fail(9, "unexpected trap, mcause", cause); /* an exception would only repeat */
    }
}

static void secondary(unsigned long hart)
{
    csr_write(mtvec, (unsigned long)trap_handler);
    csr_write(mideleg, 0);
    csr_write(mie, MIP_MSIP | MIP_SSIP);
    csr_set(mstatus, MSTATUS_MIE);
    amoadd_w(&ready, 1);
    while (READ_ONCE(phase) < 3)
        __asm__ volatile("wfi");

    /* phase 3: WFI wakes on a pending enabled interrupt even with mstatus.MIE = 0 */
    csr_clear(mstatus, MSTATUS_MIE);
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    MMIO32(ACLINT_MSIP(hart)) = 0; /* a kick of hart 0 not taken as an interrupt */
    csr_write(mie, MIP_MSIP);
    amoadd_w(&ready_nomie, 1);
    while (READ_ONCE(phase) < 4) {
        __asm__ volatile("wfi");
        if (csr_read(mip) & MIP_MSIP) {
            MMIO32(ACLINT_MSIP(hart)) = 0;
            amoadd_w(&wake_count[hart], 1);
        }
    }
    park();
}

static void check_traps(void)
{
    for (unsigned h = 0; h < NHARTS; h++)
        if (bad_trap[h])
            fail(9, "machine software interrupt with mip.MSIP clear, on hart", h);
}

int main(unsigned long hart)
{
    if (hart >= NHARTS)
        fail(2, "a hart beyond NHARTS started", hart);
    if (hart != 0)
        secondary(hart);

    csr_write(mtvec, (unsigned long)trap_handler);
    csr_write(mideleg, 0);
    wait_eq(&ready, NHARTS - 1, 2, "harts ready for IPIs");

    /* 1. MSWI, one hart at a time */
    for (uint32_t r = 1; r <= ROUNDS; r++)
        for (unsigned h = 1; h < NHARTS; h++) {
            MMIO32(ACLINT_MSIP(h)) = 1;
            wait_eq(&msi_count[h], r, 3, "MSWI IPI to one hart: handled count");
        }
    check_traps();
    /* ... to every hart at once */
    for (uint32_t r = ROUNDS + 1; r <= 2 * ROUNDS; r++) {
        for (unsigned h = 1; h < NHARTS; h++)
            MMIO32(ACLINT_MSIP(h)) = 1;
        for (unsigned h = 1; h < NHARTS; h++)
            wait_eq(&msi_count[h], r, 4, "MSWI IPI to all harts: handled count");
    }
    check_traps();
    /* ... and to itself */
    csr_write(mie, MIP_MSIP);
    csr_set(mstatus, MSTATUS_MIE);
    MMIO32(ACLINT_MSIP(0)) = 1;
    wait_eq(&msi_count[0], 1, 5, "MSWI IPI to self: handled count");
    csr_clear(mstatus, MSTATUS_MIE);
    if (MMIO32(ACLINT_MSIP(0)) != 0)
        fail(5, "msip[0] after the handler cleared it", MMIO32(ACLINT_MSIP(0)));
    uart_puts("mswi: delivered\n");

    /* 2. SSWI */
    for (uint32_t r = 1; r <= ROUNDS; r++)
        for (unsigned h = 1; h < NHARTS; h++) {
            MMIO32(SSWI_SETSSIP(h)) = 1;
            wait_eq(&ssi_count[h], r, 6, "SSWI setssip to one hart: handled count");
        }
    if (MMIO32(SSWI_SETSSIP(1)) != 0)
        fail(6, "setssip reads", MMIO32(SSWI_SETSSIP(1)));
    check_traps();
    uart_puts("sswi: delivered\n");

    /* 3. WFI with mstatus.MIE = 0 */
    for (unsigned h = 1; h < NHARTS; h++)
        if (msi_count[h] != 2 * ROUNDS)
            fail(3, "MSIs taken by a hart in all", (unsigned long)h << 32 | msi_count[h]);
    /* kick them out of their WFI loop: msip before and after the phase change, so that a
     * hart woken by the first kick before it sees the new phase gets another one */
    for (unsigned h = 1; h < NHARTS; h++)
        MMIO32(ACLINT_MSIP(h)) = 1;
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    WRITE_ONCE(phase, 3);
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    for (unsigned h = 1; h < NHARTS; h++)
        MMIO32(ACLINT_MSIP(h)) = 1;
    wait_eq(&ready_nomie, NHARTS - 1, 7, "harts ready for WFI with MIE = 0");
    for (uint32_t r = 1; r <= ROUNDS; r++)
        for (unsigned h = 1; h < NHARTS; h++) {
            MMIO32(ACLINT_MSIP(h)) = 1;
            wait_eq(&wake_count[h], r, 8, "WFI wake-ups by msip with mstatus.MIE = 0");
        }
    WRITE_ONCE(phase, 4);
    for (unsigned h = 1; h < NHARTS; h++)
        MMIO32(ACLINT_MSIP(h)) = 1;
    check_traps();
    uart_puts("wfi: woken with MIE = 0\n");
    uart_puts("smp ipi: all passed\n");
    finish(0);
}
