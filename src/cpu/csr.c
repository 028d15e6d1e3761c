/*
 * Zicsr register file: one table indexed by CSR number gives each implemented CSR its
 * name and read/write handlers; the generic rules (privilege from bits 9:8, read-only from
 * bits 11:10, counter enables, TVM, Sstc's STCE, FS for the FP CSRs) are applied before a
 * handler runs. Privileged spec chapters 2, 3.1, 3.7 (PMP), 4.1 and the Sstc extension.
 *
 * Left out: hardware performance counters beyond cycle/instret (mhpmcounter3..31 and
 * mhpmevent3..31 read as zero), debug triggers (tselect/tdata read as zero: no triggers),
 * Smepmp (mseccfg), the H extension, AIA.
 */
#include <string.h>

#include "cpu/csr.h"
#include "cpu/hart.h"
#include "cpu/pmp.h"
#include "cpu/trace.h"

typedef uint64_t (*csr_read_fn)(struct hart *h, unsigned csr);
typedef void (*csr_write_fn)(struct hart *h, unsigned csr, uint64_t val);

struct csr_desc {
    const char *name;
    csr_read_fn read;
    csr_write_fn write; /* NULL: writes ignored (WARL zero / read-only value) */
};

#define MISA_RV64 (2ull << 62)
#define MISA_EXT(c) (1ull << ((c) - 'A'))
#define MISA_VALUE                                                                          \
    (MISA_RV64 | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('D') | MISA_EXT('F') |            \
     MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('S') | MISA_EXT('U'))

#define MSTATUS_WRITABLE                                                                    \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |  \
     MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |     \
     MSTATUS_TSR)
#define SSTATUS_WRITABLE                                                                    \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)
/* Changing any of these can change a translation or its permission check. */
#define MSTATUS_TLB_BITS (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR)

#define MEDELEG_WRITABLE 0xb3ffull /* all but ecall-from-M and the reserved causes */
#define MIDELEG_WRITABLE (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIE_WRITABLE (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)
#define MIP_SW_WRITABLE (MIP_SSIP | MIP_STIP | MIP_SEIP)

/* ---- mstatus / sstatus ---- */

static uint64_t mstatus_value(const struct hart *h)
{
    uint64_t v = h->csr.mstatus | (2ull << 32) | (2ull << 34); /* UXL = SXL = 64 */
    if (((v & MSTATUS_FS) >> MSTATUS_FS_SHIFT) == FS_DIRTY)
        v |= MSTATUS_SD;
    return v;
}

