/*
 * Random instruction streams for the differential test (test_diff.c): RV64IMAFDC, Zba,
 * Zbb, Zbs, Zicond, Zicsr (fflags/frm/fcsr, counters, mscratch), Zifencei, ecall/ebreak
 * and illegal encodings, generated from the project's own encoding table (insn_table:
 * match/mask/format), with operands constrained so the program stays inside its world:
 *
 *   code   a few hundred instructions; every branch and jump targets an instruction
 *          boundary of the code (jalr and c.jr/c.jalr go through x9 = code base), and
 *          the code ends with a jump back to its start;
 *   data   loads, stores and AMOs go through x28 (middle of an 8 KiB data region), x2
 *          and x8 (in it), x9 (code: loads; stores are the controlled self-modifying
 *          patches below) or x27 (unmapped: access faults); offsets are random, so
 *          misaligned and page-crossing accesses happen;
 *   SMC    "patch" sequences store a valid 32-bit instruction (kept in x26) over one of
 *          the code's own 32-bit instructions, sometimes followed by fence.i;
 *   traps  go to an M-mode handler that skips the faulting instruction (t5/t6 = x30/x31
 *          are its scratch registers).
 *
 * Registers the random instructions may write: x1, x3-x7, x10-x25, x29 (and x0).
 * Header-only, static functions: one includer.
 */
#ifndef RVISOR_TESTS_DIFFGEN_H
#define RVISOR_TESTS_DIFFGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/decode.h"

#define DG_MAX_INSNS 600

struct dg_rng {
    uint64_t s;
};

