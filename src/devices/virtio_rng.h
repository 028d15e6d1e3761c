/*
 * virtio-rng / virtio-entropy (virtio 1.2, 5.4) fed from the host's random source.
 */
#ifndef RVISOR_DEVICES_VIRTIO_RNG_H
#define RVISOR_DEVICES_VIRTIO_RNG_H

#include "devices/virtio.h"

extern const struct virtio_device_ops virtio_rng_ops;

/* NULL on allocation failure. */
void *virtio_rng_create(void);

#endif
