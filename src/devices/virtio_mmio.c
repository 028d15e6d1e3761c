/*
 * virtio-mmio transport (virtio 1.2, 4.2.2 "MMIO Device Register Layout" and 4.2.4
 * "Legacy interface"), plus the device-facing virtq_* / virtio_* API of virtio.h.
 *
 * Register map (32-bit registers; configuration space at 0x100 takes 1/2/4-byte accesses):
 *   0x000 MagicValue "virt"   0x004 Version 2 (1 legacy)   0x008 DeviceID  0x00c VendorID
 *   0x010 DeviceFeatures      0x014 DeviceFeaturesSel
 *   0x020 DriverFeatures      0x024 DriverFeaturesSel
 *   0x028 GuestPageSize (legacy)
 *   0x030 QueueSel  0x034 QueueNumMax  0x038 QueueNum
 *   0x03c QueueAlign (legacy)  0x040 QueuePFN (legacy)  0x044 QueueReady (modern)
 *   0x050 QueueNotify  0x060 InterruptStatus  0x064 InterruptACK  0x070 Status
 *   0x080/0x084 QueueDesc  0x090/0x094 QueueDriver  0x0a0/0x0a4 QueueDevice (modern)
 *   0x0ac SHMSel  0x0b0/0x0b4 SHMLen (reads ~0: no shared memory)  0x0b8/0x0bc SHMBase
 *   0x0fc ConfigGeneration    0x100+ device configuration space
 *
 * Interrupt: one level-triggered line, high while InterruptStatus (bit 0 used buffer,
 * bit 1 configuration change) is nonzero. Left out: VIRTIO_F_RING_RESET (QueueReset),
 * VIRTIO_F_NOTIFICATION_DATA, shared memory regions, packed rings.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/dev_fdt.h"
#include "devices/virtio_mmio.h"
#include "devices/virtqueue.h"

enum virtio_mmio_reg {
    VMMIO_MAGIC = 0x000,
    VMMIO_VERSION = 0x004,
    VMMIO_DEVICE_ID = 0x008,
    VMMIO_VENDOR_ID = 0x00c,
    VMMIO_DEV_FEATURES = 0x010,
    VMMIO_DEV_FEATURES_SEL = 0x014,
    VMMIO_DRV_FEATURES = 0x020,
    VMMIO_DRV_FEATURES_SEL = 0x024,
    VMMIO_GUEST_PAGE_SIZE = 0x028,
    VMMIO_QUEUE_SEL = 0x030,
    VMMIO_QUEUE_NUM_MAX = 0x034,
    VMMIO_QUEUE_NUM = 0x038,
    VMMIO_QUEUE_ALIGN = 0x03c,
    VMMIO_QUEUE_PFN = 0x040,
    VMMIO_QUEUE_READY = 0x044,
    VMMIO_QUEUE_NOTIFY = 0x050,
    VMMIO_INTERRUPT_STATUS = 0x060,
    VMMIO_INTERRUPT_ACK = 0x064,
    VMMIO_STATUS = 0x070,
    VMMIO_QUEUE_DESC_LOW = 0x080,
    VMMIO_QUEUE_DESC_HIGH = 0x084,
    VMMIO_QUEUE_DRIVER_LOW = 0x090,
    VMMIO_QUEUE_DRIVER_HIGH = 0x094,
    VMMIO_QUEUE_DEVICE_LOW = 0x0a0,
    VMMIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VMMIO_SHM_SEL = 0x0ac,
    VMMIO_SHM_LEN_LOW = 0x0b0,
    VMMIO_SHM_LEN_HIGH = 0x0b4,
    VMMIO_SHM_BASE_LOW = 0x0b8,
    VMMIO_SHM_BASE_HIGH = 0x0bc,
    VMMIO_CONFIG_GENERATION = 0x0fc,
    VMMIO_CONFIG = 0x100,
};

#define VMMIO_MAGIC_VALUE 0x74726976u  /* "virt" */
#define VMMIO_VENDOR 0x554d4551u       /* "QEMU", as QEMU reports */
#define VMMIO_INT_VRING 1u
#define VMMIO_INT_CONFIG 2u

