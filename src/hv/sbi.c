/*
 * rvisor's built-in SBI: the supervisor binary interface answered by the machine itself
 * instead of M-mode firmware (RISC-V SBI specification v2.0). Extensions: BASE, TIME,
 * IPI, RFENCE, HSM, SRST, DBCN and the legacy v0.1 calls (set_timer, console, IPI,
 * fences, shutdown). Arguments in a0..a5, extension id in a7, function id in a6; results
 * in a0 (error) and a1 (value). Guest addresses are physical and bounds-checked.
 *
 * Left out: PMU, SUSP (system suspend), CPPC, NACL, STA, and console_read input
 * (returns 0 bytes: the UART is the console's input path).
 */
#include <inttypes.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#define sched_yield() SwitchToThread()
#else
#include <sched.h>
#endif

#include "devices/bus.h"
#include "hv/vm_internal.h"

#define SBI_SPEC_VERSION 0x02000000 /* 2.0 */
#define SBI_IMPL_ID 0x52564953      /* "RVIS" */
#define SBI_IMPL_VERSION 0x00000100

enum sbi_ext {
    SBI_EXT_LEGACY_MAX = 0x0f,
    SBI_EXT_BASE = 0x10,
    SBI_EXT_TIME = 0x54494d45,
    SBI_EXT_IPI = 0x735049,
    SBI_EXT_RFENCE = 0x52464e43,
    SBI_EXT_HSM = 0x48534d,
    SBI_EXT_SRST = 0x53525354,
    SBI_EXT_DBCN = 0x4442434e,
};

enum sbi_legacy {
    SBI_LEGACY_SET_TIMER = 0,
    SBI_LEGACY_PUTCHAR = 1,
    SBI_LEGACY_GETCHAR = 2,
    SBI_LEGACY_CLEAR_IPI = 3,
    SBI_LEGACY_SEND_IPI = 4,
    SBI_LEGACY_FENCE_I = 5,
    SBI_LEGACY_SFENCE_VMA = 6,
    SBI_LEGACY_SFENCE_VMA_ASID = 7,
    SBI_LEGACY_SHUTDOWN = 8,
};

enum sbi_error {
    SBI_SUCCESS = 0,
    SBI_ERR_FAILED = -1,
    SBI_ERR_NOT_SUPPORTED = -2,
    SBI_ERR_INVALID_PARAM = -3,
    SBI_ERR_DENIED = -4,
    SBI_ERR_INVALID_ADDRESS = -5,
    SBI_ERR_ALREADY_AVAILABLE = -6,
    SBI_ERR_ALREADY_STARTED = -7,
    SBI_ERR_ALREADY_STOPPED = -8,
};

struct sbi_ret {
    int64_t error;
    uint64_t value;
};

#define A(n) (h->x[10 + (n)])

static struct sbi_ret ok(uint64_t value)
{
    return (struct sbi_ret){SBI_SUCCESS, value};
}

static struct sbi_ret fail(int64_t error)
{
    return (struct sbi_ret){error, 0};
}

/* Harts named by (hart_mask, hart_mask_base); base = -1 means all harts. */
static bool hart_selected(const struct vm *vm, uint64_t mask, uint64_t base, unsigned id)
{
    if (base == UINT64_MAX)
        return id < vm->nharts;
    return id >= base && id - base < 64 && ((mask >> (id - base)) & 1);
}

static bool hart_mask_valid(const struct vm *vm, uint64_t mask, uint64_t base)
{
    if (base == UINT64_MAX)
        return true;
    if (base >= vm->nharts)
        return mask == 0 ? true : false;
    /* every bit set must name a hart: none at or above nharts - base */
    return vm->nharts - base >= 64 || (mask >> (vm->nharts - base)) == 0;
}

/* ---- TIME ---- */

/*
 * The built-in SBI always enables Sstc (boot_builtin_hart), so STIP follows stimecmp and
 * the SBI timer is stimecmp itself, as OpenSBI does it on Sstc harts.
 */
static void sbi_set_timer(struct hart *h, uint64_t deadline)
{
    h->csr.stimecmp = deadline;
    atomic_store(&h->irq_check, true);
}

/* ---- IPI, RFENCE ---- */

