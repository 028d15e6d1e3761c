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
struct netswitch_registry;
struct simplefb;
struct virtio_input;

#define VM_DEFAULT_RAM (128ull << 20)
#define VM_MAX_HARTS 32
#define VM_MAX_VIRTIO 8 /* virtio-mmio slots of the virt board */

enum vm_virtio_kind {
    VM_VIRTIO_BLK = 1,
    VM_VIRTIO_RNG,
    VM_VIRTIO_NET,
    VM_VIRTIO_KEYBOARD, /* virtio-input keyboard (-display sdl adds one) */
    VM_VIRTIO_TABLET,   /* virtio-input absolute pointer */
};

enum vm_blk_cache {
    VM_BLK_CACHE_WRITEBACK = 0, /* the default: guest FLUSH reaches the disk */
    VM_BLK_CACHE_WRITETHROUGH,
    VM_BLK_CACHE_UNSAFE, /* guest FLUSH ignored */
};

/* One virtio device of the board. */
struct vm_virtio_config {
    enum vm_virtio_kind kind;
    int slot;             /* virtio-mmio slot 0..7, or -1: the highest free one (as QEMU) */
    const char *file;     /* blk: raw image */
    bool readonly;        /* blk */
    enum vm_blk_cache cache; /* blk */
    const char *serial;   /* blk: GET_ID string, may be NULL */
    const char *netdev;   /* net: the back end's option string (-netdev ...) */
    const char *mac;      /* net: NULL for the default */
};

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
    uint32_t trace_events; /* -d: HART_TRACE_* bits (hv/trace.h) */
    FILE *trace_log;       /* -D: where the -d lines go; NULL: stderr */
    const char *gdb;       /* -gdb / -s: the stub's "tcp:HOST:PORT"; NULL: no stub */
    bool gdb_wait;         /* -S: no instruction runs until the debugger continues */
    const struct chardev *console; /* UART output; NULL: stdout */
    struct console *input;         /* terminal input for the UART (hv/console.h); NULL: none */
    /* Other input (librvisor's queue and callback): called from vm_service, one thread
     * at a time, to move bytes into the UART (vm_console_input); NULL: none. */
    void (*input_poll)(void *opaque);
    void *input_opaque;
    struct vm_virtio_config virtio[VM_MAX_VIRTIO]; /* in command-line order */
    unsigned nvirtio;
    bool virtio_legacy; /* virtio-mmio version 1 (QEMU's force-legacy=true); default 2 */
    struct netswitch_registry *switches; /* the process's in-process switches; NULL: none */
    unsigned fb_width, fb_height;  /* simple-framebuffer; 0: none */
    const char *screenshot;        /* write the framebuffer to this PNG at the end... */
    uint64_t screenshot_after_ns;  /* ...or after this much guest time (0: at the end) */
};

enum vm_exit_kind {
    VM_EXIT_NONE = 0,
    VM_EXIT_POWEROFF,  /* finisher pass, SBI shutdown, HTIF pass: code 0 */
    VM_EXIT_FAIL,      /* finisher fail or HTIF failure: code is the guest's */
    VM_EXIT_RESET,     /* the guest asked for a reboot */
    VM_EXIT_MAX_INSNS, /* the instruction limit was reached */
    VM_EXIT_HALTED,    /* stopped from outside, or nothing can ever run again */
    VM_EXIT_QUIT,      /* the user quit from the console (Ctrl-A x) */
    VM_EXIT_STOPPED,   /* stopped on request (vm_request_stop, the monitor's vm-stop/quit) */
    VM_EXIT_FAULT,     /* a trap that leads nowhere, no debugger attached: see vm_exit.fault */
};

/* What ended the run, recorded where it happened. */
enum vm_exit_source {
    VM_SRC_NONE = 0,
    VM_SRC_FINISHER, /* a sifive,test write (OpenSBI's SRST shutdown writes it too) */
    VM_SRC_SBI,      /* the built-in SBI: SRST or the legacy shutdown call */
    VM_SRC_HTIF,     /* tohost */
    VM_SRC_HOST,     /* the host: limits, stop and reset requests, nothing can run, faults */
    VM_SRC_CONSOLE,  /* the user quit on the terminal (Ctrl-A x) */
    VM_SRC_GDB,      /* the debugger killed it */
};

/*
 * A fatal fault (VM_EXIT_FAULT): the trap that could not be handled, as the hart took it
 * (cpu/hart.h, struct hart_dead_trap).
 */
struct vm_fault {
    unsigned hart;
    unsigned priv;  /* privilege the trap was taken into: 3 M, 1 S */
    uint64_t cause; /* mcause/scause (bit 63: an interrupt) */
    uint64_t epc, tval;
    uint64_t vector; /* the trap vector nothing could be fetched from */
    bool jump;       /* cause is the fetch at the vector itself: pc got there by a jump */
};

struct vm_exit {
    enum vm_exit_kind kind;
    unsigned code;
    uint64_t insns; /* instructions executed in all */
    enum vm_exit_source source;
    struct vm_fault fault; /* kind VM_EXIT_FAULT only */
};

struct vm;

/* How the monitor and its events name an end: "poweroff", "fail", "reset", "max-insns",
 * "halted", "quit", "user" (stopped on request), "fault"; "none" while running. */
const char *vm_exit_reason(enum vm_exit_kind k);

/* 0, or -1 with a one-line message in err (bad config, unreadable or invalid image). */
int vm_create(const struct vm_config *cfg, struct vm **out, char *err, size_t errlen);
void vm_destroy(struct vm *vm);

/* Run alone on a hypervisor of its own until the guest ends, the limit is reached or
 * vm_request_stop() (tests; the rvisor program runs VMs on a librvisor host). */
void vm_run(struct vm *vm, struct vm_exit *ex);
void vm_request_stop(struct vm *vm);
/*
 * Show vm's framebuffer in a window (-display sdl; vm_display.c) while run(arg) runs the
 * machine on a thread of its own; the window lives on the calling thread (call from
 * main()). 0 when run returned, or -1 with a message if the window could not be opened
 * (nothing ran).
 */
int vm_display_run(struct vm *vm, const char *name, void (*run)(void *), void *arg, char *err,
                   size_t errlen);
/* Can this build open a window (SDL2)? */
bool vm_display_available(void);
/* Power the machine off as the guest's own shutdown would (exit status 0); any thread. */
void vm_request_poweroff(struct vm *vm);

/* The VM's name (cfg.name) and whether its time follows retired instructions. */
const char *vm_name(const struct vm *vm);
bool vm_deterministic(const struct vm *vm);

/* The device tree given to the guest (valid after vm_create). */
const void *vm_dtb(const struct vm *vm, size_t *size);

/* Feed console input to the UART (returns bytes accepted). */
size_t vm_console_input(struct vm *vm, const uint8_t *buf, size_t len);

/* The framebuffer (NULL if none) and the first virtio-input device of a kind (NULL if
 * none), for a display; they live as long as the VM. */
struct simplefb *vm_framebuffer(struct vm *vm);
struct virtio_input *vm_input_device(struct vm *vm, enum vm_virtio_kind kind);

#endif
