/*
 * RISC-V ACLINT (Advanced Core Local Interruptor spec v1.0): MSWI, MTIMER and SSWI, in the
 * SiFive CLINT-compatible layout QEMU's virt board uses (MSWI at +0, MTIMER at +0x4000 with
 * mtime at the end).
 *
 * Modelled: msip (bit 0 only; other bits read 0), mtimecmp and mtime with 32- and 64-bit
 * accesses (mtime writable: the write moves an offset over the time source), MTIP as the
 * level mtime >= mtimecmp, SSWI setssip (writing 1 raises SSIP; reads 0).
 * Left out: nothing of the spec; mtimecmp resets to UINT64_MAX (the spec leaves it
 * unspecified) so no timer interrupt is pending out of reset.
 *
 * Register map, aclint_ops (size 0x10000, 4- or 8-byte accesses):
 *   0x0000 + 4*h   msip[h]      RW  bit 0 = MSIP of hart h
 *   0x4000 + 8*h   mtimecmp[h]  RW  64-bit, or 32-bit halves
 *   0xbff8         mtime        RW  64-bit, or 32-bit halves
 * Register map, aclint_sswi_ops (size 0x4000, 4-byte accesses):
 *   0x0000 + 4*h   setssip[h]   W   writing bit 0 = 1 raises SSIP of hart h; reads 0
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "devices/dev_fdt.h"
#include "devices/aclint.h"

enum {
    ACLINT_MSIP_BASE = 0x0000,
    ACLINT_MTIMECMP_BASE = 0x4000,
    ACLINT_MTIME = 0xbff8,
    ACLINT_MTIME_END = 0xc000,
};

struct aclint_hart {
    struct irq_line msip_out, mtip_out, ssip_out;
    _Atomic uint64_t mtimecmp;
    atomic_bool mtip;
    bool msip;
};

struct aclint {
    pthread_mutex_t lock;
    uint64_t (*get_time)(void *opaque);
    void *opaque;
    _Atomic uint64_t offset; /* mtime - get_time() */
    unsigned nharts;
    struct aclint_hart hart[];
};

uint64_t aclint_mtime(const struct aclint *c)
{
    return c->get_time(c->opaque) + atomic_load(&c->offset);
}

/* Caller holds the lock. */
static void aclint_eval_mtip(struct aclint *c, struct aclint_hart *h, uint64_t now)
{
    bool level = now >= atomic_load(&h->mtimecmp);

    if (level != atomic_load(&h->mtip)) {
        atomic_store(&h->mtip, level);
        irq_line_set(&h->mtip_out, level);
    }
}

static void aclint_eval_all(struct aclint *c)
{
    uint64_t now = aclint_mtime(c);

    for (unsigned i = 0; i < c->nharts; i++)
        aclint_eval_mtip(c, &c->hart[i], now);
}

void aclint_update(struct aclint *c)
{
    pthread_mutex_lock(&c->lock);
    aclint_eval_all(c);
    pthread_mutex_unlock(&c->lock);
}

uint64_t aclint_next_deadline(const struct aclint *c)
{
    uint64_t best = UINT64_MAX;

    for (unsigned i = 0; i < c->nharts; i++) {
        const struct aclint_hart *h = &c->hart[i];
        uint64_t cmp = atomic_load(&h->mtimecmp);
        if (!atomic_load(&h->mtip) && cmp < best)
            best = cmp;
    }
    return best;
}

/* Read a 64-bit register whole or by 32-bit half; sub is the offset inside it. */
static int reg64_read(uint64_t reg, unsigned sub, unsigned size, uint64_t *val)
{
    if (size == 8 && sub == 0)
        *val = reg;
    else if (size == 4 && (sub == 0 || sub == 4))
        *val = (reg >> (8 * sub)) & 0xffffffffu;
    else
        return -1;
    return 0;
}

