/*
 * Running one VM under the caller's control (vm_api.h): the harts of the VM take turns
 * on the calling thread in slices of VM_SLICE instructions, as hv/sched.c runs them in
 * deterministic mode, with the device service, WFI parking, timer deadlines (jumped over
 * in deterministic mode, slept through otherwise), guest reboots, console input queued
 * by other threads, and the detection of fatal faults:
 *
 *   - a hart outside the built-in SBI whose mtvec points at memory that cannot be
 *     fetched (no RAM there: the reset value 0 of a bare-metal program without a trap
 *     handler) runs with a breakpoint on that vector, so the first trap that would go
 *     there stops it with mcause/mepc/mtval still describing the original trap;
 *   - any hart, after each slice: pc at its trap vector with xepc equal to it and an
 *     instruction fault as the cause is a double-fault loop.
 *
 * Either ends the VM (VM_EXIT_HALTED recorded, r->faulted set). Not modelled: PMP or
 * page-table faults on a vector that is RAM (the program then loops until a limit).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/csr.h"
#include "cpu/hart.h"
#include "devices/bus.h"
#include "hv/clock.h"
#include "hv/vm_api.h"
#include "hv/vm_internal.h"

#define VM_API_IDLE_SLEEP_NS 1000000ull /* longest sleep while every hart waits */

int vm_api_init(struct vm_api_runner *r, struct vm *vm)
{
    memset(r, 0, sizeof(*r));
    r->vm = vm;
    if (pthread_mutex_init(&r->in_lock, NULL) != 0)
        return -1;
    return 0;
}

void vm_api_fini(struct vm_api_runner *r)
{
    for (unsigned i = 0; r->vm && i < r->vm->nharts; i++)
        if (r->guarded[i]) {
            r->vm->harts[i].dbg = NULL;
            r->vm->harts[i].dbg_flags &= ~HART_DBG_BREAK;
        }
    free(r->in_buf);
    pthread_mutex_destroy(&r->in_lock);
}

int vm_api_send(struct vm_api_runner *r, const uint8_t *buf, size_t len)
{
    int rc = 0;
    pthread_mutex_lock(&r->in_lock);
    if (r->in_len + len > r->in_cap) {
        size_t cap = r->in_cap ? r->in_cap : 256;
        while (cap < r->in_len + len)
            cap *= 2;
        uint8_t *p = realloc(r->in_buf, cap);
        if (!p) {
            rc = -1;
            goto out;
        }
        r->in_buf = p;
        r->in_cap = cap;
    }
    memcpy(r->in_buf + r->in_len, buf, len);
    r->in_len += len;
out:
    pthread_mutex_unlock(&r->in_lock);
    return rc;
}

size_t vm_api_pending_input(struct vm_api_runner *r)
{
    pthread_mutex_lock(&r->in_lock);
    size_t n = r->in_len;
    pthread_mutex_unlock(&r->in_lock);
    return n;
}

/* Move queued input into the UART as far as its FIFO has room. */
static void feed_input(struct vm_api_runner *r)
{
    if (r->pull && !vm_api_pending_input(r)) {
        uint8_t buf[64];
        size_t n = r->pull(r->pull_opaque, buf, sizeof(buf));
        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n)
            vm_api_send(r, buf, n);
    }
    pthread_mutex_lock(&r->in_lock);
    if (r->in_len) {
        size_t n = vm_console_input(r->vm, r->in_buf, r->in_len);
        memmove(r->in_buf, r->in_buf + n, r->in_len - n);
        r->in_len -= n;
    }
    pthread_mutex_unlock(&r->in_lock);
}

/* ---- fatal faults ---- */

static bool fetchable(struct vm *vm, uint64_t pa)
{
    return bus_ram_ptr(vm->bus, pa, 4) != NULL;
}

/* Put a breakpoint on hart i's mtvec when nothing could be fetched there. */
static void guard_update(struct vm_api_runner *r, unsigned i)
{
    struct vm *vm = r->vm;
    struct hart *h = &vm->harts[i];
    uint64_t base = h->csr.mtvec & ~3ull;
    bool want = !vm->gdb && !vm->builtin_sbi && !fetchable(vm, base);
    if (want) {
        if (!r->guarded[i] || r->guard[i].bp[0] != base) {
            r->guard[i] = (struct hart_dbg){.nbp = 1, .bp = {base}};
            h->dbg = &r->guard[i];
            h->dbg_flags |= HART_DBG_BREAK;
            r->guarded[i] = true;
        }
    } else if (r->guarded[i]) {
        h->dbg = NULL;
        h->dbg_flags &= ~HART_DBG_BREAK;
        r->guarded[i] = false;
    }
}

