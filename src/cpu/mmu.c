/*
 * The memory side of one hart: virtual-address translation (privileged spec 4.3
 * "Sv32"/"Virtual-Address Translation Process", 4.4-4.6 Sv39/Sv48/Sv57), PMP checks
 * (pmp.c), the software TLB (tlb.h), and loads, stores, fetches and AMO translation.
 *
 * The A and D bits are set by the hart (no Svade), atomically on the PTE in host RAM.
 * Misaligned loads and stores are emulated, also across pages (both pages are translated
 * and checked before any byte moves). Left out: Svnapot, Svpbmt (their PTE bits fault),
 * faults on A/D/U set in a non-leaf PTE (accepted), per-address or per-ASID TLB
 * invalidation (sfence.vma flushes everything), big-endian hosts.
 */
#include <string.h>

#include "cpu/block.h"
#include "cpu/memops.h"
#include "cpu/mmu.h"
#include "cpu/pmp.h"
#include "cpu/trace.h"
#include "devices/bus.h"

#define PAGE_SIZE 4096u
#define PAGE_MASK 0xfffull

static inline uint64_t pte_load(const uint8_t *p)
{
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_ACQUIRE);
#else
    return atomic_load((_Atomic uint64_t *)(void *)p);
#endif
}

/* Replace the PTE at p by new_pte if it still holds old_pte. */
static inline bool pte_cas(uint8_t *p, uint64_t old_pte, uint64_t new_pte)
{
#if defined(__GNUC__) || defined(__clang__)
    return __atomic_compare_exchange_n((uint64_t *)(void *)p, &old_pte, new_pte, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
#else
    return atomic_compare_exchange_strong((_Atomic uint64_t *)(void *)p, &old_pte, new_pte);
#endif
}

/* --- privilege, faults --- */

enum rv_priv hart_data_priv(const struct hart *h)
{
    if (h->priv == PRIV_M && (h->csr.mstatus & MSTATUS_MPRV))
        return (enum rv_priv)((h->csr.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    return h->priv;
}

uint64_t mmu_fault_cause(enum mmu_status st, enum rv_access acc)
{
    static const uint64_t page_fault[] = {
        [ACCESS_FETCH] = EXC_INSN_PAGE_FAULT,
        [ACCESS_LOAD] = EXC_LOAD_PAGE_FAULT,
        [ACCESS_STORE] = EXC_STORE_PAGE_FAULT,
    };
    static const uint64_t access_fault[] = {
        [ACCESS_FETCH] = EXC_INSN_ACCESS,
        [ACCESS_LOAD] = EXC_LOAD_ACCESS,
        [ACCESS_STORE] = EXC_STORE_ACCESS,
    };

    return st == MMU_PAGE_FAULT ? page_fault[acc] : access_fault[acc];
}

/* --- page walk --- */

/* Number of page-table levels of satp's mode; 0 for Bare (and unknown modes). */
static unsigned mmu_levels(uint64_t satp)
{
    switch (satp >> SATP_MODE_SHIFT) {
    case SATP_MODE_SV39: return 3;
    case SATP_MODE_SV48: return 4;
    case SATP_MODE_SV57: return 5;
    default: return 0;
    }
}

/* The bits above the virtual address width must all equal its top bit. */
static bool mmu_canonical(uint64_t va, unsigned levels)
{
    unsigned unused = 64 - (12 + 9 * levels);
    return (uint64_t)((int64_t)(va << unused) >> unused) == va;
}

/* Host pointer to the PTE at physical address pa, if it is RAM that PMP lets S-mode use. */
static uint8_t *mmu_pte_ptr(struct hart *h, uint64_t pa, enum rv_access acc)
{
    if (!pmp_check(h, pa, 8, acc, PRIV_S))
        return NULL;
    return bus_ram_ptr(h->bus, pa, 8);
}

/* Leaf PTE permission rules (R/W/X, U with SUM, MXR). */
static bool mmu_leaf_allows(const struct hart *h, uint64_t pte, enum rv_access acc,
                            enum rv_priv priv)
{
    uint64_t mstatus = h->csr.mstatus;

    if (priv == PRIV_U && !(pte & PTE_U))
        return false;
    if (priv == PRIV_S && (pte & PTE_U) && (acc == ACCESS_FETCH || !(mstatus & MSTATUS_SUM)))
        return false;
    switch (acc) {
    case ACCESS_FETCH: return (pte & PTE_X) != 0;
    case ACCESS_LOAD: return (pte & PTE_R) || ((pte & PTE_X) && (mstatus & MSTATUS_MXR));
    default: return (pte & PTE_W) != 0;
    }
}

struct mmu_walk {
    uint64_t va;
    enum rv_access acc;
    enum rv_priv priv;
    bool update_ad;
    bool raced; /* the A/D compare-and-swap lost a race: walk again */
    struct trace_walk log; /* the PTEs read, for -d mmu */
};

/* Steps 5-8 of the translation process, for a leaf PTE found at `level`. */
static enum mmu_status mmu_leaf(struct hart *h, struct mmu_walk *w, uint8_t *ptr, uint64_t pte_pa,
                                uint64_t pte, unsigned level, uint64_t *pa)
{
    uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
    uint64_t low_ppn = (1ull << (9 * level)) - 1;
    uint64_t need = PTE_A | (w->acc == ACCESS_STORE ? PTE_D : 0);

    if (!mmu_leaf_allows(h, pte, w->acc, w->priv))
        return MMU_PAGE_FAULT;
    if (ppn & low_ppn)
        return MMU_PAGE_FAULT; /* misaligned superpage */
    if ((pte & need) != need && w->update_ad) {
        if (!mmu_pte_ptr(h, pte_pa, ACCESS_STORE) || !bus_ram_ptr_write(h->bus, pte_pa, 8))
            return MMU_ACCESS_FAULT;
        if (!pte_cas(ptr, pte, pte | need)) {
            w->raced = true;
            return MMU_PAGE_FAULT;
        }
    }
    *pa = ((ppn & ~low_ppn) << 12) | (w->va & ((1ull << (12 + 9 * level)) - 1));
    h->walk_span = 9 * level;
    return MMU_OK;
}

static enum mmu_status mmu_walk(struct hart *h, struct mmu_walk *w, unsigned levels, uint64_t *pa)
{
    uint64_t table = (h->csr.satp & SATP_PPN_MASK) << 12;

    for (unsigned i = levels; i-- > 0;) {
        uint64_t pte_pa = table + ((w->va >> (12 + 9 * i)) & 0x1ff) * 8;
        uint8_t *ptr = mmu_pte_ptr(h, pte_pa, ACCESS_LOAD);
        uint64_t pte;

        if (!ptr)
            return MMU_ACCESS_FAULT;
        pte = pte_load(ptr);
        if (w->log.n < TRACE_WALK_MAX) {
            w->log.pte_pa[w->log.n] = pte_pa;
            w->log.pte[w->log.n++] = pte;
        }
        if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W)) == PTE_W || (pte >> PTE_RESERVED_SHIFT))
            return MMU_PAGE_FAULT;
        if (pte & (PTE_R | PTE_X))
            return mmu_leaf(h, w, ptr, pte_pa, pte, i, pa);
        table = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
    }
    return MMU_PAGE_FAULT; /* pointer PTE at the last level */
}