struct virtio_dev {
    pthread_mutex_t lock;
    const struct bus *bus;
    struct irq_line irq;
    const struct virtio_device_ops *ops; /* NULL: empty slot */
    void *dev;
    bool legacy;

    uint32_t status, isr, config_gen;
    uint32_t dev_features_sel, drv_features_sel, queue_sel;
    uint64_t drv_features;
    uint32_t guest_page_size, queue_align[VIRTIO_MAX_QUEUES];
    uint32_t queue_pfn[VIRTIO_MAX_QUEUES];
    bool irq_level;
    struct virtqueue vq[VIRTIO_MAX_QUEUES];
};

/* ---- interrupt and error state ---- */

static void vmmio_update_irq(struct virtio_dev *vd)
{
    bool level = vd->isr != 0;
    if (level != vd->irq_level) {
        vd->irq_level = level;
        irq_line_set(&vd->irq, level);
    }
}

static const char *vmmio_name(const struct virtio_dev *vd)
{
    return vd->ops ? vd->ops->name : "virtio-mmio";
}

void virtio_set_needs_reset(struct virtio_dev *vd, const char *why)
{
    if (vd->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    dev_log_guest_error(vmmio_name(vd), "%s; device needs reset", why);
    vd->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (vd->status & VIRTIO_STATUS_DRIVER_OK) {
        vd->isr |= VMMIO_INT_CONFIG;
        vmmio_update_irq(vd);
    }
}

static uint64_t vmmio_offered(const struct virtio_dev *vd)
{
    uint64_t f = VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX);
    if (vd->ops->features)
        f |= vd->ops->features(vd->dev);
    if (vd->legacy)
        return (f | VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT)) & 0xffffffffu;
    return f | VIRTIO_BIT(VIRTIO_F_VERSION_1);
}

static void vmmio_reset(struct virtio_dev *vd)
{
    vd->status = 0;
    vd->isr = 0;
    vd->dev_features_sel = vd->drv_features_sel = vd->queue_sel = 0;
    vd->drv_features = 0;
    vd->guest_page_size = 4096;
    for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
        virtqueue_reset(&vd->vq[q]);
        vd->queue_align[q] = 4096;
        vd->queue_pfn[q] = 0;
    }
    vmmio_update_irq(vd);
    if (vd->ops && vd->ops->reset)
        vd->ops->reset(vd->dev);
}

/* ---- the device-facing API (virtio.h) ---- */

static struct virtqueue *vmmio_queue(struct virtio_dev *vd, unsigned q)
{
    return vd->ops && q < vd->ops->num_queues ? &vd->vq[q] : NULL;
}

bool virtq_ready(struct virtio_dev *vd, unsigned q)
{
    struct virtqueue *vq = vmmio_queue(vd, q);
    return vq && vq->ready && virtio_driver_ok(vd);
}

int virtq_pop(struct virtio_dev *vd, unsigned q, struct virtq_chain *c)
{
    const char *why = "";
    if (vd->status & VIRTIO_STATUS_NEEDS_RESET)
        return -EIO;
    if (!virtq_ready(vd, q))
        return 0;
    int rc = virtqueue_pop(&vd->vq[q], vd->bus, c, &why);
    if (rc < 0)
        virtio_set_needs_reset(vd, why);
    return rc;
}

int virtq_push(struct virtio_dev *vd, unsigned q, const struct virtq_chain *c,
               uint32_t written)
{
    const char *why = "";
    if (vd->status & VIRTIO_STATUS_NEEDS_RESET)
        return -EIO;
    if (!virtq_ready(vd, q))
        return -EIO;
    if (virtqueue_push(&vd->vq[q], vd->bus, c->head, written, &why) < 0) {
        virtio_set_needs_reset(vd, why);
        return -EIO;
    }
    return 0;
}

