/*
 * The -d event-trace items (as QEMU's -d): int, mmu, sbi, unimp, guest_errors. Parsing
 * of the comma list and the help text; the trace lines themselves come from cpu/trace.c,
 * hv/sbi.c and devices/dev_log.c, to the -D file or stderr.
 */
#ifndef RVISOR_HV_TRACE_H
#define RVISOR_HV_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "int,mmu,..." -> HART_TRACE_* bits. 0, or -EINVAL with a message naming the bad item. */
int trace_parse(const char *list, uint32_t *mask, char *err, size_t errlen);
/* The list of items, one per line (-d help). */
void trace_help(FILE *f);

#endif
