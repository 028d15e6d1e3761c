/*
 * Trap entry and interrupt selection: privileged spec 3.1.6-3.1.9 (mstatus, mip/mie,
 * priorities), 3.1.8 (medeleg/mideleg), 3.3.2 (mret/sret), 4.1.1.
 * Interrupt priority: MEI > MSI > MTI > SEI > SSI > STI. M-level interrupts are taken
 * when running below M, or in M with mstatus.MIE; delegated (S-level) ones below S, or
 * in S with sstatus.SIE, and never while in M.
 * A trap that leads nowhere (the vector cannot be fetched) is reported to the machine
 * through hart_env.fatal_trap when it asks for that; nothing else pays for the check.
 */
#include "cpu/decode.h"
#include "cpu/hart.h"
#include "cpu/trace.h"
#include "devices/bus.h"

#define CAUSE_INTERRUPT (1ull << 63)

static const unsigned irq_priority[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI};

void hart_raise(struct hart *h, uint64_t cause, uint64_t tval)
{
    if (h->exc_pending)
        return; /* the first exception of an instruction wins */
    h->exc_pending = true;
    h->exc_cause = cause;
    h->exc_tval = tval;
}

static uint64_t trap_vector(uint64_t tvec, uint64_t cause, bool is_irq)
{
    uint64_t base = tvec & ~3ull;
    if (is_irq && (tvec & 3) == 1)
        return base + 4 * cause;
    return base;
}

static bool is_fetch_fault(uint64_t cause)
{
    return cause == EXC_INSN_ACCESS || cause == EXC_INSN_PAGE_FAULT || cause == EXC_INSN_MISALIGNED;
}

/* Is there RAM at the physical vector? One bus look-up per new vector per mode. */
static bool vector_is_ram(struct hart *h, uint64_t vec)
{
    uint64_t *ok = &h->vec_ok[h->priv == PRIV_M];
    if (*ok == (vec | 1))
        return true;
    if (!bus_ram_ptr(h->bus, vec, 2))
        return false;
    *ok = vec | 1;
    return true;
}

/*
 * After a trap into h->priv at h->pc (env->fatal_trap set): does it lead nowhere? The
 * vector is a physical address in M-mode and in S-mode with satp bare: no RAM there is
 * a dead end at once (and a fetch fault at that vector itself means pc got there without
 * a trap). Otherwise only an instruction fault at the vector, taken into the mode it
 * came from, is one: the handler cannot even be fetched, and fetching it again traps to
 * it again.
 */
static void trap_dead_end(struct hart *h, enum rv_priv from, uint64_t cause, uint64_t epc,
                          uint64_t tval, bool is_irq)
{
    uint64_t vec = h->pc;
    bool at_vec = !is_irq && is_fetch_fault(cause) && epc == vec;
    bool physical = h->priv == PRIV_M || (h->csr.satp >> SATP_MODE_SHIFT) == SATP_MODE_BARE;
    struct hart_dead_trap t = {.cause = cause | (is_irq ? CAUSE_INTERRUPT : 0),
                               .epc = epc,
                               .tval = tval,
                               .vector = vec,
                               .priv = h->priv};
    if (physical && !vector_is_ram(h, vec))
        t.jump = at_vec;
    else if (!at_vec || from != h->priv)
        return;
    h->env->fatal_trap(h->env->opaque, h, &t);
}

/* The TLB is tagged by privilege (tlb.h): a mode switch only selects other tags. */
static void hart_set_priv(struct hart *h, enum rv_priv p)
{
    h->priv = p;
    hart_tlb_ctx_update(h);
}

