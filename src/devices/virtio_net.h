/*
 * virtio-net (virtio 1.2, 5.1) on a network back end (devices/host/netdev.h): one receive
 * and one transmit queue, a MAC address and a link that is always up. No offloads.
 *
 * Wiring (vm.c), per NIC:
 *     void *dev;
 *     if (virtio_net_make_from_options(vc->netdev, vc->mac, index, NULL, &dev, err, len) < 0)
 *         fail with err;
 *     vd = virtio_mmio_create(bus, &slot_irq, &virtio_net_ops, dev, legacy);
 *     bus_add_device(bus, slot_base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, vd);
 *     ... and in vm_destroy, before bus_destroy(): virtio_net_stop(dev);
 */
#ifndef RVISOR_DEVICES_VIRTIO_NET_H
#define RVISOR_DEVICES_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "devices/virtio.h"

struct netdev;
struct netdev_config;
struct netswitch_registry;

#define VIRTIO_NET_RXQ        0
#define VIRTIO_NET_TXQ        1
#define VIRTIO_NET_QUEUE_SIZE 256
#define VIRTIO_NET_RX_BACKLOG 4096 /* frames held while the guest has no receive buffer */

extern const struct virtio_device_ops virtio_net_ops;

struct virtio_net_stats {
    uint64_t rx_frames;  /* frames put into guest buffers */
    uint64_t rx_dropped; /* no buffer (backlog full), driver not ready, out of memory */
    uint64_t rx_too_big; /* a frame larger than the guest's buffer (buffer returned empty) */
    uint64_t tx_frames;  /* frames handed to the back end */
    uint64_t tx_dropped; /* the back end refused the frame */
    uint64_t tx_errors;  /* malformed transmit requests */
};

/*
 * A virtio-net device on nd (owned from now on: destroyed by virtio_net_stop() or
 * ops->destroy, also when this fails). mac: NULL for 52:54:00:12:34:56. The back end is
 * started when the transport attaches the device. NULL on allocation failure.
 */
void *virtio_net_create(struct netdev *nd, const uint8_t mac[6]);

/*
 * Back end and device in one: the back end of cfg (netdev_create) and a device on it.
 * mac NULL: QEMU's default 52:54:00:12:34:56 + index (the NIC's number in the VM).
 * 0, or -errno with a one-line message in err.
 */
int virtio_net_make(const struct netdev_config *cfg, const uint8_t *mac, unsigned index,
                    struct netswitch_registry *switches, void **dev, char *err, size_t errlen);

/*
 * The same from option strings, for a vm_virtio_config of kind VM_VIRTIO_NET: netdev is
 * the argument of -netdev or of -nic (both syntaxes are accepted here); mac is
 * "52:54:00:12:34:57" or NULL (then the -nic string's mac=, else the default above).
 * switches may be NULL until the hypervisor layer keeps one (then `switch` is an error).
 */
int virtio_net_make_from_options(const char *netdev, const char *mac, unsigned index,
                                 struct netswitch_registry *switches, void **dev, char *err,
                                 size_t errlen);

/*
 * Stop and destroy the back end: no frame is delivered after this returns. Call it
 * before the interrupt controller goes away (vm_destroy: before bus_destroy). Must not be
 * called with the transport's mutex held. Idempotent.
 */
void virtio_net_stop(void *dev);

/* Counters (takes the transport's mutex once attached). */
void virtio_net_get_stats(void *dev, struct virtio_net_stats *st);

#endif
