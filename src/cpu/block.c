/*
 * Block cache and block executor (see block.h): finding, decoding and invalidating
 * blocks, and the loop that runs them. The instruction handlers themselves are in
 * block_exec.inc, compiled twice here: with computed goto (GCC, Clang) and with a
 * portable switch.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/csr.h"
#include "cpu/hart.h"
#include "cpu/memops.h"

#define BLK_PAGE_MASK 0xfffull

static unsigned rv_ctz64(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(v);
#else
    unsigned n = 0;
    while (!(v & 1)) {
        v >>= 1;
        n++;
    }
    return n;
#endif
}

/* Handlers of block_exec.inc. Everything else is BK_GENERIC: a call to its exec_ function. */
enum blk_kind {
    BK_GENERIC,
    BK_END, /* after the last instruction: fall through to the next pc */
    BK_NOP, /* an ALU instruction with rd = x0 */
    BK_LUI, BK_AUIPC, BK_JAL, BK_JALR,
    BK_BEQ, BK_BNE, BK_BLT, BK_BGE, BK_BLTU, BK_BGEU,
    BK_LB, BK_LH, BK_LW, BK_LD, BK_LBU, BK_LHU, BK_LWU,
    BK_SB, BK_SH, BK_SW, BK_SD,
    BK_ADDI, BK_SLTI, BK_SLTIU, BK_XORI, BK_ORI, BK_ANDI, BK_SLLI, BK_SRLI, BK_SRAI,
    BK_ADD, BK_SUB, BK_SLL, BK_SLT, BK_SLTU, BK_XOR, BK_SRL, BK_SRA, BK_OR, BK_AND,
    BK_ADDIW, BK_SLLIW, BK_SRLIW, BK_SRAIW, BK_ADDW, BK_SUBW, BK_SLLW, BK_SRLW, BK_SRAW,
    BK_MUL, BK_MULW,
    BK_FLW, BK_FLD, BK_FSW, BK_FSD,
    BK_FADD_D, BK_FSUB_D, BK_FMUL_D, BK_FDIV_D, BK_FSQRT_D,
    BK_FMADD_D, BK_FMSUB_D, BK_FNMSUB_D, BK_FNMADD_D,
    BK_COUNT
};

/*
 * Host doubles for the D arithmetic fast path: only where C's double is IEEE binary64
 * evaluated without excess precision, the host rounds to nearest-even (nothing in
 * rvisor changes the host rounding mode) and fma() is the fused operation.
 */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0 && defined(__STDC_IEC_559__) &&         \
    !defined(BLK_NO_HOST_FP)
#define BLK_HOST_FP 1
#else
#define BLK_HOST_FP 0
#endif

static inline double blk_d(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static inline uint64_t blk_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}

/* Exponent field of a binary64: 0 zero/subnormal, 0x7ff infinity/NaN. */
static inline unsigned blk_dexp(uint64_t bits)
{
    return (unsigned)(bits >> 52) & 0x7ff;
}

#if defined(__GNUC__) || defined(__clang__)
#define BLK_NOINLINE __attribute__((noinline))
#else
#define BLK_NOINLINE
#endif

#if BLK_HOST_FP
/*
 * D arithmetic on host doubles where that gives the bits and flags of fpu.c: the caller
 * checked FS is dirty and the rounding mode is nearest-even; these take finite operands
 * only and results that raise at most NX, which they work out exactly (Fast2Sum for sums,
 * an fma residual for products, quotients and roots: exact when the residual cannot
 * underflow, hence the 2^-899 floor, BLK_EXP_SAFE). false: let fpu.c do it.
 */
#define BLK_EXP_SAFE 124

static inline bool blk_fin(uint64_t x)
{
    return blk_dexp(x) != 0x7ff;
}

static inline void blk_nx(struct hart *h, bool inexact)
{
    if (inexact)
        h->csr.fflags |= FFLAG_NX;
}

