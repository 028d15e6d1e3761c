/*
 * Physical memory protection: privileged spec 3.7 ("Physical Memory Protection").
 * 16 entries, address matching OFF/TOR/NA4/NAPOT, the L bit, priority to the
 * lowest-numbered entry. Left out: Smepmp (mseccfg), which rvisor does not implement.
 * pmpaddr holds bits 55:2 of a physical address (RV64, G = 0).
 */
#include "cpu/pmp.h"

#define PMP_ADDR_MASK ((1ull << 54) - 1)

/* Number of trailing one bits of x. */
static unsigned pmp_trailing_ones(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return ~x ? (unsigned)__builtin_ctzll(~x) : 64;
#else
    unsigned n = 0;
    while (n < 64 && (x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/*
 * The byte range [*lo, *hi] (inclusive) that entry i matches; false when the entry is
 * off or matches nothing (TOR with an empty range).
 */
static bool pmp_entry_range(const struct hart *h, unsigned i, uint64_t *lo, uint64_t *hi)
{
    uint8_t cfg = h->csr.pmpcfg[i];
    uint64_t addr = h->csr.pmpaddr[i] & PMP_ADDR_MASK;

    switch ((cfg & PMP_A) >> PMP_A_SHIFT) {
    case PMP_A_TOR: {
        uint64_t prev = i ? h->csr.pmpaddr[i - 1] & PMP_ADDR_MASK : 0;
        if (prev >= addr)
            return false;
        *lo = prev << 2;
        *hi = (addr << 2) - 1;
        return true;
    }
    case PMP_A_NA4:
        *lo = addr << 2;
        *hi = *lo + 3;
        return true;
    case PMP_A_NAPOT: {
        /* k trailing ones: a naturally aligned region of 2^(k+3) bytes (k <= 54). */
        uint64_t size = 1ull << (pmp_trailing_ones(addr) + 3);
        *lo = (addr << 2) & ~(size - 1);
        *hi = *lo + size - 1;
        return true;
    }
    default: return false;
    }
}

static bool pmp_entry_allows(uint8_t cfg, enum rv_access acc, enum rv_priv priv)
{
    static const uint8_t need[] = {
        [ACCESS_FETCH] = PMP_X,
        [ACCESS_LOAD] = PMP_R,
        [ACCESS_STORE] = PMP_W,
    };

    if (priv == PRIV_M && !(cfg & PMP_L))
        return true;
    return (cfg & need[acc]) != 0;
}

bool pmp_check(const struct hart *h, uint64_t pa, unsigned len, enum rv_access acc,
               enum rv_priv priv)
{
    uint64_t last = pa + (len ? len - 1 : 0);

    if (last < pa)
        return false; /* wraps around the address space: nothing is there */
    for (unsigned i = 0; i < h->csr.pmp_active && i < PMP_COUNT; i++) {
        uint64_t lo, hi;
        if (!pmp_entry_range(h, i, &lo, &hi))
            continue;
        if (last < lo || pa > hi)
            continue; /* no byte matches */
        if (pa < lo || last > hi)
            return false; /* partial match fails whatever the permissions */
        return pmp_entry_allows(h->csr.pmpcfg[i], acc, priv);
    }
    return priv == PRIV_M;
}

bool pmp_page_allowed(const struct hart *h, uint64_t pa, enum rv_access acc, enum rv_priv priv)
{
    /* A whole-page check succeeds only if one entry (or none) decides for every byte. */
    return pmp_check(h, pa & ~0xfffull, 4096, acc, priv);
}

void pmp_update(struct hart *h)
{
    unsigned active = 0;

    for (unsigned i = 0; i < PMP_COUNT; i++) {
        if (h->csr.pmpcfg[i] & PMP_A)
            active = i + 1;
    }
    h->csr.pmp_active = active;
}