static int reg64_write(uint64_t *reg, unsigned sub, unsigned size, uint64_t val)
{
    uint64_t mask;

    if (size == 8 && sub == 0) {
        *reg = val;
        return 0;
    }
    if (size != 4 || (sub != 0 && sub != 4))
        return -1;
    mask = UINT64_C(0xffffffff) << (8 * sub);
    *reg = (*reg & ~mask) | ((val << (8 * sub)) & mask);
    return 0;
}

static void aclint_bad(const char *what, uint64_t off, unsigned size)
{
    dev_log_guest_error("aclint", "bad %s at offset 0x%llx size %u", what, (unsigned long long)off,
                        size);
}

static void aclint_set_msip(struct aclint *c, unsigned h, bool level)
{
    if (c->hart[h].msip != level) {
        c->hart[h].msip = level;
        irq_line_set(&c->hart[h].msip_out, level);
    }
}

/* One 4-byte msip access; write when is_write. */
static void aclint_msip_access(struct aclint *c, uint64_t off, bool is_write, uint64_t *val)
{
    uint64_t h = off / 4;

    if (off % 4 || h >= c->nharts) {
        aclint_bad("msip access", off, 4);
        if (!is_write)
            *val = 0;
        return;
    }
    if (is_write)
        aclint_set_msip(c, (unsigned)h, *val & 1);
    else
        *val = c->hart[h].msip;
}

static int aclint_read_locked(struct aclint *c, uint64_t off, unsigned size, uint64_t *val)
{
    uint64_t lo = 0, hi = 0;

    *val = 0;
    if (off < ACLINT_MTIMECMP_BASE) {
        aclint_msip_access(c, off, false, &lo);
        if (size == 8)
            aclint_msip_access(c, off + 4, false, &hi);
        *val = lo | hi << 32;
        return 0;
    }
    if (off >= ACLINT_MTIME && off < ACLINT_MTIME_END) {
        if (reg64_read(aclint_mtime(c), (unsigned)(off - ACLINT_MTIME), size, val) != 0)
            aclint_bad("mtime read", off, size);
        return 0;
    }
    if (off < ACLINT_MTIME) {
        uint64_t h = (off - ACLINT_MTIMECMP_BASE) / 8;
        if (h >= c->nharts ||
            reg64_read(atomic_load(&c->hart[h].mtimecmp), (unsigned)(off % 8), size, val))
            aclint_bad("mtimecmp read", off, size);
        return 0;
    }
    aclint_bad("read", off, size);
    return 0;
}

static void aclint_write_mtime(struct aclint *c, uint64_t off, unsigned size, uint64_t val)
{
    uint64_t base = c->get_time(c->opaque);
    uint64_t mtime = base + atomic_load(&c->offset);

    if (reg64_write(&mtime, (unsigned)(off - ACLINT_MTIME), size, val) != 0) {
        aclint_bad("mtime write", off, size);
        return;
    }
    atomic_store(&c->offset, mtime - base);
    aclint_eval_all(c);
}

static void aclint_write_mtimecmp(struct aclint *c, uint64_t off, unsigned size, uint64_t val)
{
    uint64_t h = (off - ACLINT_MTIMECMP_BASE) / 8;
    uint64_t cmp;

    if (h >= c->nharts) {
        aclint_bad("mtimecmp write", off, size);
        return;
    }
    cmp = atomic_load(&c->hart[h].mtimecmp);
    if (reg64_write(&cmp, (unsigned)(off % 8), size, val) != 0) {
        aclint_bad("mtimecmp write", off, size);
        return;
    }
    atomic_store(&c->hart[h].mtimecmp, cmp);
    aclint_eval_mtip(c, &c->hart[h], aclint_mtime(c));
}

