/*
 * Physical memory protection (privileged spec 3.7): the check of one physical access
 * against the hart's 16 PMP entries, and the bookkeeping csr.c calls after a PMP CSR write.
 * The CSR write rules themselves (WARL fields, L-bit locking) live in csr.c.
 */
#ifndef RVISOR_CPU_PMP_H
#define RVISOR_CPU_PMP_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"

/*
 * True when an access of `len` bytes at physical address `pa` of kind `acc` at privilege
 * `priv` is allowed. The lowest-numbered entry matching any byte decides; it must cover
 * every byte. No match: M-mode is allowed, S/U-mode denied (16 entries are implemented).
 */
bool pmp_check(const struct hart *h, uint64_t pa, unsigned len, enum rv_access acc,
               enum rv_priv priv);

/*
 * True when every access of kind `acc` at `priv` inside the 4 KiB page containing `pa` is
 * allowed by the same decision, so the TLB may cache the page.
 */
bool pmp_page_allowed(const struct hart *h, uint64_t pa, enum rv_access acc, enum rv_priv priv);

/* Recompute h->csr.pmp_active after a pmpcfg/pmpaddr write (csr.c calls it). */
void pmp_update(struct hart *h);

#endif
