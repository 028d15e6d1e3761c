/*
 * virtio-input (virtio 1.2, 5.8): a keyboard or a tablet.
 *
 * Queues: 0 eventq (device -> driver, 8-byte struct virtio_input_event per buffer),
 * 1 statusq (driver -> device: LED state and the like; consumed and ignored).
 * Configuration space (5.8.4): select (u8), subsel (u8), size (u8), 5 reserved bytes, then
 * 128 bytes holding the answer to the selection: ID_NAME, ID_SERIAL (strings),
 * ID_DEVIDS (bustype, vendor, product, version), PROP_BITS and EV_BITS (bitmaps), and
 * ABS_INFO (min, max, fuzz, flat, res); size is 0 for a selection with no answer.
 * No feature bits.
 *
 * The keyboard offers EV_KEY codes 1..127 and EV_REP (the guest repeats held keys); the
 * tablet offers BTN_LEFT/RIGHT/MIDDLE, ABS_X/ABS_Y over 0..32767 and REL_WHEEL.
 * Events from the host (virtio_input_send, any thread) wait in a small ring until the
 * guest posts buffers; all state is guarded by the transport's mutex.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_input.h"

#define VI_QUEUE_SIZE 64u
#define VI_EVENTQ     0u
#define VI_STATUSQ    1u
#define VI_PENDING    256u /* events kept while the guest has no buffers */
#define VI_CFG_SIZE   136u
#define VI_CFG_DATA   8u

enum vi_select {
    VI_CFG_UNSET = 0x00,
    VI_CFG_ID_NAME = 0x01,
    VI_CFG_ID_SERIAL = 0x02,
    VI_CFG_ID_DEVIDS = 0x03,
    VI_CFG_PROP_BITS = 0x10,
    VI_CFG_EV_BITS = 0x11,
    VI_CFG_ABS_INFO = 0x12,
};

#define VI_BUS_VIRTUAL 0x06
#define VI_VENDOR      0x0627 /* the vendor id Linux guests know virtio input devices by */

struct virtio_input {
    enum virtio_input_kind kind;
    struct virtio_dev *vd;
    uint8_t cfg[VI_CFG_SIZE];
    struct virtio_input_event pending[VI_PENDING];
    unsigned head, count;
    struct virtq_chain chain;
};

