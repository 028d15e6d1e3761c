/*
 * The virtio-mmio transport (virtio 1.2, 4.2): one 0x1000-byte register window per
 * device, version 2 ("modern") or version 1 ("legacy", 4.2.4), as QEMU's virtio-mmio with
 * force-legacy=false/true. A transport created without a device is an empty slot: it reads
 * DeviceID 0 so drivers skip it.
 *
 * rvisor's default is modern (QEMU's is legacy); -global virtio-mmio.force-legacy=true
 * selects legacy.
 */
#ifndef RVISOR_DEVICES_VIRTIO_MMIO_H
#define RVISOR_DEVICES_VIRTIO_MMIO_H

#include <stdbool.h>

#include "devices/device.h"
#include "devices/virtio.h"

#define VIRTIO_MMIO_SIZE 0x1000

extern const struct device_ops virtio_mmio_ops;

/*
 * ops/dev: the virtio device (NULL for an empty slot); the transport owns dev from now on
 * (ops->destroy is called when the transport is destroyed, also when creation fails).
 * irq: the slot's interrupt line (copied). NULL on allocation failure or bad ops.
 */
struct virtio_dev *virtio_mmio_create(const struct bus *bus, const struct irq_line *irq,
                                      const struct virtio_device_ops *ops, void *dev,
                                      bool legacy);

#endif
