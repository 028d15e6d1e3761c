/*
 * SYSTEM instructions: ECALL, EBREAK, WFI, SFENCE.VMA (privileged spec 3.3) and the Zicsr
 * read-modify-write instructions (unprivileged spec chapter 9). MRET/SRET live in trap.c
 * beside trap entry, which they undo.
 */
#include "cpu/decode.h"
#include "cpu/hart.h"

void exec_ecall(struct hart *h, const struct insn *in)
{
    if (h->priv == PRIV_S && h->env->ecall && h->env->ecall(h->env->opaque, h))
        return; /* answered by the machine's built-in SBI */
    switch (h->priv) {
    case PRIV_U: hart_raise(h, EXC_ECALL_U, 0); break;
    case PRIV_S: hart_raise(h, EXC_ECALL_S, 0); break;
    default: hart_raise(h, EXC_ECALL_M, 0); break;
    }
}

void exec_ebreak(struct hart *h, const struct insn *in)
{
    hart_raise(h, EXC_BREAKPOINT, h->pc);
}

void exec_wfi(struct hart *h, const struct insn *in)
{
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TW))) {
        hart_illegal(h, in->raw);
        return;
    }
    if (!hart_irq_pending(h))
        h->wfi = true; /* retires now; the machine parks the hart until an interrupt */
}

void exec_sfence_vma(struct hart *h, const struct insn *in)
{
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TVM))) {
        hart_illegal(h, in->raw);
        return;
    }
    /* blocks are keyed by physical address: they stay */
    if (in->rs1)
        hart_tlb_flush_va(h, h->x[in->rs1]); /* one address (rs2's ASID: any, no tags) */
    else
        hart_tlb_flush_entries(h);
}

enum csr_op { CSR_OP_WRITE, CSR_OP_SET, CSR_OP_CLEAR };

static void csr_rmw(struct hart *h, const struct insn *in, enum csr_op op, uint64_t src,
                    bool src_is_zero)
{
    unsigned csr = (unsigned)in->imm & 0xfff;
    bool writes = op == CSR_OP_WRITE || !src_is_zero;
    uint64_t old = 0;

    /* CSRRW with rd = x0 does not read (no read side effects exist here anyway). */
    if (!csr_read(h, csr, &old, writes, in->raw))
        return;
    if (writes) {
        /* mip: the read-modify-write sees only the software-writable SEIP bit, not the
         * OR with the external line that a read returns (privileged spec 3.1.9) */
        uint64_t base = csr != CSR_MIP ? old
                                       : (old & ~MIP_SEIP) |
                                             (atomic_load(&h->mip_sw) & MIP_SEIP);
        uint64_t nv = op == CSR_OP_WRITE ? src : op == CSR_OP_SET ? (base | src) : (base & ~src);
        if (!csr_write(h, csr, nv, in->raw))
            return;
    }
    h->x[in->rd] = old;
}

void exec_csrrw(struct hart *h, const struct insn *in)
{
    csr_rmw(h, in, CSR_OP_WRITE, h->x[in->rs1], in->rs1 == 0);
}

void exec_csrrs(struct hart *h, const struct insn *in)
{
    csr_rmw(h, in, CSR_OP_SET, h->x[in->rs1], in->rs1 == 0);
}

void exec_csrrc(struct hart *h, const struct insn *in)
{
    csr_rmw(h, in, CSR_OP_CLEAR, h->x[in->rs1], in->rs1 == 0);
}

void exec_csrrwi(struct hart *h, const struct insn *in)
{
    csr_rmw(h, in, CSR_OP_WRITE, in->rs1, in->rs1 == 0);
}

void exec_csrrsi(struct hart *h, const struct insn *in)
{
    csr_rmw(h, in, CSR_OP_SET, in->rs1, in->rs1 == 0);
}

void exec_csrrci(struct hart *h, const struct insn *in)
{
    csr_rmw(h, in, CSR_OP_CLEAR, in->rs1, in->rs1 == 0);
}