/* The rounding error of s = a + b is zero (Fast2Sum; no overflow). */
static inline bool blk_sum_exact(double a, double b, double s)
{
    return (fabs(a) >= fabs(b) ? b - (s - a) : a - (s - b)) == 0;
}

static BLK_NOINLINE bool blk_dadd(struct hart *h, uint64_t xa, uint64_t xb, uint64_t *out)
{
    double a = blk_d(xa), b = blk_d(xb), r;

    if (!blk_fin(xa) || !blk_fin(xb))
        return false;
    r = a + b;
    if (!blk_fin(blk_bits(r)))
        return false; /* overflow */
    if (!(h->csr.fflags & FFLAG_NX))
        blk_nx(h, !blk_sum_exact(a, b, r)); /* a tiny sum is exact: never UF */
    *out = blk_bits(r);
    return true;
}

/* a * b is exact, as far as can be told cheaply (false also for "don't know"). */
static inline bool blk_prod_exact(double a, double b, double p, bool *known)
{
    uint64_t xp = blk_bits(p);

    *known = true;
    if (p == 0 && (a == 0 || b == 0))
        return true;
    if (blk_dexp(xp) < BLK_EXP_SAFE || blk_dexp(xp) == 0x7ff) {
        *known = false;
        return false;
    }
    return fma(a, b, -p) == 0;
}

static BLK_NOINLINE bool blk_dmul(struct hart *h, uint64_t xa, uint64_t xb, uint64_t *out)
{
    double a = blk_d(xa), b = blk_d(xb), p;
    bool known;

    if (!blk_fin(xa) || !blk_fin(xb))
        return false;
    p = a * b;
    if (p == 0 && (a == 0 || b == 0)) {
        *out = blk_bits(p);
        return true;
    }
    if (blk_dexp(blk_bits(p)) < 2 || !blk_fin(blk_bits(p)))
        return false; /* may underflow or overflow */
    if (!(h->csr.fflags & FFLAG_NX)) {
        bool exact = blk_prod_exact(a, b, p, &known);
        if (!known)
            return false;
        blk_nx(h, !exact);
    }
    *out = blk_bits(p);
    return true;
}

static BLK_NOINLINE bool blk_ddiv(struct hart *h, uint64_t xa, uint64_t xb, uint64_t *out)
{
    double a = blk_d(xa), b = blk_d(xb), q;

    if (!blk_fin(xa) || !blk_fin(xb) || b == 0)
        return false;
    q = a / b;
    if (a == 0) {
        *out = blk_bits(q);
        return true;
    }
    if (blk_dexp(blk_bits(q)) < 2 || !blk_fin(blk_bits(q)))
        return false;
    if (!(h->csr.fflags & FFLAG_NX)) {
        if (blk_dexp(xa) < BLK_EXP_SAFE || blk_dexp(blk_bits(q)) < BLK_EXP_SAFE)
            return false;
        blk_nx(h, fma(-q, b, a) != 0);
    }
    *out = blk_bits(q);
    return true;
}

static BLK_NOINLINE bool blk_dsqrt(struct hart *h, uint64_t xa, uint64_t *out)
{
    double a = blk_d(xa), r;

    if (!blk_fin(xa) || !(a > 0))
        return false; /* negative: invalid; zeros and NaNs: fpu.c */
    r = sqrt(a);
    if (!(h->csr.fflags & FFLAG_NX)) {
        if (blk_dexp(xa) < BLK_EXP_SAFE)
            return false;
        blk_nx(h, fma(-r, r, a) != 0);
    }
    *out = blk_bits(r);
    return true;
}