static void mstatus_set(struct hart *h, uint64_t val, uint64_t writable)
{
    uint64_t old = h->csr.mstatus;
    uint64_t nv = (old & ~writable) | (val & writable);
    if (((nv & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2) /* MPP is WARL: 2 is not a mode */
        nv = (nv & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    h->csr.mstatus = nv;
    if ((old ^ nv) & MSTATUS_TLB_BITS)
        hart_tlb_ctx_update(h); /* the TLB is tagged with these (tlb.h) */
    if ((old ^ nv) & (MSTATUS_MIE | MSTATUS_SIE))
        atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
}

static uint64_t rd_mstatus(struct hart *h, unsigned csr)
{
    return mstatus_value(h);
}

static void wr_mstatus(struct hart *h, unsigned csr, uint64_t val)
{
    mstatus_set(h, val, MSTATUS_WRITABLE);
}

static uint64_t rd_sstatus(struct hart *h, unsigned csr)
{
    return mstatus_value(h) & SSTATUS_MASK;
}

static void wr_sstatus(struct hart *h, unsigned csr, uint64_t val)
{
    mstatus_set(h, val, SSTATUS_WRITABLE);
}

/* ---- interrupts ---- */

uint64_t csr_mip(struct hart *h)
{
    uint64_t v = atomic_load_explicit(&h->mip_hw, memory_order_relaxed) |
                 atomic_load_explicit(&h->mip_sw, memory_order_relaxed);
    if (h->csr.menvcfg & ENVCFG_STCE) {
        v &= ~MIP_STIP;
        if (hart_time(h) >= h->csr.stimecmp)
            v |= MIP_STIP;
    }
    return v;
}

static void mip_sw_update(struct hart *h, uint64_t mask, uint64_t val)
{
    uint64_t old = atomic_load(&h->mip_sw);
    while (!atomic_compare_exchange_weak(&h->mip_sw, &old, (old & ~mask) | (val & mask)))
        ;
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
}

static uint64_t rd_mip(struct hart *h, unsigned csr)
{
    return csr_mip(h);
}

static void wr_mip(struct hart *h, unsigned csr, uint64_t val)
{
    uint64_t mask = MIP_SW_WRITABLE;
    if (h->csr.menvcfg & ENVCFG_STCE)
        mask &= ~MIP_STIP; /* driven by stimecmp */
    mip_sw_update(h, mask, val);
}

static uint64_t rd_sip(struct hart *h, unsigned csr)
{
    return csr_mip(h) & h->csr.mideleg;
}

static void wr_sip(struct hart *h, unsigned csr, uint64_t val)
{
    mip_sw_update(h, MIP_SSIP & h->csr.mideleg, val);
}

static uint64_t rd_mie(struct hart *h, unsigned csr)
{
    return h->csr.mie;
}

static void wr_mie(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.mie = val & MIE_WRITABLE;
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
}

static uint64_t rd_sie(struct hart *h, unsigned csr)
{
    return h->csr.mie & h->csr.mideleg;
}

static void wr_sie(struct hart *h, unsigned csr, uint64_t val)
{
    uint64_t mask = h->csr.mideleg;
    h->csr.mie = (h->csr.mie & ~mask) | (val & mask);
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
}

static uint64_t rd_mideleg(struct hart *h, unsigned csr)
{
    return h->csr.mideleg;
}

static void wr_mideleg(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.mideleg = val & MIDELEG_WRITABLE;
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
}

static uint64_t rd_medeleg(struct hart *h, unsigned csr)
{
    return h->csr.medeleg;
}

static void wr_medeleg(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.medeleg = val & MEDELEG_WRITABLE;
}

/* ---- trap setup and handling ---- */

static uint64_t *csr_plain_field(struct hart *h, unsigned csr)
{
    switch (csr) {
    case CSR_MSCRATCH: return &h->csr.mscratch;
    case CSR_MTVAL: return &h->csr.mtval;
    case CSR_MCAUSE: return &h->csr.mcause;
    case CSR_SSCRATCH: return &h->csr.sscratch;
    case CSR_STVAL: return &h->csr.stval;
    case CSR_SCAUSE: return &h->csr.scause;
    case CSR_MEPC: return &h->csr.mepc;
    case CSR_SEPC: return &h->csr.sepc;
    case CSR_MTVEC: return &h->csr.mtvec;
    case CSR_STVEC: return &h->csr.stvec;
    default: return NULL;
    }
}

static uint64_t rd_plain(struct hart *h, unsigned csr)
{
    return *csr_plain_field(h, csr);
}

static void wr_plain(struct hart *h, unsigned csr, uint64_t val)
{
    *csr_plain_field(h, csr) = val;
}

static void wr_epc(struct hart *h, unsigned csr, uint64_t val)
{
    *csr_plain_field(h, csr) = val & ~1ull; /* IALIGN = 16 */
}

static void wr_tvec(struct hart *h, unsigned csr, uint64_t val)
{
    /* MODE is WARL: 0 direct, 1 vectored; 2 and 3 are reserved and read back as 0. */
    uint64_t mode = val & 3;
    *csr_plain_field(h, csr) = (val & ~3ull) | (mode == 1 ? 1 : 0);
}

static uint64_t rd_mcounteren(struct hart *h, unsigned csr)
{
    return h->csr.mcounteren;
}

static void wr_mcounteren(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.mcounteren = (uint32_t)val;
}

static uint64_t rd_scounteren(struct hart *h, unsigned csr)
{
    return h->csr.scounteren;
}

static void wr_scounteren(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.scounteren = (uint32_t)val;
}

static uint64_t rd_mcountinhibit(struct hart *h, unsigned csr)
{
    return h->csr.mcountinhibit;
}

static void wr_mcountinhibit(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.mcountinhibit = (uint32_t)(val & 5); /* CY and IR */
}

static uint64_t rd_menvcfg(struct hart *h, unsigned csr)
{
    return h->csr.menvcfg;
}

static void wr_menvcfg(struct hart *h, unsigned csr, uint64_t val)
{
    uint64_t old = h->csr.menvcfg;
    h->csr.menvcfg = val & (ENVCFG_FIOM | ENVCFG_STCE);
    if ((old ^ h->csr.menvcfg) & ENVCFG_STCE) {
        atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
        if (h->env->timer_changed)
            h->env->timer_changed(h->env->opaque, h);
    }
}

static uint64_t rd_senvcfg(struct hart *h, unsigned csr)
{
    return h->csr.senvcfg;
}

static void wr_senvcfg(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.senvcfg = val & ENVCFG_FIOM;
}

/* ---- supervisor address translation, Sstc ---- */

static uint64_t rd_satp(struct hart *h, unsigned csr)
{
    return h->csr.satp;
}

static void wr_satp(struct hart *h, unsigned csr, uint64_t val)
{
    uint64_t mode = val >> SATP_MODE_SHIFT;
    if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48 &&
        mode != SATP_MODE_SV57)
        return; /* unsupported MODE: the whole write has no effect */
    if (mode == SATP_MODE_BARE)
        val = 0;
    h->csr.satp = val;
    hart_tlb_flush_entries(h);
}

static uint64_t rd_stimecmp(struct hart *h, unsigned csr)
{
    return h->csr.stimecmp;
}

static void wr_stimecmp(struct hart *h, unsigned csr, uint64_t val)
{
    h->csr.stimecmp = val;
    atomic_store_explicit(&h->irq_check, true, memory_order_relaxed);
    if (h->env->timer_changed)
        h->env->timer_changed(h->env->opaque, h);
}

/* ---- floating point ---- */

static uint64_t rd_fp(struct hart *h, unsigned csr)
{
    switch (csr) {
    case CSR_FFLAGS: return h->csr.fflags;
    case CSR_FRM: return h->csr.frm;
    default: return (uint64_t)h->csr.frm << 5 | h->csr.fflags;
    }
}

static void wr_fp(struct hart *h, unsigned csr, uint64_t val)
{
    switch (csr) {
    case CSR_FFLAGS: h->csr.fflags = val & 0x1f; break;
    case CSR_FRM: h->csr.frm = val & 7; break;
    default:
        h->csr.fflags = val & 0x1f;
        h->csr.frm = (val >> 5) & 7;
        break;
    }
    hart_fp_dirty(h);
}

/* ---- counters ---- */

static uint64_t rd_counter(struct hart *h, unsigned csr)
{
    switch (csr) {
    case CSR_CYCLE:
    case CSR_MCYCLE: return h->csr.mcycle;
    case CSR_INSTRET:
    case CSR_MINSTRET: return h->csr.minstret;
    case CSR_TIME: return hart_time(h);
    default: return 0; /* hpmcounters */
    }
}

static void wr_counter(struct hart *h, unsigned csr, uint64_t val)
{
    if (csr == CSR_MCYCLE) {
        h->csr.mcycle = val;
        h->csr.cycle_written = true;
    } else if (csr == CSR_MINSTRET) {
        h->csr.minstret = val;
        h->csr.instret_written = true;
    }
}

/* ---- machine information ---- */

static uint64_t rd_zero(struct hart *h, unsigned csr)
{
    return 0;
}

static uint64_t rd_misa(struct hart *h, unsigned csr)
{
    return h->csr.misa;
}

static uint64_t rd_mhartid(struct hart *h, unsigned csr)
{
    return h->csr.mhartid;
}

/* ---- PMP ---- */

static bool pmp_entry_locked(const struct hart *h, unsigned i)
{
    return i < PMP_COUNT && (h->csr.pmpcfg[i] & PMP_L);
}

static uint64_t rd_pmpcfg(struct hart *h, unsigned csr)
{
    unsigned first = (csr - CSR_PMPCFG0) * 4;
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        if (first + i < PMP_COUNT)
            v |= (uint64_t)h->csr.pmpcfg[first + i] << (8 * i);
    return v;
}

static void wr_pmpcfg(struct hart *h, unsigned csr, uint64_t val)
{
    unsigned first = (csr - CSR_PMPCFG0) * 4;
    for (unsigned i = 0; i < 8 && first + i < PMP_COUNT; i++) {
        uint8_t b = (uint8_t)(val >> (8 * i));
        if (pmp_entry_locked(h, first + i))
            continue;
        b &= PMP_R | PMP_W | PMP_X | PMP_A | PMP_L; /* bits 6:5 are reserved, read 0 */
        if ((b & (PMP_R | PMP_W)) == PMP_W)        /* R=0 W=1 is reserved: keep old */
            continue;
        h->csr.pmpcfg[first + i] = b;
    }
    pmp_update(h);
    hart_tlb_flush_entries(h);
}

static uint64_t rd_pmpaddr(struct hart *h, unsigned csr)
{
    unsigned i = csr - CSR_PMPADDR0;
    return i < PMP_COUNT ? h->csr.pmpaddr[i] : 0;
}

static void wr_pmpaddr(struct hart *h, unsigned csr, uint64_t val)
{
    unsigned i = csr - CSR_PMPADDR0;
    if (i >= PMP_COUNT || pmp_entry_locked(h, i))
        return;
    /* A locked TOR entry also locks the address register below it. */
    if (pmp_entry_locked(h, i + 1) &&
        ((h->csr.pmpcfg[i + 1] & PMP_A) >> PMP_A_SHIFT) == PMP_A_TOR)
        return;
    h->csr.pmpaddr[i] = val & ((1ull << 54) - 1);
    pmp_update(h);
    hart_tlb_flush_entries(h);
}

/* ---- the table ---- */

#define RW(nm, r, w) {.name = nm, .read = r, .write = w}
#define RO(nm, r) {.name = nm, .read = r, .write = NULL}

static const struct csr_desc csr_table[4096] = {
    [CSR_FFLAGS] = RW("fflags", rd_fp, wr_fp),
    [CSR_FRM] = RW("frm", rd_fp, wr_fp),
    [CSR_FCSR] = RW("fcsr", rd_fp, wr_fp),
    [CSR_CYCLE] = RO("cycle", rd_counter),
    [CSR_TIME] = RO("time", rd_counter),
    [CSR_INSTRET] = RO("instret", rd_counter),

    [CSR_SSTATUS] = RW("sstatus", rd_sstatus, wr_sstatus),
    [CSR_SIE] = RW("sie", rd_sie, wr_sie),
    [CSR_STVEC] = RW("stvec", rd_plain, wr_tvec),
    [CSR_SCOUNTEREN] = RW("scounteren", rd_scounteren, wr_scounteren),
    [CSR_SENVCFG] = RW("senvcfg", rd_senvcfg, wr_senvcfg),
    [CSR_SSCRATCH] = RW("sscratch", rd_plain, wr_plain),
    [CSR_SEPC] = RW("sepc", rd_plain, wr_epc),
    [CSR_SCAUSE] = RW("scause", rd_plain, wr_plain),
    [CSR_STVAL] = RW("stval", rd_plain, wr_plain),
    [CSR_SIP] = RW("sip", rd_sip, wr_sip),
    [CSR_STIMECMP] = RW("stimecmp", rd_stimecmp, wr_stimecmp),
    [CSR_SATP] = RW("satp", rd_satp, wr_satp),

    [CSR_MVENDORID] = RO("mvendorid", rd_zero),
    [CSR_MARCHID] = RO("marchid", rd_zero),
    [CSR_MIMPID] = RO("mimpid", rd_zero),
    [CSR_MHARTID] = RO("mhartid", rd_mhartid),
    [CSR_MCONFIGPTR] = RO("mconfigptr", rd_zero),
    [CSR_MSTATUS] = RW("mstatus", rd_mstatus, wr_mstatus),
    [CSR_MISA] = RO("misa", rd_misa), /* WARL: writes are ignored */
    [CSR_MEDELEG] = RW("medeleg", rd_medeleg, wr_medeleg),
    [CSR_MIDELEG] = RW("mideleg", rd_mideleg, wr_mideleg),
    [CSR_MIE] = RW("mie", rd_mie, wr_mie),
    [CSR_MTVEC] = RW("mtvec", rd_plain, wr_tvec),
    [CSR_MCOUNTEREN] = RW("mcounteren", rd_mcounteren, wr_mcounteren),
    [CSR_MENVCFG] = RW("menvcfg", rd_menvcfg, wr_menvcfg),
    [CSR_MCOUNTINHIBIT] = RW("mcountinhibit", rd_mcountinhibit, wr_mcountinhibit),
    [CSR_MSCRATCH] = RW("mscratch", rd_plain, wr_plain),
    [CSR_MEPC] = RW("mepc", rd_plain, wr_epc),
    [CSR_MCAUSE] = RW("mcause", rd_plain, wr_plain),
    [CSR_MTVAL] = RW("mtval", rd_plain, wr_plain),
    [CSR_MIP] = RW("mip", rd_mip, wr_mip),
    [CSR_MCYCLE] = RW("mcycle", rd_counter, wr_counter),
    [CSR_MINSTRET] = RW("minstret", rd_counter, wr_counter),
    [CSR_TSELECT] = RW("tselect", rd_zero, NULL),
    [CSR_TDATA1] = RW("tdata1", rd_zero, NULL),
};

/* CSRs that exist as ranges: hpm counters and events, PMP. */
static bool csr_lookup(unsigned csr, struct csr_desc *out)
{
    if (csr >= 4096)
        return false;
    if (csr_table[csr].read) {
        *out = csr_table[csr];
        return true;
    }
    if (csr >= CSR_HPMCOUNTER3 && csr <= CSR_HPMCOUNTER31) {
        *out = (struct csr_desc)RO("hpmcounter", rd_counter);
        return true;
    }
    if ((csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31) ||
        (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
        *out = (struct csr_desc)RW("mhpm", rd_zero, NULL);
        return true;
    }
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15 && !(csr & 1)) { /* RV64: even only */
        *out = (struct csr_desc)RW("pmpcfg", rd_pmpcfg, wr_pmpcfg);
        return true;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
        *out = (struct csr_desc)RW("pmpaddr", rd_pmpaddr, wr_pmpaddr);
        return true;
    }
    return false;
}

const char *csr_name(unsigned csr)
{
    return csr < 4096 ? csr_table[csr].name : NULL;
}

/* The counter-enable rules for cycle/time/instret/hpmcounterN (and stimecmp via TM). */
static bool counter_allowed(const struct hart *h, unsigned bit)
{
    if (h->priv < PRIV_M && !((h->csr.mcounteren >> bit) & 1))
        return false;
    if (h->priv < PRIV_S && !((h->csr.scounteren >> bit) & 1))
        return false;
    return true;
}

static bool csr_allowed(const struct hart *h, unsigned csr, bool write)
{
    if (h->priv < ((csr >> 8) & 3))
        return false;
    if (write && ((csr >> 10) & 3) == 3)
        return false;
    if (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31)
        return counter_allowed(h, csr - CSR_CYCLE);
    switch (csr) {
    case CSR_SATP: return !(h->priv == PRIV_S && (h->csr.mstatus & MSTATUS_TVM));
    case CSR_STIMECMP:
        return h->priv == PRIV_M ||
               ((h->csr.menvcfg & ENVCFG_STCE) && (h->csr.mcounteren & 2));
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR: return (h->csr.mstatus & MSTATUS_FS) != 0;
    default: return true;
    }
}

bool csr_read(struct hart *h, unsigned csr, uint64_t *val, bool will_write, uint32_t raw)
{
    struct csr_desc d;
    if (!csr_lookup(csr, &d) || !csr_allowed(h, csr, will_write)) {
        if (RV_UNLIKELY(h->dbg_flags & HART_TRACE_UNIMP) && !csr_lookup(csr, &d))
            trace_csr_unimp(h, csr, will_write);
        hart_illegal(h, raw);
        return false;
    }
    *val = d.read(h, csr);
    return true;
}

bool csr_write(struct hart *h, unsigned csr, uint64_t val, uint32_t raw)
{
    struct csr_desc d;
    if (!csr_lookup(csr, &d) || !csr_allowed(h, csr, true)) {
        if (RV_UNLIKELY(h->dbg_flags & HART_TRACE_UNIMP) && !csr_lookup(csr, &d))
            trace_csr_unimp(h, csr, true);
        hart_illegal(h, raw);
        return false;
    }
    if (d.write)
        d.write(h, csr, val);
    return true;
}

bool csr_exists(unsigned csr)
{
    struct csr_desc d;
    return csr_lookup(csr, &d);
}

bool csr_debug_read(struct hart *h, unsigned csr, uint64_t *val)
{
    struct csr_desc d;
    if (!csr_lookup(csr, &d))
        return false;
    *val = d.read(h, csr);
    return true;
}

bool csr_debug_write(struct hart *h, unsigned csr, uint64_t val)
{
    struct csr_desc d;
    if (!csr_lookup(csr, &d))
        return false;
    if (d.write)
        d.write(h, csr, val);
    return true;
}

void csr_reset(struct hart *h)
{
    uint64_t hartid = h->csr.mhartid;
    memset(&h->csr, 0, sizeof(h->csr));
    h->csr.mhartid = hartid;
    h->csr.misa = MISA_VALUE;
    atomic_store(&h->mip_sw, 0);
    pmp_update(h);
}

bool hart_fp_enabled(struct hart *h, uint32_t raw)
{
    if (RV_UNLIKELY((h->csr.mstatus & MSTATUS_FS) == 0)) {
        hart_illegal(h, raw);
        return false;
    }
    return true;
}

void hart_fp_dirty(struct hart *h)
{
    h->csr.mstatus |= MSTATUS_FS;
}