static void fatal(struct vm_api_runner *r, const struct vm_api_fault *f)
{
    struct vm_exit ex;
    vm_get_exit(r->vm, &ex);
    if (ex.kind != VM_EXIT_NONE)
        return;
    r->fault = *f;
    r->faulted = true;
    r->source = VM_API_SRC_HOST;
    vm_record_exit(r->vm, VM_EXIT_HALTED, 0);
}

static bool is_fetch_fault(uint64_t cause)
{
    return cause == EXC_INSN_ACCESS || cause == EXC_INSN_PAGE_FAULT ||
           cause == EXC_INSN_MISALIGNED;
}

/* After a slice (or a step) of hart i: did it stop at, or loop on, a dead vector? */
static void fault_check(struct vm_api_runner *r, unsigned i, enum hart_stop why,
                        uint64_t traps0)
{
    struct hart *h = &r->vm->harts[i];
    struct vm_api_fault f = {.hart = i};
    if (why == HART_STOP_DEBUG && r->guarded[i] && h->pc == r->guard[i].bp[0]) {
        f.priv = PRIV_M;
        f.vector = h->pc;
        if (h->stat_traps != traps0 || h->csr.mepc != 0 || h->csr.mcause != 0) {
            f.cause = h->csr.mcause;
            f.epc = h->csr.mepc;
            f.tval = h->csr.mtval;
        } else {
            f.jump = true;
        }
        fatal(r, &f);
        return;
    }
    if (h->priv == PRIV_M) {
        uint64_t base = h->csr.mtvec & ~3ull;
        if (h->pc == base && h->csr.mepc == base && is_fetch_fault(h->csr.mcause) &&
            !fetchable(r->vm, base)) {
            f = (struct vm_api_fault){.hart = i, .priv = PRIV_M, .cause = h->csr.mcause,
                                      .epc = h->csr.mepc, .tval = h->csr.mtval, .vector = base};
            fatal(r, &f);
        }
    } else if (h->priv == PRIV_S) {
        uint64_t base = h->csr.stvec & ~3ull;
        if (h->pc == base && h->csr.sepc == base && is_fetch_fault(h->csr.scause)) {
            f = (struct vm_api_fault){.hart = i, .priv = PRIV_S, .cause = h->csr.scause,
                                      .epc = h->csr.sepc, .tval = h->csr.stval, .vector = base};
            fatal(r, &f);
        }
    }
}

/* ---- running ---- */

static bool exited(struct vm *vm);

/* An exit appeared: remember where it came from (the first source wins). */
static void note_source(struct vm_api_runner *r, enum vm_api_source src)
{
    struct vm_exit ex;
    if (r->source != VM_API_SRC_NONE)
        return;
    vm_get_exit(r->vm, &ex);
    if (ex.kind != VM_EXIT_NONE)
        r->source = src;
}

/*
 * An exit appeared while hart h ran: an SBI call (built-in SBI: the hart went on after an
 * ecall, so the instruction before pc is one) or a device write (the test finisher).
 */
static void note_hart_source(struct vm_api_runner *r, struct hart *h)
{
    uint32_t insn = 0;
    size_t done;
    if (r->source != VM_API_SRC_NONE || !exited(r->vm))
        return;
    bool ecall = r->vm->builtin_sbi && h->priv != PRIV_M &&
                 hart_debug_rw(h, h->pc - 4, (uint8_t *)&insn, 4, false, &done) == 0 &&
                 insn == 0x00000073u;
    note_source(r, ecall || h->env_stop ? VM_API_SRC_SBI : VM_API_SRC_FINISHER);
}

/* Hart i after it ran: HSM stop, WFI park. */
static void after_slice(struct vm_api_runner *r, unsigned i, enum hart_stop why)
{
    struct vm *vm = r->vm;
    int hsm = atomic_load(&vm->hsm[i]);
    if (hsm == HSM_STOP_PENDING)
        atomic_store(&vm->hsm[i], HSM_STOPPED);
    else if (why == HART_STOP_WFI && !vm_hart_can_wake(vm, i, true))
        r->parked[i] = true;
}

static bool exited(struct vm *vm)
{
    struct vm_exit ex;
    vm_get_exit(vm, &ex);
    return ex.kind != VM_EXIT_NONE;
}