void virtq_notify(struct virtio_dev *vd, unsigned q)
{
    if (!virtq_ready(vd, q))
        return;
    if (virtqueue_need_interrupt(&vd->vq[q], vd->bus)) {
        vd->isr |= VMMIO_INT_VRING;
        vmmio_update_irq(vd);
    }
}

void virtq_disable_notify(struct virtio_dev *vd, unsigned q)
{
    if (virtq_ready(vd, q))
        virtqueue_set_notify(&vd->vq[q], vd->bus, false);
}

bool virtq_enable_notify(struct virtio_dev *vd, unsigned q)
{
    return virtq_ready(vd, q) && virtqueue_set_notify(&vd->vq[q], vd->bus, true);
}

long virtq_chain_read(struct virtio_dev *vd, const struct virtq_chain *c, uint64_t off,
                      void *dst, size_t len)
{
    return virtqueue_chain_copy(vd->bus, c, false, off, dst, len);
}

long virtq_chain_write(struct virtio_dev *vd, const struct virtq_chain *c, uint64_t off,
                       const void *src, size_t len)
{
    return virtqueue_chain_copy(vd->bus, c, true, off, (void *)src, len);
}

void virtio_lock(struct virtio_dev *vd)
{
    pthread_mutex_lock(&vd->lock);
}

void virtio_unlock(struct virtio_dev *vd)
{
    pthread_mutex_unlock(&vd->lock);
}

const struct bus *virtio_bus(const struct virtio_dev *vd)
{
    return vd->bus;
}

uint64_t virtio_features(const struct virtio_dev *vd)
{
    return vd->drv_features;
}

bool virtio_driver_ok(const struct virtio_dev *vd)
{
    return (vd->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
           VIRTIO_STATUS_DRIVER_OK;
}

void virtio_config_changed(struct virtio_dev *vd)
{
    vd->config_gen++;
    if (vd->status & VIRTIO_STATUS_DRIVER_OK) {
        vd->isr |= VMMIO_INT_CONFIG;
        vmmio_update_irq(vd);
    }
}

/* ---- queue set-up ---- */

/* The driver enabled queue q: take the negotiated ring features and check the rings. */
static void vmmio_queue_enable(struct virtio_dev *vd, unsigned q)
{
    struct virtqueue *vq = &vd->vq[q];
    const char *why = "";
    vq->event_idx = (vd->drv_features & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)) != 0;
    vq->indirect = (vd->drv_features & VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC)) != 0;
    if (virtqueue_check(vq, vd->bus, &why) < 0) {
        virtio_set_needs_reset(vd, why);
        return;
    }
    vq->ready = true;
}

/* Legacy 4.2.4: the ring is one block at PFN * GuestPageSize, used ring aligned. */
static void vmmio_legacy_pfn(struct virtio_dev *vd, unsigned q, uint32_t pfn)
{
    struct virtqueue *vq = &vd->vq[q];
    uint64_t align = vd->queue_align[q], base = (uint64_t)pfn * vd->guest_page_size;
    vd->queue_pfn[q] = pfn;
    if (pfn == 0) {
        uint32_t num = vq->num;
        virtqueue_reset(vq);
        vq->num = num;
        return;
    }
    if (align == 0 || (align & (align - 1))) {
        virtio_set_needs_reset(vd, "QueueAlign is not a power of two");
        return;
    }
    vq->desc = base;
    vq->avail = base + 16 * (uint64_t)vq->num;
    vq->used = (vq->avail + 6 + 2 * (uint64_t)vq->num + align - 1) & ~(align - 1);
    vmmio_queue_enable(vd, q);
}

static void vmmio_set_addr(struct virtio_dev *vd, uint64_t *field, bool high, uint32_t val)
{
    if (vd->vq[vd->queue_sel].ready) {
        dev_log_guest_error(vmmio_name(vd), "ring address changed while the queue is ready");
        return;
    }
    *field = high ? (*field & 0xffffffffu) | ((uint64_t)val << 32)
                  : (*field & ~(uint64_t)0xffffffffu) | val;
}

