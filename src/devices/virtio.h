/*
 * The contract between a virtio device (blk, net, rng, input...) and its transport
 * (Virtual I/O Device (VIRTIO) Version 1.2: chapter 2 "Basic Facilities of a Virtio
 * Device", 2.7 "Split Virtqueues", 4.2 "Virtio Over MMIO").
 *
 * A device is a `struct virtio_device_ops` plus private state; it knows nothing about
 * MMIO registers, rings or interrupts. The transport (virtio_mmio.c) owns the register
 * file, feature negotiation, device status and the virtqueues (virtqueue.c). The device
 * sees its queues by index and uses the virtq_* calls below to take requests and return
 * them. Packed virtqueues are not offered.
 *
 * Threading contract
 * ------------------
 * Each transport instance (struct virtio_dev) has one mutex.
 *  - Every virtio_device_ops callback is called with that mutex held.
 *  - Every virtq_* and virtio_* function below (except virtio_lock/virtio_unlock and the
 *    read-only virtio_bus) must be called with it held. Inside a callback it already is.
 *  - A device that completes work from another thread (a network back end receiving
 *    packets, an I/O thread) brackets its queue work with virtio_lock()/virtio_unlock():
 *        virtio_lock(vd);
 *        while (virtq_pop(vd, RXQ, &chain) == 1) { ...copy...; virtq_push(vd, RXQ, &chain, n); }
 *        virtq_notify(vd, RXQ);
 *        virtio_unlock(vd);
 *    It must not hold a lock of its own that a callback also takes while calling
 *    virtio_lock() (lock order: virtio mutex first, then the device's own locks).
 *  - The interrupt line is raised and lowered with the mutex held; the line (PLIC input)
 *    must not call back into the transport.
 *  - The transport calls ops->reset when the driver writes 0 to Status and when the
 *    machine resets; after it returns the device must not touch queues until the driver
 *    sets them up again (virtq_ready() says whether a queue is live).
 *
 * Guest errors: a malformed ring or descriptor makes virtq_pop() return -EIO after putting
 * the device into DEVICE_NEEDS_RESET (status bit 0x40, config-change interrupt) with a
 * rate-limited log line; from then on every virtq_pop() returns -EIO until the driver
 * resets the device. A device may also call virtio_set_needs_reset() for its own
 * protocol errors (e.g. a request header too short).
 */
#ifndef RVISOR_DEVICES_VIRTIO_H
#define RVISOR_DEVICES_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h" /* dev_log_guest_error */

struct bus;
struct virtio_dev;

/* Device IDs (spec 5). 0 = no device: an empty virtio-mmio slot. */
enum virtio_device_id {
    VIRTIO_ID_NONE = 0,
    VIRTIO_ID_NET = 1,
    VIRTIO_ID_BLOCK = 2,
    VIRTIO_ID_CONSOLE = 3,
    VIRTIO_ID_RNG = 4,
    VIRTIO_ID_INPUT = 18,
};

/* Device status bits (spec 2.1). */
enum virtio_status {
    VIRTIO_STATUS_ACKNOWLEDGE = 1,
    VIRTIO_STATUS_DRIVER = 2,
    VIRTIO_STATUS_DRIVER_OK = 4,
    VIRTIO_STATUS_FEATURES_OK = 8,
    VIRTIO_STATUS_NEEDS_RESET = 0x40,
    VIRTIO_STATUS_FAILED = 0x80,
};

/* Transport-level feature bits (spec 6); the transport offers these itself. */
#define VIRTIO_F_ANY_LAYOUT         27
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1          32
#define VIRTIO_F_ACCESS_PLATFORM    33
#define VIRTIO_F_RING_PACKED        34
#define VIRTIO_BIT(n)               (UINT64_C(1) << (n))

/* Largest queue size any device may ask for; also the longest descriptor chain. */
#define VIRTQ_MAX_SIZE 1024

/* One guest-physical buffer of a descriptor chain; addr..addr+len is inside guest RAM. */
struct virtq_seg {
    uint64_t addr;
    uint32_t len;
};

/*
 * A descriptor chain as popped from the available ring: seg[0 .. nread) are the
 * device-readable buffers in order, seg[nread .. nread + nwrite) the device-writable ones.
 * read_len / write_len are their total sizes. `head` identifies the chain for virtq_push.
 * Large (16 KiB): keep one in the device's state or on the heap, not many on a stack.
 */
struct virtq_chain {
    uint16_t head;
    unsigned nread, nwrite;
    uint64_t read_len, write_len;
    struct virtq_seg seg[VIRTQ_MAX_SIZE];
};

struct virtio_device_ops {
    const char *name;       /* for log lines: "virtio-blk" */
    uint32_t device_id;     /* enum virtio_device_id */
    unsigned num_queues;    /* 1..VIRTIO_MAX_QUEUES */
    unsigned queue_max;     /* QueueNumMax of every queue: power of two, <= VIRTQ_MAX_SIZE */
    uint32_t config_size;   /* bytes of device-specific configuration space (<= 0xf00) */

