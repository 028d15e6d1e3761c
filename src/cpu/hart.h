/*
 * One RISC-V hart (RV64GC + Zicsr/Zifencei/Zicntr/Zihintpause/Zba/Zbb/Zbs/Zicond), M/S/U.
 *
 * This header is the whole contract between cpu/ and the rest of rvisor: the hart's
 * architectural state, how it reaches memory (a struct bus, through its software TLB),
 * how the outside world raises interrupt lines, and how a slice of execution returns.
 * cpu/ knows nothing of devices or of the hypervisor: time, SBI and tracing reach it
 * through struct hart_env callbacks.
 *
 * Privileged spec references are to "The RISC-V Instruction Set Manual Volume II:
 * Privileged Architecture" (20211203 / 20240411).
 */
#ifndef RVISOR_CPU_HART_H
#define RVISOR_CPU_HART_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/csr.h"
#include "cpu/debug.h"
#include "cpu/tlb.h"

#if defined(__GNUC__) || defined(__clang__)
#define RV_MUST_CHECK __attribute__((warn_unused_result))
#define RV_LIKELY(x)  __builtin_expect(!!(x), 1)
#define RV_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define RV_MUST_CHECK
#define RV_LIKELY(x)  (x)
#define RV_UNLIKELY(x) (x)
#endif

struct bus;
struct hart;
struct insn;

enum rv_priv {
    PRIV_U = 0,
    PRIV_S = 1,
    PRIV_M = 3,
};

/* Exception causes (mcause with interrupt bit clear), privileged spec table 3.6. */
enum rv_exc {
    EXC_INSN_MISALIGNED = 0,
    EXC_INSN_ACCESS = 1,
    EXC_ILLEGAL_INSN = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_ECALL_M = 11,
    EXC_INSN_PAGE_FAULT = 12,
    EXC_LOAD_PAGE_FAULT = 13,
    EXC_STORE_PAGE_FAULT = 15,
};

/* Interrupt numbers (bit positions in mip/mie). */
enum rv_irq {
    IRQ_SSI = 1,
    IRQ_MSI = 3,
    IRQ_STI = 5,
    IRQ_MTI = 7,
    IRQ_SEI = 9,
    IRQ_MEI = 11,
};

#define MIP_SSIP (1ull << IRQ_SSI)
#define MIP_MSIP (1ull << IRQ_MSI)
#define MIP_STIP (1ull << IRQ_STI)
#define MIP_MTIP (1ull << IRQ_MTI)
#define MIP_SEIP (1ull << IRQ_SEI)
#define MIP_MEIP (1ull << IRQ_MEI)

/* Kinds of memory access; they select the TLB, the PTE permission and the fault cause. */
enum rv_access {
    ACCESS_FETCH = 0,
    ACCESS_LOAD = 1,
    ACCESS_STORE = 2,
};

/* Why hart_run() returned. */
enum hart_stop {
    HART_STOP_SLICE = 0, /* the instruction budget of the slice is used up */
    HART_STOP_WFI,       /* executed WFI with no interrupt pending: park until one is */
    HART_STOP_HALT,      /* stopped from outside (hart_request_stop), or powered off */
    HART_STOP_ENV,       /* an env callback asked to end the slice (SBI shutdown, HTIF) */
    HART_STOP_DEBUG,     /* a breakpoint or watchpoint fired (see dbg_stop) */
};

/*
 * struct hart.dbg_flags: event traces (-d) and debugger hooks. Every site tests this one
 * word with a branch predicted not taken, so they cost nothing measurable when clear.
 */
#define HART_TRACE_INT          (1u << 0) /* every trap and interrupt */
#define HART_TRACE_MMU          (1u << 1) /* every page-table walk */
#define HART_TRACE_SBI          (1u << 2) /* built-in SBI calls (hv/sbi.c) */
#define HART_TRACE_UNIMP        (1u << 3) /* unimplemented CSRs, illegal instructions */
#define HART_TRACE_GUEST_ERRORS (1u << 4) /* device misuse (devices/dev_log.c) */
#define HART_TRACE_ALL          0x1fu
#define HART_DBG_BREAK          (1u << 8) /* dbg->nbp > 0: check pc before each instruction */
#define HART_DBG_WATCH          (1u << 9) /* dbg->nwp > 0: check loads and stores */
#define HART_DBG_STOPS          (HART_DBG_BREAK | HART_DBG_WATCH)