static struct sbi_ret sbi_send_ipi(struct vm *vm, uint64_t mask, uint64_t base)
{
    if (!hart_mask_valid(vm, mask, base))
        return fail(SBI_ERR_INVALID_PARAM);
    for (unsigned i = 0; i < vm->nharts; i++)
        if (hart_selected(vm, mask, base, i)) {
            hart_set_irq(&vm->harts[i], IRQ_SSI, true);
            vm_wake_hart(vm, i);
        }
    return ok(0);
}

/*
 * Remote fences: every selected hart flushes its TLB (SFENCE.VMA; the whole TLB, whatever
 * the range) or its TLB and decoded-instruction caches (FENCE.I, code true) before its
 * next instruction.
 * The call returns once each selected hart that is running has done so; a hart that is
 * not running does it before it runs again. While waiting, the caller serves requests
 * aimed at itself, so two harts fencing each other cannot deadlock.
 */
static struct sbi_ret sbi_remote_fence(struct vm *vm, struct hart *self, uint64_t mask,
                                       uint64_t base, bool code)
{
    if (!hart_mask_valid(vm, mask, base))
        return fail(SBI_ERR_INVALID_PARAM);
    for (unsigned i = 0; i < vm->nharts; i++) {
        struct hart *t = &vm->harts[i];
        if (!hart_selected(vm, mask, base, i))
            continue;
        if (t == self && code)
            hart_tlb_flush(self);
        else if (t == self)
            hart_tlb_flush_entries(self); /* decoded blocks are keyed by physical address */
        else if (code)
            hart_request_tlb_flush(t);
        else
            hart_request_tlb_flush_entries(t);
    }
    for (unsigned i = 0; i < vm->nharts; i++) {
        struct hart *t = &vm->harts[i];
        if (t == self || !hart_selected(vm, mask, base, i))
            continue;
        while (hart_tlb_flush_pending(t) && vm->sched && vm->sched->running(vm->sched_opaque, i)) {
            if (hart_tlb_flush_pending(self))
                hart_serve_flush_request(self);
            sched_yield();
        }
    }
    return ok(0);
}

/* ---- HSM ---- */

static struct sbi_ret sbi_hart_start(struct vm *vm, uint64_t id, uint64_t addr, uint64_t opaque)
{
    if (id >= vm->nharts)
        return fail(SBI_ERR_INVALID_PARAM);
    if (!bus_ram_ptr(vm->bus, addr, 4))
        return fail(SBI_ERR_INVALID_ADDRESS);
    int expected = HSM_STOPPED;
    /* STOPPED -> START_PENDING claims the hart: two harts starting it cannot both win, and
     * a hart still finishing its stop (STOP_PENDING) is not touched */
    if (!atomic_compare_exchange_strong(&vm->hsm[id], &expected, HSM_START_PENDING))
        return fail(SBI_ERR_ALREADY_AVAILABLE);
    struct hart *t = &vm->harts[id];
    hart_reset(t, addr);
    boot_builtin_hart(t, addr);
    t->x[10] = id;
    t->x[11] = opaque;
    atomic_store(&vm->hsm[id], HSM_STARTED);
    vm_wake_hart(vm, (unsigned)id);
    return ok(0);
}

static struct sbi_ret sbi_hart_stop(struct vm *vm, struct hart *h)
{
    unsigned id = (unsigned)h->csr.mhartid;
    /* STOPPED once the scheduler has taken the hart off its worker */
    atomic_store(&vm->hsm[id], HSM_STOP_PENDING);
    h->env_stop = true;
    return ok(0);
}

static struct sbi_ret sbi_hart_suspend(struct vm *vm, struct hart *h, uint32_t type,
                                       uint64_t addr, uint64_t opaque)
{
    unsigned id = (unsigned)h->csr.mhartid;
    if (type != 0 && type != 0x80000000u)
        return fail(SBI_ERR_INVALID_PARAM);
    if (type == 0x80000000u) {
        if (!bus_ram_ptr(vm->bus, addr, 4))
            return fail(SBI_ERR_INVALID_ADDRESS);
        vm->resume_pending[id] = true;
        vm->resume_addr[id] = addr;
        vm->resume_opaque[id] = opaque;
    }
    /* park until an interrupt, like WFI; the scheduler wakes it (vm_hart_can_wake), at
     * the resume address after a non-retentive suspend */
    atomic_store(&vm->hsm[id], HSM_SUSPENDED);
    h->wfi = true;
    return ok(0);
}

/* ---- SRST, DBCN ---- */