    /* Device feature bits (device-specific bits 0..23 and 41..; the transport adds
     * VERSION_1, INDIRECT_DESC, EVENT_IDX, ANY_LAYOUT). */
    uint64_t (*features)(void *dev);
    /* Called once by the transport's constructor: the handle for virtq_* calls from other
     * threads. May be NULL. */
    void (*attach)(void *dev, struct virtio_dev *vd);
    /* Configuration space, little-endian, at byte offset off; len is 1, 2, 4 or 8 and
     * off + len <= config_size (the transport checks). config_write may be NULL. */
    void (*config_read)(void *dev, uint32_t off, void *buf, unsigned len);
    void (*config_write)(void *dev, uint32_t off, const void *buf, unsigned len);
    /* The driver notified queue q (QueueNotify). The queue is ready. */
    void (*queue_notify)(void *dev, struct virtio_dev *vd, unsigned q);
    /* The driver set DRIVER_OK (features are final: see virtio_features()). May be NULL. */
    void (*driver_ok)(void *dev, struct virtio_dev *vd);
    /* Device reset (driver wrote 0 to Status, or machine reset). May be NULL. */
    void (*reset)(void *dev);
    /* Free the device state (the transport is being destroyed). May be NULL. */
    void (*destroy)(void *dev);
};

#define VIRTIO_MAX_QUEUES 8

/* ---- virtqueue API (call with the transport's mutex held) ---- */

/* Is queue q set up and enabled by the driver (QueueReady = 1 and DRIVER_OK)? */
bool virtq_ready(struct virtio_dev *vd, unsigned q);

/*
 * Take the next available descriptor chain of queue q, walking direct and indirect
 * descriptors; every segment is checked to lie in guest RAM. Returns 1 with *c filled,
 * 0 if the ring is empty (or the queue is not ready), -EIO on a malformed ring (the
 * device is now in DEVICE_NEEDS_RESET).
 */
int virtq_pop(struct virtio_dev *vd, unsigned q, struct virtq_chain *c);

/*
 * Copy from the chain's readable part, starting `off` bytes into it, up to len bytes;
 * or into its writable part. Return the number of bytes copied (less than len when the
 * part ends first), or -EFAULT if guest RAM could not be reached.
 */
long virtq_chain_read(struct virtio_dev *vd, const struct virtq_chain *c, uint64_t off,
                      void *dst, size_t len);
long virtq_chain_write(struct virtio_dev *vd, const struct virtq_chain *c, uint64_t off,
                       const void *src, size_t len);

/* Return a chain to the driver: a used element with the number of bytes written. 0 or
 * -EIO (device needs reset). Does not interrupt: call virtq_notify() after a batch. */
int virtq_push(struct virtio_dev *vd, unsigned q, const struct virtq_chain *c,
               uint32_t written);

/*
 * Interrupt the driver for used buffers of queue q if it wants one: honours
 * VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event when VIRTIO_RING_F_EVENT_IDX was negotiated.
 * A no-op if nothing was pushed since the last notification.
 */
void virtq_notify(struct virtio_dev *vd, unsigned q);

/*
 * Ask the driver not to notify queue q (VIRTQ_USED_F_NO_NOTIFY, or avail_event) while a
 * device polls it, or to notify again. virtq_enable_notify returns true if buffers became
 * available meanwhile (pop again to avoid missing them).
 */
void virtq_disable_notify(struct virtio_dev *vd, unsigned q);
bool virtq_enable_notify(struct virtio_dev *vd, unsigned q);

/* ---- device-wide helpers ---- */

void virtio_lock(struct virtio_dev *vd);
void virtio_unlock(struct virtio_dev *vd);

/* The bus that guest RAM is reached through (constant; no lock needed). */
const struct bus *virtio_bus(const struct virtio_dev *vd);

/* Feature bits the driver accepted (valid once FEATURES_OK was set). */
uint64_t virtio_features(const struct virtio_dev *vd);
/* Is the driver running the device (DRIVER_OK set, not NEEDS_RESET)? */
bool virtio_driver_ok(const struct virtio_dev *vd);

/* The configuration space changed: bump ConfigGeneration, config-change interrupt. */
void virtio_config_changed(struct virtio_dev *vd);

/* Put the device into DEVICE_NEEDS_RESET with a rate-limited log line. */
void virtio_set_needs_reset(struct virtio_dev *vd, const char *why);

/* Little-endian helpers for configuration spaces and ring fields. */
static inline void virtio_put_le(void *buf, uint64_t v, unsigned len)
{
    uint8_t *p = buf;
    for (unsigned i = 0; i < len; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t virtio_get_le(const void *buf, unsigned len)
{
    const uint8_t *p = buf;
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

#endif