void hart_take_trap(struct hart *h, uint64_t cause, uint64_t tval, bool is_irq)
{
    uint64_t deleg = is_irq ? h->csr.mideleg : h->csr.medeleg;
    uint64_t ms = h->csr.mstatus;
    enum rv_priv from = h->priv;
    uint64_t epc = h->pc;

    h->stat_traps++;
    if (is_irq)
        h->stat_irqs++;
    hart_resv_clear(h);
    if (h->priv <= PRIV_S && cause < 64 && ((deleg >> cause) & 1)) {
        h->csr.scause = cause | (is_irq ? CAUSE_INTERRUPT : 0);
        h->csr.sepc = h->pc;
        h->csr.stval = tval;
        ms &= ~(MSTATUS_SPP | MSTATUS_SPIE);
        if (h->priv == PRIV_S)
            ms |= MSTATUS_SPP;
        if (ms & MSTATUS_SIE)
            ms |= MSTATUS_SPIE;
        ms &= ~MSTATUS_SIE;
        h->csr.mstatus = ms;
        h->pc = trap_vector(h->csr.stvec, cause, is_irq);
        hart_set_priv(h, PRIV_S);
    } else {
        h->csr.mcause = cause | (is_irq ? CAUSE_INTERRUPT : 0);
        h->csr.mepc = h->pc;
        h->csr.mtval = tval;
        ms &= ~(MSTATUS_MPP | MSTATUS_MPIE);
        ms |= (uint64_t)h->priv << MSTATUS_MPP_SHIFT;
        if (ms & MSTATUS_MIE)
            ms |= MSTATUS_MPIE;
        ms &= ~MSTATUS_MIE;
        h->csr.mstatus = ms;
        h->pc = trap_vector(h->csr.mtvec, cause, is_irq);
        hart_set_priv(h, PRIV_M);
    }
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
    if (RV_UNLIKELY(h->dbg_flags & (HART_TRACE_INT | HART_TRACE_UNIMP)))
        trace_trap(h, cause, tval, is_irq, from, epc);
    if (RV_UNLIKELY(h->env->fatal_trap != NULL))
        trap_dead_end(h, from, cause, epc, tval, is_irq);
}

static int pick_irq(uint64_t pending)
{
    for (unsigned i = 0; i < sizeof(irq_priority) / sizeof(irq_priority[0]); i++)
        if (pending & (1ull << irq_priority[i]))
            return (int)irq_priority[i];
    return -1;
}

bool hart_check_interrupts(struct hart *h)
{
    uint64_t pending = csr_mip(h) & h->csr.mie;
    if (!pending)
        return false;
    uint64_t m_pending = pending & ~h->csr.mideleg;
    uint64_t s_pending = pending & h->csr.mideleg;
    bool m_on = h->priv < PRIV_M || (h->csr.mstatus & MSTATUS_MIE);
    bool s_on = h->priv < PRIV_S || (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_SIE));
    int irq = -1;
    if (m_on && m_pending)
        irq = pick_irq(m_pending);
    else if (s_on && s_pending)
        irq = pick_irq(s_pending);
    if (irq < 0)
        return false;
    hart_take_trap(h, (uint64_t)irq, 0, true);
    return true;
}

bool hart_irq_pending(struct hart *h)
{
    return (csr_mip(h) & h->csr.mie) != 0;
}

void hart_set_irq(struct hart *h, unsigned bit, bool level)
{
    uint64_t m = 1ull << bit;
    if (bit == IRQ_SSI) { /* ACLINT SSWI: an edge that sets the software-visible SSIP */
        if (level)
            atomic_fetch_or(&h->mip_sw, m);
    } else if (level) {
        atomic_fetch_or(&h->mip_hw, m);
    } else {
        atomic_fetch_and(&h->mip_hw, ~m);
    }
    atomic_store_explicit(&h->irq_check, true, memory_order_release);
}

/* mret: privileged spec 3.3.2. Returns false after raising illegal-instruction. */
void exec_mret(struct hart *h, const struct insn *in)
{
    if (h->priv != PRIV_M) {
        hart_illegal(h, in->raw);
        return;
    }
    uint64_t ms = h->csr.mstatus;
    enum rv_priv mpp = (enum rv_priv)((ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    ms = (ms & ~MSTATUS_MIE) | ((ms & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    ms |= MSTATUS_MPIE;
    ms &= ~MSTATUS_MPP; /* MPP = U, the least-privileged mode */
    if (mpp != PRIV_M)
        ms &= ~MSTATUS_MPRV;
    h->csr.mstatus = ms;
    h->npc = h->csr.mepc;
    hart_set_priv(h, mpp);
    hart_resv_clear(h);
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
}

void exec_sret(struct hart *h, const struct insn *in)
{
    if (h->priv < PRIV_S || (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TSR))) {
        hart_illegal(h, in->raw);
        return;
    }
    uint64_t ms = h->csr.mstatus;
    enum rv_priv spp = (ms & MSTATUS_SPP) ? PRIV_S : PRIV_U;
    ms = (ms & ~MSTATUS_SIE) | ((ms & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    ms |= MSTATUS_SPIE;
    ms &= ~(MSTATUS_SPP | MSTATUS_MPRV);
    h->csr.mstatus = ms;
    h->npc = h->csr.sepc;
    hart_set_priv(h, spp);
    hart_resv_clear(h);
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
}
