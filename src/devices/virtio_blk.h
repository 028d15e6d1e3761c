/*
 * virtio-blk (virtio 1.2, 5.2) on a host block back end (devices/host/blockdev.h).
 * Requests are served synchronously in the queue-notify callback.
 */
#ifndef RVISOR_DEVICES_VIRTIO_BLK_H
#define RVISOR_DEVICES_VIRTIO_BLK_H

#include "devices/host/blockdev.h"
#include "devices/virtio.h"

extern const struct virtio_device_ops virtio_blk_ops;

/*
 * A block device on bd (owned from now on, closed by ops->destroy; also on failure).
 * serial: the GET_ID string (at most 20 bytes used), may be NULL. NULL on allocation
 * failure.
 */
void *virtio_blk_create(struct blockdev *bd, const char *serial);

#endif
