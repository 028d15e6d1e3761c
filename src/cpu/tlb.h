/*
 * Software TLB: direct-mapped, one array per access kind (fetch, load, store).
 * An entry maps a virtual page to a host pointer for RAM pages that passed the
 * page-table permission check and PMP for the whole page; anything else (MMIO,
 * partial PMP coverage) is never cached and takes the slow path every time.
 * The whole TLB is flushed on any change that could alter a translation or its
 * permission: satp, privilege, mstatus MPRV/MPP/SUM/MXR, PMP, sfence.vma.
 */
#ifndef RVISOR_CPU_TLB_H
#define RVISOR_CPU_TLB_H

#include <stdint.h>

#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_PAGE_SHIFT 12
#define TLB_INVALID_TAG UINT64_MAX

struct tlb_entry {
    uint64_t vpage;   /* va >> 12, or TLB_INVALID_TAG */
    uintptr_t addend; /* host address = va + addend */
    uint64_t ppage;   /* physical page number (for LR/SC reservation, tracing) */
};

struct tlb {
    struct tlb_entry e[3][TLB_SIZE]; /* indexed by enum rv_access */
};

#endif
