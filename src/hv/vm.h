/*
 * One virtual machine: a virt board (RAM, harts, devices) built from a vm_config, and the
 * loop that runs it. Nothing here is global: several VMs can live in one process.
 */
#ifndef RVISOR_HV_VM_H
#define RVISOR_HV_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct chardev;
struct console;

#define VM_DEFAULT_RAM (128ull << 20)
#define VM_MAX_HARTS 32

struct vm_config {
    const char *name;
    uint64_t ram_size;
    unsigned nharts;
    const char *kernel;
    const char *bios; /* NULL or "builtin", "none", or a firmware file */
    const char *initrd;
    const char *append;
    const char *dtb;    /* -dtb: use this device tree instead of the generated one */
    bool dtb_only;      /* build the machine only to dump its device tree: no kernel needed */
    bool no_reboot;     /* a guest reboot ends the run (VM_EXIT_RESET) instead */
    uint64_t max_insns; /* 0: no limit */
    bool deterministic; /* time follows retired instructions */
    FILE *trace;        /* --trace: disassemble every executed instruction */
    const struct chardev *console; /* UART output; NULL: stdout */
    struct console *input;         /* terminal input for the UART (hv/console.h); NULL: none */
};

enum vm_exit_kind {
    VM_EXIT_NONE = 0,
    VM_EXIT_POWEROFF,  /* finisher pass, SBI shutdown, HTIF pass: code 0 */
    VM_EXIT_FAIL,      /* finisher fail or HTIF failure: code is the guest's */
    VM_EXIT_RESET,     /* the guest asked for a reboot */
    VM_EXIT_MAX_INSNS, /* the instruction limit was reached */
    VM_EXIT_HALTED,    /* stopped from outside, or nothing can ever run again */
    VM_EXIT_QUIT,      /* the user quit from the console (Ctrl-A x) */
};

struct vm_exit {
    enum vm_exit_kind kind;
    unsigned code;
    uint64_t insns; /* instructions executed in all */
};

struct vm;

/* 0, or -1 with a one-line message in err (bad config, unreadable or invalid image). */
int vm_create(const struct vm_config *cfg, struct vm **out, char *err, size_t errlen);
void vm_destroy(struct vm *vm);

/* Run until the guest ends, the limit is reached or vm_request_stop(). */
void vm_run(struct vm *vm, struct vm_exit *ex);
void vm_request_stop(struct vm *vm);

/* The device tree given to the guest (valid after vm_create). */
const void *vm_dtb(const struct vm *vm, size_t *size);

/* Feed console input to the UART (returns bytes accepted). */
size_t vm_console_input(struct vm *vm, const uint8_t *buf, size_t len);

#endif
