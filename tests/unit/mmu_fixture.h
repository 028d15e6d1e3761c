/*
 * Shared fixture of test_mmu.c and test_tlb.c: one hart on a bus with 4 MiB of RAM at
 * 0x80000000, PMP open to every mode, and helpers that build page tables in that RAM.
 */
#ifndef RVISOR_TESTS_MMU_FIXTURE_H
#define RVISOR_TESTS_MMU_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/mmu.h"
#include "cpu/pmp.h"
#include "devices/bus.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (4ull << 20)
#define PT_BASE  (RAM_BASE + (3ull << 20)) /* page tables live in the last MiB */

struct mmu_fixture {
    struct hart h;
    struct bus *bus;
    uint8_t *ram;
    uint64_t next_pt;
    uint64_t root;
    unsigned levels;
};

static struct mmu_fixture fx;

static inline uint64_t fx_time(void *opaque, struct hart *h)
{
    (void)opaque;
    (void)h;
    return 0;
}

static const struct hart_env fx_env = {.get_time = fx_time};

static inline void fx_setup(void)
{
    memset(&fx, 0, sizeof(fx));
    fx.ram = aligned_alloc(4096, RAM_SIZE);
    memset(fx.ram, 0, RAM_SIZE);
    fx.bus = bus_create();
    bus_add_ram(fx.bus, RAM_BASE, RAM_SIZE, fx.ram);
    hart_init(&fx.h, 0, fx.bus, &fx_env);
    fx.h.csr.pmpaddr[0] = (1ull << 54) - 1;
    fx.h.csr.pmpcfg[0] = (PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R | PMP_W | PMP_X;
    pmp_update(&fx.h);
    fx.next_pt = PT_BASE;
}

static inline void fx_teardown(void)
{
    hart_destroy(&fx.h);
    bus_destroy(fx.bus);
    free(fx.ram);
}

static inline uint8_t *fx_host(uint64_t pa)
{
    return fx.ram + (pa - RAM_BASE);
}

static inline uint64_t *fx_pte(uint64_t pa)
{
    return (uint64_t *)(void *)fx_host(pa);
}

static inline uint64_t fx_mk_pte(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << PTE_PPN_SHIFT) | flags;
}

static inline uint64_t fx_pt_alloc(void)
{
    uint64_t pa = fx.next_pt;
    fx.next_pt += 4096;
    memset(fx_host(pa), 0, 4096);
    return pa;
}

/* Turn on translation with `levels` levels (3, 4, 5) and a fresh root table. */
static inline void fx_paging(unsigned levels)
{
    fx.levels = levels;
    fx.root = fx_pt_alloc();
    fx.h.csr.satp = ((uint64_t)(levels + 5) << SATP_MODE_SHIFT) | (fx.root >> 12);
    hart_tlb_flush(&fx.h);
}

static inline unsigned fx_vpn(uint64_t va, unsigned level)
{
    return (unsigned)((va >> (12 + 9 * level)) & 0x1ff);
}

/* Map va to a leaf PTE at `level` (0 = 4 KiB) with pa and flags; returns the PTE. */
static inline uint64_t *fx_map(uint64_t va, uint64_t pa, unsigned level, uint64_t flags)
{
    uint64_t table = fx.root;

    for (unsigned i = fx.levels - 1; i > level; i--) {
        uint64_t *p = fx_pte(table + fx_vpn(va, i) * 8);
        if (!(*p & PTE_V))
            *p = fx_mk_pte(fx_pt_alloc(), PTE_V);
        table = ((*p >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
    }
    uint64_t *leaf = fx_pte(table + fx_vpn(va, level) * 8);
    *leaf = fx_mk_pte(pa, flags);
    return leaf;
}

static inline void fx_clear_exc(void)
{
    fx.h.exc_pending = false;
    fx.h.exc_cause = 0;
    fx.h.exc_tval = 0;
}

#define PTE_RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

#endif
