/*
 * The physical address space of one machine (see bus.h): a sorted array of non-overlapping
 * regions, found by binary search.
 *
 * Access sizes: an access larger than a device's max_access is split into max_access-sized
 * pieces at increasing addresses, assembled little-endian (an 8-byte read of a 4-byte
 * device is two 4-byte reads, low word first). An access smaller than min_access is
 * refused (-1) rather than widened, because widening a read or doing a read-modify-write
 * would trigger device side effects (FIFO pops, PLIC claims) the guest never asked for.
 * An access that straddles two regions or touches unmapped space is refused (-1).
 *
 * RAM is little-endian guest memory; it is read and written byte by byte here (portable
 * to any host byte order). Harts take the fast path through bus_ram_ptr() and their TLB.
 * DMA may span adjacent RAM regions; the whole range is checked before any byte moves.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"

struct bus {
    struct bus_region *regions;
    size_t count;
    size_t cap;
};

/* Commit accounting of one RAM region: one bit per 4 KiB page, set on its first write. */
struct ram_commit {
    _Atomic uint64_t pages;
    void (*on_commit)(void *opaque, uint64_t pages);
    void *opaque;
    size_t nwords;
    _Atomic uint64_t map[];
};

#define COMMIT_PAGE_SHIFT 12

static void commit_range(const struct bus_region *r, uint64_t addr, uint64_t len)
{
    struct ram_commit *c = r->commit;
    uint64_t first = (addr - r->base) >> COMMIT_PAGE_SHIFT;
    uint64_t last = (addr - r->base + len - 1) >> COMMIT_PAGE_SHIFT;

    for (uint64_t p = first; p <= last; p++) {
        _Atomic uint64_t *w = &c->map[p / 64];
        uint64_t bit = 1ull << (p % 64);
        if (atomic_load_explicit(w, memory_order_relaxed) & bit)
            continue;
        if (atomic_fetch_or(w, bit) & bit)
            continue; /* another thread got there first */
        uint64_t total = atomic_fetch_add(&c->pages, 1) + 1;
        if (c->on_commit)
            c->on_commit(c->opaque, total);
    }
}

struct bus *bus_create(void)
{
    return calloc(1, sizeof(struct bus));
}

/* True if an earlier region has the same device (mapped twice, e.g. ACLINT + SSWI). */
static int bus_dev_seen_before(const struct bus *bus, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (bus->regions[j].dev == bus->regions[i].dev && !bus->regions[j].ram)
            return 1;
    return 0;
}

void bus_destroy(struct bus *bus)
{
    if (!bus)
        return;
    for (size_t i = 0; i < bus->count; i++) {
        const struct bus_region *r = &bus->regions[i];
        if (r->ram || !r->ops->destroy || bus_dev_seen_before(bus, i))
            continue;
        r->ops->destroy(r->dev);
    }
    for (size_t i = 0; i < bus->count; i++)
        free(bus->regions[i].commit);
    free(bus->regions);
    free(bus);
}

void bus_reset(struct bus *bus)
{
    for (size_t i = 0; i < bus->count; i++) {
        const struct bus_region *r = &bus->regions[i];
        if (!r->ram && r->ops->reset && !bus_dev_seen_before(bus, i))
            r->ops->reset(r->dev);
    }
}

