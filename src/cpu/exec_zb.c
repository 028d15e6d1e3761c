/*
 * Bit manipulation and conditional zero: Zba (address generation), Zbb (basic bit
 * manipulation), Zbs (single-bit instructions) and Zicond (integer conditional operations),
 * RV64 forms, from the "B" and "Zicond" chapters of the unprivileged ISA manual.
 *
 * All arithmetic is on uint64_t; shift and bit-index operands are taken modulo XLEN (or 32
 * for the W forms) as the spec says. Counting uses compiler builtins when available (never
 * on a zero argument) and plain loops otherwise.
 * Leaves out: Zbc (carry-less multiply) and Zbkb, which rvisor does not advertise.
 */
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/hart.h"

static uint64_t zb_sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/* Number of leading zero bits in the low `bits` bits of v (bits = 32 or 64). */
static uint64_t zb_clz(uint64_t v, unsigned bits)
{
    if (v == 0)
        return bits;
#if defined(__GNUC__) || defined(__clang__)
    return (uint64_t)__builtin_clzll(v) - (64 - bits);
#else
    uint64_t n = 0;
    for (uint64_t m = 1ull << (bits - 1); !(v & m); m >>= 1)
        n++;
    return n;
#endif
}

/* Number of trailing zero bits of v; `bits` if v is zero. */
static uint64_t zb_ctz(uint64_t v, unsigned bits)
{
    if (v == 0)
        return bits;
#if defined(__GNUC__) || defined(__clang__)
    return (uint64_t)__builtin_ctzll(v);
#else
    uint64_t n = 0;
    for (; !(v & 1); v >>= 1)
        n++;
    return n;
#endif
}

static uint64_t zb_cpop(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return (uint64_t)__builtin_popcountll(v);
#else
    uint64_t n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
#endif
}

static uint64_t zb_rol64(uint64_t v, unsigned sh)
{
    sh &= 63;
    return sh ? (v << sh) | (v >> (64 - sh)) : v;
}

static uint64_t zb_ror64(uint64_t v, unsigned sh)
{
    sh &= 63;
    return sh ? (v >> sh) | (v << (64 - sh)) : v;
}

static uint32_t zb_rol32(uint32_t v, unsigned sh)
{
    sh &= 31;
    return sh ? (uint32_t)((v << sh) | (v >> (32 - sh))) : v;
}

static uint32_t zb_ror32(uint32_t v, unsigned sh)
{
    sh &= 31;
    return sh ? (uint32_t)((v >> sh) | (v << (32 - sh))) : v;
}

static uint64_t zb_rev8(uint64_t v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 8; i++)
        r |= ((v >> (8 * i)) & 0xff) << (8 * (7 - i));
    return r;
}

static uint64_t zb_orc_b(uint64_t v)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += 8)
        if ((v >> i) & 0xff)
            r |= 0xffull << i;
    return r;
}

/* The bit selected by a Zbs index operand (index mod 64). */
static uint64_t zb_bit(uint64_t index)
{
    return 1ull << (index & 63);
}

/* ---- Zba ---- */

void exec_add_uw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] + (uint32_t)h->x[in->rs1];
}

void exec_sh1add(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] + (h->x[in->rs1] << 1);
}

void exec_sh2add(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] + (h->x[in->rs1] << 2);
}

void exec_sh3add(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] + (h->x[in->rs1] << 3);
}

void exec_sh1add_uw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] + ((uint64_t)(uint32_t)h->x[in->rs1] << 1);
}

void exec_sh2add_uw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] + ((uint64_t)(uint32_t)h->x[in->rs1] << 2);
}

void exec_sh3add_uw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] + ((uint64_t)(uint32_t)h->x[in->rs1] << 3);
}

void exec_slli_uw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = (uint64_t)(uint32_t)h->x[in->rs1] << (in->imm & 63);
}

/* ---- Zbb ---- */

void exec_andn(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] & ~h->x[in->rs2];
}

