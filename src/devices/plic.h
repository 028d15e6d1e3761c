/*
 * RISC-V PLIC (Platform-Level Interrupt Controller spec 1.0.0) in the SiFive layout of QEMU
 * virt (base 0x0c000000). Two contexts per hart: context 2h is hart h's M mode (MEIP),
 * context 2h+1 its S mode (SEIP).
 *
 * Inputs are level-triggered lines (plic_set_irq(), or plic_irq_line() to hand a device
 * an irq_line). Outputs are one irq_line per context. All functions are thread-safe; the
 * output lines are called with the PLIC's mutex held and must not call back into the PLIC
 * (hart_set_irq() does not).
 */
#ifndef RVISOR_DEVICES_PLIC_H
#define RVISOR_DEVICES_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"

#define PLIC_MAX_SOURCES  1023
#define PLIC_MAX_CONTEXTS 15872
#define PLIC_MAX_PRIORITY 7
/* Bytes of address space needed for nctx contexts (QEMU virt maps 0x600000). */
#define PLIC_SIZE(nctx) (0x200000 + 0x1000 * (uint64_t)(nctx))

struct plic;

extern const struct device_ops plic_ops;

/*
 * nsources: highest source id (1..PLIC_MAX_SOURCES; QEMU virt uses 95). ctx_out points to
 * 2 * nharts irq lines, copied. NULL on bad arguments or allocation failure.
 */
struct plic *plic_create(unsigned nsources, unsigned nharts, const struct irq_line *ctx_out);

/* Drive input line src (1..nsources); other numbers are ignored. */
void plic_set_irq(struct plic *p, unsigned src, bool level);
/* An irq_line that drives input src of p. */
struct irq_line plic_irq_line(struct plic *p, unsigned src);

#endif
