/*
 * Debugger hooks of one hart: pc breakpoints and data watchpoints on virtual addresses,
 * as a GDB stub sets them (hv/gdbstub.c). The hart only checks them; the stub owns the
 * table (struct hart_dbg, shared by the harts of a VM) and decides what a stop means.
 *
 * Cost when unused: hart_run tests one flags word per instruction (HART_DBG_STOPS clear),
 * and the load/store slow path tests the same word before filling the TLB. With
 * watchpoints set, loads and stores never enter the TLB, so each one is checked.
 */
#ifndef RVISOR_CPU_DEBUG_H
#define RVISOR_CPU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#define HART_DBG_MAX_BP 64
#define HART_DBG_MAX_WP 16

/* Watchpoint kinds (GDB's Z2 write, Z3 read, Z4 access). */
enum hart_watch_kind {
    HART_WATCH_WRITE = 1,
    HART_WATCH_READ = 2,
    HART_WATCH_ACCESS = 3,
};

struct hart_watch {
    uint64_t addr, len;
    unsigned kind; /* enum hart_watch_kind */
};

/* Breakpoints (software and hardware alike: pc matches) and watchpoints. */
struct hart_dbg {
    unsigned nbp;
    uint64_t bp[HART_DBG_MAX_BP];
    unsigned nwp;
    struct hart_watch wp[HART_DBG_MAX_WP];
};

enum hart_dbg_reason {
    HART_DBG_NONE = 0,
    HART_DBG_BREAKPOINT, /* pc matched a breakpoint; the instruction has not run */
    HART_DBG_WATCHPOINT, /* an access hit a watchpoint; the instruction has completed */
};

/* Why the debugger stopped a hart, and the resume state. */
struct hart_dbg_stop {
    enum hart_dbg_reason reason;
    unsigned kind; /* watchpoint: the kind of the watchpoint that fired */
    uint64_t addr; /* watchpoint: the address to report (inside the watched range) */
    bool skip;     /* resuming: don't stop at a breakpoint on skip_pc first */
    uint64_t skip_pc;
};

#endif