/* ---- status ---- */

static void vmmio_write_status(struct virtio_dev *vd, uint32_t val)
{
    uint32_t old = vd->status;
    if (val == 0) {
        vmmio_reset(vd);
        return;
    }
    val = (val & ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET);
    if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) && !vd->legacy) {
        uint64_t f = vd->drv_features;
        if ((f & ~vmmio_offered(vd)) || !(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
            val &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK; /* 3.1.1: refused */
    }
    vd->status = val;
    if ((val & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK) &&
        (val & VIRTIO_STATUS_NEEDS_RESET)) {
        vd->isr |= VMMIO_INT_CONFIG; /* broken during set-up: tell the running driver */
        vmmio_update_irq(vd);
        return;
    }
    if ((val & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK)) {
        for (unsigned q = 0; q < vd->ops->num_queues; q++) {
            vd->vq[q].event_idx = (vd->drv_features & VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)) != 0;
            vd->vq[q].indirect =
                (vd->drv_features & VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC)) != 0;
        }
        if (vd->ops->driver_ok)
            vd->ops->driver_ok(vd->dev, vd);
        /* buffers made available before DRIVER_OK are processed now */
        for (unsigned q = 0; q < vd->ops->num_queues; q++)
            if (virtq_ready(vd, q))
                vd->ops->queue_notify(vd->dev, vd, q);
    }
}

/* ---- registers ---- */

static uint32_t vmmio_read_reg(struct virtio_dev *vd, uint64_t off)
{
    struct virtqueue *vq = &vd->vq[vd->queue_sel];
    uint64_t f;
    switch (off) {
    case VMMIO_MAGIC: return VMMIO_MAGIC_VALUE;
    case VMMIO_VERSION: return vd->legacy ? 1 : 2;
    case VMMIO_DEVICE_ID: return vd->ops ? vd->ops->device_id : 0;
    case VMMIO_VENDOR_ID: return VMMIO_VENDOR;
    default: break;
    }
    if (!vd->ops)
        return 0;
    switch (off) {
    case VMMIO_DEV_FEATURES:
        f = vmmio_offered(vd);
        return vd->dev_features_sel < 2 ? (uint32_t)(f >> (32 * vd->dev_features_sel)) : 0;
    case VMMIO_QUEUE_NUM_MAX:
        return vd->queue_sel < vd->ops->num_queues ? vd->ops->queue_max : 0;
    case VMMIO_QUEUE_NUM: return vq->num;
    case VMMIO_QUEUE_READY: return vd->legacy ? 0 : vq->ready;
    case VMMIO_QUEUE_PFN: return vd->legacy ? vd->queue_pfn[vd->queue_sel] : 0;
    case VMMIO_INTERRUPT_STATUS: return vd->isr;
    case VMMIO_STATUS: return vd->status;
    case VMMIO_CONFIG_GENERATION: return vd->legacy ? 0 : vd->config_gen;
    case VMMIO_SHM_LEN_LOW:
    case VMMIO_SHM_LEN_HIGH: return 0xffffffffu; /* no shared memory region */
    case VMMIO_QUEUE_DESC_LOW: return (uint32_t)vq->desc;
    case VMMIO_QUEUE_DESC_HIGH: return (uint32_t)(vq->desc >> 32);
    case VMMIO_QUEUE_DRIVER_LOW: return (uint32_t)vq->avail;
    case VMMIO_QUEUE_DRIVER_HIGH: return (uint32_t)(vq->avail >> 32);
    case VMMIO_QUEUE_DEVICE_LOW: return (uint32_t)vq->used;
    case VMMIO_QUEUE_DEVICE_HIGH: return (uint32_t)(vq->used >> 32);
    default:
        dev_log_guest_error(vmmio_name(vd), "read of register 0x%llx",
                            (unsigned long long)off);
        return 0;
    }
}

