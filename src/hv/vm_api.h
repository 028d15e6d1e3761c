/*
 * Running one VM under the caller's control, for the embedding API (src/lib/rvisor.c):
 * its harts round-robin on the calling thread, in slices, with an instruction budget, a
 * host deadline, a pause flag another thread may raise, and single-step; plus access to
 * guest memory and registers. This is the scheduler's work (hv/sched.c) without worker
 * threads: a VM run here must not also be added to a struct hv.
 *
 * How a run ends, what ended it (struct vm_exit.source) and a fatal fault (a trap whose
 * vector cannot be fetched: VM_EXIT_FAULT, vm_exit.fault) are recorded by the VM where
 * they happen (hv/vm.c), the same under both runners; this file only reports them.
 */
#ifndef RVISOR_HV_VM_API_H
#define RVISOR_HV_VM_API_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/vm.h"

/* struct vm_exit.source as the library reports it (VM_SRC_CONSOLE and _GDB are HOST). */
enum vm_api_source {
    VM_API_SRC_NONE = 0,
    VM_API_SRC_FINISHER, /* sifive,test write */
    VM_API_SRC_SBI,      /* SBI SRST or the legacy shutdown call */
    VM_API_SRC_HTIF,     /* tohost */
    VM_API_SRC_HOST,     /* the runner itself: limits, fatal fault, stop request */
};

enum vm_api_stop {
    VM_API_STOP_EXIT = 0, /* the VM ended: vm_api_exit() says how */
    VM_API_STOP_BUDGET,   /* this call's instruction budget is used up */
    VM_API_STOP_DEADLINE, /* this call's host deadline passed */
    VM_API_STOP_PAUSED,   /* the pause flag was raised */
    VM_API_STOP_IDLE,     /* every hart waits for an interrupt only input could bring
                             (no timer is set and the VM has no network card) */
};

/* A fatal fault: the trap that could not be handled (a copy of struct vm_fault). */
struct vm_api_fault {
    unsigned hart;
    unsigned priv;  /* privilege the trap was taken into: 3 M, 1 S */
    uint64_t cause; /* mcause/scause of the first unhandled trap */
    uint64_t epc, tval;
    uint64_t vector; /* the trap vector that could not be fetched */
    bool jump;       /* pc reached the vector without a trap (a jump to it): cause is the
                        fetch fault there */
};

struct vm_api_runner {
    struct vm *vm;
    bool started;
    bool parked[VM_MAX_HARTS];
    uint64_t insns;
    bool faulted;              /* the VM ended with VM_EXIT_FAULT... */
    struct vm_api_fault fault; /* ...this one (both set by vm_api_run/step/exit) */
    /* console input waiting for room in the UART (any thread adds, runner drains) */
    pthread_mutex_t in_lock;
    uint8_t *in_buf;
    size_t in_len, in_cap;
    /* optional source of more input, asked when the queue is empty (runner's thread) */
    size_t (*pull)(void *opaque, uint8_t *buf, size_t max);
    void *pull_opaque;
    /*
     * Wake-ups of a run that waits while every hart is parked: an interrupt raised on
     * another thread (a network back end's), queued input, an exit. The runner is the
     * VM's scheduler (vm->sched) from its first run until vm_api_fini.
     */
    pthread_mutex_t wake_lock;
    pthread_cond_t wake_cond;
    bool woken; /* under wake_lock */
};

/*
 * Move queued input (and what pull gives) into the UART as far as its FIFO has room. The
 * runner calls it; for a VM run by the hypervisor instead, make it cfg.input_poll with
 * the runner as opaque.
 */
void vm_api_feed(void *runner);

/* 0, or -1 (out of resources). */
int vm_api_init(struct vm_api_runner *r, struct vm *vm);
/* Before vm_destroy: stops the VM's network back ends (their threads wake the runner). */
void vm_api_fini(struct vm_api_runner *r);

/*
 * Run until the VM ends or a limit: max_insns (0: none) instructions in this call,
 * deadline_ns (host monotonic ns, clock_host_ns(); 0: none), *pause set. *ran: the
 * instructions retired in this call. While every hart waits for an interrupt it sleeps
 * until the next timer (deterministic: jumps there), an interrupt from another thread
 * or queued input, at most 1 ms at a time (*pause and pull are polled); with no timer
 * set it returns VM_API_STOP_IDLE, unless the VM has a network card (whose back end can
 * raise an interrupt any time): then it waits for one until deadline_ns or *pause.
 */
enum vm_api_stop vm_api_run(struct vm_api_runner *r, uint64_t max_insns, uint64_t deadline_ns,
                            atomic_bool *pause, uint64_t *ran);
/* Execute one instruction (or take one trap) on hart i. 0, or -1 (bad hart, ended). */
int vm_api_step(struct vm_api_runner *r, unsigned hart);
/* End the VM as the host would (kind VM_EXIT_MAX_INSNS, VM_EXIT_HALTED...; VM_SRC_HOST). */
void vm_api_end(struct vm_api_runner *r, enum vm_exit_kind kind);
/* The same with another source (VM_SRC_CONSOLE: the user quit on the terminal). */
void vm_api_end_from(struct vm_api_runner *r, enum vm_exit_kind kind, enum vm_exit_source src);
/*
 * How the VM ended (kind VM_EXIT_NONE while it has not; VM_EXIT_FAULT with ex->fault),
 * ex->source exact; *src (may be NULL) the same as the library names it.
 */
void vm_api_exit(struct vm_api_runner *r, struct vm_exit *ex, enum vm_api_source *src);

/* Queue console input for the UART (any thread). 0, or -1 out of memory. */
int vm_api_send(struct vm_api_runner *r, const uint8_t *buf, size_t len);
size_t vm_api_pending_input(struct vm_api_runner *r);

/* Guest-physical RAM (0, or -1 if any byte is not RAM); virtual as hart sees it. */
int vm_api_read_phys(struct vm_api_runner *r, uint64_t pa, void *buf, size_t len);
int vm_api_write_phys(struct vm_api_runner *r, uint64_t pa, const void *buf, size_t len);
int vm_api_rw_virt(struct vm_api_runner *r, unsigned hart, uint64_t va, void *buf, size_t len,
                   bool write);

/* Registers: 0..31 x, 32..63 f, 64 pc, 65 privilege, 0x1000 + n CSR n. 0 or -1. */
#define VM_API_REG_PC   64
#define VM_API_REG_PRIV 65
#define VM_API_REG_CSR  0x1000
int vm_api_get_reg(struct vm_api_runner *r, unsigned hart, unsigned reg, uint64_t *val);
int vm_api_set_reg(struct vm_api_runner *r, unsigned hart, unsigned reg, uint64_t val);

/* Counters: instructions (this runner), traps, interrupts, guest time in ns. */
void vm_api_counters(struct vm_api_runner *r, uint64_t *traps, uint64_t *irqs,
                     uint64_t *guest_ns);
unsigned vm_api_harts(const struct vm_api_runner *r);
uint64_t vm_api_ram_base(const struct vm_api_runner *r);

#endif
