/*
 * virtio-rng (virtio 1.2, 5.4 "Entropy Device"): one request queue; the driver posts
 * writable buffers and the device fills them with random bytes from the host
 * (devices/host/entropy.h). No feature bits, no configuration space.
 * A chain with readable buffers is a driver error (5.4.6.1); it is answered with 0 bytes
 * rather than a reset. At most RNG_MAX_REQ bytes are given per buffer; a host source
 * that fails gives 0 bytes (the driver retries).
 */
#include <stdlib.h>

#include "devices/device.h"
#include "devices/host/entropy.h"
#include "devices/virtio_rng.h"

#define RNG_QUEUE_SIZE 64u
#define RNG_MAX_REQ 4096u

struct virtio_rng {
    uint8_t buf[RNG_MAX_REQ];
    struct virtq_chain chain;
};

static void rng_queue_notify(void *dev, struct virtio_dev *vd, unsigned q)
{
    struct virtio_rng *r = dev;
    while (virtq_pop(vd, q, &r->chain) == 1) {
        size_t n = r->chain.write_len < RNG_MAX_REQ ? (size_t)r->chain.write_len : RNG_MAX_REQ;
        long done = 0;
        if (r->chain.nread)
            dev_log_guest_error("virtio-rng", "request with device-readable buffers");
        else if (entropy_fill(r->buf, n) == 0)
            done = virtq_chain_write(vd, &r->chain, 0, r->buf, n);
        if (virtq_push(vd, q, &r->chain, done > 0 ? (uint32_t)done : 0) < 0)
            break;
    }
    virtq_notify(vd, q);
}

static void rng_destroy(void *dev)
{
    free(dev);
}

const struct virtio_device_ops virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
    .num_queues = 1,
    .queue_max = RNG_QUEUE_SIZE,
    .queue_notify = rng_queue_notify,
    .destroy = rng_destroy,
};

void *virtio_rng_create(void)
{
    return calloc(1, sizeof(struct virtio_rng));
}
