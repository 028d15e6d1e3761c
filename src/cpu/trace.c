/*
 * Event trace lines of one hart (cpu/trace.h): traps and interrupts with their cause,
 * tval, epc and privilege change; page-table walks level by level; unimplemented CSRs
 * and illegal instructions, disassembled. Each event is one fprintf, so lines of harts
 * on different threads do not interleave.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cpu/decode.h"
#include "cpu/trace.h"

static const char priv_letter[4] = {'U', 'S', '?', 'M'};

const char *trace_cause_name(uint64_t cause, bool irq)
{
    static const char *const exc[16] = {
        "insn-misaligned", "insn-access-fault", "illegal-insn",     "breakpoint",
        "load-misaligned", "load-access-fault", "store-misaligned", "store-access-fault",
        "ecall-from-U",    "ecall-from-S",      "reserved",         "ecall-from-M",
        "insn-page-fault", "load-page-fault",   "reserved",         "store-page-fault",
    };
    static const char *const irqs[12] = {
        "reserved", "S-software", "reserved", "M-software", "reserved", "S-timer",
        "reserved", "M-timer",    "reserved", "S-external", "reserved", "M-external",
    };

    if (irq)
        return cause < 12 ? irqs[cause] : "unknown";
    return cause < 16 ? exc[cause] : "unknown";
}

static void trace_illegal(struct hart *h, uint64_t tval, enum rv_priv from, uint64_t epc)
{
    struct insn in;
    char text[96] = "(undecodable)";

    if (insn_decode((uint32_t)tval, &in))
        insn_disasm(&in, epc, text, sizeof(text));
    fprintf(h->log,
            "hart %" PRIu64 ": unimp: illegal instruction 0x%08" PRIx64 " at pc=0x%" PRIx64
            " in %c-mode: %s\n",
            h->csr.mhartid, tval, epc, priv_letter[from & 3], text);
}

void trace_trap(struct hart *h, uint64_t cause, uint64_t tval, bool irq, enum rv_priv from,
                uint64_t epc)
{
    if (h->dbg_flags & HART_TRACE_INT)
        fprintf(h->log,
                "hart %" PRIu64 ": int: %s %" PRIu64 " (%s) epc=0x%" PRIx64 " tval=0x%" PRIx64
                " %c->%c target=%c-mode vector=0x%" PRIx64 "\n",
                h->csr.mhartid, irq ? "interrupt" : "exception", cause,
                trace_cause_name(cause, irq), epc, tval, priv_letter[from & 3],
                priv_letter[h->priv & 3], priv_letter[h->priv & 3], h->pc);
    if ((h->dbg_flags & HART_TRACE_UNIMP) && !irq && cause == EXC_ILLEGAL_INSN)
        trace_illegal(h, tval, from, epc);
}

void trace_walk(struct hart *h, uint64_t va, enum rv_access acc, enum rv_priv priv,
                const struct trace_walk *w, int st, uint64_t pa)
{
    static const char *const acc_name[3] = {"fetch", "load", "store"};
    static const char *const mode_name[16] = {[8] = "sv39", [9] = "sv48", [10] = "sv57"};
    const char *mode = mode_name[(h->csr.satp >> SATP_MODE_SHIFT) & 15];
    unsigned levels = (unsigned)(((h->csr.satp >> SATP_MODE_SHIFT) & 15) - 5);
    char line[640];
    int n;

    n = snprintf(line, sizeof(line),
                 "hart %" PRIu64 ": mmu: %s va=0x%" PRIx64 " %s %c-mode root=0x%" PRIx64,
                 h->csr.mhartid, acc_name[acc % 3], va, mode ? mode : "?", priv_letter[priv & 3],
                 (uint64_t)((h->csr.satp & SATP_PPN_MASK) << 12));
    for (unsigned i = 0; i < w->n && i < TRACE_WALK_MAX && n > 0 && (size_t)n < sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " L%u pte@0x%" PRIx64 "=0x%" PRIx64,
                      levels - 1 - i, w->pte_pa[i], w->pte[i]);
    if (n < 0 || (size_t)n >= sizeof(line))
        n = (int)sizeof(line) - 64;
    if (st == 0)
        snprintf(line + n, sizeof(line) - (size_t)n, " -> pa=0x%" PRIx64, pa);
    else
        snprintf(line + n, sizeof(line) - (size_t)n, " -> %s",
                 st == 1 ? "page fault" : "access fault");
    fprintf(h->log, "%s\n", line);
}

void trace_csr_unimp(struct hart *h, unsigned csr, bool write)
{
    fprintf(h->log,
            "hart %" PRIu64 ": unimp: %s of unimplemented CSR 0x%03x at pc=0x%" PRIx64
            " in %c-mode\n",
            h->csr.mhartid, write ? "write" : "read", csr, h->pc, priv_letter[h->priv & 3]);
}
