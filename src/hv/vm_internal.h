/*
 * The inside of a VM, shared by the files of hv/ that build and run it (vm.c, boot.c,
 * sbi.c, sched.c). Nothing outside hv/ includes this.
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

#define VM_SLICE 16384 /* instructions per scheduling slice */

/* SBI HSM hart states (SBI spec, chapter 9). */
enum hsm_state {
    HSM_STARTED = 0,
    HSM_STOPPED = 1,
    HSM_START_PENDING = 2,
    HSM_STOP_PENDING = 3,
    HSM_SUSPENDED = 4,
};

/*
 * What a VM needs from whoever schedules its harts (hv/sched.c). Calls may come from any
 * thread, with device locks held; none may call back into a device.
 */
struct vm_sched_ops {
    /* Hart i may have become runnable (an interrupt rose, SBI hart_start). */
    void (*wake)(void *opaque, unsigned hart);
    /* Is hart i executing on a worker thread right now? */
    bool (*running)(void *opaque, unsigned hart);
    /* The VM recorded an exit reason (vm_set_exit). */
    void (*exit)(void *opaque);
    /* A hart's timer changed (stimecmp, mtimecmp): parked harts may wake earlier. */
    void (*timer)(void *opaque);
};

struct vm {
    struct vm_config cfg;
    struct bus *bus;
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    unsigned nharts;
    struct hart *harts;
    struct resv_set resv;
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

    /* Per-hart SBI state (sbi.c); hsm is changed by other harts, hence atomic. */
    _Atomic int hsm[VM_MAX_HARTS];
    bool resume_pending[VM_MAX_HARTS]; /* non-retentive suspend: restart on wake-up */
    uint64_t resume_addr[VM_MAX_HARTS], resume_opaque[VM_MAX_HARTS];

    struct gdbstub *gdb; /* -gdb (hv/gdbstub.h); NULL: none */

    /* The scheduler running this VM (set by hv_add_vm). */
    const struct vm_sched_ops *sched;
    void *sched_opaque;
    /* vm_service: one caller at a time. */
    pthread_mutex_t service_lock;

    atomic_bool stop;
    pthread_mutex_t exit_lock;
    struct vm_exit exit;
};

/*
 * Record how the VM ends and what ended it (the first reason wins) and stop every hart.
 * Any thread.
 */
void vm_set_exit(struct vm *vm, enum vm_exit_kind kind, unsigned code, enum vm_exit_source src);
/* The same without telling the scheduler (the scheduler itself, holding its lock). */
void vm_record_exit(struct vm *vm, enum vm_exit_kind kind, unsigned code, enum vm_exit_source src);
/* A fatal fault: VM_EXIT_FAULT from VM_SRC_HOST, with f (as vm_set_exit). */
void vm_set_fault(struct vm *vm, const struct vm_fault *f);
/* The exit reason recorded so far (kind VM_EXIT_NONE: none). Any thread. */
void vm_get_exit(struct vm *vm, struct vm_exit *ex);
/* Forget the exit reason, its source and fault (after a reboot). */
void vm_clear_exit(struct vm *vm);
/* Hart i may be runnable now (wakes it through the scheduler). Any thread. */
void vm_wake_hart(struct vm *vm, unsigned i);

/*
 * For the scheduler (sched.c).
 * vm_service: poll devices, timers, HTIF, the screenshot and (debug) the GDB stub; skipped
 * when another thread is already doing it. with_gdb: also poll the GDB stub (only when no
 * hart of the VM is running).
 */
void vm_service(struct vm *vm, bool with_gdb);
/* Terminal input into the UART (the thread that owns the terminal). */
void vm_poll_console(struct vm *vm);
/* Earliest timer deadline (ticks) of the ACLINT and of the parked harts' stimecmp. */
uint64_t vm_next_deadline(struct vm *vm, const bool *parked);
/*
 * Hart i, not running: can it run now? parked: it waits in WFI or an SBI suspend and
 * needs a pending interrupt (a pending non-retentive resume is applied); otherwise it
 * only needs SBI HSM to hold it started.
 */
bool vm_hart_can_wake(struct vm *vm, unsigned i, bool parked);
/* A guest reboot: devices reset, images placed again. No hart may be running. 0 or -1. */
int vm_reboot(struct vm *vm);
/* Host memory the VM uses besides guest RAM (bytes). */
uint64_t vm_host_overhead(const struct vm *vm);
/* Take the --screenshot if it was not taken yet. */
void vm_final_screenshot(struct vm *vm);

/* boot.c: place firmware, kernel, initrd and device tree; set up the harts. */
int boot_prepare(struct vm *vm, char *err, size_t errlen);
/* M-mode set-up of the built-in SBI on one hart, then enter S-mode at entry. */
void boot_builtin_hart(struct hart *h, uint64_t entry);

/* sbi.c: the built-in SBI; hart_env.ecall for S-mode ecalls. */
bool sbi_ecall(void *opaque, struct hart *h);

#endif
