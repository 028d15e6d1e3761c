/*
 * Debugger hooks of one hart (see cpu/debug.h): the breakpoint check before an
 * instruction, the watchpoint check after a load or store, and memory access for the
 * debugger through the hart's current translation without side effects.
 */
#include <errno.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/hart.h"
#include "cpu/mmu.h"
#include "devices/bus.h"

bool hart_debug_check(struct hart *h)
{
    const struct hart_dbg *d = h->dbg;
    bool skip = h->dbg_stop.skip;

    h->dbg_stop.skip = false;
    if (h->dbg_stop.reason == HART_DBG_WATCHPOINT)
        return true; /* the previous instruction hit a watchpoint */
    if (!d || (skip && h->pc == h->dbg_stop.skip_pc))
        return false;
    for (unsigned i = 0; i < d->nbp; i++) {
        if (d->bp[i] == h->pc) {
            h->dbg_stop.reason = HART_DBG_BREAKPOINT;
            return true;
        }
    }
    return false;
}

void hart_debug_access(struct hart *h, uint64_t va, unsigned size, unsigned kind)
{
    const struct hart_dbg *d = h->dbg;

    if (!d || h->dbg_stop.reason != HART_DBG_NONE)
        return;
    for (unsigned i = 0; i < d->nwp; i++) {
        const struct hart_watch *w = &d->wp[i];
        if (!(w->kind & kind) || va + size <= w->addr || va >= w->addr + w->len)
            continue;
        h->dbg_stop.reason = HART_DBG_WATCHPOINT;
        h->dbg_stop.kind = w->kind;
        h->dbg_stop.addr = va > w->addr ? va : w->addr;
        return;
    }
}

/* Physical address of va for the debugger, or false when it is not mapped. */
static bool debug_translate(struct hart *h, uint64_t va, uint64_t *pa)
{
    uint64_t mstatus = h->csr.mstatus;
    uint32_t flags = h->dbg_flags;
    enum mmu_status st;

    h->csr.mstatus |= MSTATUS_SUM | MSTATUS_MXR;
    h->dbg_flags &= ~HART_TRACE_MMU;
    st = mmu_translate(h, va, ACCESS_LOAD, hart_data_priv(h), false, pa);
    h->csr.mstatus = mstatus;
    h->dbg_flags = flags;
    return st == MMU_OK;
}

int hart_debug_rw(struct hart *h, uint64_t va, uint8_t *buf, size_t len, bool write, size_t *done)
{
    size_t pos = 0;

    while (pos < len) {
        uint64_t a = va + pos, pa;
        size_t n = 4096 - (size_t)(a & 4095);
        uint8_t *ram;

        if (n > len - pos)
            n = len - pos;
        if (!debug_translate(h, a, &pa) || !(ram = write ? bus_ram_ptr_write(h->bus, pa, n) : bus_ram_ptr(h->bus, pa, n))) {
            *done = pos;
            return -EFAULT;
        }
        if (write) {
            memcpy(ram, buf + pos, n);
            blk_code_write(h, pa, (unsigned)n); /* no stale pre-decoded code */
        } else
            memcpy(buf + pos, ram, n);
        pos += n;
    }
    *done = pos;
    return 0;
}
