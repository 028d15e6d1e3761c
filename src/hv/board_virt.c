/*
 * The virt board memory map: QEMU's hw/riscv/virt addresses and PLIC interrupt numbers
 * (facts, so guides, firmware and distribution kernels work unchanged). The ACLINT SSWI,
 * which QEMU only maps with aclint=on, gets a slot of its own above the CLINT. The
 * framebuffer (RAM, with a simple-framebuffer node) sits in a window QEMU's virt leaves
 * free, between its flash banks and its PCIe ECAM.
 */
#include "hv/board_virt.h"

const struct virt_map_entry virt_memmap[VIRT_REGION_COUNT] = {
    [VIRT_TEST] = {"test", 0x00100000, 0x1000, 0},
    [VIRT_RTC] = {"rtc", 0x00101000, 0x1000, 11},
    [VIRT_CLINT] = {"clint", 0x02000000, 0x10000, 0},
    [VIRT_SSWI] = {"sswi", 0x02f00000, 0x4000, 0},
    [VIRT_PLIC] = {"plic", 0x0c000000, 0x600000, 0},
    [VIRT_UART0] = {"uart", 0x10000000, 0x100, 10},
    [VIRT_VIRTIO] = {"virtio_mmio", 0x10001000, 0x1000, 1},
    [VIRT_FB] = {"framebuffer", 0x28000000, 0x8000000, 0}, /* simple-framebuffer RAM */
    [VIRT_DRAM] = {"memory", 0x80000000, 0, 0},
};
