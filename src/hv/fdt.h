/*
 * The virt board's device tree, built at run time with libfdt from what was actually
 * configured (Devicetree Specification v0.4; RISC-V CPU, PLIC and CLINT bindings of the
 * Linux kernel's Documentation/devicetree/bindings).
 */
#ifndef RVISOR_HV_FDT_H
#define RVISOR_HV_FDT_H

#include <stddef.h>
#include <stdint.h>

struct bus;
struct simplefb;

struct board_fdt_params {
    unsigned nharts;
    uint64_t ram_base, ram_size;
    const char *bootargs;         /* NULL: none */
    uint64_t initrd_start;        /* 0: no initrd */
    uint64_t initrd_end;
    const struct bus *bus;        /* devices found at the memory map's addresses get nodes */
    const struct simplefb *fb;    /* NULL: no framebuffer */
    uint64_t fb_base;
};

/* The riscv,isa string this hart implements. */
extern const char board_isa_string[];

/* Builds the tree into a malloc'ed buffer. 0, or -1 with a message. */
int board_fdt_build(const struct board_fdt_params *p, void **out, size_t *size, char *err,
                    size_t errlen);

/* Checks a user-supplied DTB (fdt_check_full). 0, or -1 with a message. */
int board_fdt_check(const void *fdt, size_t size, char *err, size_t errlen);

#endif