/* (na ? -a : a) * b + (nc ? -c : c), fused. */
static BLK_NOINLINE bool blk_dfma(struct hart *h, uint64_t xa, uint64_t xb, uint64_t xc, bool na,
                            bool nc, uint64_t *out)
{
    double a = na ? -blk_d(xa) : blk_d(xa), b = blk_d(xb), c = nc ? -blk_d(xc) : blk_d(xc);
    double r, p;
    unsigned e;
    bool known, exact;

    if (!blk_fin(xa) || !blk_fin(xb) || !blk_fin(xc))
        return false;
    r = fma(a, b, c);
    e = blk_dexp(blk_bits(r));
    if (e == 0x7ff)
        return false;
    if (e >= 2 && (h->csr.fflags & FFLAG_NX)) {
        *out = blk_bits(r);
        return true;
    }
    /* exact, or inexact but not tiny: decidable when the product is exact */
    p = a * b;
    if (!blk_prod_exact(a, b, p, &known))
        return false;
    exact = blk_sum_exact(p, c, r);
    if (!exact && e < 2)
        return false; /* underflow */
    blk_nx(h, !exact);
    *out = blk_bits(r);
    return true;
}
#endif

/* ---- the executor, twice ---- */

#if defined(__GNUC__) || defined(__clang__)
#define BLK_EXEC_NAME blk_exec_threaded
#define BLK_THREADED 1
#include "cpu/block_exec.inc"
#undef BLK_EXEC_NAME
#undef BLK_THREADED
#endif

#define BLK_EXEC_NAME blk_exec_switch
#define BLK_THREADED 0
#include "cpu/block_exec.inc"
#undef BLK_EXEC_NAME
#undef BLK_THREADED

/* ---- decoding a block ---- */

static enum blk_kind blk_kind_of(const struct insn *in)
{
    bool rd0 = in->rd == 0;

    switch (in->id) {
#define ALU(name, kind)                                                                     \
    case INSN_##name: return rd0 ? BK_NOP : kind;
#define MEM(name, kind)                                                                     \
    case INSN_##name: return rd0 ? BK_GENERIC : kind;
        ALU(lui, BK_LUI) ALU(auipc, BK_AUIPC)
        ALU(addi, BK_ADDI) ALU(slti, BK_SLTI) ALU(sltiu, BK_SLTIU) ALU(xori, BK_XORI)
        ALU(ori, BK_ORI) ALU(andi, BK_ANDI) ALU(slli, BK_SLLI) ALU(srli, BK_SRLI)
        ALU(srai, BK_SRAI) ALU(add, BK_ADD) ALU(sub, BK_SUB) ALU(sll, BK_SLL)
        ALU(slt, BK_SLT) ALU(sltu, BK_SLTU) ALU(xor, BK_XOR) ALU(srl, BK_SRL)
        ALU(sra, BK_SRA) ALU(or, BK_OR) ALU(and, BK_AND) ALU(addiw, BK_ADDIW)
        ALU(slliw, BK_SLLIW) ALU(srliw, BK_SRLIW) ALU(sraiw, BK_SRAIW) ALU(addw, BK_ADDW)
        ALU(subw, BK_SUBW) ALU(sllw, BK_SLLW) ALU(srlw, BK_SRLW) ALU(sraw, BK_SRAW)
        ALU(mul, BK_MUL) ALU(mulw, BK_MULW)
        MEM(lb, BK_LB) MEM(lh, BK_LH) MEM(lw, BK_LW) MEM(ld, BK_LD) MEM(lbu, BK_LBU)
        MEM(lhu, BK_LHU) MEM(lwu, BK_LWU)
#undef ALU
#undef MEM
    case INSN_flw: return BK_FLW;
    case INSN_fld: return BK_FLD;
    case INSN_fsw: return BK_FSW;
    case INSN_fsd: return BK_FSD;
    case INSN_fadd_d: return BLK_HOST_FP ? BK_FADD_D : BK_GENERIC;
    case INSN_fsub_d: return BLK_HOST_FP ? BK_FSUB_D : BK_GENERIC;
    case INSN_fmul_d: return BLK_HOST_FP ? BK_FMUL_D : BK_GENERIC;
    case INSN_fdiv_d: return BLK_HOST_FP ? BK_FDIV_D : BK_GENERIC;
    case INSN_fsqrt_d: return BLK_HOST_FP ? BK_FSQRT_D : BK_GENERIC;
    case INSN_fmadd_d: return BLK_HOST_FP ? BK_FMADD_D : BK_GENERIC;
    case INSN_fmsub_d: return BLK_HOST_FP ? BK_FMSUB_D : BK_GENERIC;
    case INSN_fnmsub_d: return BLK_HOST_FP ? BK_FNMSUB_D : BK_GENERIC;
    case INSN_fnmadd_d: return BLK_HOST_FP ? BK_FNMADD_D : BK_GENERIC;
    case INSN_sb: return BK_SB;
    case INSN_sh: return BK_SH;
    case INSN_sw: return BK_SW;
    case INSN_sd: return BK_SD;
    case INSN_jal: return BK_JAL;
    case INSN_jalr: return BK_JALR;
    case INSN_beq: return BK_BEQ;
    case INSN_bne: return BK_BNE;
    case INSN_blt: return BK_BLT;
    case INSN_bge: return BK_BGE;
    case INSN_bltu: return BK_BLTU;
    case INSN_bgeu: return BK_BGEU;
    default: return BK_GENERIC;
    }
}

