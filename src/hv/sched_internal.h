/*
 * The scheduler's state, shared by sched.c (running) and hv.c (life cycle, quotas, queries
 * and control commands). Nothing outside those two files includes this.
 */
#ifndef RVISOR_HV_SCHED_INTERNAL_H
#define RVISOR_HV_SCHED_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hv/hv.h"
#include "hv/vm_internal.h"

#define HV_CAP_PERIOD_NS 10000000ull /* cap accounting period: 10 ms */

struct hv_vm;

struct vhart {
    struct hv_vm *vm;
    unsigned idx;
    struct hart *h;
    enum hv_hart_state state;
    bool queued;
    struct vhart *next; /* run queue link */
    uint64_t since_ns;  /* RUNNABLE since (steal time) */
    struct hv_hart_stats st;
};

enum hv_pause_reason { PAUSE_NONE = 0, PAUSE_USER, PAUSE_QUOTA };

struct hv_vm {
    struct hv *hv;
    struct vm *vm;
    unsigned index;
    struct vhart *vh;
    unsigned nharts;
    struct vhart *rq_head, *rq_tail;
    unsigned running;      /* harts on a worker now */
    unsigned max_parallel; /* 1: serial (GDB stub, --trace, deterministic) */
    bool in_service;       /* a thread services the VM exclusively (reboot, GDB) */
    bool stopped;          /* ended for good */
    bool exiting;          /* an exit reason is recorded: wind down */
    enum hv_pause_reason pause;
    uint64_t vtime;
    unsigned weight, cap;
    uint64_t cap_period_start, cap_used_ns;
    bool throttled;
    uint64_t quota, soft_quota, overhead;
    _Atomic uint64_t peak; /* read without the lock by on_commit */
    bool soft_fired;
    bool reset_by_user;
    _Atomic uint64_t committed_pages;
    uint64_t insns, run_ns, reserved;
    struct vm_exit exit;
    bool parked[VM_MAX_HARTS];
};

struct hv {
    pthread_mutex_t lock;
    pthread_cond_t work;  /* workers: something may be runnable */
    pthread_cond_t done;  /* hv_run: a VM ended; pause waits */
    struct hv_vm **vms;
    unsigned nvms, cap_vms;
    unsigned nthreads;
    pthread_t *threads;
    bool deterministic;
    bool quit;      /* workers: leave */
    unsigned live;  /* VMs not stopped */
    uint64_t timer_due_ns; /* host ns when some parked hart's timer comes due */
    bool timer_owner;      /* an idle worker waits for the timer */
    uint64_t start_ns;
    uint64_t det_insns;    /* deterministic: all instructions, the trace's clock */
    hv_event_fn ev;
    void *ev_opaque;
    FILE *guest_errors; /* -d guest_errors of some VM: device reports of workers go here */
    FILE *trace;
    bool trace_first;
    pthread_mutex_t trace_lock;
};

void hv_err(char *err, size_t errlen, const char *fmt, ...);
uint64_t now_ns(void);
/* hv->lock held for all of these. */
void hv_event(struct hv *hv, const char *name, const char *fmt, ...);
void trace_instant(struct hv *hv, struct hv_vm *v, int hart, const char *what);
void make_runnable(struct hv *hv, struct vhart *vh);
uint64_t min_active_vtime(struct hv *hv, const struct hv_vm *except, bool *found);
void stop_all_harts(struct hv_vm *v);
void quota_check(struct hv *hv, struct hv_vm *v);
void hv_update_timer(struct hv *hv);
/* Any thread, no lock needed. */
void trace_emit(struct hv *hv, const char *fmt, ...);
extern const struct vm_sched_ops hv_sched_ops;

#endif