enum mmu_status mmu_translate(struct hart *h, uint64_t va, enum rv_access acc, enum rv_priv priv,
                              bool update_ad, uint64_t *pa)
{
    unsigned levels = mmu_levels(h->csr.satp);
    struct mmu_walk w = {.va = va, .acc = acc, .priv = priv, .update_ad = update_ad};
    enum mmu_status st;

    h->walk_span = 0;
    if (priv == PRIV_M || levels == 0) {
        *pa = va;
        return MMU_OK;
    }
    if (!mmu_canonical(va, levels))
        return MMU_PAGE_FAULT;
    do {
        w.raced = false;
        w.log.n = 0;
        st = mmu_walk(h, &w, levels, pa);
    } while (w.raced);
    if (RV_UNLIKELY(h->dbg_flags & HART_TRACE_MMU))
        trace_walk(h, va, acc, priv, &w.log, (int)st, st == MMU_OK ? *pa : 0);
    return st;
}

/* --- TLB --- */

void hart_tlb_flush_entries(struct hart *h)
{
    for (unsigned a = 0; a < 3; a++) {
        for (unsigned i = 0; i < TLB_SIZE; i++)
            h->tlb.e[a][i].vpage = TLB_INVALID_TAG;
    }
}

void hart_tlb_flush_va(struct hart *h, uint64_t va)
{
    uint64_t vpn = (va >> TLB_PAGE_SHIFT) & ((1ull << TLB_CTX_SHIFT) - 1);

    for (unsigned a = 0; a < 3; a++) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            struct tlb_entry *e = &h->tlb.e[a][i];
            uint64_t epn = e->vpage & ((1ull << TLB_CTX_SHIFT) - 1);
            if (e->vpage != TLB_INVALID_TAG && ((epn ^ vpn) >> e->span) == 0)
                e->vpage = TLB_INVALID_TAG;
        }
    }
}

