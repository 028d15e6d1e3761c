/*
 * Split virtqueues (virtio 1.2, 2.7): walking descriptor chains (2.7.5), indirect
 * descriptors (2.7.5.3), the available and used rings (2.7.6, 2.7.8) and notification
 * suppression with and without VIRTIO_RING_F_EVENT_IDX (2.7.7, 2.7.10).
 *
 * Ring layout in guest memory (little-endian):
 *   descriptor table  16 bytes each: addr u64, len u32, flags u16, next u16
 *   available ring    flags u16, idx u16, ring[num] u16, used_event u16
 *   used ring         flags u16, idx u16, ring[num] {id u32, len u32}, avail_event u16
 *
 * A driver mistake never crashes or hangs the device: a chain longer than the queue
 * (which also catches loops), a nested or badly sized indirect table, a zero-length or
 * wrapping buffer, a buffer outside guest RAM, an out-of-range index, or a readable
 * descriptor after a writable one all return -EIO with a description.
 * Left out: packed virtqueues (2.8), VIRTIO_F_IN_ORDER, VIRTIO_F_NOTIFICATION_DATA.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/virtqueue.h"

enum {
    VRING_DESC_F_NEXT = 1,
    VRING_DESC_F_WRITE = 2,
    VRING_DESC_F_INDIRECT = 4,
    VRING_AVAIL_F_NO_INTERRUPT = 1,
    VRING_USED_F_NO_NOTIFY = 1,
    VRING_DESC_SIZE = 16,
};

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static int ring_read16(const struct bus *bus, uint64_t addr, uint16_t *v)
{
    uint8_t b[2];
    if (bus_dma_read(bus, addr, b, 2) < 0)
        return -EIO;
    *v = (uint16_t)virtio_get_le(b, 2);
    return 0;
}

static int ring_write16(const struct bus *bus, uint64_t addr, uint16_t v)
{
    uint8_t b[2];
    virtio_put_le(b, v, 2);
    return bus_dma_write(bus, addr, b, 2) < 0 ? -EIO : 0;
}

static int desc_read(const struct bus *bus, uint64_t table, uint32_t i, struct vring_desc *d)
{
    uint8_t b[VRING_DESC_SIZE];
    if (bus_dma_read(bus, table + (uint64_t)i * VRING_DESC_SIZE, b, sizeof(b)) < 0)
        return -EIO;
    d->addr = virtio_get_le(b, 8);
    d->len = (uint32_t)virtio_get_le(b + 8, 4);
    d->flags = (uint16_t)virtio_get_le(b + 12, 2);
    d->next = (uint16_t)virtio_get_le(b + 14, 2);
    return 0;
}

static uint64_t used_event_addr(const struct virtqueue *vq)
{
    return vq->avail + 4 + 2 * (uint64_t)vq->num;
}

static uint64_t avail_event_addr(const struct virtqueue *vq)
{
    return vq->used + 4 + 8 * (uint64_t)vq->num;
}

void virtqueue_reset(struct virtqueue *vq)
{
    memset(vq, 0, sizeof(*vq));
}

/* Is [addr, addr + len) in guest RAM without wrapping? */
static bool in_ram(const struct bus *bus, uint64_t addr, uint64_t len)
{
    return addr + len >= addr && bus_ram_ptr(bus, addr, len) != NULL;
}

int virtqueue_check(const struct virtqueue *vq, const struct bus *bus, const char **why)
{
    uint64_t n = vq->num;
    if (n == 0 || n > VIRTQ_MAX_SIZE) {
        *why = "queue size is 0 or above the maximum";
        return -EIO;
    }
    if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3)) {
        *why = "misaligned ring address";
        return -EIO;
    }
    if (!in_ram(bus, vq->desc, 16 * n) || !in_ram(bus, vq->avail, 6 + 2 * n) ||
        !in_ram(bus, vq->used, 6 + 8 * n)) {
        *why = "ring outside guest RAM";
        return -EIO;
    }
    return 0;
}

