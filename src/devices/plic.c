/*
 * RISC-V Platform-Level Interrupt Controller (PLIC spec 1.0.0), SiFive register layout as
 * on QEMU's virt board; contexts are (hart, mode) pairs, two per hart: M then S.
 *
 * Gateways are level-triggered: while a source is not claimed its pending bit follows its
 * input line; a claim clears pending and holds the source until the context completes it,
 * after which a line still high makes it pending again. A context's output is high while
 * some pending, enabled source has priority > its threshold; claim returns the one with
 * the highest priority (ties: lowest id), or 0. A completion of a source not enabled for
 * the completing context, or not claimed, is ignored, as the spec allows.
 * Priorities and thresholds are 3 bits (0..7), as on QEMU virt.
 * Left out: edge-triggered gateways (not used by the virt board).
 *
 * Register map (4-byte accesses):
 *   0x000000 + 4*s                 priority[s]       RW  s = 1..N (source 0: reads 0)
 *   0x001000 + 4*w                 pending[w]        R   bits of sources 32w..32w+31
 *   0x002000 + 0x80*c + 4*w        enable[c][w]      RW
 *   0x200000 + 0x1000*c            threshold[c]      RW
 *   0x200004 + 0x1000*c            claim/complete[c] RW  read claims, write completes
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "devices/dev_fdt.h"
#include "devices/plic.h"

enum {
    PLIC_PRIORITY_BASE = 0x000000,
    PLIC_PENDING_BASE = 0x001000,
    PLIC_ENABLE_BASE = 0x002000,
    PLIC_ENABLE_STRIDE = 0x80,
    PLIC_CONTEXT_BASE = 0x200000,
    PLIC_CONTEXT_STRIDE = 0x1000,
    PLIC_CONTEXT_CLAIM = 4,
    PLIC_WORDS = (PLIC_MAX_SOURCES + 1) / 32,
};

struct plic_ctx {
    struct irq_line out;
    bool out_level;
    uint32_t threshold;
    uint32_t enable[PLIC_WORDS];
};

struct plic {
    pthread_mutex_t lock;
    unsigned nsources, nctx;
    uint32_t valid[PLIC_WORDS]; /* which source ids exist (1..nsources) */
    uint32_t level[PLIC_WORDS];
    uint32_t pending[PLIC_WORDS];
    uint32_t claimed[PLIC_WORDS];
    uint32_t priority[PLIC_MAX_SOURCES + 1];
    struct plic_ctx ctx[];
};

static bool bit_get(const uint32_t *bits, unsigned n)
{
    return (bits[n / 32] >> (n % 32)) & 1;
}

static void bit_put(uint32_t *bits, unsigned n, bool v)
{
    if (v)
        bits[n / 32] |= UINT32_C(1) << (n % 32);
    else
        bits[n / 32] &= ~(UINT32_C(1) << (n % 32));
}

/* The source a claim by ctx would return now, or 0. */
static unsigned plic_best(const struct plic *p, const struct plic_ctx *c)
{
    unsigned best = 0;
    uint32_t best_prio = c->threshold;

    for (unsigned w = 0; w < PLIC_WORDS; w++) {
        uint32_t cand = p->pending[w] & c->enable[w];
        for (unsigned b = 0; cand; b++, cand >>= 1) {
            unsigned src = w * 32 + b;
            if ((cand & 1) && p->priority[src] > best_prio) {
                best = src;
                best_prio = p->priority[src];
            }
        }
    }
    return best;
}

/* Recompute every context's output; caller holds the lock. */
static void plic_update(struct plic *p)
{
    for (unsigned i = 0; i < p->nctx; i++) {
        struct plic_ctx *c = &p->ctx[i];
        bool level = plic_best(p, c) != 0;
        if (level != c->out_level) {
            c->out_level = level;
            irq_line_set(&c->out, level);
        }
    }
}