static inline uint64_t dg_next(struct dg_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

static inline unsigned dg_below(struct dg_rng *r, unsigned n)
{
    return (unsigned)((dg_next(r) >> 33) % n);
}

/* One generated instruction, before branch targets are resolved. */
enum dg_fix { DG_FIX_NONE, DG_FIX_B, DG_FIX_J, DG_FIX_CJ, DG_FIX_CB, DG_FIX_JALR };

struct dg_insn {
    uint32_t raw;
    uint8_t len;
    uint8_t fix;     /* enum dg_fix */
    uint32_t off;    /* offset in the code */
    unsigned target; /* index of the target instruction (fixups) */
};

struct dg_prog {
    struct dg_insn in[DG_MAX_INSNS + 8];
    unsigned n;
    uint32_t size; /* bytes */
};

static const uint8_t dg_free_regs[] = {1,  3,  4,  5,  6,  7,  10, 11, 12, 13, 14, 15,
                                       16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 29};

static unsigned dg_rd(struct dg_rng *r)
{
    if (dg_below(r, 16) == 0)
        return 0;
    return dg_free_regs[dg_below(r, sizeof(dg_free_regs))];
}

/* A data base register: mostly the data region, sometimes code (loads) or unmapped. */
static unsigned dg_base(struct dg_rng *r, bool store)
{
    unsigned k = dg_below(r, 20);
    if (k == 0)
        return 27;
    if (k == 1 && !store)
        return 9;
    if (k < 5)
        return 8;
    if (k < 8)
        return 2;
    return 28;
}

static uint32_t dg_set(uint32_t w, unsigned lo, unsigned width, uint32_t v)
{
    uint32_t m = ((1u << width) - 1) << lo;
    return (w & ~m) | ((v << lo) & m);
}

static const uint16_t dg_csrs[] = {0x001, 0x002, 0x003, 0x003, 0x001, 0xb02, 0xc02,
                                   0xc00, 0xb00, 0x340, 0x340, 0xc01};

/* Table entries by how they are generated. */
static bool dg_wanted(unsigned id)
{
    const struct insn_desc *d = &insn_table[id];
    if (d->ext == EXT_PRIV || d->fmt == FMT_SFENCE)
        return false; /* mret, sret, wfi, sfence.vma: not in user streams */
    return true;
}

static bool dg_writes_x(enum insn_fmt f)
{
    switch (f) {
    case FMT_R: case FMT_R1: case FMT_I: case FMT_LOAD: case FMT_U: case FMT_J:
    case FMT_SHIFT: case FMT_SHIFTW: case FMT_CSR: case FMT_CSRI: case FMT_AMO: case FMT_LR:
    case FMT_F2X: case FMT_FCMP:
        return true;
    default:
        return false;
    }
}

/* Random 32-bit instruction from table entry id, operands constrained. */
static void dg_make32(struct dg_rng *r, unsigned id, struct dg_insn *out)
{
    const struct insn_desc *d = &insn_table[id];
    uint32_t w = d->match | ((uint32_t)dg_next(r) & ~d->mask);

    out->len = 4;
    out->fix = DG_FIX_NONE;
    if (!(d->mask & (31u << 7)) && dg_writes_x(d->fmt))
        w = dg_set(w, 7, 5, dg_rd(r));
    switch (d->fmt) {
    case FMT_LOAD:
    case FMT_FLOAD: w = dg_set(w, 15, 5, dg_base(r, false)); break;
    case FMT_S:
    case FMT_FSTORE: w = dg_set(w, 15, 5, dg_base(r, true)); break;
    case FMT_AMO:
    case FMT_LR: {
        static const uint8_t amo_base[] = {28, 28, 8, 2, 27};
        w = dg_set(w, 15, 5, amo_base[dg_below(r, sizeof(amo_base))]);
        break;
    }
    case FMT_B: out->fix = DG_FIX_B; break;
    case FMT_J: out->fix = DG_FIX_J; break;
    case FMT_CSR:
    case FMT_CSRI: w = dg_set(w, 20, 12, dg_csrs[dg_below(r, sizeof(dg_csrs) / 2)]); break;
    default: break;
    }
    if (id == INSN_jalr) {
        w = dg_set(w, 15, 5, 9);
        out->fix = DG_FIX_JALR;
    }
    out->raw = w;
}

static const uint8_t dg_creg_free[] = {2, 3, 4, 5, 6, 7}; /* x10-x15 as rd'/rs1' fields */

/* Random 16-bit instruction from compressed table entry id. */
static void dg_make16(struct dg_rng *r, unsigned id, struct dg_insn *out)
{
    const struct insn_desc *d = &insn_table[id];
    uint32_t w = (d->match | ((uint32_t)dg_next(r) & ~d->mask)) & 0xffff;
    unsigned cfree = dg_creg_free[dg_below(r, sizeof(dg_creg_free))];
    bool f = d->base == INSN_fld || d->base == INSN_fsd;

    out->len = 2;
    out->fix = DG_FIX_NONE;
    switch (d->fmt) {
    case FMT_C_ADDI4SPN: w = dg_set(w, 2, 3, cfree); break;
    case FMT_C_LW:
    case FMT_C_LD:
        w = dg_set(w, 7, 3, 0); /* x8 */
        if (!f)
            w = dg_set(w, 2, 3, cfree);
        break;
    case FMT_C_SW:
    case FMT_C_SD: w = dg_set(w, 7, 3, 0); break;
    case FMT_C_ADDI:
    case FMT_C_LI:
    case FMT_C_LUI:
    case FMT_C_SLLI:
    case FMT_C_LWSP:
    case FMT_C_LDSP:
        if (!f)
            w = dg_set(w, 7, 5, dg_rd(r));
        break;
    case FMT_C_SHIFT:
    case FMT_C_ANDI:
    case FMT_C_ARITH: w = dg_set(w, 7, 3, cfree); break;
    case FMT_C_J: out->fix = DG_FIX_CJ; break;
    case FMT_C_BRANCH: out->fix = DG_FIX_CB; break;
    case FMT_C_CR0: /* c.jr x9 or c.mv rd, rs2 */
        if (dg_below(r, 4) == 0) {
            w = dg_set(w, 2, 5, 0);
            w = dg_set(w, 7, 5, 9);
        } else {
            w = dg_set(w, 7, 5, dg_rd(r));
            w = dg_set(w, 2, 5, 1 + dg_below(r, 31));
        }
        break;
    case FMT_C_CR1: /* c.jalr x9, c.ebreak or c.add rd, rs2 */
        switch (dg_below(r, 8)) {
        case 0: w = dg_set(dg_set(w, 2, 5, 0), 7, 5, 9); break;
        case 1: w = dg_set(dg_set(w, 2, 5, 0), 7, 5, 0); break;
        default:
            w = dg_set(w, 7, 5, dg_rd(r));
            w = dg_set(w, 2, 5, 1 + dg_below(r, 31));
            break;
        }
        break;
    default: break;
    }
    out->raw = w;
}

/* Encoders of branch/jump offsets (the decoder's imm_b/imm_j/cj/cb in reverse). */
static uint32_t dg_enc_b(uint32_t w, int64_t imm)
{
    uint32_t v = (uint32_t)imm;
    w &= 0x01fff07fu;
    return w | (((v >> 12) & 1) << 31) | (((v >> 5) & 0x3f) << 25) | (((v >> 1) & 0xf) << 8) |
           (((v >> 11) & 1) << 7);
}

static uint32_t dg_enc_j(uint32_t w, int64_t imm)
{
    uint32_t v = (uint32_t)imm;
    w &= 0xfffu;
    return w | (((v >> 20) & 1) << 31) | (((v >> 1) & 0x3ff) << 21) | (((v >> 11) & 1) << 20) |
           (((v >> 12) & 0xff) << 12);
}

static uint32_t dg_enc_cj(uint32_t w, int64_t imm)
{
    uint32_t v = (uint32_t)imm;
    w &= 0xe003u;
    return w | (((v >> 11) & 1) << 12) | (((v >> 4) & 1) << 11) | (((v >> 8) & 3) << 9) |
           (((v >> 10) & 1) << 8) | (((v >> 6) & 1) << 7) | (((v >> 7) & 1) << 6) |
           (((v >> 1) & 7) << 3) | (((v >> 5) & 1) << 2);
}

static uint32_t dg_enc_cb(uint32_t w, int64_t imm)
{
    uint32_t v = (uint32_t)imm;
    w &= 0xe383u;
    return w | (((v >> 8) & 1) << 12) | (((v >> 3) & 3) << 10) | (((v >> 6) & 3) << 5) |
           (((v >> 1) & 3) << 3) | (((v >> 5) & 1) << 2);
}

static uint32_t dg_i(unsigned op, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}

/* addi rd, rs1, imm with a random free rd: what the SMC patches write. */
static uint32_t dg_patch_word(struct dg_rng *r)
{
    unsigned rd = dg_free_regs[dg_below(r, sizeof(dg_free_regs))];
    return dg_i(0x13, rd, 0, dg_below(r, 32), (int32_t)dg_below(r, 4096) - 2048);
}

/*
 * Generate a program of about n instructions (n <= DG_MAX_INSNS - 8).
 * Mix: compressed ~30%, loads/stores ~20%, branches/jumps ~12%, FP ~12%, the rest
 * integer ALU (I, M, Zba/Zbb/Zbs/Zicond), AMOs, CSRs, system, illegal, patches.
 */
static void dg_generate(struct dg_rng *r, unsigned n, struct dg_prog *p)
{
    unsigned ids[INSN_COUNT], nids = 0, cids[INSN_COUNT], ncids = 0;
    unsigned mem[INSN_COUNT], nmem = 0, br[INSN_COUNT], nbr = 0;
    uint32_t off = 0;

    for (unsigned i = 0; i < INSN_COUNT; i++) {
        const struct insn_desc *d = &insn_table[i];
        if (!dg_wanted(i))
            continue;
        if (d->ext == EXT_C)
            cids[ncids++] = i;
        else if (d->fmt == FMT_LOAD || d->fmt == FMT_S || d->fmt == FMT_FLOAD || d->fmt == FMT_FSTORE)
            mem[nmem++] = i;
        else if (d->fmt == FMT_B || d->fmt == FMT_J || i == INSN_jalr)
            br[nbr++] = i;
        else
            ids[nids++] = i;
    }
    p->n = 0;
    while (p->n < n) {
        struct dg_insn *in = &p->in[p->n];
        unsigned k = dg_below(r, 100);

        if (k < 30) {
            dg_make16(r, cids[dg_below(r, ncids)], in);
        } else if (k < 50) {
            dg_make32(r, mem[dg_below(r, nmem)], in);
        } else if (k < 60) {
            dg_make32(r, br[dg_below(r, nbr)], in);
        } else if (k < 98) {
            dg_make32(r, ids[dg_below(r, nids)], in);
        } else if (k == 98) { /* illegal: c.unimp, or an unused major opcode */
            in->len = dg_below(r, 2) ? 2 : 4;
            in->raw = in->len == 2 ? 0 : 0x0000007fu | ((uint32_t)dg_next(r) & 0xffffff00u);
            in->fix = DG_FIX_NONE;
        } else { /* patch: x26 = a new instruction, stored over a 32-bit one; fence.i */
            uint32_t word = dg_patch_word(r);
            uint32_t lo = word & 0xfff, hi = (word + 0x800) & 0xfffff000u;
            p->in[p->n++] = (struct dg_insn){.raw = hi | (26 << 7) | 0x37, .len = 4};
            p->in[p->n++] =
                (struct dg_insn){.raw = dg_i(0x1b, 26, 0, 26, (int32_t)(lo << 20) >> 20), .len = 4};
            /* sw x26, off(x9): the offset is resolved like a jalr target */
            in = &p->in[p->n];
            in->raw = (26u << 20) | (9u << 15) | (2u << 12) | 0x23;
            in->len = 4;
            in->fix = DG_FIX_JALR;
            if (dg_below(r, 2)) {
                p->n++;
                in = &p->in[p->n];
                in->raw = 0x0000100f; /* fence.i */
                in->len = 4;
                in->fix = DG_FIX_NONE;
            }
        }
        p->n++;
    }
    /* the way back to the start */
    p->in[p->n++] = (struct dg_insn){.raw = 0x6f, .len = 4, .fix = DG_FIX_J, .target = 0};
    for (unsigned i = 0; i < p->n; i++) {
        p->in[i].off = off;
        off += p->in[i].len;
    }
    p->size = off;
    /* resolve targets: an instruction boundary in reach */
    for (unsigned i = 0; i < p->n; i++) {
        struct dg_insn *in = &p->in[i];
        int64_t reach = in->fix == DG_FIX_CB ? 250 : 2000;
        unsigned t;
        int64_t d;

        if (in->fix == DG_FIX_NONE)
            continue;
        if (i == p->n - 1) {
            in->raw = dg_enc_j(in->raw, -(int64_t)in->off);
            continue;
        }
        /* mostly forward, so that execution wanders through the whole program */
        bool fwd = dg_below(r, 8) != 0;
        for (;;) {
            t = dg_below(r, p->n);
            d = (int64_t)p->in[t].off - (int64_t)in->off;
            if (d >= -reach && d <= reach && t != i && (!fwd || t > i))
                break;
            if (fwd && p->in[i + 1].off - in->off > (uint32_t)reach)
                fwd = false;
        }
        in->target = t;
        switch (in->fix) {
        case DG_FIX_B: in->raw = dg_enc_b(in->raw, d); break;
        case DG_FIX_J: in->raw = dg_enc_j(in->raw, d); break;
        case DG_FIX_CJ: in->raw = dg_enc_cj(in->raw, d); break;
        case DG_FIX_CB: in->raw = dg_enc_cb(in->raw, d); break;
        case DG_FIX_JALR:
            if ((in->raw & 0x7f) == 0x23) { /* patch store: a 32-bit instruction's slot */
                do
                    t = dg_below(r, p->n - 1);
                while (p->in[t].len != 4 || p->in[t].off > 2040);
                in->target = t;
                in->raw |= ((p->in[t].off & 0x1f) << 7) | ((p->in[t].off >> 5) << 25);
            } else {
                while (p->in[t].off > 2040)
                    t = dg_below(r, p->n);
                in->target = t;
                in->raw = dg_set(in->raw, 20, 12, p->in[t].off);
            }
            break;
        default: break;
        }
    }
}

/* The program's bytes at buf (p->size of them). */
static void dg_emit(const struct dg_prog *p, uint8_t *buf)
{
    for (unsigned i = 0; i < p->n; i++) {
        uint32_t w = p->in[i].raw;
        memcpy(buf + p->in[i].off, &w, p->in[i].len);
    }
}

#endif
