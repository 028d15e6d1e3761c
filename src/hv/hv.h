/*
 * The hypervisor: several VMs in one process, their virtual harts time-sliced onto a pool
 * of host worker threads (M:N), each VM held to a fair share by weight, an optional cap
 * and a memory quota (hv/sched.c). This header is the control surface used by main.c,
 * the QMP monitor (hv/monitor.c) and the embedding API.
 *
 * Thread safety: every function here may be called from any thread while hv_run() runs,
 * except hv_create/hv_add_vm (before hv_run) and hv_destroy (after it returned).
 *
 * Names follow the control API (and the JSON config file): weight, cap, quota,
 * soft-quota. VMs are addressed by index (0..hv_vm_count()-1) or looked up by name.
 */
#ifndef RVISOR_HV_HV_H
#define RVISOR_HV_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hv/vm.h"

#define HV_DEFAULT_WEIGHT 256
#define HV_MAX_WEIGHT 10000
#define HV_MAX_THREADS 64

struct hv;

struct hv_options {
    unsigned threads;     /* worker threads; 0: min(virtual harts, host CPUs) */
    bool deterministic;   /* one thread, time from retired instructions (vm configs too) */
    const char *trace_sched; /* --trace-sched: Chrome trace-event JSON file, or NULL */
};

/* Scheduling and memory parameters of one VM. */
struct hv_vm_params {
    unsigned weight;           /* fair-share weight, 1..HV_MAX_WEIGHT; 0: HV_DEFAULT_WEIGHT */
    unsigned cap;              /* at most this % of one host thread (1..100*threads); 0: none */
    uint64_t quota;            /* hard memory quota in bytes (RAM committed + overhead); 0: none */
    uint64_t soft_quota;       /* soft limit in bytes: an event when crossed; 0: none */
};

/* 0, or -1 with a one-line message. */
int hv_create(const struct hv_options *opt, struct hv **out, char *err, size_t errlen);
/*
 * Add a VM (built with vm_create; the hv owns it from now on, even on failure). Its name
 * (cfg.name) must be unique. Returns its index, or -1 with a message.
 */
int hv_add_vm(struct hv *hv, struct vm *vm, const struct hv_vm_params *p, char *err,
              size_t errlen);
/* Run until every VM has ended (or hv_shutdown). */
void hv_run(struct hv *hv);
/* End every VM (as vm-stop on each); hv_run returns soon after. */
void hv_shutdown(struct hv *hv);
void hv_destroy(struct hv *hv);

unsigned hv_vm_count(const struct hv *hv);
int hv_vm_find(const struct hv *hv, const char *name); /* index, or -1 */
struct vm *hv_vm(struct hv *hv, unsigned idx);
/* How VM idx ended (kind VM_EXIT_NONE while it runs). */
void hv_vm_exit(struct hv *hv, unsigned idx, struct vm_exit *ex);

enum hv_vm_state {
    HV_VM_RUNNING = 0, /* some hart runnable, running or parked in WFI */
    HV_VM_PAUSED,      /* vm-pause, or the debugger holds it */
    HV_VM_QUOTA,       /* paused at its hard memory quota */
    HV_VM_STOPPED,     /* ended: powered off, failed, stopped or out of instructions */
};
const char *hv_vm_state_name(enum hv_vm_state s); /* "running", "paused", "quota", "stopped" */

struct hv_vm_info {
    const char *name; /* valid as long as the hv */
    enum hv_vm_state state;
    unsigned harts;
    unsigned weight, cap;
    uint64_t ram_size;
    uint64_t quota, soft_quota;   /* bytes; 0: none */
    uint64_t committed_pages;     /* 4 KiB guest pages written at least once */
    uint64_t committed;           /* bytes: committed pages + host-side overhead */
    uint64_t peak;                /* highest `committed` so far */
    uint64_t overhead;            /* host-side bytes (harts, caches, devices, buffers) */
    uint64_t insns;               /* instructions retired by all its harts */
    uint64_t run_ns;              /* host time its harts ran */
    struct vm_exit exit;          /* when stopped */
};

enum hv_hart_state {
    HV_HART_RUNNABLE = 0, /* waiting for a worker thread */
    HV_HART_RUNNING,
    HV_HART_PARKED,       /* WFI, or an SBI HSM suspend: waits for an interrupt */
    HV_HART_OFF,          /* SBI HSM stopped, or the VM is paused/stopped */
};
const char *hv_hart_state_name(enum hv_hart_state s);

struct hv_hart_stats {
    enum hv_hart_state state;
    uint64_t insns;      /* retired */
    uint64_t slices;     /* times it was given a worker thread */
    uint64_t run_ns;     /* host time on a worker thread */
    uint64_t steal_ns;   /* runnable but waiting for a worker thread */
    uint64_t parks;      /* WFI / suspend parks */
};

int hv_query_vm(struct hv *hv, unsigned idx, struct hv_vm_info *out);     /* 0 or -1 */
int hv_query_hart(struct hv *hv, unsigned idx, unsigned hart, struct hv_hart_stats *out);

/* Control; each 0, or -1 with a one-line message (bad index, wrong state, bad value). */
int hv_vm_pause(struct hv *hv, unsigned idx, char *err, size_t errlen);
int hv_vm_resume(struct hv *hv, unsigned idx, char *err, size_t errlen); /* also after quota */
int hv_vm_stop(struct hv *hv, unsigned idx, char *err, size_t errlen);
int hv_vm_reset(struct hv *hv, unsigned idx, char *err, size_t errlen);
int hv_set_weight(struct hv *hv, unsigned idx, unsigned weight, char *err, size_t errlen);
int hv_set_cap(struct hv *hv, unsigned idx, unsigned cap, char *err, size_t errlen);
int hv_set_quota(struct hv *hv, unsigned idx, uint64_t quota, uint64_t soft_quota, char *err,
                 size_t errlen);
/* The VM's framebuffer as a PNG; -1 if it has none or the build has no libpng. */
int hv_screendump(struct hv *hv, unsigned idx, const char *file, char *err, size_t errlen);

/*
 * Events, QMP style. `name` is one of:
 *   "VM_PAUSED"   data {"vm": NAME, "reason": "user"|"quota"|"debugger"}
 *   "VM_RESUMED"  data {"vm": NAME}
 *   "VM_RESET"    data {"vm": NAME, "reason": "user"|"guest"}
 *   "VM_STOPPED"  data {"vm": NAME, "reason": "poweroff"|"fail"|"reset"|"max-insns"|
 *                        "halted"|"quit"|"user"|"fault", "code": N}
 *   "QUOTA_SOFT"  data {"vm": NAME, "committed": BYTES, "soft-quota": BYTES}
 *   "QUOTA_HARD"  data {"vm": NAME, "committed": BYTES, "quota": BYTES}
 * `data` is the JSON text of the data object. The listener runs on whatever thread caused
 * the event, possibly with scheduler locks held: it must only copy and queue.
 */
typedef void (*hv_event_fn)(void *opaque, const char *name, const char *data);
void hv_set_event_listener(struct hv *hv, hv_event_fn fn, void *opaque);

#endif
