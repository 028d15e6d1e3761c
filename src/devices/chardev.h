/*
 * A byte sink: where a character device (the UART, a console) sends its output.
 *
 * The back end (stdout, a file, a socket, a test buffer) fills in write and opaque.
 * write must accept every byte it is given (it may drop bytes, but must not block for long)
 * and must not call back into the device that is writing.
 */
#ifndef RVISOR_DEVICES_CHARDEV_H
#define RVISOR_DEVICES_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

struct chardev {
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
};

static inline void chardev_write(const struct chardev *c, const uint8_t *buf, size_t len)
{
    if (c && c->write)
        c->write(c->opaque, buf, len);
}

#endif