void hart_tlb_flush(struct hart *h)
{
    hart_tlb_flush_entries(h);
    hart_tlb_ctx_update(h);
    blk_fence(h);
}

/* Context bits of the tag for accesses at privilege p (see tlb.h). */
static uint64_t tlb_ctx_priv(enum rv_priv p)
{
    return p == PRIV_M ? TLB_CTX_M : p == PRIV_U ? TLB_CTX_U : 0;
}

void hart_tlb_ctx_update(struct hart *h)
{
    enum rv_priv dp = hart_data_priv(h);
    uint64_t ms = h->csr.mstatus;
    uint64_t data = tlb_ctx_priv(dp);

    if (dp == PRIV_S && (ms & MSTATUS_SUM))
        data |= TLB_CTX_SUM;
    h->tlb.ctx[ACCESS_FETCH] = tlb_ctx_priv(h->priv);
    h->tlb.ctx[ACCESS_STORE] = data;
    h->tlb.ctx[ACCESS_LOAD] = data | (dp != PRIV_M && (ms & MSTATUS_MXR) ? TLB_CTX_MXR : 0);
}

static inline struct tlb_entry *tlb_slot(struct hart *h, enum rv_access acc, uint64_t va)
{
    return &h->tlb.e[acc][tlb_index(va)];
}

static inline uint64_t tlb_tag(const struct hart *h, enum rv_access acc, uint64_t va)
{
    return (va >> TLB_PAGE_SHIFT) | h->tlb.ctx[acc];
}

/* Host pointer for va when the TLB maps its page and [va, va+size) stays in the page. */
static inline uint8_t *tlb_lookup(struct hart *h, enum rv_access acc, uint64_t va, unsigned size)
{
    const struct tlb_entry *e = tlb_slot(h, acc, va);

    if (RV_LIKELY(e->vpage == tlb_tag(h, acc, va) && (va & PAGE_MASK) <= PAGE_SIZE - size))
        return (uint8_t *)(uintptr_t)(va + e->addend);
    return NULL;
}

/*
 * Cache the page of a successful translation va -> pa when it is RAM and PMP allows the
 * whole page (the walk already set A, and D for stores). A page holding cached code gets
 * no store entry, so that this hart's stores to it reach blk_code_write().
 */
static void tlb_fill(struct hart *h, enum rv_access acc, enum rv_priv priv, uint64_t va,
                     uint64_t pa)
{
    uint64_t ppage = pa & ~PAGE_MASK;
    /* a page is committed (memory quotas) when the first store maps it */
    uint8_t *host = acc == ACCESS_STORE ? bus_ram_ptr_write(h->bus, ppage, PAGE_SIZE)
                                        : bus_ram_ptr(h->bus, ppage, PAGE_SIZE);
    struct tlb_entry *e;

    if (RV_UNLIKELY(h->dbg_flags & HART_DBG_WATCH) && acc != ACCESS_FETCH)
        return; /* watched: every load and store takes the slow path */
    if (!host || !pmp_page_allowed(h, ppage, acc, priv))
        return;
    if (acc == ACCESS_STORE && blk_is_code_page(h, ppage >> TLB_PAGE_SHIFT))
        return;
    e = tlb_slot(h, acc, va);
    e->vpage = tlb_tag(h, acc, va);
    e->addend = (uintptr_t)host - (uintptr_t)(va & ~PAGE_MASK);
    e->ppage = pa >> TLB_PAGE_SHIFT;
    e->span = h->walk_span;
}

/* --- slow paths --- */

/*
 * Translate and PMP-check [va, va+len), which lies in one page. On failure raise the
 * fault with tval = va and return false.
 */