/* Append descriptor d to the chain; checks length, RAM and the read-then-write order. */
static int chain_add(const struct bus *bus, struct virtq_chain *c, const struct vring_desc *d,
                     const char **why)
{
    unsigned n = c->nread + c->nwrite;
    if (d->len == 0) {
        *why = "zero-length descriptor";
        return -EIO;
    }
    if (!in_ram(bus, d->addr, d->len)) {
        *why = "buffer outside guest RAM";
        return -EIO;
    }
    if (n >= VIRTQ_MAX_SIZE) {
        *why = "descriptor chain too long";
        return -EIO;
    }
    c->seg[n] = (struct virtq_seg){d->addr, d->len};
    if (d->flags & VRING_DESC_F_WRITE) {
        c->nwrite++;
        c->write_len += d->len;
    } else {
        if (c->nwrite) {
            *why = "readable descriptor after a writable one";
            return -EIO;
        }
        c->nread++;
        c->read_len += d->len;
    }
    return 0;
}

/* Walk an indirect table of `len` bytes at addr (2.7.5.3.2). */
static int walk_indirect(struct virtqueue *vq, const struct bus *bus, const struct vring_desc *top,
                         struct virtq_chain *c, unsigned *steps, const char **why)
{
    struct vring_desc d;
    uint32_t count, i = 0;
    if (!vq->indirect) {
        *why = "indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC";
        return -EIO;
    }
    if (top->flags & VRING_DESC_F_NEXT) {
        *why = "indirect descriptor with NEXT set";
        return -EIO;
    }
    if (top->len == 0 || top->len % VRING_DESC_SIZE) {
        *why = "indirect table length not a multiple of 16";
        return -EIO;
    }
    if (!in_ram(bus, top->addr, top->len)) {
        *why = "indirect table outside guest RAM";
        return -EIO;
    }
    count = top->len / VRING_DESC_SIZE;
    for (;;) {
        if (++*steps > vq->num) {
            *why = "descriptor chain longer than the queue (or a loop)";
            return -EIO;
        }
        if (desc_read(bus, top->addr, i, &d) < 0) {
            *why = "indirect table outside guest RAM";
            return -EIO;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            *why = "nested indirect descriptor";
            return -EIO;
        }
        if (chain_add(bus, c, &d, why) < 0)
            return -EIO;
        if (!(d.flags & VRING_DESC_F_NEXT))
            return 0;
        if (d.next >= count) {
            *why = "indirect descriptor index out of range";
            return -EIO;
        }
        i = d.next;
    }
}

static int walk_chain(struct virtqueue *vq, const struct bus *bus, uint16_t head,
                      struct virtq_chain *c, const char **why)
{
    struct vring_desc d;
    unsigned steps = 0;
    uint32_t i = head;

    c->head = head;
    c->nread = c->nwrite = 0;
    c->read_len = c->write_len = 0;
    for (;;) {
        if (i >= vq->num) {
            *why = "descriptor index out of range";
            return -EIO;
        }
        if (desc_read(bus, vq->desc, i, &d) < 0) {
            *why = "descriptor table outside guest RAM";
            return -EIO;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (steps != 0 || c->nread + c->nwrite != 0) {
                /* allowed by 2.7.5.3 only as the sole descriptor in the chain */
                *why = "indirect descriptor inside a chain";
                return -EIO;
            }
            return walk_indirect(vq, bus, &d, c, &steps, why);
        }
        if (++steps > vq->num) {
            *why = "descriptor chain longer than the queue (or a loop)";
            return -EIO;
        }
        if (chain_add(bus, c, &d, why) < 0)
            return -EIO;
        if (!(d.flags & VRING_DESC_F_NEXT))
            return 0;
        i = d.next;
    }
}

