/*
 * The inside of a VM, shared by the files of hv/ that build and run it (vm.c, boot.c,
 * sbi.c). Nothing outside hv/ includes this.
 */
#ifndef RVISOR_HV_VM_INTERNAL_H
#define RVISOR_HV_VM_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "cpu/hart.h"
#include "devices/chardev.h"
#include "hv/clock.h"
#include "hv/htif.h"
#include "hv/vm.h"

struct virtio_dev;

#define VM_SLICE 16384
#define VM_IDLE_POLL_NS 10000000ull /* longest sleep of a parked machine */

/* SBI HSM hart states (SBI spec, chapter 9). */
enum hsm_state {
    HSM_STARTED = 0,
    HSM_STOPPED = 1,
    HSM_START_PENDING = 2,
    HSM_STOP_PENDING = 3,
    HSM_SUSPENDED = 4,
};

struct vm {
    struct vm_config cfg;
    struct bus *bus;
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    unsigned nharts;
    struct hart *harts;
    struct hart_env env;
    struct vm_clock clock;
    struct htif htif;
    struct chardev stdout_console;
    const struct chardev *console;

    struct aclint *aclint;
    struct ns16550a *uart;
    struct plic *plic;
    struct goldfish_rtc *rtc;
    struct virtio_dev *virtio[VM_MAX_VIRTIO]; /* virtio-mmio slots 0..7 (owned by the bus) */
    void *net[VM_MAX_VIRTIO]; /* virtio-net devices by slot: stopped before the bus goes */
    struct simplefb *fb;                          /* NULL: no framebuffer */
    struct virtio_input *keyboard, *tablet;       /* owned by their transports */
    bool screenshot_taken;

    struct irq_line *msip, *mtip, *ssip, *plic_ctx;

    /* Boot state (boot.c). */
    bool builtin_sbi;      /* S-mode kernel with rvisor's SBI in M-mode */
    void *dtb;             /* the device tree passed to the guest */
    size_t dtb_size;
    uint64_t dtb_addr;

    /* Per-hart SBI state (sbi.c). */
    enum hsm_state hsm[VM_MAX_HARTS];
    bool resume_pending[VM_MAX_HARTS]; /* non-retentive suspend: restart on wake-up */
    uint64_t resume_addr[VM_MAX_HARTS], resume_opaque[VM_MAX_HARTS];

    struct gdbstub *gdb; /* -gdb (hv/gdbstub.h); NULL: none */

    atomic_bool stop;
    /* Idle wake-up: an interrupt raised on any thread ends the idle sleep at once. */
    pthread_mutex_t idle_lock;
    pthread_cond_t idle_cond;
    bool idle_kicked;
    struct vm_exit exit;
};


/* Record how the VM ends (first reason wins) and stop every hart. */
void vm_set_exit(struct vm *vm, enum vm_exit_kind kind, unsigned code);

/* boot.c: place firmware, kernel, initrd and device tree; set up the harts. */
int boot_prepare(struct vm *vm, char *err, size_t errlen);
/* M-mode set-up of the built-in SBI on one hart, then enter S-mode at entry. */
void boot_builtin_hart(struct hart *h, uint64_t entry);

/* sbi.c: the built-in SBI; hart_env.ecall for S-mode ecalls. */
bool sbi_ecall(void *opaque, struct hart *h);

#endif