/* Index of the first region whose base is > addr. */
static size_t bus_upper_bound(const struct bus *bus, uint64_t addr)
{
    size_t lo = 0, hi = bus->count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (bus->regions[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Last byte of a region (no overflow: checked on insertion). */
static uint64_t region_last(const struct bus_region *r)
{
    return r->base + (r->size - 1);
}

static int bus_insert(struct bus *bus, const struct bus_region *nr)
{
    size_t pos;

    if (nr->size == 0 || nr->size - 1 > UINT64_MAX - nr->base)
        return -EINVAL;
    pos = bus_upper_bound(bus, nr->base);
    if (pos > 0 && region_last(&bus->regions[pos - 1]) >= nr->base)
        return -EEXIST;
    if (pos < bus->count && bus->regions[pos].base <= region_last(nr))
        return -EEXIST;
    if (bus->count == bus->cap) {
        size_t cap = bus->cap ? bus->cap * 2 : 16;
        struct bus_region *n = realloc(bus->regions, cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        bus->regions = n;
        bus->cap = cap;
    }
    memmove(&bus->regions[pos + 1], &bus->regions[pos],
            (bus->count - pos) * sizeof(bus->regions[0]));
    bus->regions[pos] = *nr;
    bus->count++;
    return 0;
}

int bus_add_ram(struct bus *bus, uint64_t base, uint64_t size, uint8_t *host)
{
    struct bus_region r = {.base = base, .size = size, .ram = host};

    if (!host)
        return -EINVAL;
    return bus_insert(bus, &r);
}

static int ops_valid(const struct device_ops *ops)
{
    unsigned lo = ops->min_access, hi = ops->max_access;
    int lo_ok = lo == 1 || lo == 2 || lo == 4 || lo == 8;
    int hi_ok = hi == 1 || hi == 2 || hi == 4 || hi == 8;

    return ops->read && ops->write && lo_ok && hi_ok && lo <= hi;
}

int bus_add_device(struct bus *bus, uint64_t base, uint64_t size, const struct device_ops *ops,
                   void *dev)
{
    struct bus_region r = {.base = base, .size = size, .ops = ops, .dev = dev};

    if (!ops || !ops_valid(ops))
        return -EINVAL;
    return bus_insert(bus, &r);
}

const struct bus_region *bus_find(const struct bus *bus, uint64_t addr)
{
    size_t pos = bus_upper_bound(bus, addr);
    const struct bus_region *r;

    if (pos == 0)
        return NULL;
    r = &bus->regions[pos - 1];
    return addr - r->base < r->size ? r : NULL;
}

/* The region holding all of [addr, addr+len), len >= 1, or NULL. */
static const struct bus_region *bus_find_range(const struct bus *bus, uint64_t addr, uint64_t len)
{
    const struct bus_region *r = bus_find(bus, addr);

    if (!r || len == 0 || len - 1 > region_last(r) - addr)
        return NULL;
    return r;
}

uint8_t *bus_ram_ptr(const struct bus *bus, uint64_t addr, uint64_t len)
{
    const struct bus_region *r = bus_find_range(bus, addr, len);

    return r && r->ram ? r->ram + (addr - r->base) : NULL;
}

uint8_t *bus_ram_ptr_write(const struct bus *bus, uint64_t addr, uint64_t len)
{
    const struct bus_region *r = bus_find_range(bus, addr, len);

    if (!r || !r->ram)
        return NULL;
    if (r->commit)
        commit_range(r, addr, len);
    return r->ram + (addr - r->base);
}

void bus_ram_note_write(const struct bus *bus, uint64_t addr, uint64_t len)
{
    (void)bus_ram_ptr_write(bus, addr, len);
}

int bus_ram_track(struct bus *bus, uint64_t base,
                  void (*on_commit)(void *opaque, uint64_t pages), void *opaque)
{
    for (size_t i = 0; i < bus->count; i++) {
        struct bus_region *r = &bus->regions[i];
        if (r->base != base || !r->ram)
            continue;
        if (r->commit) { /* tracked already: keep the pages, change the listener */
            r->commit->on_commit = on_commit;
            r->commit->opaque = opaque;
            return 0;
        }
        size_t pages = (size_t)((r->size + (1u << COMMIT_PAGE_SHIFT) - 1) >> COMMIT_PAGE_SHIFT);
        size_t nwords = (pages + 63) / 64;
        struct ram_commit *c = calloc(1, sizeof(*c) + nwords * sizeof(c->map[0]));
        if (!c)
            return -ENOMEM;
        c->on_commit = on_commit;
        c->opaque = opaque;
        c->nwords = nwords;
        free(r->commit);
        r->commit = c;
        return 0;
    }
    return -ENOENT;
}

uint64_t bus_ram_committed(const struct bus *bus, uint64_t base)
{
    for (size_t i = 0; i < bus->count; i++) {
        const struct bus_region *r = &bus->regions[i];
        if (r->base == base && r->commit)
            return atomic_load(&r->commit->pages);
    }
    return 0;
}

static int size_valid(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static uint64_t ram_load(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void ram_store(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int dev_read_split(const struct bus_region *r, uint64_t off, unsigned size, uint64_t *val)
{
    unsigned piece = size > r->ops->max_access ? r->ops->max_access : size;
    uint64_t v = 0;

    if (size < r->ops->min_access)
        return -1;
    for (unsigned done = 0; done < size; done += piece) {
        uint64_t part = 0;
        if (r->ops->read(r->dev, off + done, piece, &part) != 0)
            return -1;
        if (piece < 8)
            part &= (UINT64_C(1) << (8 * piece)) - 1;
        v |= part << (8 * done);
    }
    *val = v;
    return 0;
}

static int dev_write_split(const struct bus_region *r, uint64_t off, unsigned size, uint64_t val)
{
    unsigned piece = size > r->ops->max_access ? r->ops->max_access : size;

    if (size < r->ops->min_access)
        return -1;
    for (unsigned done = 0; done < size; done += piece) {
        uint64_t part = val >> (8 * done);
        if (piece < 8)
            part &= (UINT64_C(1) << (8 * piece)) - 1;
        if (r->ops->write(r->dev, off + done, piece, part) != 0)
            return -1;
    }
    return 0;
}

int bus_read(struct bus *bus, uint64_t addr, unsigned size, uint64_t *val)
{
    const struct bus_region *r;

    if (!size_valid(size))
        return -1;
    r = bus_find_range(bus, addr, size);
    if (!r)
        return -1;
    if (r->ram) {
        *val = ram_load(r->ram + (addr - r->base), size);
        return 0;
    }
    return dev_read_split(r, addr - r->base, size, val);
}

int bus_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t val)
{
    const struct bus_region *r;

    if (!size_valid(size))
        return -1;
    r = bus_find_range(bus, addr, size);
    if (!r)
        return -1;
    if (r->ram) {
        if (r->commit)
            commit_range(r, addr, size);
        ram_store(r->ram + (addr - r->base), size, val);
        return 0;
    }
    return dev_write_split(r, addr - r->base, size, val);
}

/*
 * Walk [addr, addr+len) across consecutive RAM regions. With copy == NULL only check that
 * every byte is RAM; otherwise call copy(host, buf_offset, chunk) for each piece.
 */
static void dma_from_buf(uint8_t *host, void *buf, size_t off, size_t n);

static int bus_dma_walk(const struct bus *bus, uint64_t addr, size_t len,
                        void (*copy)(uint8_t *host, void *buf, size_t off, size_t n), void *buf)
{
    size_t done = 0;

    if (len - 1 > UINT64_MAX - addr)
        return -1;
    while (done < len) {
        uint64_t a = addr + done;
        const struct bus_region *r = bus_find(bus, a);
        uint64_t avail, n;
        if (!r || !r->ram)
            return -1;
        avail = region_last(r) - a; /* one less than the bytes left in r */
        n = len - done - 1 < avail ? len - done : avail + 1;
        if (copy == dma_from_buf && r->commit)
            commit_range(r, a, n);
        if (copy)
            copy(r->ram + (a - r->base), buf, done, (size_t)n);
        done += (size_t)n;
    }
    return 0;
}

static void dma_to_buf(uint8_t *host, void *buf, size_t off, size_t n)
{
    memcpy((uint8_t *)buf + off, host, n);
}

static void dma_from_buf(uint8_t *host, void *buf, size_t off, size_t n)
{
    memcpy(host, (const uint8_t *)buf + off, n);
}

int bus_dma_read(const struct bus *bus, uint64_t addr, void *dst, size_t len)
{
    if (len == 0)
        return 0;
    if (bus_dma_walk(bus, addr, len, NULL, NULL) != 0)
        return -1;
    return bus_dma_walk(bus, addr, len, dma_to_buf, dst);
}

int bus_dma_write(const struct bus *bus, uint64_t addr, const void *src, size_t len)
{
    if (len == 0)
        return 0;
    /* Check first so that a refused write leaves memory untouched. */
    if (bus_dma_walk(bus, addr, len, NULL, NULL) != 0)
        return -1;
    return bus_dma_walk(bus, addr, len, dma_from_buf, (void *)src);
}

size_t bus_region_count(const struct bus *bus)
{
    return bus->count;
}

const struct bus_region *bus_region_at(const struct bus *bus, size_t i)
{
    return i < bus->count ? &bus->regions[i] : NULL;
}