static void aclint_write_locked(struct aclint *c, uint64_t off, unsigned size, uint64_t val)
{
    uint64_t hi = val >> 32;

    if (off < ACLINT_MTIMECMP_BASE) {
        aclint_msip_access(c, off, true, &val);
        if (size == 8)
            aclint_msip_access(c, off + 4, true, &hi);
    } else if (off >= ACLINT_MTIME && off < ACLINT_MTIME_END) {
        aclint_write_mtime(c, off, size, val);
    } else if (off < ACLINT_MTIME) {
        aclint_write_mtimecmp(c, off, size, val);
    } else {
        aclint_bad("write", off, size);
    }
}

static int aclint_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    struct aclint *c = dev;

    pthread_mutex_lock(&c->lock);
    aclint_read_locked(c, off, size, val);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static int aclint_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct aclint *c = dev;

    pthread_mutex_lock(&c->lock);
    aclint_write_locked(c, off, size, val);
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static int aclint_sswi_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    struct aclint *c = dev;

    *val = 0;
    if (off % 4 || off / 4 >= c->nharts)
        dev_log_guest_error("aclint-sswi", "read at offset 0x%llx", (unsigned long long)off);
    return 0;
}

static int aclint_sswi_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct aclint *c = dev;

    if (off % 4 || off / 4 >= c->nharts) {
        dev_log_guest_error("aclint-sswi", "write at offset 0x%llx", (unsigned long long)off);
        return 0;
    }
    if (val & 1)
        irq_line_set(&c->hart[off / 4].ssip_out, true);
    return 0;
}

static void aclint_reset(void *dev)
{
    struct aclint *c = dev;

    pthread_mutex_lock(&c->lock);
    atomic_store(&c->offset, 0);
    for (unsigned i = 0; i < c->nharts; i++) {
        aclint_set_msip(c, i, false);
        atomic_store(&c->hart[i].mtimecmp, UINT64_MAX);
    }
    aclint_eval_all(c);
    pthread_mutex_unlock(&c->lock);
}

static void aclint_destroy(void *dev)
{
    struct aclint *c = dev;

    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static int aclint_fdt_node(void *dev, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "sifive,clint0\0riscv,clint0";
    return dev_fdt_node(fdt, parent, "clint", base, ACLINT_SIZE, compat, sizeof(compat));
}

const struct device_ops aclint_ops = {
    .fdt_node = aclint_fdt_node,
    .name = "aclint",
    .read = aclint_read,
    .write = aclint_write,
    .min_access = 4,
    .max_access = 8,
    .reset = aclint_reset,
    .destroy = aclint_destroy,
};

static int aclint_sswi_fdt_node(void *dev, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "thead,c900-aclint-sswi";
    return dev_fdt_node(fdt, parent, "sswi", base, ACLINT_SSWI_SIZE, compat, sizeof(compat));
}

const struct device_ops aclint_sswi_ops = {
    .fdt_node = aclint_sswi_fdt_node,
    .name = "aclint-sswi",
    .read = aclint_sswi_read,
    .write = aclint_sswi_write,
    .min_access = 4,
    .max_access = 4,
    .reset = aclint_reset,
    .destroy = aclint_destroy,
};

struct aclint *aclint_create(unsigned nharts, uint64_t (*get_time)(void *opaque), void *opaque,
                             const struct irq_line *msip, const struct irq_line *mtip,
                             const struct irq_line *ssip)
{
    struct aclint *c;

    if (nharts == 0 || nharts > ACLINT_MAX_HARTS || !get_time || !msip || !mtip)
        return NULL;
    c = calloc(1, sizeof(*c) + nharts * sizeof(c->hart[0]));
    if (!c)
        return NULL;
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return NULL;
    }
    c->get_time = get_time;
    c->opaque = opaque;
    c->nharts = nharts;
    for (unsigned i = 0; i < nharts; i++) {
        c->hart[i].msip_out = msip[i];
        c->hart[i].mtip_out = mtip[i];
        if (ssip)
            c->hart[i].ssip_out = ssip[i];
        atomic_init(&c->hart[i].mtimecmp, UINT64_MAX);
        atomic_init(&c->hart[i].mtip, false);
    }
    atomic_init(&c->offset, 0);
    return c;
}