/* The VM recorded an exit: a guest reboot goes on (true), anything else ends the run. */
static bool handle_exit(struct vm_api_runner *r)
{
    struct vm_exit ex;
    vm_get_exit(r->vm, &ex);
    if (ex.kind != VM_EXIT_RESET || r->vm->cfg.no_reboot || r->source == VM_API_SRC_HOST)
        return false;
    if (vm_reboot(r->vm) < 0) {
        vm_record_exit(r->vm, VM_EXIT_HALTED, 0);
        r->source = VM_API_SRC_HOST;
        return false;
    }
    memset(r->parked, 0, sizeof(r->parked));
    r->source = VM_API_SRC_NONE;
    return true;
}

enum vm_api_stop vm_api_run(struct vm_api_runner *r, uint64_t max_insns, uint64_t deadline_ns,
                            atomic_bool *pause, uint64_t *ran)
{
    struct vm *vm = r->vm;
    uint64_t done = 0;
    enum vm_api_stop stop;

    r->started = true;
    for (;;) {
        if (exited(vm) && !handle_exit(r)) {
            stop = VM_API_STOP_EXIT;
            break;
        }
        if (pause && atomic_load(pause)) {
            stop = VM_API_STOP_PAUSED;
            break;
        }
        if (max_insns && done >= max_insns) {
            stop = VM_API_STOP_BUDGET;
            break;
        }
        if (deadline_ns && clock_host_ns() >= deadline_ns) {
            stop = VM_API_STOP_DEADLINE;
            break;
        }
        feed_input(r);
        bool any = false;
        for (unsigned i = 0; i < vm->nharts && !exited(vm); i++) {
            struct hart *h = &vm->harts[i];
            if (r->parked[i]) {
                if (!vm_hart_can_wake(vm, i, true))
                    continue;
                r->parked[i] = false;
            } else if (!vm_hart_can_wake(vm, i, false)) {
                continue;
            }
            uint64_t budget = VM_SLICE;
            if (max_insns && max_insns - done < budget)
                budget = max_insns - done;
            if (!budget)
                break;
            guard_update(r, i);
            uint64_t traps0 = h->stat_traps;
            enum hart_stop why = hart_run(h, budget);
            uint64_t n = budget - h->slice_left;
            if (vm->nharts > 1)
                hart_resv_clear(h); /* a context switch loses the reservation */
            clock_account_insns(&vm->clock, n);
            done += n;
            r->insns += n;
            any = true;
            if (why == HART_STOP_ENV)
                note_source(r, VM_API_SRC_SBI);
            note_hart_source(r, h);
            fault_check(r, i, why, traps0);
            after_slice(r, i, why);
        }
        vm_service(vm, false);
        note_source(r, VM_API_SRC_HTIF);
        if (any || exited(vm))
            continue;
        /* nothing could run: every hart waits for an interrupt (or is stopped) */
        feed_input(r);
        bool wake = false;
        for (unsigned i = 0; i < vm->nharts && !wake; i++)
            wake = r->parked[i] ? vm_hart_can_wake(vm, i, true) : vm_hart_can_wake(vm, i, false);
        if (wake)
            continue;
        uint64_t d = vm_next_deadline(vm, r->parked), now = clock_ticks(&vm->clock);
        if (d == UINT64_MAX) {
            stop = VM_API_STOP_IDLE;
            break;
        }
        if (vm->cfg.deterministic) {
            clock_advance_to(&vm->clock, d);
            continue;
        }
        uint64_t ns = d > now ? (d - now) * (1000000000ull / CLOCK_TIMEBASE_HZ) : 0;
        if (ns > VM_API_IDLE_SLEEP_NS)
            ns = VM_API_IDLE_SLEEP_NS;
        if (deadline_ns) {
            uint64_t t = clock_host_ns();
            if (t < deadline_ns && deadline_ns - t < ns)
                ns = deadline_ns - t;
        }
        if (ns)
            clock_sleep_ns(ns);
    }
    *ran = done;
    return stop;
}

int vm_api_step(struct vm_api_runner *r, unsigned hart)
{
    struct vm *vm = r->vm;
    if (hart >= vm->nharts || exited(vm))
        return -1;
    struct hart *h = &vm->harts[hart];
    r->started = true;
    feed_input(r);
    uint64_t traps0 = h->stat_traps, ret0 = h->csr.minstret;
    guard_update(r, hart);
    hart_step(h);
    clock_account_insns(&vm->clock, 1);
    r->insns += h->csr.minstret != ret0 ? h->csr.minstret - ret0 : 0;
    note_hart_source(r, h);
    h->env_stop = false;
    enum hart_stop why = h->wfi ? HART_STOP_WFI : HART_STOP_SLICE;
    h->wfi = false;
    if (r->guarded[hart] && h->pc == r->guard[hart].bp[0])
        why = HART_STOP_DEBUG;
    fault_check(r, hart, why, traps0);
    if (!exited(vm))
        after_slice(r, hart, why);
    vm_service(vm, false);
    note_source(r, VM_API_SRC_HTIF);
    return 0;
}

