/*
 * virtio-input (virtio 1.2, 5.8 "Input Device"): a keyboard or an absolute pointer
 * (tablet) that forwards Linux evdev events (EV_KEY, EV_ABS, EV_REL, EV_SYN) from the
 * host's window to the guest's virtio_input driver.
 */
#ifndef RVISOR_DEVICES_VIRTIO_INPUT_H
#define RVISOR_DEVICES_VIRTIO_INPUT_H

#include <stdint.h>

#include "devices/virtio.h"

/* Linux input event types and codes used here (include/uapi/linux/input-event-codes.h). */
#define VIRTIO_INPUT_EV_SYN     0x00
#define VIRTIO_INPUT_EV_KEY     0x01
#define VIRTIO_INPUT_EV_REL     0x02
#define VIRTIO_INPUT_EV_ABS     0x03
#define VIRTIO_INPUT_EV_REP     0x14
#define VIRTIO_INPUT_BTN_LEFT   0x110
#define VIRTIO_INPUT_BTN_RIGHT  0x111
#define VIRTIO_INPUT_BTN_MIDDLE 0x112
#define VIRTIO_INPUT_ABS_X      0x00
#define VIRTIO_INPUT_ABS_Y      0x01
#define VIRTIO_INPUT_REL_WHEEL  0x08
#define VIRTIO_INPUT_ABS_MAX    32767 /* the tablet's axes run 0..32767 */
#define VIRTIO_INPUT_KEY_MAX    127   /* the keyboard offers KEY_ESC (1) .. KEY_COMPOSE (127) */

enum virtio_input_kind {
    VIRTIO_INPUT_KEYBOARD,
    VIRTIO_INPUT_TABLET,
};

/* One event as the guest sees it (struct virtio_input_event, in host order here). */
struct virtio_input_event {
    uint16_t type;
    uint16_t code;
    int32_t value;
};

struct virtio_input;

extern const struct virtio_device_ops virtio_input_ops;

/* NULL on allocation failure. */
struct virtio_input *virtio_input_create(enum virtio_input_kind kind);

/*
 * Queue events for the guest, from any thread (takes the transport's mutex). The caller
 * ends each group with an EV_SYN. Events are kept (up to a few hundred) while the guest
 * has no buffers posted; a group that does not fit is dropped whole, and events are
 * dropped while the driver is not running the device. Returns the number of events
 * accepted (0 or n).
 */
unsigned virtio_input_send(struct virtio_input *in, const struct virtio_input_event *ev,
                           unsigned n);

#endif