static struct sbi_ret sbi_system_reset(struct vm *vm, uint32_t type, uint32_t reason)
{
    if (type > 2 || (reason > 1 && reason < 0xf0000000u))
        return fail(SBI_ERR_INVALID_PARAM);
    if (type == 0)
        vm_set_exit(vm, reason == 1 ? VM_EXIT_FAIL : VM_EXIT_POWEROFF, reason == 1 ? 1 : 0,
                    VM_SRC_SBI);
    else
        vm_set_exit(vm, VM_EXIT_RESET, 0, VM_SRC_SBI);
    return ok(0);
}

static struct sbi_ret sbi_console_write(struct vm *vm, uint64_t len, uint64_t lo, uint64_t hi)
{
    uint8_t buf[256];
    uint64_t done = 0;
    if (hi != 0)
        return fail(SBI_ERR_INVALID_PARAM);
    while (done < len) {
        size_t n = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
        if (lo + done < lo || bus_dma_read(vm->bus, lo + done, buf, n) < 0)
            return done ? ok(done) : fail(SBI_ERR_INVALID_PARAM);
        chardev_write(vm->console, buf, n);
        done += n;
    }
    return ok(done);
}

static void sbi_putchar(struct vm *vm, uint8_t c)
{
    chardev_write(vm->console, &c, 1);
}

/* ---- dispatch ---- */

static bool ext_supported(uint64_t ext)
{
    switch (ext) {
    case SBI_EXT_BASE:
    case SBI_EXT_TIME:
    case SBI_EXT_IPI:
    case SBI_EXT_RFENCE:
    case SBI_EXT_HSM:
    case SBI_EXT_SRST:
    case SBI_EXT_DBCN: return true;
    default: return ext <= SBI_LEGACY_SHUTDOWN;
    }
}

static struct sbi_ret sbi_base(struct hart *h, uint64_t fid)
{
    switch (fid) {
    case 0: return ok(SBI_SPEC_VERSION);
    case 1: return ok(SBI_IMPL_ID);
    case 2: return ok(SBI_IMPL_VERSION);
    case 3: return ok(ext_supported(A(0)) ? 1 : 0);
    case 4: /* mvendorid, marchid, mimpid: all zero on this hart */
    case 5:
    case 6: return ok(0);
    default: return fail(SBI_ERR_NOT_SUPPORTED);
    }
}

static struct sbi_ret sbi_dispatch(struct vm *vm, struct hart *h, uint64_t ext, uint64_t fid)
{
    switch (ext) {
    case SBI_EXT_BASE: return sbi_base(h, fid);
    case SBI_EXT_TIME:
        if (fid != 0)
            return fail(SBI_ERR_NOT_SUPPORTED);
        sbi_set_timer(h, A(0));
        return ok(0);
    case SBI_EXT_IPI:
        return fid == 0 ? sbi_send_ipi(vm, A(0), A(1)) : fail(SBI_ERR_NOT_SUPPORTED);
    case SBI_EXT_RFENCE:
        /* 0-2: fence.i, sfence.vma, sfence.vma.asid; 3-6 (hfence) need the H extension */
        return fid <= 2 ? sbi_remote_fence(vm, h, A(0), A(1), fid == 0)
                        : fail(SBI_ERR_NOT_SUPPORTED);
    case SBI_EXT_HSM:
        switch (fid) {
        case 0: return sbi_hart_start(vm, A(0), A(1), A(2));
        case 1: return sbi_hart_stop(vm, h);
        case 2: return A(0) < vm->nharts ? ok((uint64_t)atomic_load(&vm->hsm[A(0)]))
                                          : fail(SBI_ERR_INVALID_PARAM);
        case 3: return sbi_hart_suspend(vm, h, (uint32_t)A(0), A(1), A(2));
        default: return fail(SBI_ERR_NOT_SUPPORTED);
        }
    case SBI_EXT_SRST:
        return fid == 0 ? sbi_system_reset(vm, (uint32_t)A(0), (uint32_t)A(1))
                        : fail(SBI_ERR_NOT_SUPPORTED);
    case SBI_EXT_DBCN:
        switch (fid) {
        case 0: return sbi_console_write(vm, A(0), A(1), A(2));
        case 1: return ok(0); /* console_read: no input through the SBI */
        case 2: sbi_putchar(vm, (uint8_t)A(0)); return ok(0);
        default: return fail(SBI_ERR_NOT_SUPPORTED);
        }
    default: return fail(SBI_ERR_NOT_SUPPORTED);
    }
}