#ifndef BLK_SIDE_EXITS
#define BLK_SIDE_EXITS 1
#endif

static bool blk_is_branch(const struct insn *in)
{
    return in->id >= INSN_beq && in->id <= INSN_bgeu;
}

/* Instructions a block never holds: the step runs them (they change what blocks assume). */
static bool blk_excluded(const struct insn *in)
{
    return (in->raw & 0x7f) == 0x73 || in->id == INSN_fence_i;
}

static uint64_t blk_chunk_mask(unsigned off, unsigned len)
{
    unsigned first = off >> 6, last = (off + len - 1) >> 6;

    if (last > 63)
        last = 63;
    return (last == 63 ? ~0ull : (2ull << last) - 1) & ~((1ull << first) - 1);
}

static unsigned blk_slot_index(uint64_t pa)
{
    return (unsigned)((pa >> 1) ^ (pa >> (1 + BLK_SLOT_BITS))) & ((1u << BLK_SLOT_BITS) - 1);
}

static struct blk_code_page *blk_code_entry(struct blk_cache *bc, uint64_t ppage)
{
    return &bc->code[ppage & ((1u << BLK_CODE_BITS) - 1)];
}

/* Drop the store-TLB entries that map physical page ppage. */
static void blk_unmap_stores(struct hart *h, uint64_t ppage)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        struct tlb_entry *e = &h->tlb.e[ACCESS_STORE][i];
        if (e->vpage != TLB_INVALID_TAG && e->ppage == ppage)
            e->vpage = TLB_INVALID_TAG;
    }
}

/* Make ppage a code page (its entry may belong to another page: that one's blocks go). */
static struct blk_code_page *blk_claim_page(struct hart *h, uint64_t ppage)
{
    struct blk_code_page *cp = blk_code_entry(h->bcache, ppage);

    if (cp->ppage != ppage) {
        cp->ver++;
        h->bcache->link_gen++;
        cp->ppage = ppage;
        cp->chunks = 0;
        cp->epoch = h->bcache->epoch;
        blk_unmap_stores(h, ppage);
    }
    return cp;
}

/* Drop the blocks of code page cp; the page is no code page any more. */
static void blk_drop_page(struct blk_cache *bc, struct blk_code_page *cp)
{
    bc->link_gen++;
    cp->ver++;
    cp->ppage = BLK_NO_PAGE;
    cp->chunks = 0;
}

/* A hash of the 64-byte chunk at p (8-byte aligned), read as other harts may write it. */
static uint64_t blk_chunk_hash(const uint8_t *p)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (unsigned i = 0; i < 64; i += 8) {
        x = (x ^ mem_get(p + i, 8)) * 0xff51afd7ed558ccdull;
        x ^= x >> 32;
    }
    return x;
}