static void vmmio_queue_num(struct virtio_dev *vd, uint32_t val)
{
    struct virtqueue *vq = &vd->vq[vd->queue_sel];
    if (vq->ready) {
        dev_log_guest_error(vmmio_name(vd), "QueueNum changed while the queue is ready");
        return;
    }
    if (val == 0 || val > vd->ops->queue_max) {
        dev_log_guest_error(vmmio_name(vd), "QueueNum %u out of range", (unsigned)val);
        return;
    }
    vq->num = val;
}

static void vmmio_write_reg(struct virtio_dev *vd, uint64_t off, uint32_t val)
{
    struct virtqueue *vq = &vd->vq[vd->queue_sel];
    unsigned shift;
    if (!vd->ops)
        return;
    switch (off) {
    case VMMIO_DEV_FEATURES_SEL: vd->dev_features_sel = val; return;
    case VMMIO_DRV_FEATURES:
        if (vd->drv_features_sel >= 2 || (vd->legacy && vd->drv_features_sel))
            return;
        shift = 32 * vd->drv_features_sel;
        vd->drv_features = (vd->drv_features & ~((uint64_t)0xffffffffu << shift)) |
                           ((uint64_t)val << shift);
        if (vd->legacy) /* no FEATURES_OK handshake: keep only what is offered */
            vd->drv_features &= vmmio_offered(vd);
        return;
    case VMMIO_DRV_FEATURES_SEL: vd->drv_features_sel = val; return;
    case VMMIO_QUEUE_SEL:
        if (val >= vd->ops->num_queues) {
            dev_log_guest_error(vmmio_name(vd), "QueueSel %u out of range", (unsigned)val);
            return;
        }
        vd->queue_sel = val;
        return;
    case VMMIO_QUEUE_NUM: vmmio_queue_num(vd, val); return;
    case VMMIO_QUEUE_NOTIFY:
        if (val < vd->ops->num_queues && virtq_ready(vd, val))
            vd->ops->queue_notify(vd->dev, vd, val);
        return;
    case VMMIO_INTERRUPT_ACK:
        vd->isr &= ~val;
        vmmio_update_irq(vd);
        return;
    case VMMIO_STATUS: vmmio_write_status(vd, val); return;
    case VMMIO_SHM_SEL: return;
    default: break;
    }
    if (vd->legacy) {
        switch (off) {
        case VMMIO_GUEST_PAGE_SIZE: vd->guest_page_size = val; return;
        case VMMIO_QUEUE_ALIGN: vd->queue_align[vd->queue_sel] = val; return;
        case VMMIO_QUEUE_PFN: vmmio_legacy_pfn(vd, vd->queue_sel, val); return;
        default: break;
        }
    } else {
        switch (off) {
        case VMMIO_QUEUE_READY:
            if (val & 1) {
                if (!vq->ready)
                    vmmio_queue_enable(vd, vd->queue_sel);
            } else {
                vq->ready = false;
            }
            return;
        case VMMIO_QUEUE_DESC_LOW:
        case VMMIO_QUEUE_DESC_HIGH:
            vmmio_set_addr(vd, &vq->desc, off == VMMIO_QUEUE_DESC_HIGH, val);
            return;
        case VMMIO_QUEUE_DRIVER_LOW:
        case VMMIO_QUEUE_DRIVER_HIGH:
            vmmio_set_addr(vd, &vq->avail, off == VMMIO_QUEUE_DRIVER_HIGH, val);
            return;
        case VMMIO_QUEUE_DEVICE_LOW:
        case VMMIO_QUEUE_DEVICE_HIGH:
            vmmio_set_addr(vd, &vq->used, off == VMMIO_QUEUE_DEVICE_HIGH, val);
            return;
        default: break;
        }
    }
    dev_log_guest_error(vmmio_name(vd), "write of register 0x%llx", (unsigned long long)off);
}

