/*
 * IPIs forwarded the way OpenSBI forwards them must not latch the PLIC's SEIP. OpenSBI
 * turns an IPI (ACLINT msip) into a supervisor software interrupt with `csrs mip, SSIP`
 * in M-mode. Privileged spec 3.1.9: a CSR read of mip returns SEIP as the OR of the
 * software-writable bit and the external interrupt controller's signal, "however, the
 * value used in the read-modify-write sequence of a CSRRS or CSRRC instruction contains
 * only the software-writable SEIP bit". So when the PLIC asserts SEIP at that moment,
 * the csrs must not copy it into the software bit: once the PLIC drops the line, mip.SEIP
 * must read 0 again, or the hart's S-mode takes external interrupts forever (under Linux:
 * that CPU never gets a timer interrupt again, and RCU reports a stall).
 *
 * Hart 1 sends hart 0 machine software interrupts through msip; hart 0's M-mode handler
 * forwards each one with csrs mip, SSIP (and the S-mode side's csrc) while the UART's
 * THR-empty interrupt holds SEIP high through the PLIC's hart 0 S-mode context. Then the
 * UART interrupt is disabled and claimed, and mip.SEIP must fall. The same with a csrc of
 * SSIP, and on one hart alone; csrs/csrc must still set and clear SSIP.
 * Exit status: 0 pass; 2 harts missing; 3 SEIP never rose; 4 SEIP stuck after a csrs;
 * 5 SEIP stuck after a csrc; 6 IPIs not delivered; 7 SSIP not set/cleared.
 */
#include "smp.h"

#define PLIC                0x0c000000ul
#define PLIC_PRIORITY(irq)  (PLIC + 4 * (irq))
#define PLIC_ENABLE(ctx)    (PLIC + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)     (PLIC + 0x200004 + 0x1000 * (ctx))
#define PLIC_CTX_HART0_S    1
#define UART_IRQ            10
#define UART_IER            (UART + 1)
#define IER_THRE            2
#define IPIS                50

static uint32_t forwarded __attribute__((aligned(64)));
static uint32_t go __attribute__((aligned(64)));

void __attribute__((interrupt("machine"), aligned(4))) trap_handler(void)
{
    unsigned long cause = csr_read(mcause);
    if (cause != ((1ul << 63) | 3))
        fail(8, "unexpected trap, mcause", cause);
    MMIO32(ACLINT_MSIP(0)) = 0;
    csr_set(mip, MIP_SSIP); /* what sbi_ipi_process() does for an S-mode IPI */
    amoadd_w(&forwarded, 1);
}

/*
 * Raise the UART's THR-empty interrupt, or lower it and claim and complete it at the
 * PLIC: the PLIC keeps a request pending until it is claimed, whatever the source does
 * (PLIC spec, "Interrupt Gateways").
 */
static void set_uart_irq(int on)
{
    *(volatile uint8_t *)UART_IER = on ? IER_THRE : 0;
    if (!on) {
        uint32_t id = MMIO32(PLIC_CLAIM(PLIC_CTX_HART0_S));
        if (id)
            MMIO32(PLIC_CLAIM(PLIC_CTX_HART0_S)) = id;
    }
}

static void wait_seip(unsigned long want, unsigned code, const char *what)
{
    uint64_t t0 = mtime();
    while ((csr_read(mip) & MIP_SEIP) != want)
        if (mtime() - t0 > TICKS_PER_SEC)
            fail(code, what, csr_read(mip));
}

int main(unsigned long hart)
{
    if (hart >= NHARTS)
        fail(2, "a hart beyond NHARTS started", hart);
    if (hart == 1) {
        wait_eq(&go, 1, 6, "hart 0 ready");
        for (uint32_t i = 1; i <= IPIS; i++) {
            MMIO32(ACLINT_MSIP(0)) = 1;
            wait_eq(&forwarded, i, 6, "IPIs forwarded by hart 0");
        }
        park();
    }
    if (hart != 0)
        park();

    MMIO32(PLIC_PRIORITY(UART_IRQ)) = 1;
    MMIO32(PLIC_ENABLE(PLIC_CTX_HART0_S)) = 1u << UART_IRQ;
    MMIO32(PLIC_THRESHOLD(PLIC_CTX_HART0_S)) = 0;
    csr_write(mideleg, MIP_SSIP | MIP_SEIP | (1ul << 5)); /* as OpenSBI delegates them */

    /* single hart: csrs of SSIP while the PLIC holds SEIP */
    set_uart_irq(1);
    wait_seip(MIP_SEIP, 3, "the UART interrupt never raised mip.SEIP; mip");
    csr_set(mip, MIP_SSIP);
    if (!(csr_read(mip) & MIP_SSIP))
        fail(7, "csrs mip, SSIP did not set SSIP; mip", csr_read(mip));
    csr_clear(mip, MIP_SSIP);
    if (csr_read(mip) & MIP_SSIP)
        fail(7, "csrc mip, SSIP did not clear SSIP; mip", csr_read(mip));
    set_uart_irq(0);
    wait_seip(0, 4, "mip.SEIP stayed set after csrs mip while the PLIC asserted it; mip");
    /* a csrc of another bit while SEIP is asserted */
    set_uart_irq(1);
    wait_seip(MIP_SEIP, 3, "the UART interrupt never raised mip.SEIP again; mip");
    csr_clear(mip, MIP_SSIP);
    set_uart_irq(0);
    wait_seip(0, 5, "mip.SEIP stayed set after csrc mip while the PLIC asserted it; mip");
    uart_puts("mip: csrs/csrc keep SEIP out of the software bit\n");

    /* the OpenSBI path: IPIs from hart 1 forwarded by the M-mode handler */
    if (NHARTS >= 2) {
        set_uart_irq(1);
        wait_seip(MIP_SEIP, 3, "the UART interrupt never raised mip.SEIP again; mip");
        csr_write(mtvec, (unsigned long)trap_handler);
        csr_write(mie, MIP_MSIP);
        csr_set(mstatus, MSTATUS_MIE);
        WRITE_ONCE(go, 1);
        wait_eq(&forwarded, IPIS, 6, "IPIs forwarded");
        csr_clear(mstatus, MSTATUS_MIE);
        if (!(csr_read(mip) & MIP_SSIP))
            fail(7, "SSIP after the forwarded IPIs; mip", csr_read(mip));
        csr_clear(mip, MIP_SSIP);
        set_uart_irq(0);
        wait_seip(0, 4, "mip.SEIP stayed set after IPIs forwarded with csrs mip; mip");
        uart_puts("mip: forwarded IPIs leave SEIP to the PLIC\n");
    }
    uart_puts("smp mip_seip: all passed\n");
    finish(0);
}