void vm_api_end(struct vm_api_runner *r, enum vm_exit_kind kind)
{
    if (exited(r->vm))
        return;
    r->source = VM_API_SRC_HOST;
    vm_record_exit(r->vm, kind, 0);
}

void vm_api_exit(struct vm_api_runner *r, struct vm_exit *ex, enum vm_api_source *src)
{
    vm_get_exit(r->vm, ex);
    ex->insns = r->insns;
    if (src)
        *src = ex->kind == VM_EXIT_NONE ? VM_API_SRC_NONE : r->source;
}

/* ---- memory and registers ---- */

static void flush_harts(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nharts; i++)
        hart_tlb_flush(&vm->harts[i]); /* also drops pre-decoded blocks */
}

int vm_api_read_phys(struct vm_api_runner *r, uint64_t pa, void *buf, size_t len)
{
    return bus_dma_read(r->vm->bus, pa, buf, len) < 0 ? -1 : 0;
}

int vm_api_write_phys(struct vm_api_runner *r, uint64_t pa, const void *buf, size_t len)
{
    if (bus_dma_write(r->vm->bus, pa, buf, len) < 0)
        return -1;
    flush_harts(r->vm);
    return 0;
}

int vm_api_rw_virt(struct vm_api_runner *r, unsigned hart, uint64_t va, void *buf, size_t len,
                   bool write)
{
    size_t done;
    if (hart >= r->vm->nharts)
        return -1;
    if (hart_debug_rw(&r->vm->harts[hart], va, buf, len, write, &done) < 0)
        return -1;
    if (write)
        flush_harts(r->vm);
    return 0;
}

int vm_api_get_reg(struct vm_api_runner *r, unsigned hart, unsigned reg, uint64_t *val)
{
    if (hart >= r->vm->nharts)
        return -1;
    struct hart *h = &r->vm->harts[hart];
    if (reg < 32)
        *val = h->x[reg];
    else if (reg < 64)
        *val = h->f[reg - 32];
    else if (reg == VM_API_REG_PC)
        *val = h->pc;
    else if (reg == VM_API_REG_PRIV)
        *val = h->priv;
    else if (reg >= VM_API_REG_CSR && reg < VM_API_REG_CSR + 4096)
        return csr_debug_read(h, reg - VM_API_REG_CSR, val) ? 0 : -1;
    else
        return -1;
    return 0;
}

int vm_api_set_reg(struct vm_api_runner *r, unsigned hart, unsigned reg, uint64_t val)
{
    if (hart >= r->vm->nharts)
        return -1;
    struct hart *h = &r->vm->harts[hart];
    if (reg < 32) {
        if (reg)
            h->x[reg] = val;
    } else if (reg < 64) {
        h->f[reg - 32] = val;
    } else if (reg == VM_API_REG_PC) {
        h->pc = val;
    } else if (reg == VM_API_REG_PRIV) {
        if (val != PRIV_U && val != PRIV_S && val != PRIV_M)
            return -1;
        h->priv = (enum rv_priv)val;
        hart_tlb_flush(h);
    } else if (reg >= VM_API_REG_CSR && reg < VM_API_REG_CSR + 4096) {
        if (!csr_debug_write(h, reg - VM_API_REG_CSR, val))
            return -1;
        hart_tlb_flush(h);
    } else {
        return -1;
    }
    return 0;
}

void vm_api_counters(struct vm_api_runner *r, uint64_t *traps, uint64_t *irqs,
                     uint64_t *guest_ns)
{
    uint64_t t = 0, q = 0;
    for (unsigned i = 0; i < r->vm->nharts; i++) {
        t += r->vm->harts[i].stat_traps;
        q += r->vm->harts[i].stat_irqs;
    }
    *traps = t;
    *irqs = q;
    *guest_ns = clock_ticks(&r->vm->clock) * (1000000000ull / CLOCK_TIMEBASE_HZ);
}

unsigned vm_api_harts(const struct vm_api_runner *r)
{
    return r->vm->nharts;
}

uint64_t vm_api_ram_base(const struct vm_api_runner *r)
{
    return r->vm->ram_base;
}