static bool mmu_resolve(struct hart *h, uint64_t va, unsigned len, enum rv_access acc,
                        enum rv_priv priv, bool update_ad, uint64_t *pa)
{
    enum mmu_status st = mmu_translate(h, va, acc, priv, update_ad, pa);

    if (st == MMU_OK && !pmp_check(h, *pa, len, acc, priv))
        st = MMU_ACCESS_FAULT;
    if (st != MMU_OK) {
        hart_raise(h, mmu_fault_cause(st, acc), va);
        return false;
    }
    return true;
}

static bool size_is_pow2(unsigned len)
{
    return len == 1 || len == 2 || len == 4 || len == 8;
}

/* Move len bytes between buf and physical memory at pa; false for an access fault. */
static bool phys_rw(struct hart *h, uint64_t pa, unsigned len, enum rv_access acc, uint8_t *buf)
{
    uint8_t *ram = acc == ACCESS_STORE ? bus_ram_ptr_write(h->bus, pa, len)
                                       : bus_ram_ptr(h->bus, pa, len);
    uint64_t v;

    if (ram) {
        if (acc == ACCESS_STORE) {
            if (size_is_pow2(len))
                mem_put(ram, len, mem_get(buf, len));
            else
                memcpy(ram, buf, len);
            blk_code_write(h, pa, len);
            hart_resv_snoop(h, ram);
            if (((uintptr_t)ram & 63) + len > 64)
                hart_resv_snoop(h, ram + len - 1);
        } else if (size_is_pow2(len))
            mem_put(buf, len, mem_get(ram, len));
        else
            memcpy(buf, ram, len);
        return true;
    }
    if (!size_is_pow2(len)) {
        for (unsigned i = 0; i < len; i++) {
            if (!phys_rw(h, pa + i, 1, acc, buf + i))
                return false;
        }
        return true;
    }
    if (acc == ACCESS_STORE) {
        if (bus_write(h->bus, pa, len, mem_get(buf, len)) != 0)
            return false;
        /* the write stopped the machine (test finisher): no instruction of the running
         * block may retire after it */
        if (RV_UNLIKELY(atomic_load_explicit(&h->stop_request, memory_order_relaxed)))
            h->blk_stale = true;
        return true;
    }
    if (bus_read(h->bus, pa, len, &v) != 0)
        return false;
    mem_put(buf, len, v);
    return true;
}

/* A load or store inside one page, through translation, PMP and the bus. */
static bool mmu_access_one(struct hart *h, uint64_t va, unsigned size, enum rv_access acc,
                           enum rv_priv priv, uint8_t *buf)
{
    uint64_t pa;

    if (!mmu_resolve(h, va, size, acc, priv, true, &pa))
        return false;
    if (!phys_rw(h, pa, size, acc, buf)) {
        hart_raise(h, mmu_fault_cause(MMU_ACCESS_FAULT, acc), va);
        return false;
    }
    tlb_fill(h, acc, priv, va, pa);
    return true;
}

/*
 * A load or store that crosses a page boundary: check both parts (the first without
 * touching A/D, so a fault in the second leaves no trace), then move the bytes. A fault
 * reports the first address of the part that faulted.
 */
static bool mmu_access_split(struct hart *h, uint64_t va, unsigned size, enum rv_access acc,
                             enum rv_priv priv, uint8_t *buf)
{
    unsigned len1 = PAGE_SIZE - (unsigned)(va & PAGE_MASK);
    uint64_t va2 = va + len1;
    uint64_t pa1, pa2;

    if (!mmu_resolve(h, va, len1, acc, priv, false, &pa1) ||
        !mmu_resolve(h, va2, size - len1, acc, priv, true, &pa2) ||
        !mmu_resolve(h, va, len1, acc, priv, true, &pa1))
        return false;
    if (!phys_rw(h, pa1, len1, acc, buf)) {
        hart_raise(h, mmu_fault_cause(MMU_ACCESS_FAULT, acc), va);
        return false;
    }
    if (!phys_rw(h, pa2, size - len1, acc, buf + len1)) {
        hart_raise(h, mmu_fault_cause(MMU_ACCESS_FAULT, acc), va2);
        return false;
    }
    return true;
}

