/*
 * Event traces of one hart (the -d items int, mmu, unimp): one line per event on the
 * hart's log. The sites in trap.c, mmu.c and csr.c call these only when the matching
 * HART_TRACE_* bit of dbg_flags is set.
 */
#ifndef RVISOR_CPU_TRACE_H
#define RVISOR_CPU_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"

#define TRACE_WALK_MAX 5

/* One page-table walk, as mmu.c records it. */
struct trace_walk {
    unsigned n;                      /* PTEs read */
    uint64_t pte_pa[TRACE_WALK_MAX]; /* their physical addresses */
    uint64_t pte[TRACE_WALK_MAX];    /* and values */
};

/* Name of an exception cause or interrupt number ("ecall-from-U", "S-timer", ...). */
const char *trace_cause_name(uint64_t cause, bool irq);

/* A trap was taken: from privilege `from` at epc; h->priv / h->pc are the target. */
void trace_trap(struct hart *h, uint64_t cause, uint64_t tval, bool irq, enum rv_priv from,
                uint64_t epc);
/* A page-table walk of va ended with status st (0 ok: pa valid, 1 page, 2 access fault). */
void trace_walk(struct hart *h, uint64_t va, enum rv_access acc, enum rv_priv priv,
                const struct trace_walk *w, int st, uint64_t pa);
/* An access to a CSR number that does not exist here. */
void trace_csr_unimp(struct hart *h, unsigned csr, bool write);

#endif