/* ---- device_ops ---- */

static int vmmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
    struct virtio_dev *vd = opaque;
    uint8_t buf[8] = {0};
    *val = 0;
    pthread_mutex_lock(&vd->lock);
    if (off >= VMMIO_CONFIG) {
        uint64_t c = off - VMMIO_CONFIG;
        if (vd->ops && vd->ops->config_read && c + size <= vd->ops->config_size) {
            vd->ops->config_read(vd->dev, (uint32_t)c, buf, size);
            *val = virtio_get_le(buf, size);
        }
    } else if (size == 4 && (off & 3) == 0) {
        *val = vmmio_read_reg(vd, off);
    } else {
        dev_log_guest_error(vmmio_name(vd), "%u-byte register read at 0x%llx", size,
                            (unsigned long long)off);
    }
    pthread_mutex_unlock(&vd->lock);
    return 0;
}

static int vmmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    struct virtio_dev *vd = opaque;
    uint8_t buf[8];
    pthread_mutex_lock(&vd->lock);
    if (off >= VMMIO_CONFIG) {
        uint64_t c = off - VMMIO_CONFIG;
        if (vd->ops && vd->ops->config_write && c + size <= vd->ops->config_size) {
            virtio_put_le(buf, val, size);
            vd->ops->config_write(vd->dev, (uint32_t)c, buf, size);
        }
    } else if (size == 4 && (off & 3) == 0) {
        vmmio_write_reg(vd, off, (uint32_t)val);
    } else {
        dev_log_guest_error(vmmio_name(vd), "%u-byte register write at 0x%llx", size,
                            (unsigned long long)off);
    }
    pthread_mutex_unlock(&vd->lock);
    return 0;
}

static void vmmio_machine_reset(void *opaque)
{
    struct virtio_dev *vd = opaque;
    pthread_mutex_lock(&vd->lock);
    vmmio_reset(vd);
    pthread_mutex_unlock(&vd->lock);
}

static int vmmio_fdt_node(void *opaque, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "virtio,mmio";
    return dev_fdt_node(fdt, parent, "virtio_mmio", base, VIRTIO_MMIO_SIZE, compat,
                        sizeof(compat));
}

static void vmmio_destroy(void *opaque)
{
    struct virtio_dev *vd = opaque;
    if (vd->ops && vd->ops->destroy)
        vd->ops->destroy(vd->dev);
    pthread_mutex_destroy(&vd->lock);
    free(vd);
}

const struct device_ops virtio_mmio_ops = {
    .name = "virtio-mmio",
    .read = vmmio_read,
    .write = vmmio_write,
    .min_access = 1,
    .max_access = 4,
    .reset = vmmio_machine_reset,
    .fdt_node = vmmio_fdt_node,
    .destroy = vmmio_destroy,
};

struct virtio_dev *virtio_mmio_create(const struct bus *bus, const struct irq_line *irq,
                                      const struct virtio_device_ops *ops, void *dev,
                                      bool legacy)
{
    struct virtio_dev *vd = NULL;
    bool bad = ops && (ops->num_queues == 0 || ops->num_queues > VIRTIO_MAX_QUEUES ||
                       ops->queue_max == 0 || ops->queue_max > VIRTQ_MAX_SIZE ||
                       !ops->queue_notify || ops->config_size > 0xf00);
    if (!bad)
        vd = calloc(1, sizeof(*vd));
    if (!vd || pthread_mutex_init(&vd->lock, NULL) != 0) {
        free(vd);
        if (ops && ops->destroy)
            ops->destroy(dev);
        return NULL;
    }
    vd->bus = bus;
    vd->irq = irq ? *irq : (struct irq_line){0};
    vd->ops = ops;
    vd->dev = dev;
    vd->legacy = legacy;
    vmmio_reset(vd);
    if (ops && ops->attach)
        ops->attach(dev, vd);
    return vd;
}