/*
 * A trap that leads nowhere (struct hart_env.fatal_trap): nothing can execute at the
 * vector it went to, or the handler's own first fetch faulted into the same handler.
 */
struct hart_dead_trap {
    uint64_t cause;     /* as written to mcause/scause (bit 63: an interrupt) */
    uint64_t epc, tval; /* as written to mepc/sepc and mtval/stval */
    uint64_t vector;    /* the new pc */
    enum rv_priv priv;  /* the mode the trap went to */
    bool jump;          /* a fetch fault at the vector itself, which is no memory: pc got
                           there by a jump (or by running into it), not by a trap */
};

/*
 * What the hart needs from the machine it lives in. Every callback gets env->opaque.
 * All are optional except get_time.
 */
struct hart_env {
    void *opaque;
    /* Current mtime in ticks of the timebase (10 MHz on the virt board). */
    uint64_t (*get_time)(void *opaque, struct hart *h);
    /*
     * An ECALL from S- or U-mode before it traps. Return true when the environment
     * handled it (built-in SBI); the hart then continues at pc + 4.
     */
    bool (*ecall)(void *opaque, struct hart *h);
    /* The hart wrote stimecmp or menvcfg.STCE; lets the machine reschedule its timer. */
    void (*timer_changed)(void *opaque, struct hart *h);
    /*
     * Set: called on trap entry (cpu/trap.c) when the trap leads nowhere, so the hart
     * would trap forever: the vector is no RAM on the bus (the trap went to M-mode, or
     * to S-mode with satp bare; PMP is not considered), or the trap is an instruction
     * fault at the vector taken into the mode it came from (the handler's first fetch
     * faulted). The hart has taken the trap (CSRs and pc updated); the callback may stop
     * it (hart_request_stop). Only the trap path pays for the check.
     */
    void (*fatal_trap)(void *opaque, struct hart *h, const struct hart_dead_trap *t);
};

/*
 * The harts of one machine, for LR/SC across host threads (cpu/exec_a.c). A store to RAM
 * by any hart clears every other hart's reservation on the same 64-byte line, so an SC
 * fails after another hart's store to its reservation set even when the store wrote the
 * value LR had read. `active` counts published reservations: while it is 0 (the common
 * case) a store pays one relaxed load and nothing else.
 */
struct resv_set {
    atomic_uint active;
    unsigned nharts;
    struct hart *harts;
};
#define RESV_LINE_MASK (~(uintptr_t)63)

/* Register file and state, grouped as the spec groups them. */
struct hart {
    uint64_t x[32];
    uint64_t f[32]; /* raw bits; single values are NaN-boxed */
    uint64_t pc;
    uint64_t npc; /* next pc, set before execute; branches and jumps overwrite it */
    enum rv_priv priv;

    struct csr_state csr;

    /*
     * mip is the OR of three sources: bits driven by device lines (mip_hw: MSIP, MTIP, MEIP,
     * external SEIP), bits written by software (mip_sw: SSIP, STIP, SEIP; the ACLINT SSWI
     * also sets SSIP here), and STIP from Sstc when menvcfg.STCE = 1. Both words are atomic:
     * devices on other threads update them. irq_check asks the run loop to re-evaluate
     * interrupts before the next instruction.
     */
    _Atomic uint64_t mip_hw;
    _Atomic uint64_t mip_sw;
    atomic_bool irq_check;

    /*
     * LR/SC reservation: physical address, the value LR loaded, valid flag (this hart's
     * own view), and the host address of the reserved 64-byte line as published to the
     * other harts of the machine (resv_line, 0: none), which clear it when they store to
     * that line (see struct resv_set).
     */
    uint64_t resv_addr;
    uint64_t resv_value;
    bool resv_valid;
    _Atomic uintptr_t resv_line;
    struct resv_set *resv_set; /* NULL: a machine of one hart, nobody to snoop */

    /* Another hart asked for a TLB flush (remote sfence.vma); served with irq_check. */
    atomic_uint tlb_flush_req; /* HART_FLUSH_* asked by other harts */

    /* Pending synchronous exception raised while executing the current instruction. */
    bool exc_pending;
    uint64_t exc_cause;
    uint64_t exc_tval;