void plic_set_irq(struct plic *p, unsigned src, bool level)
{
    if (src == 0 || src > p->nsources)
        return;
    pthread_mutex_lock(&p->lock);
    bit_put(p->level, src, level);
    if (!bit_get(p->claimed, src))
        bit_put(p->pending, src, level);
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

static void plic_irq_line_set(void *opaque, unsigned num, bool level)
{
    plic_set_irq(opaque, num, level);
}

struct irq_line plic_irq_line(struct plic *p, unsigned src)
{
    struct irq_line l = {.set = plic_irq_line_set, .opaque = p, .num = src};

    return l;
}

static void plic_bad(const char *what, uint64_t off)
{
    dev_log_guest_error("plic", "bad %s at offset 0x%llx", what, (unsigned long long)off);
}

static uint32_t plic_claim(struct plic *p, struct plic_ctx *c)
{
    unsigned src = plic_best(p, c);

    if (src) {
        bit_put(p->pending, src, false);
        bit_put(p->claimed, src, true);
        plic_update(p);
    }
    return src;
}

static void plic_complete(struct plic *p, struct plic_ctx *c, uint64_t val)
{
    if (val == 0 || val > p->nsources || !bit_get(c->enable, (unsigned)val) ||
        !bit_get(p->claimed, (unsigned)val))
        return;
    bit_put(p->claimed, (unsigned)val, false);
    bit_put(p->pending, (unsigned)val, bit_get(p->level, (unsigned)val));
    plic_update(p);
}

/* Context registers: threshold and claim/complete. */
static uint32_t plic_ctx_read(struct plic *p, uint64_t off)
{
    uint64_t i = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
    uint64_t reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

    if (i >= p->nctx || reg > PLIC_CONTEXT_CLAIM) {
        plic_bad("context read", off);
        return 0;
    }
    if (reg == 0)
        return p->ctx[i].threshold;
    return plic_claim(p, &p->ctx[i]);
}

static void plic_ctx_write(struct plic *p, uint64_t off, uint64_t val)
{
    uint64_t i = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
    uint64_t reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

    if (i >= p->nctx || reg > PLIC_CONTEXT_CLAIM) {
        plic_bad("context write", off);
        return;
    }
    if (reg == PLIC_CONTEXT_CLAIM) {
        plic_complete(p, &p->ctx[i], val);
        return;
    }
    p->ctx[i].threshold = (uint32_t)val & PLIC_MAX_PRIORITY;
    plic_update(p);
}

/* The enable word at off, or NULL if off is not one. */
static uint32_t *plic_enable_word(struct plic *p, uint64_t off)
{
    uint64_t i = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
    uint64_t w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

    return i < p->nctx ? &p->ctx[i].enable[w] : NULL;
}

static uint32_t plic_read_locked(struct plic *p, uint64_t off)
{
    uint32_t *word;

    if (off < PLIC_PENDING_BASE)
        return p->priority[off / 4]; /* 0 for sources that do not exist */
    if (off < PLIC_PENDING_BASE + 4 * PLIC_WORDS)
        return p->pending[(off - PLIC_PENDING_BASE) / 4];
    if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
        word = plic_enable_word(p, off);
        if (word)
            return *word;
    }
    if (off >= PLIC_CONTEXT_BASE)
        return plic_ctx_read(p, off);
    plic_bad("read", off);
    return 0;
}

static void plic_write_locked(struct plic *p, uint64_t off, uint64_t val)
{
    uint32_t *word;

    if (off < PLIC_PENDING_BASE && off / 4 <= p->nsources && off >= 4) {
        p->priority[off / 4] = (uint32_t)val & PLIC_MAX_PRIORITY;
        plic_update(p);
    } else if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE &&
               (word = plic_enable_word(p, off)) != NULL) {
        *word = (uint32_t)val & p->valid[(off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4];
        plic_update(p);
    } else if (off >= PLIC_CONTEXT_BASE) {
        plic_ctx_write(p, off, val);
    } else {
        plic_bad("write", off);
    }
}

static int plic_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    struct plic *p = dev;

    if (off % 4) {
        plic_bad("unaligned read", off);
        *val = 0;
        return 0;
    }
    pthread_mutex_lock(&p->lock);
    *val = plic_read_locked(p, off);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

static int plic_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct plic *p = dev;

    if (off % 4) {
        plic_bad("unaligned write", off);
        return 0;
    }
    pthread_mutex_lock(&p->lock);
    plic_write_locked(p, off, val);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

/* Clear all state except the input levels, which belong to the devices. */
static void plic_reset(void *dev)
{
    struct plic *p = dev;

    pthread_mutex_lock(&p->lock);
    memset(p->priority, 0, sizeof(p->priority));
    memset(p->claimed, 0, sizeof(p->claimed));
    memcpy(p->pending, p->level, sizeof(p->pending));
    for (unsigned i = 0; i < p->nctx; i++) {
        p->ctx[i].threshold = 0;
        memset(p->ctx[i].enable, 0, sizeof(p->ctx[i].enable));
    }
    plic_update(p);
    pthread_mutex_unlock(&p->lock);
}

static void plic_destroy(void *dev)
{
    struct plic *p = dev;

    if (!p)
        return;
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Device tree: the board adds interrupts-extended (the harts' contexts) and a phandle. */
static int plic_fdt_node(void *dev, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    struct plic *p = dev;
    int off = dev_fdt_node(fdt, parent, "plic", base, PLIC_SIZE(p->nctx), compat,
                           sizeof(compat));
    int rc = off;
    if (off < 0)
        return off;
    if ((rc = fdt_setprop_u32(fdt, off, "riscv,ndev", p->nsources)) < 0 ||
        (rc = fdt_setprop_u32(fdt, off, "#interrupt-cells", 1)) < 0 ||
        (rc = fdt_setprop_u32(fdt, off, "#address-cells", 0)) < 0 ||
        (rc = fdt_setprop(fdt, off, "interrupt-controller", NULL, 0)) < 0)
        return rc;
    return off;
}

const struct device_ops plic_ops = {
    .fdt_node = plic_fdt_node,
    .name = "plic",
    .read = plic_read,
    .write = plic_write,
    .min_access = 4,
    .max_access = 4,
    .reset = plic_reset,
    .destroy = plic_destroy,
};

struct plic *plic_create(unsigned nsources, unsigned nharts, const struct irq_line *ctx_out)
{
    struct plic *p;
    unsigned nctx = 2 * nharts;

    if (nsources == 0 || nsources > PLIC_MAX_SOURCES || nharts == 0 ||
        nharts > PLIC_MAX_CONTEXTS / 2 || !ctx_out)
        return NULL;
    p = calloc(1, sizeof(*p) + nctx * sizeof(p->ctx[0]));
    if (!p)
        return NULL;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    p->nsources = nsources;
    p->nctx = nctx;
    for (unsigned s = 1; s <= nsources; s++)
        bit_put(p->valid, s, true);
    for (unsigned i = 0; i < nctx; i++)
        p->ctx[i].out = ctx_out[i];
    return p;
}