static bool mmu_access_slow(struct hart *h, uint64_t va, unsigned size, enum rv_access acc,
                            uint8_t *buf)
{
    enum rv_priv priv = hart_data_priv(h);
    bool done;

    if ((va & PAGE_MASK) + size <= PAGE_SIZE)
        done = mmu_access_one(h, va, size, acc, priv, buf);
    else
        done = mmu_access_split(h, va, size, acc, priv, buf);
    if (RV_UNLIKELY(h->dbg_flags & HART_DBG_WATCH) && done)
        hart_debug_access(h, va, size, acc == ACCESS_STORE ? HART_WATCH_WRITE : HART_WATCH_READ);
    return done;
}

/* --- the hart's memory interface --- */

bool hart_load(struct hart *h, uint64_t va, unsigned size, uint64_t *out)
{
    uint8_t *host = tlb_lookup(h, ACCESS_LOAD, va, size);
    uint8_t buf[8];

    if (RV_LIKELY(host != NULL)) {
        *out = mem_get(host, size);
        return true;
    }
    if (!mmu_access_slow(h, va, size, ACCESS_LOAD, buf))
        return false;
    *out = mem_get(buf, size);
    return true;
}

bool hart_store(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
    uint8_t *host = tlb_lookup(h, ACCESS_STORE, va, size);
    uint8_t buf[8];

    if (RV_LIKELY(host != NULL)) {
        mem_put(host, size, val);
        hart_resv_snoop(h, host);
        return true;
    }
    mem_put(buf, size, val);
    return mmu_access_slow(h, va, size, ACCESS_STORE, buf);
}

/* Fetch the 16-bit parcel at va (2-byte aligned). */
static bool mmu_fetch16(struct hart *h, uint64_t va, uint32_t *half)
{
    uint8_t *host = tlb_lookup(h, ACCESS_FETCH, va, 2);
    uint64_t pa;

    if (!host) {
        if (!mmu_resolve(h, va, 2, ACCESS_FETCH, h->priv, true, &pa))
            return false;
        host = bus_ram_ptr(h->bus, pa, 2);
        if (!host) {
            hart_raise(h, EXC_INSN_ACCESS, va);
            return false;
        }
        tlb_fill(h, ACCESS_FETCH, h->priv, va, pa);
    }
    *half = (uint32_t)mem_get(host, 2);
    return true;
}

bool hart_fetch(struct hart *h, uint64_t va, uint32_t *raw)
{
    uint8_t *host = tlb_lookup(h, ACCESS_FETCH, va, 4);
    uint32_t lo, hi;

    if (RV_LIKELY(host != NULL)) {
        lo = (uint32_t)mem_get(host, 4);
        *raw = (lo & 3) == 3 ? lo : (lo & 0xffff);
        return true;
    }
    if (!mmu_fetch16(h, va, &lo))
        return false;
    if ((lo & 3) != 3) {
        *raw = lo;
        return true;
    }
    if (!mmu_fetch16(h, va + 2, &hi))
        return false;
    *raw = lo | (hi << 16);
    return true;
}

bool hart_translate_amo(struct hart *h, uint64_t va, unsigned size, enum rv_access acc,
                        uint8_t **host, uint64_t *pa)
{
    const struct tlb_entry *e = tlb_slot(h, acc, va);
    enum rv_priv priv;

    if (va & (size - 1)) {
        hart_raise(h, acc == ACCESS_LOAD ? EXC_LOAD_MISALIGNED : EXC_STORE_MISALIGNED, va);
        return false;
    }
    if (RV_LIKELY(e->vpage == tlb_tag(h, acc, va))) {
        *host = (uint8_t *)(uintptr_t)(va + e->addend);
        *pa = (e->ppage << TLB_PAGE_SHIFT) | (va & PAGE_MASK);
        return true;
    }
    priv = hart_data_priv(h);
    if (!mmu_resolve(h, va, size, acc, priv, true, pa))
        return false;
    if (RV_UNLIKELY(h->dbg_flags & HART_DBG_WATCH))
        hart_debug_access(h, va, size, acc == ACCESS_STORE ? HART_WATCH_ACCESS : HART_WATCH_READ);
    *host = acc == ACCESS_STORE ? bus_ram_ptr_write(h->bus, *pa, size)
                                : bus_ram_ptr(h->bus, *pa, size);
    if (*host && acc == ACCESS_STORE)
        blk_code_write(h, *pa, size); /* the caller writes next: drop blocks first */
    if (*host)
        tlb_fill(h, acc, priv, va, *pa);
    return true;
}