    /* Slice bookkeeping. */
    uint64_t slice_left;
    atomic_bool stop_request; /* hart_request_stop: return HART_STOP_HALT */
    bool env_stop;            /* an env callback ended the slice: return HART_STOP_ENV */
    bool wfi;                 /* WFI executed with nothing pending: return HART_STOP_WFI */

    struct tlb tlb;
    unsigned walk_span; /* span (tlb.h) of the last translation, for its TLB entry */
    struct bus *bus;
    const struct hart_env *env;

    /* Per-hart decode cache, keyed by the instruction bits (no invalidation needed). */
    struct decode_cache *dcache;
    /*
     * Per-hart block cache of pre-decoded instructions (cpu/block.h), the fast path of
     * hart_run. blk_stale: a store of this hart hit cached code (or an MMIO store
     * stopped the machine), so the running block must stop after it. blk_portable: use
     * the portable switch dispatch instead of computed goto (both are built; tests run
     * both).
     */
    struct blk_cache *bcache;
    bool blk_stale;
    bool blk_portable;

    /* --trace: print each executed instruction here (NULL: off). */
    FILE *trace;

    /* -d event traces and debugger hooks (HART_TRACE_*, HART_DBG_*). */
    uint32_t dbg_flags;
    FILE *log;                   /* event trace lines; set whenever a trace flag is */
    const struct hart_dbg *dbg;  /* breakpoints/watchpoints (cpu/debug.h); NULL: none */
    struct hart_dbg_stop dbg_stop;

    /* Trap vectors last found to be RAM ([0] S-mode, [1] M-mode; vector | 1, 0: none),
     * so env->fatal_trap's check looks the bus up once per vector, not once per trap. */
    uint64_t vec_ok[2];

    /* Statistics for the teaching / monitor layer. */
    uint64_t stat_traps;
    uint64_t stat_irqs;
};

/* Life cycle. */
int hart_init(struct hart *h, uint64_t hartid, struct bus *bus, const struct hart_env *env);
void hart_destroy(struct hart *h);
void hart_reset(struct hart *h, uint64_t pc);
/* Host memory held by the hart and its caches (memory-quota accounting). */
size_t hart_host_bytes(const struct hart *h);

/*
 * Run up to `budget` instructions; returns why it stopped. Retired count in minstret.
 * Runs whole pre-decoded blocks where it can (cpu/block.h) and single-steps the rest;
 * with --trace or debugger stops set it single-steps everything.
 */
enum hart_stop hart_run(struct hart *h, uint64_t budget);
/*
 * Execute exactly one instruction (or take one trap); for tests and single-step. This
 * is the plain reference path: fetch through the TLB, decode through the decode cache,
 * execute; the differential test compares hart_run's block executor against it.
 */
void hart_step(struct hart *h);

/* Debugger hooks (cpu/debug.c). True when hart h must stop before its next instruction. */
bool hart_debug_check(struct hart *h);
/* A load/store of [va, va+size) completed: record a watchpoint hit (kind: HART_WATCH_*). */
void hart_debug_access(struct hart *h, uint64_t va, unsigned size, unsigned kind);
/*
 * Debugger access to virtual memory as hart h sees it for data (MPRV applied), without
 * A/D updates, TLB changes, traps or traces; user pages are reachable from S-mode and
 * execute-only pages are readable. RAM only. 0, or -EFAULT at the first bad byte
 * (*done: bytes moved before it).
 */
int hart_debug_rw(struct hart *h, uint64_t va, uint8_t *buf, size_t len, bool write,
                  size_t *done);

/* Raise/lower an interrupt line (bit = enum rv_irq). Safe from any thread. */
void hart_set_irq(struct hart *h, unsigned bit, bool level);
/* Ask a running hart to return from hart_run at the next instruction boundary. */
void hart_request_stop(struct hart *h);
/* True when an interrupt is pending and enabled for the current mode (wakes WFI). */
bool hart_irq_pending(struct hart *h);

/* --- used by the instruction implementations (cpu/ only) --- */

/* Record a synchronous exception for the current instruction. */
void hart_raise(struct hart *h, uint64_t cause, uint64_t tval);
static inline void hart_illegal(struct hart *h, uint32_t raw)
{
    hart_raise(h, EXC_ILLEGAL_INSN, raw);
}