int virtqueue_pop(struct virtqueue *vq, const struct bus *bus, struct virtq_chain *c,
                  const char **why)
{
    uint16_t avail_idx, head;

    if (!vq->ready || vq->num == 0)
        return 0;
    if (ring_read16(bus, vq->avail + 2, &avail_idx) < 0) {
        *why = "available ring outside guest RAM";
        return -EIO;
    }
    if (avail_idx == vq->last_avail)
        return 0;
    if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
        *why = "available index moved by more than the queue size";
        return -EIO;
    }
    /* The ring entry and descriptors were written before idx (2.7.13). */
    atomic_thread_fence(memory_order_acquire);
    if (ring_read16(bus, vq->avail + 4 + 2 * (uint64_t)(vq->last_avail % vq->num), &head) < 0) {
        *why = "available ring outside guest RAM";
        return -EIO;
    }
    if (walk_chain(vq, bus, head, c, why) < 0)
        return -EIO;
    vq->last_avail++;
    if (vq->event_idx && !vq->no_notify &&
        ring_write16(bus, avail_event_addr(vq), vq->last_avail) < 0) {
        *why = "used ring outside guest RAM";
        return -EIO;
    }
    return 1;
}

int virtqueue_push(struct virtqueue *vq, const struct bus *bus, uint16_t head, uint32_t len,
                   const char **why)
{
    uint8_t e[8];
    uint64_t at = vq->used + 4 + 8 * (uint64_t)(vq->used_idx % vq->num);

    if (!vq->ready || vq->num == 0) {
        *why = "used buffer on a queue that is not ready";
        return -EIO;
    }
    virtio_put_le(e, head, 4);
    virtio_put_le(e + 4, len, 4);
    if (bus_dma_write(bus, at, e, sizeof(e)) < 0) {
        *why = "used ring outside guest RAM";
        return -EIO;
    }
    /* The element must be visible before the index that publishes it (2.7.8.2). */
    atomic_thread_fence(memory_order_release);
    vq->used_idx++;
    if (ring_write16(bus, vq->used + 2, vq->used_idx) < 0) {
        *why = "used ring outside guest RAM";
        return -EIO;
    }
    vq->pushed = true;
    return 0;
}

bool virtqueue_need_interrupt(struct virtqueue *vq, const struct bus *bus)
{
    uint16_t old = vq->signalled, now = vq->used_idx, v;

    if (!vq->pushed)
        return false;
    vq->pushed = false;
    vq->signalled = now;
    /* The used index must be visible before reading the driver's suppression state. */
    atomic_thread_fence(memory_order_seq_cst);
    if (vq->event_idx) {
        if (ring_read16(bus, used_event_addr(vq), &v) < 0)
            return true;
        /* vring_need_event (2.7.10): did now pass used_event since the last interrupt? */
        return (uint16_t)(now - v - 1) < (uint16_t)(now - old);
    }
    if (ring_read16(bus, vq->avail, &v) < 0)
        return true;
    return !(v & VRING_AVAIL_F_NO_INTERRUPT);
}

bool virtqueue_set_notify(struct virtqueue *vq, const struct bus *bus, bool enable)
{
    uint16_t flags = 0, avail_idx;

    vq->no_notify = !enable;
    if (!vq->ready || vq->num == 0)
        return false;
    if (vq->event_idx) {
        if (enable)
            ring_write16(bus, avail_event_addr(vq), vq->last_avail);
    } else {
        if (ring_read16(bus, vq->used, &flags) < 0)
            return false;
        flags = enable ? (uint16_t)(flags & ~VRING_USED_F_NO_NOTIFY)
                       : (uint16_t)(flags | VRING_USED_F_NO_NOTIFY);
        ring_write16(bus, vq->used, flags);
    }
    if (!enable)
        return false;
    atomic_thread_fence(memory_order_seq_cst);
    if (ring_read16(bus, vq->avail + 2, &avail_idx) < 0)
        return false;
    return avail_idx != vq->last_avail;
}

long virtqueue_chain_copy(const struct bus *bus, const struct virtq_chain *c, bool to_guest,
                          uint64_t off, void *buf, size_t len)
{
    unsigned first = to_guest ? c->nread : 0;
    unsigned end = to_guest ? c->nread + c->nwrite : c->nread;
    uint8_t *p = buf;
    size_t done = 0;

    for (unsigned i = first; i < end && done < len; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        size_t n = s->len - off;
        if (n > len - done)
            n = len - done;
        int rc = to_guest ? bus_dma_write(bus, s->addr + off, p + done, n)
                          : bus_dma_read(bus, s->addr + off, p + done, n);
        if (rc < 0)
            return -EFAULT;
        done += n;
        off = 0;
    }
    return (long)done;
}