void exec_orn(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] | ~h->x[in->rs2];
}

void exec_xnor(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = ~(h->x[in->rs1] ^ h->x[in->rs2]);
}

void exec_clz(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_clz(h->x[in->rs1], 64);
}

void exec_clzw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_clz((uint32_t)h->x[in->rs1], 32);
}

void exec_ctz(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_ctz(h->x[in->rs1], 64);
}

void exec_ctzw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_ctz((uint32_t)h->x[in->rs1], 32);
}

void exec_cpop(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_cpop(h->x[in->rs1]);
}

void exec_cpopw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_cpop((uint32_t)h->x[in->rs1]);
}

/* Signed comparison of two registers without converting out-of-range values. */
static bool zb_lt_signed(uint64_t a, uint64_t b)
{
    return (a ^ (1ull << 63)) < (b ^ (1ull << 63));
}

void exec_max(struct hart *h, const struct insn *in)
{
    uint64_t a = h->x[in->rs1], b = h->x[in->rs2];
    h->x[in->rd] = zb_lt_signed(a, b) ? b : a;
}

void exec_maxu(struct hart *h, const struct insn *in)
{
    uint64_t a = h->x[in->rs1], b = h->x[in->rs2];
    h->x[in->rd] = a < b ? b : a;
}

void exec_min(struct hart *h, const struct insn *in)
{
    uint64_t a = h->x[in->rs1], b = h->x[in->rs2];
    h->x[in->rd] = zb_lt_signed(a, b) ? a : b;
}

void exec_minu(struct hart *h, const struct insn *in)
{
    uint64_t a = h->x[in->rs1], b = h->x[in->rs2];
    h->x[in->rd] = a < b ? a : b;
}

void exec_sext_b(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = (uint64_t)(int64_t)(int8_t)(uint8_t)h->x[in->rs1];
}

void exec_sext_h(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = (uint64_t)(int64_t)(int16_t)(uint16_t)h->x[in->rs1];
}

void exec_zext_h(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = (uint16_t)h->x[in->rs1];
}

void exec_rol(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_rol64(h->x[in->rs1], (unsigned)h->x[in->rs2]);
}

void exec_rolw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_sext32(zb_rol32((uint32_t)h->x[in->rs1], (unsigned)h->x[in->rs2]));
}

void exec_ror(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_ror64(h->x[in->rs1], (unsigned)h->x[in->rs2]);
}

void exec_rorw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_sext32(zb_ror32((uint32_t)h->x[in->rs1], (unsigned)h->x[in->rs2]));
}

void exec_rori(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_ror64(h->x[in->rs1], (unsigned)in->imm);
}

void exec_roriw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_sext32(zb_ror32((uint32_t)h->x[in->rs1], (unsigned)in->imm));
}

void exec_orc_b(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_orc_b(h->x[in->rs1]);
}

void exec_rev8(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = zb_rev8(h->x[in->rs1]);
}

/* ---- Zbs ---- */

void exec_bclr(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] & ~zb_bit(h->x[in->rs2]);
}

void exec_bclri(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] & ~zb_bit((uint64_t)in->imm);
}

void exec_bext(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = (h->x[in->rs1] >> (h->x[in->rs2] & 63)) & 1;
}

void exec_bexti(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = (h->x[in->rs1] >> ((uint64_t)in->imm & 63)) & 1;
}

void exec_binv(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] ^ zb_bit(h->x[in->rs2]);
}

void exec_binvi(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] ^ zb_bit((uint64_t)in->imm);
}

void exec_bset(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] | zb_bit(h->x[in->rs2]);
}

void exec_bseti(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] | zb_bit((uint64_t)in->imm);
}

/* ---- Zicond ---- */

void exec_czero_eqz(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] == 0 ? 0 : h->x[in->rs1];
}

void exec_czero_nez(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs2] != 0 ? 0 : h->x[in->rs1];
}
