/*
 * ns16550a UART (QEMU virt UART0 at 0x10000000, PLIC source 10), reg-shift 0.
 *
 * Output goes to a struct chardev as soon as the guest writes THR. Input is pushed by the
 * host side with ns16550a_receive(), which takes only what fits in the 16-byte RX FIFO, so
 * the caller keeps the rest and retries later (ns16550a_rx_space() tells how much fits).
 * All functions are thread-safe (one mutex per UART); the chardev and the irq line are
 * called with that mutex held and must not call back into this UART.
 */
#ifndef RVISOR_DEVICES_NS16550A_H
#define RVISOR_DEVICES_NS16550A_H

#include <stddef.h>
#include <stdint.h>

#include "devices/chardev.h"
#include "devices/device.h"

#define NS16550A_SIZE 0x100

struct ns16550a;

extern const struct device_ops ns16550a_ops;

/* NULL on allocation failure. out and irq are copied. */
struct ns16550a *ns16550a_create(const struct chardev *out, const struct irq_line *irq);

/* Push received bytes into the RX FIFO; returns how many were taken (possibly 0). */
size_t ns16550a_receive(struct ns16550a *u, const uint8_t *buf, size_t len);
/* How many bytes ns16550a_receive() would take now. */
size_t ns16550a_rx_space(struct ns16550a *u);

#endif
