/*
 * Address translation of one hart (privileged spec 4.3-4.6, Sv39/Sv48/Sv57), private to
 * cpu/: the page walker, exposed for the unit tests and for the hart's memory accesses
 * in mmu.c. Page-based translation only; no Svnapot, Svpbmt, Svade or hypervisor stage.
 */
#ifndef RVISOR_CPU_MMU_H
#define RVISOR_CPU_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"

/* PTE fields. */
#define PTE_V              (1ull << 0)
#define PTE_R              (1ull << 1)
#define PTE_W              (1ull << 2)
#define PTE_X              (1ull << 3)
#define PTE_U              (1ull << 4)
#define PTE_G              (1ull << 5)
#define PTE_A              (1ull << 6)
#define PTE_D              (1ull << 7)
#define PTE_PPN_SHIFT      10
#define PTE_PPN_MASK       ((1ull << 44) - 1)
#define PTE_RESERVED_SHIFT 54 /* bits 63:54: N, PBMT, reserved: all fault here */

enum mmu_status {
    MMU_OK = 0,
    MMU_PAGE_FAULT,
    MMU_ACCESS_FAULT,
};

/*
 * Translate va for an access of kind acc at privilege priv (the effective one: the
 * caller applies MPRV). M-mode and satp.MODE = Bare map va to itself. With update_ad the
 * walker sets the leaf's A bit (and D for stores) with a compare-and-swap on the PTE;
 * without it a walk that would need an update still succeeds and changes nothing.
 * *pa is valid only on MMU_OK. PMP is checked for the PTE reads, not for the access.
 */
enum mmu_status mmu_translate(struct hart *h, uint64_t va, enum rv_access acc, enum rv_priv priv,
                              bool update_ad, uint64_t *pa);

/* The exception cause for a failed access of kind acc. */
uint64_t mmu_fault_cause(enum mmu_status st, enum rv_access acc);

#endif
