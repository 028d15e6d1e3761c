/*
 * Software TLB: direct-mapped, one array per access kind (fetch, load, store).
 * An entry maps a virtual page to a host pointer for RAM pages that passed the
 * page-table permission check and PMP for the whole page; anything else (MMIO,
 * partial PMP coverage) is never cached and takes the slow path every time.
 *
 * Entries are tagged with the translation context they were made in, so privilege
 * changes (traps, xRET) and mstatus MPRV/MPP/SUM/MXR writes need no flush: the tag is
 * the virtual page number (va >> 12, at most 52 bits) ORed with context bits above bit
 * 52 (TLB_CTX_*: the effective privilege of the access kind, and SUM/MXR where they
 * matter), so the hit test stays one compare. A store entry is only ever made from a
 * store translation (a load entry can never serve a store: separate arrays), never for
 * a page that holds cached code (cpu/block.h), and from bus_ram_ptr_write (quotas).
 * satp, PMP and sfence.vma x0 flush everything (no ASID tags); sfence.vma with an
 * address drops only the entries whose mapping (a page or a superpage: `span`) holds it.
 */
#ifndef RVISOR_CPU_TLB_H
#define RVISOR_CPU_TLB_H

#include <stdint.h>

#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_PAGE_SHIFT 12
#define TLB_INVALID_TAG UINT64_MAX

/* Context bits of a tag. S-mode without SUM/MXR is context 0 (tag = va >> 12). */
#define TLB_CTX_SHIFT 52
#define TLB_CTX_U     (1ull << TLB_CTX_SHIFT)       /* effective privilege U */
#define TLB_CTX_M     (2ull << TLB_CTX_SHIFT)       /* effective privilege M */
#define TLB_CTX_SUM   (1ull << (TLB_CTX_SHIFT + 2)) /* S data access with mstatus.SUM */
#define TLB_CTX_MXR   (1ull << (TLB_CTX_SHIFT + 3)) /* S/U load with mstatus.MXR */

struct tlb_entry {
    uint64_t vpage;   /* (va >> 12) | context bits, or TLB_INVALID_TAG */
    uintptr_t addend; /* host address = va + addend */
    uint64_t ppage;   /* physical page number (for LR/SC reservation, tracing) */
    uint64_t span;    /* log2 of the mapping's size in 4 KiB pages: 0, 9 (2 MiB), 18... */
};

/*
 * The slot of a virtual page: its low bits folded with the next ones up, so that arrays
 * a power-of-two number of pages apart (STREAM's 4 MiB arrays) do not all fight for the
 * same slots of a direct-mapped table.
 */
static inline unsigned tlb_index(uint64_t va)
{
    uint64_t vpn = va >> TLB_PAGE_SHIFT;
    return (unsigned)((vpn ^ (vpn >> TLB_BITS)) & (TLB_SIZE - 1));
}

struct tlb {
    struct tlb_entry e[3][TLB_SIZE]; /* indexed by enum rv_access */
    uint64_t ctx[3];                 /* the current context bits per access kind */
};

#endif
