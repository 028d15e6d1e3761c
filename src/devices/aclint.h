/*
 * ACLINT (RISC-V ACLINT spec v1.0) in the SiFive-CLINT-compatible layout of QEMU virt:
 * MSWI + MTIMER in one region at 0x2000000 (ACLINT_SIZE), and SSWI as a second ops table
 * on the same object, mapped wherever the board wants it (ACLINT_SSWI_SIZE).
 *
 * mtime = get_time(opaque) + an offset kept in the device (a guest write to mtime changes
 * the offset). MTIP of a hart is re-evaluated when its mtimecmp is written and whenever the
 * machine calls aclint_update() (periodically and after time jumps). All functions are
 * thread-safe; irq lines are called with the device's mutex held and must not re-enter it.
 */
#ifndef RVISOR_DEVICES_ACLINT_H
#define RVISOR_DEVICES_ACLINT_H

#include <stdint.h>

#include "devices/device.h"

#define ACLINT_SIZE      0x10000
#define ACLINT_SSWI_SIZE 0x4000
#define ACLINT_MAX_HARTS 4095

struct aclint;

/* MSWI + MTIMER (CLINT layout). */
extern const struct device_ops aclint_ops;
/* SSWI: map with the same struct aclint as dev; the bus resets/destroys it only once. */
extern const struct device_ops aclint_sswi_ops;

/*
 * nharts in 1..ACLINT_MAX_HARTS. msip, mtip and ssip each point to nharts irq lines (copied;
 * ssip may be NULL when no SSWI is mapped). get_time returns the free-running time base in
 * mtime ticks. The SSIP lines are only ever raised: the hart owns clearing mip.SSIP.
 * NULL on bad arguments or allocation failure.
 */
struct aclint *aclint_create(unsigned nharts, uint64_t (*get_time)(void *opaque), void *opaque,
                             const struct irq_line *msip, const struct irq_line *mtip,
                             const struct irq_line *ssip);

/* Re-evaluate MTIP of every hart against the current mtime. */
void aclint_update(struct aclint *c);
/* The earliest mtimecmp among harts whose MTIP is low (mtime units), or UINT64_MAX. */
uint64_t aclint_next_deadline(const struct aclint *c);
/* The current mtime as the guest sees it. */
uint64_t aclint_mtime(const struct aclint *c);

#endif
