/*
 * The device contract: a device is a table of operations plus private state.
 *
 * The bus calls read/write with an offset inside the device's region and an access size
 * between min_access and max_access (the bus splits or rejects other sizes). A device
 * returns 0, or -1 for an access it refuses (the guest then sees an access fault).
 * Interrupts leave a device through a struct irq_line; the device never knows what
 * interrupt controller (or hart) is on the other end.
 *
 * A device never terminates the process: guest misuse is logged (rate-limited) and
 * ignored or turned into a device error state.
 */
#ifndef RVISOR_DEVICES_DEVICE_H
#define RVISOR_DEVICES_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct irq_line {
    void (*set)(void *opaque, unsigned num, bool level);
    void *opaque;
    unsigned num;
};

static inline void irq_line_set(const struct irq_line *l, bool level)
{
    if (l->set)
        l->set(l->opaque, l->num, level);
}

struct device_ops {
    const char *name;
    int (*read)(void *dev, uint64_t off, unsigned size, uint64_t *val);
    int (*write)(void *dev, uint64_t off, unsigned size, uint64_t val);
    unsigned min_access; /* bytes: 1, 2, 4 or 8 */
    unsigned max_access;
    void (*reset)(void *dev);
    /* Emit this device's node under the device tree's /soc; base is its bus address. */
    int (*fdt_node)(void *dev, void *fdt, int parent, uint64_t base);
    void (*destroy)(void *dev);
};

/* Log a guest misuse of a device, at most a few times per call site per second. */
void dev_log_guest_error(const char *dev, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * Route the guest-error reports made on this thread (the thread running a VM's harts):
 * to trace, every one without a rate limit (-d guest_errors), or with NULL to stderr,
 * rate-limited (the default).
 */
void dev_log_set_thread_sink(FILE *trace);

#endif
