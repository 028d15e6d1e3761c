/*
 * Running VMs from the rvisor program: the VMs of a --config file, or the one VM of a
 * QEMU-style command line, on one hypervisor (hv.h) with its optional QMP monitor, and
 * the process exit status that results.
 *
 * Exit status of a run (README, "Exit status"): for one VM, the guest's code (0 on
 * poweroff or test pass, the finisher/HTIF code on failure), 124 when --max-insns ran
 * out, 125 when the VM can never run again, 130 when the user quit; for several VMs, the
 * first nonzero status in config order (0 when every VM passed).
 */
#ifndef RVISOR_HV_LAUNCH_H
#define RVISOR_HV_LAUNCH_H

#include <stdbool.h>

#include "hv/hv.h"
#include "hv/vm.h"

#define EXIT_USAGE 2
#define EXIT_INFRA 3
#define EXIT_INSN_LIMIT 124
#define EXIT_HUNG 125

/* Settings from the command line; they override the config file's. */
struct launch_opts {
    unsigned threads;        /* 0: not given */
    bool deterministic;      /* --deterministic */
    const char *monitor;     /* --monitor PATH (QMP socket) */
    const char *trace_sched; /* --trace-sched FILE */
    bool quiet;              /* no per-VM summary at the end */
};

/* The process exit status for one VM's end. */
int launch_exit_status(const struct vm_exit *ex);

/* rvisor --config FILE: build every VM, run them all, return the exit status. */
int launch_config(const char *path, const struct launch_opts *o);

/*
 * One VM already built (the command line): run it on a hypervisor of its own with the
 * given options (monitor, threads, trace). Fills *ex; 0, or -1 after printing why it
 * could not start.
 */
int launch_one(struct vm *vm, const struct launch_opts *o, struct vm_exit *ex);

#endif