/* After a fence: keep the blocks of code page cp if no chunk of it changed. */
static void blk_verify(struct blk_cache *bc, struct blk_code_page *cp, const uint8_t *page_host)
{
    uint64_t m = cp->chunks;

    bc->stat_verify++;
    cp->epoch = bc->epoch;
    while (m) {
        unsigned i = (unsigned)rv_ctz64(m);
        m &= m - 1;
        if (blk_chunk_hash(page_host + 64 * i) != bc->code_hash[cp - bc->code].hash[i]) {
            bc->stat_vfail++;
            blk_drop_page(bc, cp);
            return;
        }
    }
}

/*
 * Record the chunks `mask` of a block just decoded into ops[0..n): hash the new ones, then
 * check the instructions are still what memory holds, so a chunk's hash is never newer
 * than code decoded from it (a writer on another thread may race the decoding). false:
 * memory changed meanwhile (the page's blocks are dropped).
 */
static bool blk_seal(struct blk_cache *bc, struct blk_code_page *cp, const uint8_t *page_host, const struct blk_op *ops,
                     uint32_t n, uint64_t mask)
{
    uint64_t fresh = mask & ~cp->chunks;

    while (fresh) {
        unsigned i = (unsigned)rv_ctz64(fresh);
        fresh &= fresh - 1;
        bc->code_hash[cp - bc->code].hash[i] = blk_chunk_hash(page_host + 64 * i);
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t raw = (uint32_t)mem_get(page_host + ops[k].pcoff, 2);
        if (ops[k].in.len == 4)
            raw |= (uint32_t)mem_get(page_host + ops[k].pcoff + 2, 2) << 16;
        if (raw != ops[k].in.raw) {
            blk_drop_page(bc, cp);
            return false;
        }
    }
    cp->chunks |= mask;
    return true;
}

/* The arena is full: drop every block, and make it larger if it may grow. */
static void blk_arena_full(struct hart *h)
{
    struct blk_cache *bc = h->bcache;

    if (bc->arena_cap < BLK_ARENA_MAX_OPS) {
        struct blk_op *bigger = malloc(2 * (size_t)bc->arena_cap * sizeof(*bigger));
        if (bigger) {
            free(bc->arena);
            bc->arena = bigger;
            bc->arena_cap *= 2;
        }
    }
    blk_flush_all(h);
}

/* Decode the block at pa (page_host: the host address of its page) into slot b. */
static struct blk *blk_build(struct hart *h, struct blk *b, uint64_t pa, const uint8_t *page_host)
{
    struct blk_cache *bc = h->bcache;
    unsigned start = (unsigned)(pa & BLK_PAGE_MASK), off = start;
    struct blk_op *tmp = bc->scratch, *ops;
    struct blk_code_page *cp;
    uint32_t n = 0;

    while (n < BLK_MAX_OPS && off < 4096) {
        uint32_t raw = (uint32_t)mem_get(page_host + off, 2);
        const struct insn *in;

        if ((raw & 3) == 3) {
            if (off + 4 > 4096)
                break; /* straddles the page end: single-stepped */
            raw |= (uint32_t)mem_get(page_host + off + 2, 2) << 16;
        }
        in = insn_decode_cached(h->dcache, raw);
        if (!in || blk_excluded(in))
            break;
        tmp[n].in = *in;
        tmp[n].pcoff = (uint16_t)off;
        tmp[n].kind = (uint8_t)blk_kind_of(in);
        n++;
        off += in->len;
        if (in->id == INSN_jal || in->id == INSN_jalr || (!BLK_SIDE_EXITS && blk_is_branch(in)))
            break;
    }
    tmp[n].kind = BK_END;
    tmp[n].pcoff = (uint16_t)off;
    tmp[n].in.len = 0;
    /* room: the slot's own if its last block fits (that block is gone), else new room */
    ops = NULL;
    if (n > 0 && b->ops && b->gen == bc->arena_gen && b->cap >= n) {
        ops = b->ops;
    } else if (n > 0) {
        if (bc->arena_used > bc->arena_cap - (BLK_MAX_OPS + 1))
            blk_arena_full(h);
        ops = &bc->arena[bc->arena_used];
        bc->arena_used += n + 1;
        b->cap = (uint16_t)n;
        b->gen = bc->arena_gen;
    }
    cp = blk_claim_page(h, pa >> 12);
    if (n > 0 && !blk_seal(bc, cp, page_host, tmp, n, blk_chunk_mask(start, off - start))) {
        b->pa = 1; /* raced with a writer: step, decode again next time */
        b->ops = ops;
        return NULL;
    }
    b->pa = pa;
    b->ver = cp->ver;
    b->n = (uint16_t)n;
    if (n > 0) {
        memcpy(ops, tmp, (n + 1) * sizeof(*ops));
        b->ops = ops;
        bc->stat_builds++;
    }
    return b;
}