static void set_bit(uint8_t *bitmap, unsigned bit)
{
    bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* Bitmap of codes for event type `type`; returns its size in bytes (0: not offered). */
static unsigned ev_bits(const struct virtio_input *in, unsigned type, uint8_t *bm)
{
    unsigned size = 0;
    if (in->kind == VIRTIO_INPUT_KEYBOARD) {
        switch (type) {
        case VIRTIO_INPUT_EV_KEY:
            for (unsigned k = 1; k <= VIRTIO_INPUT_KEY_MAX; k++)
                set_bit(bm, k);
            return VIRTIO_INPUT_KEY_MAX / 8 + 1;
        case VIRTIO_INPUT_EV_REP: return 1; /* present, no codes: the guest repeats keys */
        default: return 0;
        }
    }
    switch (type) {
    case VIRTIO_INPUT_EV_KEY:
        set_bit(bm, VIRTIO_INPUT_BTN_LEFT);
        set_bit(bm, VIRTIO_INPUT_BTN_RIGHT);
        set_bit(bm, VIRTIO_INPUT_BTN_MIDDLE);
        size = VIRTIO_INPUT_BTN_MIDDLE / 8 + 1;
        break;
    case VIRTIO_INPUT_EV_ABS:
        set_bit(bm, VIRTIO_INPUT_ABS_X);
        set_bit(bm, VIRTIO_INPUT_ABS_Y);
        size = 1;
        break;
    case VIRTIO_INPUT_EV_REL:
        set_bit(bm, VIRTIO_INPUT_REL_WHEEL);
        size = 2;
        break;
    default: break;
    }
    return size;
}

static unsigned put_string(uint8_t *data, const char *s)
{
    size_t n = strlen(s);
    memcpy(data, s, n);
    return (unsigned)n;
}

/* Fill cfg[2] (size) and the data area for the current select/subsel. */
static void vi_select(struct virtio_input *in)
{
    uint8_t sel = in->cfg[0], sub = in->cfg[1], *data = in->cfg + VI_CFG_DATA;
    bool kbd = in->kind == VIRTIO_INPUT_KEYBOARD;
    unsigned size = 0;
    memset(data, 0, VI_CFG_SIZE - VI_CFG_DATA);
    switch (sel) {
    case VI_CFG_ID_NAME:
        if (sub == 0)
            size = put_string(data, kbd ? "rvisor virtio keyboard" : "rvisor virtio tablet");
        break;
    case VI_CFG_ID_SERIAL:
        if (sub == 0)
            size = put_string(data, kbd ? "rvisor-keyboard-0" : "rvisor-tablet-0");
        break;
    case VI_CFG_ID_DEVIDS:
        if (sub == 0) {
            virtio_put_le(data + 0, VI_BUS_VIRTUAL, 2);
            virtio_put_le(data + 2, VI_VENDOR, 2);
            virtio_put_le(data + 4, kbd ? 1 : 3, 2); /* product */
            virtio_put_le(data + 6, 1, 2);           /* version */
            size = 8;
        }
        break;
    case VI_CFG_PROP_BITS: break; /* no properties: size 0 */
    case VI_CFG_EV_BITS: size = ev_bits(in, sub, data); break;
    case VI_CFG_ABS_INFO:
        if (!kbd && (sub == VIRTIO_INPUT_ABS_X || sub == VIRTIO_INPUT_ABS_Y)) {
            virtio_put_le(data + 4, VIRTIO_INPUT_ABS_MAX, 4); /* min 0 .. max; fuzz, flat, res 0 */
            size = 20;
        }
        break;
    default: break;
    }
    in->cfg[2] = (uint8_t)size;
}

static void vi_config_read(void *dev, uint32_t off, void *buf, unsigned len)
{
    struct virtio_input *in = dev;
    memcpy(buf, in->cfg + off, len);
}

static void vi_config_write(void *dev, uint32_t off, const void *buf, unsigned len)
{
    struct virtio_input *in = dev;
    const uint8_t *b = buf;
    bool changed = false;
    /* Only select and subsel are writable (5.8.4); other bytes keep their value. */
    for (unsigned i = 0; i < len; i++) {
        if (off + i < 2) {
            in->cfg[off + i] = b[i];
            changed = true;
        }
    }
    if (changed)
        vi_select(in);
}

/* Hand pending events to the guest's posted buffers; transport mutex held. */
static void vi_flush(struct virtio_input *in, struct virtio_dev *vd)
{
    bool pushed = false;
    while (in->count && virtq_ready(vd, VI_EVENTQ)) {
        const struct virtio_input_event *e = &in->pending[in->head];
        uint8_t raw[8];
        if (virtq_pop(vd, VI_EVENTQ, &in->chain) != 1)
            break;
        virtio_put_le(raw + 0, e->type, 2);
        virtio_put_le(raw + 2, e->code, 2);
        virtio_put_le(raw + 4, (uint32_t)e->value, 4);
        long n = virtq_chain_write(vd, &in->chain, 0, raw, sizeof(raw));
        if (n != (long)sizeof(raw))
            dev_log_guest_error("virtio-input", "event buffer shorter than 8 bytes");
        if (virtq_push(vd, VI_EVENTQ, &in->chain, n > 0 ? (uint32_t)n : 0) < 0)
            break;
        pushed = true;
        in->head = (in->head + 1) % VI_PENDING;
        in->count--;
    }
    if (pushed)
        virtq_notify(vd, VI_EVENTQ);
}

static void vi_queue_notify(void *dev, struct virtio_dev *vd, unsigned q)
{
    struct virtio_input *in = dev;
    if (q == VI_EVENTQ) {
        vi_flush(in, vd);
        return;
    }
    /* statusq: LED and similar feedback, which a window has nowhere to show */
    while (virtq_pop(vd, q, &in->chain) == 1)
        if (virtq_push(vd, q, &in->chain, 0) < 0)
            break;
    virtq_notify(vd, q);
}

static void vi_attach(void *dev, struct virtio_dev *vd)
{
    struct virtio_input *in = dev;
    in->vd = vd;
}

static void vi_reset(void *dev)
{
    struct virtio_input *in = dev;
    in->head = in->count = 0;
}

static void vi_destroy(void *dev)
{
    free(dev);
}

const struct virtio_device_ops virtio_input_ops = {
    .name = "virtio-input",
    .device_id = VIRTIO_ID_INPUT,
    .num_queues = 2,
    .queue_max = VI_QUEUE_SIZE,
    .config_size = VI_CFG_SIZE,
    .attach = vi_attach,
    .config_read = vi_config_read,
    .config_write = vi_config_write,
    .queue_notify = vi_queue_notify,
    .reset = vi_reset,
    .destroy = vi_destroy,
};

struct virtio_input *virtio_input_create(enum virtio_input_kind kind)
{
    struct virtio_input *in = calloc(1, sizeof(*in));
    if (in) {
        in->kind = kind;
        vi_select(in);
    }
    return in;
}

unsigned virtio_input_send(struct virtio_input *in, const struct virtio_input_event *ev, unsigned n)
{
    unsigned accepted = 0;
    if (!in->vd || n == 0)
        return 0;
    virtio_lock(in->vd);
    if (virtio_driver_ok(in->vd) && n <= VI_PENDING - in->count) {
        for (unsigned i = 0; i < n; i++)
            in->pending[(in->head + in->count + i) % VI_PENDING] = ev[i];
        in->count += n;
        accepted = n;
        vi_flush(in, in->vd);
    }
    virtio_unlock(in->vd);
    return accepted;
}
