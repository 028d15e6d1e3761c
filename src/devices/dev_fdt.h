/*
 * Small helpers for devices that describe themselves in the flattened device tree
 * (Devicetree Specification v0.4, "Device Node Requirements"): a node named
 * NAME@BASE under the parent bus with compatible and a 2+2-cell reg.
 */
#ifndef RVISOR_DEVICES_DEV_FDT_H
#define RVISOR_DEVICES_DEV_FDT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Adds the node; `compat` is a NUL-separated list of strings of total length compat_len
 * (as a C string literal "a\0b" with sizeof). Returns the node offset or a negative
 * libfdt error.
 */
int dev_fdt_node(void *fdt, int parent, const char *name, uint64_t base, uint64_t size,
                 const char *compat, size_t compat_len);

#endif
