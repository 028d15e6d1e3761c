/*
 * Decoder: matches raw bits against the encoding table (insn_list.h) and extracts the
 * operand fields named by the entry's format. Compressed instructions (unprivileged spec,
 * chapter "C" Standard Extension) are decoded into the fields of the 32-bit instruction they
 * expand to; reserved compressed encodings are rejected here.
 */
#include <string.h>

#include "cpu/decode.h"

#if defined(__GNUC__) || defined(__clang__)
#define RV_UNLIKELY_DEC(x) __builtin_expect(!!(x), 0)
#else
#define RV_UNLIKELY_DEC(x) (x)
#endif

const struct insn_desc insn_table[INSN_COUNT] = {
#define INSN(nm, str, m, k, f, e)                                                           \
    [INSN_##nm] = {.name = str, .match = m, .mask = k, .fmt = f, .ext = e, .exec = exec_##nm},
#define CINSN(nm, str, m, k, f, b)                                                          \
    [INSN_##nm] = {.name = str, .match = m, .mask = k, .fmt = f, .ext = EXT_C, .base = INSN_##b},
#include "cpu/insn_list.h"
#undef INSN
#undef CINSN
};

static inline uint32_t bits(uint32_t x, unsigned hi, unsigned lo)
{
    return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int64_t sext(uint64_t x, unsigned width)
{
    uint64_t m = 1ull << (width - 1);
    x &= (width == 64) ? ~0ull : ((1ull << width) - 1);
    return (int64_t)((x ^ m) - m);
}

static int64_t imm_i(uint32_t r)
{
    return sext(r >> 20, 12);
}

static int64_t imm_s(uint32_t r)
{
    return sext((bits(r, 31, 25) << 5) | bits(r, 11, 7), 12);
}

static int64_t imm_b(uint32_t r)
{
    uint32_t v = (bits(r, 31, 31) << 12) | (bits(r, 7, 7) << 11) | (bits(r, 30, 25) << 5) |
                 (bits(r, 11, 8) << 1);
    return sext(v, 13);
}

static int64_t imm_u(uint32_t r)
{
    return sext(r & 0xfffff000u, 32);
}

static int64_t imm_j(uint32_t r)
{
    uint32_t v = (bits(r, 31, 31) << 20) | (bits(r, 19, 12) << 12) | (bits(r, 20, 20) << 11) |
                 (bits(r, 30, 21) << 1);
    return sext(v, 21);
}

static void decode_fields32(uint32_t r, enum insn_fmt fmt, struct insn *in)
{
    in->rd = bits(r, 11, 7);
    in->rs1 = bits(r, 19, 15);
    in->rs2 = bits(r, 24, 20);
    in->rs3 = bits(r, 31, 27);
    in->rm = bits(r, 14, 12);
    switch (fmt) {
    case FMT_I:
    case FMT_LOAD:
    case FMT_FLOAD: in->imm = imm_i(r); break;
    case FMT_S:
    case FMT_FSTORE: in->imm = imm_s(r); break;
    case FMT_B: in->imm = imm_b(r); break;
    case FMT_U: in->imm = imm_u(r); break;
    case FMT_J: in->imm = imm_j(r); break;
    case FMT_SHIFT: in->imm = bits(r, 25, 20); break;
    case FMT_SHIFTW: in->imm = bits(r, 24, 20); break;
    case FMT_CSR:
    case FMT_CSRI:
    case FMT_FENCE: in->imm = r >> 20; break;
    default: in->imm = 0; break;
    }
}

/* Compressed register fields rd'/rs1'/rs2' name x8..x15. */
static inline uint8_t creg(uint32_t r, unsigned lo)
{
    return (uint8_t)(8 + bits(r, lo + 2, lo));
}

static int64_t cimm6(uint32_t r)
{
    return sext((bits(r, 12, 12) << 5) | bits(r, 6, 2), 6);
}

/* Returns false for a reserved encoding. */
static bool decode_compressed(uint32_t r, const struct insn_desc *d, struct insn *in)
{
    in->id = d->base;
    in->rd = in->rs1 = in->rs2 = in->rs3 = 0;
    in->rm = 0;
    in->imm = 0;
    switch (d->fmt) {
    case FMT_C_ADDI4SPN:
        in->rd = creg(r, 2);
        in->rs1 = 2;
        in->imm = (bits(r, 12, 11) << 4) | (bits(r, 10, 7) << 6) | (bits(r, 6, 6) << 2) |
                  (bits(r, 5, 5) << 3);
        return in->imm != 0;
    case FMT_C_LW:
    case FMT_C_SW:
        in->rs1 = creg(r, 7);
        in->rd = in->rs2 = creg(r, 2);
        in->imm = (bits(r, 12, 10) << 3) | (bits(r, 6, 6) << 2) | (bits(r, 5, 5) << 6);
        return true;
    case FMT_C_LD:
    case FMT_C_SD:
        in->rs1 = creg(r, 7);
        in->rd = in->rs2 = creg(r, 2);
        in->imm = (bits(r, 12, 10) << 3) | (bits(r, 6, 5) << 6);
        return true;
    case FMT_C_ADDI:
        in->rd = in->rs1 = bits(r, 11, 7);
        in->imm = cimm6(r);
        return !(d->base == INSN_addiw && in->rd == 0);
    case FMT_C_LI:
        in->rd = bits(r, 11, 7);
        in->imm = cimm6(r);
        return true;
    case FMT_C_LUI:
        in->rd = bits(r, 11, 7);
        if (in->rd == 2) {
            in->id = INSN_addi;
            in->rs1 = 2;
            in->imm = sext((bits(r, 12, 12) << 9) | (bits(r, 4, 3) << 7) | (bits(r, 5, 5) << 6) |
                               (bits(r, 2, 2) << 5) | (bits(r, 6, 6) << 4),
                           10);
        } else {
            in->imm = (int64_t)((uint64_t)cimm6(r) << 12);
        }
        return in->imm != 0;
    case FMT_C_SHIFT:
    case FMT_C_ANDI:
        in->rd = in->rs1 = creg(r, 7);
        in->imm = d->fmt == FMT_C_ANDI ? cimm6(r) : (int64_t)((bits(r, 12, 12) << 5) | bits(r, 6, 2));
        return true;
    case FMT_C_ARITH:
        in->rd = in->rs1 = creg(r, 7);
        in->rs2 = creg(r, 2);
        return true;
    case FMT_C_J:
        in->rd = 0;
        in->imm = sext((bits(r, 12, 12) << 11) | (bits(r, 11, 11) << 4) | (bits(r, 10, 9) << 8) |
                           (bits(r, 8, 8) << 10) | (bits(r, 7, 7) << 6) | (bits(r, 6, 6) << 7) |
                           (bits(r, 5, 3) << 1) | (bits(r, 2, 2) << 5),
                       12);
        return true;
    case FMT_C_BRANCH:
        in->rs1 = creg(r, 7);
        in->rs2 = 0;
        in->imm = sext((bits(r, 12, 12) << 8) | (bits(r, 11, 10) << 3) | (bits(r, 6, 5) << 6) |
                           (bits(r, 4, 3) << 1) | (bits(r, 2, 2) << 5),
                       9);
        return true;
    case FMT_C_SLLI:
        in->rd = in->rs1 = bits(r, 11, 7);
        in->imm = (bits(r, 12, 12) << 5) | bits(r, 6, 2);
        return true;
    case FMT_C_LWSP:
        in->rd = bits(r, 11, 7);
        in->rs1 = 2;
        in->imm = (bits(r, 12, 12) << 5) | (bits(r, 6, 4) << 2) | (bits(r, 3, 2) << 6);
        return in->rd != 0;
    case FMT_C_LDSP:
        in->rd = bits(r, 11, 7);
        in->rs1 = 2;
        in->imm = (bits(r, 12, 12) << 5) | (bits(r, 6, 5) << 3) | (bits(r, 4, 2) << 6);
        return !(d->base == INSN_ld && in->rd == 0);
    case FMT_C_CR0:
        if (bits(r, 6, 2) == 0) { /* c.jr */
            in->id = INSN_jalr;
            in->rd = 0;
            in->rs1 = bits(r, 11, 7);
            return in->rs1 != 0;
        }
        in->id = INSN_add; /* c.mv */
        in->rd = bits(r, 11, 7);
        in->rs1 = 0;
        in->rs2 = bits(r, 6, 2);
        return true;
    case FMT_C_CR1:
        if (bits(r, 6, 2) == 0) {
            if (bits(r, 11, 7) == 0) { /* c.ebreak */
                in->id = INSN_ebreak;
                return true;
            }
            in->id = INSN_jalr; /* c.jalr */
            in->rd = 1;
            in->rs1 = bits(r, 11, 7);
            return true;
        }
        in->id = INSN_add; /* c.add */
        in->rd = in->rs1 = bits(r, 11, 7);
        in->rs2 = bits(r, 6, 2);
        return true;
    case FMT_C_SWSP:
        in->rs1 = 2;
        in->rs2 = bits(r, 6, 2);
        in->imm = (bits(r, 12, 9) << 2) | (bits(r, 8, 7) << 6);
        return true;
    case FMT_C_SDSP:
        in->rs1 = 2;
        in->rs2 = bits(r, 6, 2);
        in->imm = (bits(r, 12, 10) << 3) | (bits(r, 9, 7) << 6);
        return true;
    default: return false;
    }
}

/* out <- the fields of raw decoded as table entry i (which matched). */
static bool decode_as(uint32_t raw, unsigned i, struct insn *out)
{
    const struct insn_desc *d = &insn_table[i];

    out->tid = (uint16_t)i;
    if (d->ext == EXT_C)
        return decode_compressed(raw, d, out);
    out->id = (uint16_t)i;
    decode_fields32(raw, d->fmt, out);
    return true;
}

static void decode_start(uint32_t *raw, struct insn *out)
{
    unsigned len = insn_length(*raw);
    if (len == 2)
        *raw &= 0xffff;
    memset(out, 0, sizeof(*out));
    out->raw = *raw;
    out->len = (uint8_t)len;
}

bool insn_decode(uint32_t raw, struct insn *out)
{
    decode_start(&raw, out);
    for (unsigned i = 0; i < INSN_COUNT; i++) {
        const struct insn_desc *d = &insn_table[i];
        bool is_c = d->ext == EXT_C;
        if (is_c != (out->len == 2) || (raw & d->mask) != d->match)
            continue;
        return decode_as(raw, i, out);
    }
    return false;
}

/*
 * The index of the decode cache: for each bucket (32-bit: opcode bits 6:2 and funct3;
 * 16-bit: quadrant and funct3), the table entries that can match an encoding in it, in
 * table order, so the first match is the one insn_decode() finds.
 */
#define DEC_KEY32 0x707fu
#define DEC_KEY16 0xe003u

static unsigned dec_bucket(uint32_t raw)
{
    if ((raw & 3) == 3)
        return (((raw >> 2) & 31) << 3) | ((raw >> 12) & 7);
    return 256 + (((raw & 3) << 3) | ((raw >> 13) & 7));
}

static uint32_t dec_bucket_pattern(unsigned b)
{
    if (b < 256)
        return ((b >> 3) << 2) | 3 | ((b & 7) << 12);
    b -= 256;
    return (b >> 3) | ((b & 7) << 13);
}

static void decode_index_build(struct decode_cache *dc)
{
    unsigned n = 0;

    for (unsigned b = 0; b < DEC_BUCKETS; b++) {
        uint32_t pat = dec_bucket_pattern(b);
        bool c = b >= 256;
        uint32_t key = c ? DEC_KEY16 : DEC_KEY32;

        dc->idx_start[b] = (uint16_t)n;
        for (unsigned i = 0; i < INSN_COUNT && n < DEC_LIST_MAX; i++) {
            const struct insn_desc *d = &insn_table[i];
            if ((d->ext == EXT_C) == c && ((d->match ^ pat) & d->mask & key) == 0)
                dc->idx_list[n++] = (uint16_t)i;
        }
    }
    dc->idx_start[DEC_BUCKETS] = (uint16_t)n;
    dc->idx_ready = true;
}

static bool insn_decode_indexed(const struct decode_cache *dc, uint32_t raw, struct insn *out)
{
    unsigned b;

    decode_start(&raw, out);
    b = dec_bucket(raw);
    for (unsigned k = dc->idx_start[b]; k < dc->idx_start[b + 1]; k++) {
        unsigned i = dc->idx_list[k];
        if ((raw & insn_table[i].mask) == insn_table[i].match)
            return decode_as(raw, i, out);
    }
    return false;
}

const struct insn *insn_decode_cached(struct decode_cache *dc, uint32_t raw)
{
    if ((raw & 3) != 3)
        raw &= 0xffff;
    uint32_t h = (raw ^ (raw >> 12) ^ (raw >> 20)) & ((1u << DCACHE_BITS) - 1);
    if (!dc->e[h].valid || dc->e[h].in.raw != raw) {
        if (RV_UNLIKELY_DEC(!dc->idx_ready))
            decode_index_build(dc);
        dc->e[h].legal = insn_decode_indexed(dc, raw, &dc->e[h].in);
        dc->e[h].in.raw = raw;
        dc->e[h].valid = true;
    }
    return dc->e[h].legal ? &dc->e[h].in : NULL;
}