/* The block at va (physical pa, fetch TLB entry e), decoded now if need be. */
static struct blk *blk_lookup(struct hart *h, const struct tlb_entry *e, uint64_t va,
                              uint64_t pa)
{
    struct blk_cache *bc = h->bcache;
    struct blk *b;
    struct blk_code_page *cp;

    b = &bc->slot[blk_slot_index(pa)];
    cp = blk_code_entry(bc, pa >> 12);
    if (RV_UNLIKELY(cp->epoch != bc->epoch) && cp->ppage == pa >> 12)
        blk_verify(bc, cp, (const uint8_t *)(uintptr_t)((va & ~BLK_PAGE_MASK) + e->addend));
    if (RV_LIKELY(b->pa == pa && b->ver == cp->ver && cp->ppage == pa >> 12))
        return b;
    return blk_build(h, b, pa, (const uint8_t *)(uintptr_t)((va & ~BLK_PAGE_MASK) + e->addend));
}

/*
 * The block at h->pc; prev (or NULL) is the block that ran just before and ended
 * normally, whose links are tried first and then updated. NULL when the fetch TLB does
 * not map pc.
 */
static struct blk *blk_find(struct hart *h, struct blk *prev)
{
    struct blk_cache *bc = h->bcache;
    uint64_t va = h->pc;
    const struct tlb_entry *e = &h->tlb.e[ACCESS_FETCH][tlb_index(va)];
    uint64_t pa;
    struct blk *b;
    unsigned k;

    if (RV_UNLIKELY(e->vpage != ((va >> 12) | h->tlb.ctx[ACCESS_FETCH])))
        return NULL;
    pa = (e->ppage << 12) | (va & BLK_PAGE_MASK);
    if (!prev)
        return blk_lookup(h, e, va, pa);
    if (RV_LIKELY(prev->link_gen == bc->link_gen)) {
        /* a link is only a hint of the slot: it must still hold pa */
        if (prev->link[0].pa == pa && RV_LIKELY(prev->link[0].b->pa == pa))
            return prev->link[0].b;
        if (prev->link[1].pa == pa && RV_LIKELY(prev->link[1].b->pa == pa))
            return prev->link[1].b;
    } else {
        prev->link[0].pa = prev->link[1].pa = 1;
        prev->link_gen = bc->link_gen;
    }
    /* which link: the fall-through one if pa follows prev's last instruction */
    k = pa != ((prev->pa & ~BLK_PAGE_MASK) | prev->ops[prev->n].pcoff);
    b = blk_lookup(h, e, va, pa);
    if (b && b->n > 0) {
        prev->link[k].pa = pa;
        prev->link[k].b = b;
    }
    return b;
}

/* ---- the cache's life ---- */

