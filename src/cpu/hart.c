/*
 * The hart's execution loop. hart_step is the plain path: fetch, decode (through a
 * per-hart cache keyed by instruction bits), execute, retire or trap, one instruction.
 * hart_run runs whole pre-decoded blocks where it can (block.c) and steps the rest;
 * interrupts are evaluated at instruction boundaries when something that could change
 * them happened (irq_check), which the block executor looks at between blocks. A slice
 * ends when its instruction budget is used, on WFI with nothing pending, or when asked
 * to stop.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/decode.h"
#include "cpu/hart.h"

int hart_init(struct hart *h, uint64_t hartid, struct bus *bus, const struct hart_env *env)
{
    memset(h, 0, sizeof(*h));
    h->dcache = calloc(1, sizeof(*h->dcache));
    if (!h->dcache || blk_init(h) != 0) {
        free(h->dcache);
        h->dcache = NULL;
        return -1;
    }
    h->bus = bus;
    h->env = env;
    h->csr.mhartid = hartid;
    hart_reset(h, 0);
    return 0;
}

void hart_destroy(struct hart *h)
{
    free(h->dcache);
    h->dcache = NULL;
    blk_destroy(h);
}

void hart_reset(struct hart *h, uint64_t pc)
{
    memset(h->x, 0, sizeof(h->x));
    memset(h->f, 0, sizeof(h->f));
    h->pc = pc;
    h->priv = PRIV_M;
    csr_reset(h);
    atomic_store(&h->mip_hw, 0);
    atomic_store(&h->irq_check, true);
    atomic_store(&h->stop_request, false);
    hart_resv_clear(h);
    h->exc_pending = false;
    h->env_stop = false;
    h->wfi = false;
    h->vec_ok[0] = h->vec_ok[1] = 0;
    hart_tlb_flush(h);
}

void hart_request_tlb_flush(struct hart *h)
{
    atomic_fetch_or_explicit(&h->tlb_flush_req, HART_FLUSH_ALL, memory_order_release);
    atomic_store_explicit(&h->irq_check, true, memory_order_release);
}

void hart_request_tlb_flush_entries(struct hart *h)
{
    atomic_fetch_or_explicit(&h->tlb_flush_req, HART_FLUSH_TLB, memory_order_release);
    atomic_store_explicit(&h->irq_check, true, memory_order_release);
}

void hart_serve_flush_request(struct hart *h)
{
    unsigned req = atomic_exchange_explicit(&h->tlb_flush_req, 0, memory_order_acq_rel);
    if (req & HART_FLUSH_ALL)
        hart_tlb_flush(h);
    else if (req & HART_FLUSH_TLB)
        hart_tlb_flush_entries(h);
}

void hart_resv_clear(struct hart *h)
{
    h->resv_valid = false;
    if (atomic_load_explicit(&h->resv_line, memory_order_relaxed) != 0 &&
        atomic_exchange(&h->resv_line, 0) != 0 && h->resv_set)
        atomic_fetch_sub(&h->resv_set->active, 1);
}

void hart_resv_kill(struct hart *h, const uint8_t *p)
{
    struct resv_set *set = h->resv_set;
    uintptr_t line = (uintptr_t)p & RESV_LINE_MASK;
    for (unsigned i = 0; i < set->nharts; i++) {
        struct hart *o = &set->harts[i];
        uintptr_t want = line;
        if (o == h || atomic_load_explicit(&o->resv_line, memory_order_relaxed) != line)
            continue;
        if (atomic_compare_exchange_strong(&o->resv_line, &want, 0))
            atomic_fetch_sub(&set->active, 1);
    }
}

void hart_request_stop(struct hart *h)
{
    atomic_store_explicit(&h->stop_request, true, memory_order_release);
}

static void hart_trace(struct hart *h, const struct insn *in)
{
    char buf[96];
    insn_disasm(in, h->pc, buf, sizeof(buf));
    if (in->len == 2)
        fprintf(h->trace, "core %3" PRIu64 ": %d 0x%016" PRIx64 " (0x%04" PRIx32 ")     %s\n",
                h->csr.mhartid, (int)h->priv, h->pc, in->raw, buf);
    else
        fprintf(h->trace, "core %3" PRIu64 ": %d 0x%016" PRIx64 " (0x%08" PRIx32 ") %s\n",
                h->csr.mhartid, (int)h->priv, h->pc, in->raw, buf);
}

static void hart_retire(struct hart *h)
{
    if (!(h->csr.mcountinhibit & 4) && !h->csr.instret_written)
        h->csr.minstret++;
    if (!(h->csr.mcountinhibit & 1) && !h->csr.cycle_written)
        h->csr.mcycle++;
    h->csr.instret_written = false;
    h->csr.cycle_written = false;
}

void hart_step(struct hart *h)
{
    uint32_t raw;
    const struct insn *in;

    if (atomic_load_explicit(&h->irq_check, memory_order_acquire)) {
        atomic_store_explicit(&h->irq_check, false, memory_order_relaxed);
        if (atomic_load_explicit(&h->tlb_flush_req, memory_order_acquire))
            hart_serve_flush_request(h);
        if (hart_check_interrupts(h))
            return;
    }
    h->exc_pending = false;
    if (!hart_fetch(h, h->pc, &raw)) {
        hart_take_trap(h, h->exc_cause, h->exc_tval, false);
        return;
    }
    in = insn_decode_cached(h->dcache, raw);
    if (RV_UNLIKELY(!in)) {
        if (h->trace)
            fprintf(h->trace, "core %3" PRIu64 ": %d 0x%016" PRIx64 " (0x%08" PRIx32
                              ") illegal\n", h->csr.mhartid, (int)h->priv, h->pc, raw);
        hart_take_trap(h, EXC_ILLEGAL_INSN, insn_length(raw) == 2 ? (raw & 0xffff) : raw,
                       false);
        return;
    }
    if (RV_UNLIKELY(h->trace != NULL))
        hart_trace(h, in);
    h->npc = h->pc + in->len;
    insn_table[in->id].exec(h, in);
    h->x[0] = 0;
    if (RV_UNLIKELY(h->exc_pending)) {
        h->csr.instret_written = h->csr.cycle_written = false;
        hart_take_trap(h, h->exc_cause, h->exc_tval, false);
        return;
    }
    h->pc = h->npc;
    hart_retire(h);
}

enum hart_stop hart_run(struct hart *h, uint64_t budget)
{
    h->slice_left = budget;
    h->wfi = false;
    h->env_stop = false;
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
    while (h->slice_left > 0) {
        if (RV_UNLIKELY(atomic_load_explicit(&h->stop_request, memory_order_acquire))) {
            atomic_store(&h->stop_request, false);
            return HART_STOP_HALT;
        }
        if (RV_UNLIKELY(h->dbg_flags & HART_DBG_STOPS)) {
            if (hart_debug_check(h))
                return HART_STOP_DEBUG;
        } else if (RV_LIKELY(h->trace == NULL)) {
            /* whole blocks; back here for what they leave (interrupts, stops, steps) */
            blk_run(h);
            if (h->slice_left == 0)
                break;
            if (atomic_load_explicit(&h->stop_request, memory_order_relaxed))
                continue;
        }
        h->slice_left--;
        hart_step(h);
        if (RV_UNLIKELY(h->wfi))
            return HART_STOP_WFI;
        if (RV_UNLIKELY(h->env_stop))
            return HART_STOP_ENV;
    }
    return HART_STOP_SLICE;
}

size_t hart_host_bytes(const struct hart *h)
{
    return sizeof(*h) + (h->dcache ? sizeof(*h->dcache) : 0) + blk_host_bytes(h);
}