/*
 * Virtual memory accesses at the effective privilege for data accesses (MPRV).
 * Return false after raising the right exception (page fault, access fault); the caller
 * just returns. Misaligned loads and stores are emulated.
 */
RV_MUST_CHECK bool hart_load(struct hart *h, uint64_t va, unsigned size, uint64_t *out);
RV_MUST_CHECK bool hart_store(struct hart *h, uint64_t va, unsigned size, uint64_t val);
/*
 * Fetch the instruction at va: 16 bits, and 16 more when the low bits say it is a
 * 32-bit instruction (which may straddle a page; tval of a fault names the half that
 * faulted). Uses the current privilege (MPRV does not apply to fetches).
 */
RV_MUST_CHECK bool hart_fetch(struct hart *h, uint64_t va, uint32_t *raw);
/*
 * Translate for an atomic memory operation (LR/SC/AMO) of `size` bytes, which must be
 * naturally aligned (else store/AMO address-misaligned). On success either *host points
 * at RAM (do the access atomically there) or *host is NULL and *pa is an MMIO address.
 */
RV_MUST_CHECK bool hart_translate_amo(struct hart *h, uint64_t va, unsigned size,
                                      enum rv_access acc, uint8_t **host, uint64_t *pa);

/* Privilege used for loads and stores (mstatus.MPRV/MPP applied). */
enum rv_priv hart_data_priv(const struct hart *h);

/* FP: trap unless mstatus.FS != Off; mark FS dirty after a write. */
RV_MUST_CHECK bool hart_fp_enabled(struct hart *h, uint32_t raw);
void hart_fp_dirty(struct hart *h);

/*
 * Flush everything this hart caches about memory: the TLB and the pre-decoded blocks,
 * and recompute the TLB context from priv/mstatus. For code outside cpu/ that changed
 * the hart's state or memory behind its back (boot, debugger, SBI fences).
 */
void hart_tlb_flush(struct hart *h);
/* Recompute the TLB context tags (tlb.h) after a change of priv or mstatus. */
void hart_tlb_ctx_update(struct hart *h);
/* Invalidate the TLB entries only (sfence.vma, satp and PMP writes). */
void hart_tlb_flush_entries(struct hart *h);
/* sfence.vma with an address: drop the cached translations of va (any context). */
void hart_tlb_flush_va(struct hart *h, uint64_t va);
/*
 * Ask hart h, possibly running on another thread, to flush its TLB and any other cached
 * translation before its next instruction (remote sfence.vma, SBI RFENCE). Returns at
 * once; hart_tlb_flush_pending() tells when h has done it.
 */
void hart_request_tlb_flush(struct hart *h);
/* The same for remote sfence.vma: the TLB only (decoded blocks are keyed by physical
 * address and stay). */
void hart_request_tlb_flush_entries(struct hart *h);
enum {
    HART_FLUSH_TLB = 1u << 0,  /* hart_tlb_flush_entries */
    HART_FLUSH_ALL = 1u << 1,  /* hart_tlb_flush: also decoded blocks (fence.i) */
};
static inline bool hart_tlb_flush_pending(struct hart *h)
{
    return atomic_load_explicit(&h->tlb_flush_req, memory_order_acquire) != 0;
}
/* Do what other harts asked for (from the hart's own thread). */
void hart_serve_flush_request(struct hart *h);

/* Drop this hart's LR reservation (traps, context switches). Owner thread only. */
void hart_resv_clear(struct hart *h);
/* Clear other harts' reservations on the line of a RAM store at host address p. */
void hart_resv_kill(struct hart *h, const uint8_t *p);
static inline void hart_resv_snoop(struct hart *h, const uint8_t *p)
{
    if (RV_UNLIKELY(h->resv_set != NULL) &&
        RV_UNLIKELY(atomic_load_explicit(&h->resv_set->active, memory_order_relaxed) != 0))
        hart_resv_kill(h, p);
}

/* Trap entry (cpu/trap.c). */
void hart_take_trap(struct hart *h, uint64_t cause, uint64_t tval, bool is_irq);
/* Check and take a pending enabled interrupt; true if one was taken. */
bool hart_check_interrupts(struct hart *h);

/* mtime as seen by this hart. */
static inline uint64_t hart_time(struct hart *h)
{
    return h->env->get_time(h->env->opaque, h);
}

#endif
