/*
 * The split-virtqueue engine (virtio 1.2, 2.7 "Split Virtqueues"), independent of the
 * transport: one struct virtqueue per queue holds the guest addresses of the descriptor
 * table, available ring and used ring and the device's private indices. The transport
 * (virtio_mmio.c) fills the addresses from its registers and wraps these calls in the
 * public virtq_* API of virtio.h. Every guest access goes through bus_dma_*.
 *
 * Errors: the functions returning -EIO set *why to a static description of the guest's
 * mistake; the transport then puts the device into DEVICE_NEEDS_RESET.
 */
#ifndef RVISOR_DEVICES_VIRTQUEUE_H
#define RVISOR_DEVICES_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio.h"

struct virtqueue {
    uint32_t num;         /* queue size chosen by the driver */
    bool ready;           /* driver enabled it (QueueReady / nonzero QueuePFN) */
    bool event_idx;       /* VIRTIO_RING_F_EVENT_IDX negotiated */
    bool indirect;        /* VIRTIO_RING_F_INDIRECT_DESC negotiated */
    bool no_notify;       /* the device asked not to be notified */
    uint64_t desc, avail, used;
    uint16_t last_avail;  /* next available-ring entry the device will take */
    uint16_t used_idx;    /* the device's copy of used->idx */
    uint16_t signalled;   /* used_idx when the driver was last interrupted */
    bool pushed;          /* used entries added since the last interrupt decision */
};

/* Forget everything (queue reset). */
void virtqueue_reset(struct virtqueue *vq);

/* Check the rings lie in guest RAM and are aligned before the queue goes live. */
int virtqueue_check(const struct virtqueue *vq, const struct bus *bus, const char **why);

/* See virtq_pop() in virtio.h: 1, 0 or -EIO. */
int virtqueue_pop(struct virtqueue *vq, const struct bus *bus, struct virtq_chain *c,
                  const char **why);
/* Add a used element; 0 or -EIO. */
int virtqueue_push(struct virtqueue *vq, const struct bus *bus, uint16_t head,
                   uint32_t len, const char **why);
/* Should the driver be interrupted for the used buffers pushed so far? Clears `pushed`. */
bool virtqueue_need_interrupt(struct virtqueue *vq, const struct bus *bus);
/* Suppress (enable = false) or request driver notifications. Returns true if buffers
 * are available when re-enabling. */
bool virtqueue_set_notify(struct virtqueue *vq, const struct bus *bus, bool enable);

/* Copy helpers over a popped chain (virtio.h: virtq_chain_read/write). */
long virtqueue_chain_copy(const struct bus *bus, const struct virtq_chain *c, bool to_guest,
                          uint64_t off, void *buf, size_t len);

#endif
