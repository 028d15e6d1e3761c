/*
 * The virt board's memory map (QEMU-compatible addresses and interrupt numbers, see
 * ../shared/DESIGN.md). One table; the board code reads it top to bottom.
 */
#ifndef RVISOR_HV_BOARD_VIRT_H
#define RVISOR_HV_BOARD_VIRT_H

#include <stdint.h>

enum virt_region {
    VIRT_TEST,
    VIRT_RTC,
    VIRT_CLINT,
    VIRT_SSWI,
    VIRT_PLIC,
    VIRT_UART0,
    VIRT_VIRTIO,
    VIRT_FB,
    VIRT_DRAM,
    VIRT_REGION_COUNT,
};

struct virt_map_entry {
    const char *name;
    uint64_t base;
    uint64_t size;
    unsigned irq; /* PLIC source, 0 if none */
};

extern const struct virt_map_entry virt_memmap[VIRT_REGION_COUNT];

#define VIRT_VIRTIO_COUNT 8
#define VIRT_PLIC_SOURCES 95
#define VIRT_KERNEL_OFFSET 0x200000 /* S-mode kernels start at DRAM + 2 MiB */

#endif
