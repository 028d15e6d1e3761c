/*
 * M extension: integer multiplication and division (unprivileged ISA, chapter "M Standard
 * Extension for Integer Multiplication and Division", RV64 forms included).
 *
 * All arithmetic is done on uint64_t and converted at the end, so no signed overflow or
 * implementation-defined shift ever reaches the C compiler. The high halves of 128-bit
 * products use unsigned __int128 when the compiler has it and a portable 32x32 schoolbook
 * multiplication otherwise. Division by zero and the one signed overflow case
 * (most negative / -1) give the results the spec's table prescribes; nothing traps.
 * Leaves out: nothing (Zmmul is the subset without division; it needs no separate code).
 */
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/hart.h"

/* Sign-extend the low 32 bits of v to 64 bits. */
static uint64_t m_sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

static bool m_neg64(uint64_t v)
{
    return (v >> 63) != 0;
}

/* High 64 bits of the unsigned 128-bit product a * b. */
static uint64_t m_mulhu64(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
    uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo;
    uint64_t hi_lo = a_hi * b_lo;
    uint64_t lo_hi = a_lo * b_hi;
    uint64_t hi_hi = a_hi * b_hi;
    /* Middle column: at most 2 * (2^32 - 1) + (2^32 - 1)^2 = 2^64 - 1, so no overflow. */
    uint64_t mid = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
    return hi_hi + (hi_lo >> 32) + (mid >> 32);
#endif
}

/*
 * High half of signed x signed and signed x unsigned products, derived from the unsigned
 * one: interpreting a negative a as a - 2^64 subtracts b * 2^64, i.e. b from the high half.
 */
static uint64_t m_mulh64(uint64_t a, uint64_t b)
{
    uint64_t hi = m_mulhu64(a, b);
    if (m_neg64(a))
        hi -= b;
    if (m_neg64(b))
        hi -= a;
    return hi;
}

static uint64_t m_mulhsu64(uint64_t a, uint64_t b)
{
    uint64_t hi = m_mulhu64(a, b);
    if (m_neg64(a))
        hi -= b;
    return hi;
}

/* Absolute value of a two's complement 64-bit value, as unsigned (|INT64_MIN| = 2^63). */
static uint64_t m_abs64(uint64_t v)
{
    return m_neg64(v) ? 0 - v : v;
}

/* Signed 64-bit division per the spec: x/0 = -1; INT64_MIN/-1 = INT64_MIN. */
static uint64_t m_div64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return UINT64_MAX;
    uint64_t q = m_abs64(a) / m_abs64(b); /* overflow case gives 2^63 = INT64_MIN too */
    return (m_neg64(a) != m_neg64(b)) ? 0 - q : q;
}

/* Signed remainder: x%0 = x; INT64_MIN % -1 = 0. The sign follows the dividend. */
static uint64_t m_rem64(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    uint64_t r = m_abs64(a) % m_abs64(b);
    return m_neg64(a) ? 0 - r : r;
}

static uint64_t m_divu64(uint64_t a, uint64_t b)
{
    return b == 0 ? UINT64_MAX : a / b;
}

static uint64_t m_remu64(uint64_t a, uint64_t b)
{
    return b == 0 ? a : a % b;
}

void exec_mul(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = h->x[in->rs1] * h->x[in->rs2];
}

void exec_mulh(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_mulh64(h->x[in->rs1], h->x[in->rs2]);
}

void exec_mulhsu(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_mulhsu64(h->x[in->rs1], h->x[in->rs2]);
}

void exec_mulhu(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_mulhu64(h->x[in->rs1], h->x[in->rs2]);
}

void exec_div(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_div64(h->x[in->rs1], h->x[in->rs2]);
}

void exec_divu(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_divu64(h->x[in->rs1], h->x[in->rs2]);
}

void exec_rem(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_rem64(h->x[in->rs1], h->x[in->rs2]);
}

void exec_remu(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_remu64(h->x[in->rs1], h->x[in->rs2]);
}

/* The W forms operate on the low 32 bits and sign-extend the 32-bit result. */
void exec_mulw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_sext32(h->x[in->rs1] * h->x[in->rs2]);
}

/*
 * 32-bit signed division done in 64 bits on sign-extended operands: INT32_MIN / -1 gives
 * 2^31, whose low 32 bits are INT32_MIN again, as the spec requires; x/0 gives all ones.
 */
void exec_divw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_sext32(m_div64(m_sext32(h->x[in->rs1]), m_sext32(h->x[in->rs2])));
}

void exec_divuw(struct hart *h, const struct insn *in)
{
    uint64_t a = (uint32_t)h->x[in->rs1], b = (uint32_t)h->x[in->rs2];
    h->x[in->rd] = m_sext32(m_divu64(a, b));
}

void exec_remw(struct hart *h, const struct insn *in)
{
    h->x[in->rd] = m_sext32(m_rem64(m_sext32(h->x[in->rs1]), m_sext32(h->x[in->rs2])));
}

void exec_remuw(struct hart *h, const struct insn *in)
{
    uint64_t a = (uint32_t)h->x[in->rs1], b = (uint32_t)h->x[in->rs2];
    h->x[in->rd] = m_sext32(m_remu64(a, b));
}