int blk_init(struct hart *h)
{
    struct blk_cache *bc = calloc(1, sizeof(*bc));

    if (!bc)
        return -1;
    bc->arena_cap = BLK_ARENA_MIN_OPS;
    bc->arena = malloc(bc->arena_cap * sizeof(*bc->arena));
    if (!bc->arena) {
        free(bc);
        return -1;
    }
    bc->link_gen = 1; /* the zeroed links are stale */
    /*
     * The slots stay zero (untouched pages cost no memory): pa 0 matches only once code
     * page 0 is claimed, which needs executable memory at physical 0, and even then an
     * empty slot (n = 0) only makes the hart single-step.
     */
    for (unsigned i = 0; i < (1u << BLK_CODE_BITS); i++)
        bc->code[i].ppage = BLK_NO_PAGE;
    h->bcache = bc;
    return 0;
}

void blk_destroy(struct hart *h)
{
    if (h->bcache)
        free(h->bcache->arena);
    free(h->bcache);
    h->bcache = NULL;
}

size_t blk_host_bytes(const struct hart *h)
{
    if (!h->bcache)
        return 0;
    return sizeof(*h->bcache) + h->bcache->arena_cap * sizeof(*h->bcache->arena);
}

void blk_flush_all(struct hart *h)
{
    struct blk_cache *bc = h->bcache;

    if (!bc)
        return;
    for (unsigned i = 0; i < (1u << BLK_CODE_BITS); i++) {
        bc->code[i].ver++;
        bc->code[i].ppage = BLK_NO_PAGE;
        bc->code[i].chunks = 0;
    }
    bc->arena_used = 0;
    bc->arena_gen++;
    bc->link_gen++;
    bc->stat_flushes++;
    h->blk_stale = true;
}

void blk_fence(struct hart *h)
{
    if (h->bcache) {
        h->bcache->epoch++;
        h->bcache->link_gen++;
    }
}

bool blk_is_code_page(const struct hart *h, uint64_t ppage)
{
    return h->bcache && h->bcache->code[ppage & ((1u << BLK_CODE_BITS) - 1)].ppage == ppage;
}

void blk_code_write(struct hart *h, uint64_t pa, unsigned len)
{
    struct blk_cache *bc = h->bcache;
    struct blk_code_page *cp;

    if (!bc || len == 0)
        return;
    cp = blk_code_entry(bc, pa >> 12);
    if (RV_LIKELY(cp->ppage != pa >> 12))
        return;
    if (!(cp->chunks & blk_chunk_mask((unsigned)(pa & BLK_PAGE_MASK), len)))
        return;
    blk_drop_page(bc, cp);
    bc->stat_smc++;
    h->blk_stale = true;
}

/* ---- running blocks ---- */

static void blk_retire(struct hart *h, uint32_t n)
{
    if (!(h->csr.mcountinhibit & 4))
        h->csr.minstret += n;
    if (!(h->csr.mcountinhibit & 1))
        h->csr.mcycle += n;
}

void blk_run(struct hart *h)
{
    struct blk *prev = NULL;

    while (h->slice_left > 0) {
        struct blk *b;
        uint32_t done;

        if (atomic_load_explicit(&h->irq_check, memory_order_relaxed) ||
            atomic_load_explicit(&h->stop_request, memory_order_relaxed))
            return;
        b = blk_find(h, prev);
        if (!b || b->n == 0 || b->n > h->slice_left)
            return;
        h->exc_pending = false;
        h->blk_stale = false;
#if defined(__GNUC__) || defined(__clang__)
        if (RV_LIKELY(!h->blk_portable))
            done = blk_exec_threaded(h, b, h->pc & ~BLK_PAGE_MASK);
        else
#endif
            done = blk_exec_switch(h, b, h->pc & ~BLK_PAGE_MASK);
        blk_retire(h, done);
        if (RV_UNLIKELY(h->exc_pending)) {
            /* the faulting instruction used a step of the slice, as in hart_run's step */
            h->slice_left -= done + 1;
            hart_take_trap(h, h->exc_cause, h->exc_tval, false);
            prev = NULL;
        } else {
            h->slice_left -= done;
            prev = b;
        }
    }
}