/* Legacy extensions return a single value in a0. */
static int64_t sbi_legacy(struct vm *vm, struct hart *h, uint64_t ext)
{
    uint64_t mask = 0;
    switch (ext) {
    case SBI_LEGACY_SET_TIMER: sbi_set_timer(h, A(0)); return 0;
    case SBI_LEGACY_PUTCHAR: sbi_putchar(vm, (uint8_t)A(0)); return 0;
    case SBI_LEGACY_GETCHAR: return -1;
    case SBI_LEGACY_CLEAR_IPI: atomic_fetch_and(&h->mip_sw, ~MIP_SSIP); return 0;
    case SBI_LEGACY_SEND_IPI:
    case SBI_LEGACY_FENCE_I:
    case SBI_LEGACY_SFENCE_VMA:
    case SBI_LEGACY_SFENCE_VMA_ASID:
        /* a0 is a virtual pointer to the hart mask (0: all harts) */
        if (A(0) && !hart_load(h, A(0), 8, &mask)) {
            h->exc_pending = false; /* a bad pointer is an error return, not a trap */
            return SBI_ERR_INVALID_ADDRESS;
        }
        if (ext == SBI_LEGACY_SEND_IPI)
            return sbi_send_ipi(vm, mask, A(0) ? 0 : UINT64_MAX).error;
        return sbi_remote_fence(vm, h, mask, A(0) ? 0 : UINT64_MAX,
                                ext == SBI_LEGACY_FENCE_I).error;
    case SBI_LEGACY_SHUTDOWN: vm_set_exit(vm, VM_EXIT_POWEROFF, 0, VM_SRC_SBI); return 0;
    default: return SBI_ERR_NOT_SUPPORTED;
    }
}

static const char *sbi_ext_name(uint64_t ext)
{
    switch (ext) {
    case SBI_EXT_BASE: return "BASE";
    case SBI_EXT_TIME: return "TIME";
    case SBI_EXT_IPI: return "IPI";
    case SBI_EXT_RFENCE: return "RFENCE";
    case SBI_EXT_HSM: return "HSM";
    case SBI_EXT_SRST: return "SRST";
    case SBI_EXT_DBCN: return "DBCN";
    default: return ext <= SBI_EXT_LEGACY_MAX ? "legacy" : "unknown";
    }
}

/* -d sbi: one line per call, arguments as the guest passed them, then the results. */
static void sbi_trace(struct hart *h, uint64_t ext, uint64_t fid, const uint64_t *a)
{
    if (ext <= SBI_EXT_LEGACY_MAX)
        fprintf(h->log, "hart %" PRIu64 ": sbi: ext=0x%" PRIx64 " (legacy) a0=0x%" PRIx64
                        " a1=0x%" PRIx64 " a2=0x%" PRIx64 " -> a0=%" PRId64 "\n",
                h->csr.mhartid, ext, a[0], a[1], a[2], (int64_t)h->x[10]);
    else
        fprintf(h->log, "hart %" PRIu64 ": sbi: ext=0x%" PRIx64 " (%s) fid=%" PRIu64
                        " a0=0x%" PRIx64 " a1=0x%" PRIx64 " a2=0x%" PRIx64 " -> error=%" PRId64
                        " value=0x%" PRIx64 "\n",
                h->csr.mhartid, ext, sbi_ext_name(ext), fid, a[0], a[1], a[2],
                (int64_t)h->x[10], h->x[11]);
}

bool sbi_ecall(void *opaque, struct hart *h)
{
    struct vm *vm = opaque;
    uint64_t ext = h->x[17], fid = h->x[16];
    uint64_t args[3] = {A(0), A(1), A(2)};

    if (!vm->builtin_sbi)
        return false;
    if (ext <= SBI_EXT_LEGACY_MAX) {
        h->x[10] = (uint64_t)sbi_legacy(vm, h, ext);
    } else {
        struct sbi_ret r = sbi_dispatch(vm, h, ext, fid);
        h->x[10] = (uint64_t)r.error;
        if (r.error == SBI_SUCCESS)
            h->x[11] = r.value;
    }
    if (RV_UNLIKELY(h->dbg_flags & HART_TRACE_SBI))
        sbi_trace(h, ext, fid, args);
    return true;
}
