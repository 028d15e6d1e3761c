/*
 * Software IEEE 754 binary32/binary64 arithmetic for the F and D extensions (unprivileged
 * ISA, chapters "F" and "D"; IEEE 754-2019 sections 4-7).
 *
 * Every finite nonzero operand is unpacked to (sign, exp, sig) with value
 * sig * 2^(exp - 62) and bit 62 of sig set, whatever its format. Operations produce an
 * exact or "jammed" (sticky bit in bit 0) significand in the same form, and one routine,
 * fp_round_pack, rounds it into the target format in any of the five RISC-V modes,
 * detecting tininess after rounding as RISC-V requires. All integer arithmetic, no host
 * floating point: results and flags are the same on every host.
 * NaN results are always the canonical NaN. Leaves out: nothing of F/D (no Zfh, Zfa).
 */
#include "cpu/fpu.h"

#include <stddef.h>

#include "cpu/csr.h"

struct fp_fmt {
    unsigned mbits; /* stored mantissa bits */
    unsigned ebits; /* exponent bits */
};

static const struct fp_fmt fp_fmts[2] = {
    [FPU_S] = {23, 8},
    [FPU_D] = {52, 11},
};

enum fp_kind { FK_ZERO, FK_FINITE, FK_INF, FK_QNAN, FK_SNAN };

struct fp_val {
    enum fp_kind kind;
    bool sign;
    int32_t exp;  /* finite nonzero: value = sig * 2^(exp - 62) */
    uint64_t sig; /* bit 62 set */
};

struct u128 {
    uint64_t hi, lo;
};

/* ---- 128-bit helpers (portable; no __int128) ---- */

static struct u128 u128_mul(uint64_t a, uint64_t b)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    struct u128 r = {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32),
                     (mid << 32) | (p00 & 0xffffffffu)};
    return r;
}

static int u128_cmp(struct u128 a, struct u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

static struct u128 u128_add(struct u128 a, struct u128 b)
{
    struct u128 r = {a.hi + b.hi, a.lo + b.lo};
    r.hi += r.lo < a.lo;
    return r;
}

static struct u128 u128_sub(struct u128 a, struct u128 b)
{
    struct u128 r = {a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo};
    return r;
}

static struct u128 u128_shl(struct u128 v, unsigned n)
{
    struct u128 r = v;
    if (n >= 64) {
        r.hi = v.lo << (n - 64);
        r.lo = 0;
    } else if (n > 0) {
        r.hi = (v.hi << n) | (v.lo >> (64 - n));
        r.lo = v.lo << n;
    }
    return r;
}

/* Shift right by n, ORing every bit shifted out into bit 0 ("jamming"). */
static struct u128 u128_shr_jam(struct u128 v, unsigned n)
{
    struct u128 r = v;
    if (n == 0)
        return r;
    if (n >= 128) {
        r.hi = 0;
        r.lo = (v.hi | v.lo) != 0;
    } else if (n >= 64) {
        bool lost = v.lo != 0 || (n > 64 && (v.hi << (128 - n)) != 0);
        r.hi = 0;
        r.lo = (n == 64 ? v.hi : v.hi >> (n - 64)) | lost;
    } else {
        bool lost = (v.lo << (64 - n)) != 0;
        r.lo = (v.lo >> n) | (v.hi << (64 - n)) | lost;
        r.hi = v.hi >> n;
    }
    return r;
}

static unsigned fp_clz64(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_clzll(v);
#else
    unsigned n = 0;
    while (!(v >> 63)) {
        v <<= 1;
        n++;
    }
    return n;
#endif
}

static unsigned u128_clz(struct u128 v)
{
    return v.hi ? fp_clz64(v.hi) : 64 + fp_clz64(v.lo);
}

static uint64_t fp_shr_jam(uint64_t v, unsigned n)
{
    if (n == 0)
        return v;
    if (n >= 64)
        return v != 0;
    return (v >> n) | ((v << (64 - n)) != 0);
}

/* Bring a nonzero significand to bit 62, adjusting exp so that the value is kept. */
static uint64_t fp_norm(uint64_t sig, int32_t *exp)
{
    if (sig >> 63) {
        *exp += 1;
        return fp_shr_jam(sig, 1);
    }
    unsigned z = fp_clz64(sig) - 1;
    *exp -= (int32_t)z;
    return sig << z;
}

/* ---- format parameters, packing, unpacking ---- */

static int32_t fp_bias(const struct fp_fmt *t)
{
    return (1 << (t->ebits - 1)) - 1;
}

static uint64_t fp_expmax(const struct fp_fmt *t)
{
    return (1ull << t->ebits) - 1;
}

static uint64_t fp_signbit(const struct fp_fmt *t)
{
    return 1ull << (t->mbits + t->ebits);
}

static uint64_t fp_width_mask(const struct fp_fmt *t)
{
    return fp_signbit(t) | (fp_signbit(t) - 1);
}

static uint64_t fp_pack(const struct fp_fmt *t, bool sign, uint64_t e, uint64_t m)
{
    return (sign ? fp_signbit(t) : 0) | (e << t->mbits) | m;
}

static uint64_t fp_inf(const struct fp_fmt *t, bool sign)
{
    return fp_pack(t, sign, fp_expmax(t), 0);
}

static uint64_t fp_zero(const struct fp_fmt *t, bool sign)
{
    return fp_pack(t, sign, 0, 0);
}

static uint64_t fp_cnan(const struct fp_fmt *t)
{
    return fp_pack(t, false, fp_expmax(t), 1ull << (t->mbits - 1));
}

static struct fp_val fp_unpack(const struct fp_fmt *t, uint64_t bits)
{
    struct fp_val v = {FK_ZERO, false, 0, 0};
    uint64_t e = (bits >> t->mbits) & fp_expmax(t);
    uint64_t m = bits & ((1ull << t->mbits) - 1);
    unsigned sh = 62 - t->mbits;
    v.sign = (bits & fp_signbit(t)) != 0;
    if (e == fp_expmax(t)) {
        v.kind = m == 0 ? FK_INF : (m >> (t->mbits - 1)) ? FK_QNAN : FK_SNAN;
    } else if (e == 0 && m != 0) {
        unsigned z = fp_clz64(m) - 1;
        v.kind = FK_FINITE;
        v.sig = m << z;
        v.exp = 1 - fp_bias(t) + (int32_t)sh - (int32_t)z;
    } else if (e != 0) {
        v.kind = FK_FINITE;
        v.sig = (m | (1ull << t->mbits)) << sh;
        v.exp = (int32_t)e - fp_bias(t);
    }
    return v;
}

static bool fp_is_nan(const struct fp_val *v)
{
    return v->kind == FK_QNAN || v->kind == FK_SNAN;
}

/* The canonical NaN, with NV if any of the (up to three) operands is signalling. */
static uint64_t fp_nan_out(const struct fp_fmt *t, const struct fp_val *x,
                           const struct fp_val *y, const struct fp_val *z, unsigned *fl)
{
    if (x->kind == FK_SNAN || (y && y->kind == FK_SNAN) || (z && z->kind == FK_SNAN))
        *fl |= FFLAG_NV;
    return fp_cnan(t);
}

/* ---- rounding ---- */

/* What to add below the kept bits before truncating (ties to even fixed up after). */
static uint64_t fp_round_inc(unsigned rm, bool sign, unsigned sh)
{
    switch (rm) {
    case RM_RNE:
    case RM_RMM:
        return 1ull << (sh - 1);
    case RM_RDN:
        return sign ? (1ull << sh) - 1 : 0;
    case RM_RUP:
        return sign ? 0 : (1ull << sh) - 1;
    default:
        return 0;
    }
}

static uint64_t fp_overflow(const struct fp_fmt *t, bool sign, unsigned rm, unsigned *fl)
{
    bool to_inf = rm == RM_RNE || rm == RM_RMM || (rm == RM_RUP && !sign) ||
                  (rm == RM_RDN && sign);
    *fl |= FFLAG_OF | FFLAG_NX;
    if (to_inf)
        return fp_inf(t, sign);
    return fp_pack(t, sign, fp_expmax(t) - 1, (1ull << t->mbits) - 1);
}

/* Round sign * sig * 2^(exp - 62) (bit 62 of sig set) into format t. */
static uint64_t fp_round_pack(const struct fp_fmt *t, bool sign, int32_t exp, uint64_t sig,
                              unsigned rm, unsigned *fl)
{
    unsigned sh = 62 - t->mbits;
    uint64_t mask = (1ull << sh) - 1;
    uint64_t inc = fp_round_inc(rm, sign, sh);
    int32_t e = exp + fp_bias(t);

    if (e >= (int32_t)fp_expmax(t))
        return fp_overflow(t, sign, rm, fl);
    if (e < 1) {
        /* Tiny unless rounding at full precision would reach the smallest normal. */
        bool tiny = e < 0 || sig + inc < (1ull << 63);
        sig = fp_shr_jam(sig, (unsigned)(1 - e));
        e = 1;
        if (tiny && (sig & mask))
            *fl |= FFLAG_UF;
    }
    uint64_t rb = sig & mask;
    uint64_t m = (sig + inc) >> sh;
    if (rm == RM_RNE && rb == (1ull << (sh - 1)))
        m &= ~1ull;
    if (rb)
        *fl |= FFLAG_NX;
    /* m includes the implicit bit: it carries into the exponent field by itself. */
    uint64_t bits = ((uint64_t)(e - 1) << t->mbits) + m;
    if ((bits >> t->mbits) >= fp_expmax(t))
        return fp_overflow(t, sign, rm, fl);
    return bits | (sign ? fp_signbit(t) : 0);
}

/* ---- add / sub ---- */

static uint64_t fp_add_finite(const struct fp_fmt *t, struct fp_val x, struct fp_val y,
                              unsigned rm, unsigned *fl)
{
    if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
        struct fp_val tmp = x;
        x = y;
        y = tmp;
    }
    uint64_t ys = fp_shr_jam(y.sig, (unsigned)(x.exp - y.exp));
    int32_t exp = x.exp;
    uint64_t sig;
    if (x.sign == y.sign) {
        sig = x.sig + ys;
    } else {
        sig = x.sig - ys;
        if (sig == 0)
            return fp_zero(t, rm == RM_RDN);
    }
    sig = fp_norm(sig, &exp);
    return fp_round_pack(t, x.sign, exp, sig, rm, fl);
}

static uint64_t fp_addsub(const struct fp_fmt *t, uint64_t a, uint64_t b, bool negb,
                          unsigned rm, unsigned *fl)
{
    struct fp_val x = fp_unpack(t, a), y = fp_unpack(t, b);
    y.sign ^= negb;
    if (fp_is_nan(&x) || fp_is_nan(&y))
        return fp_nan_out(t, &x, &y, NULL, fl);
    if (x.kind == FK_INF || y.kind == FK_INF) {
        if (x.kind == FK_INF && y.kind == FK_INF && x.sign != y.sign) {
            *fl |= FFLAG_NV;
            return fp_cnan(t);
        }
        return fp_inf(t, x.kind == FK_INF ? x.sign : y.sign);
    }
    if (x.kind == FK_ZERO && y.kind == FK_ZERO)
        return fp_zero(t, x.sign == y.sign ? x.sign : rm == RM_RDN);
    if (x.kind == FK_ZERO)
        return (b & fp_width_mask(t)) ^ (negb ? fp_signbit(t) : 0);
    if (y.kind == FK_ZERO)
        return a & fp_width_mask(t);
    return fp_add_finite(t, x, y, rm, fl);
}

uint64_t fpu_add(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    return fp_addsub(&fp_fmts[f], a, b, false, rm, flags);
}

uint64_t fpu_sub(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    return fp_addsub(&fp_fmts[f], a, b, true, rm, flags);
}

/* ---- mul / div / sqrt ---- */

static uint64_t fp_mul_finite(const struct fp_fmt *t, const struct fp_val *x,
                              const struct fp_val *y, unsigned rm, unsigned *fl)
{
    struct u128 p = u128_mul(x->sig, y->sig); /* in [2^124, 2^126) */
    uint64_t sig = (p.hi << 2) | (p.lo >> 62) | ((p.lo << 2) != 0);
    int32_t exp = x->exp + y->exp;
    sig = fp_norm(sig, &exp);
    return fp_round_pack(t, x->sign ^ y->sign, exp, sig, rm, fl);
}

uint64_t fpu_mul(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    struct fp_val x = fp_unpack(t, a), y = fp_unpack(t, b);
    bool sign = x.sign ^ y.sign;
    if (fp_is_nan(&x) || fp_is_nan(&y))
        return fp_nan_out(t, &x, &y, NULL, flags);
    if (x.kind == FK_INF || y.kind == FK_INF) {
        if (x.kind == FK_ZERO || y.kind == FK_ZERO) {
            *flags |= FFLAG_NV;
            return fp_cnan(t);
        }
        return fp_inf(t, sign);
    }
    if (x.kind == FK_ZERO || y.kind == FK_ZERO)
        return fp_zero(t, sign);
    return fp_mul_finite(t, &x, &y, rm, flags);
}

uint64_t fpu_div(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    struct fp_val x = fp_unpack(t, a), y = fp_unpack(t, b);
    bool sign = x.sign ^ y.sign;
    if (fp_is_nan(&x) || fp_is_nan(&y))
        return fp_nan_out(t, &x, &y, NULL, flags);
    if ((x.kind == FK_INF && y.kind == FK_INF) || (x.kind == FK_ZERO && y.kind == FK_ZERO)) {
        *flags |= FFLAG_NV;
        return fp_cnan(t);
    }
    if (x.kind == FK_INF)
        return fp_inf(t, sign);
    if (y.kind == FK_ZERO) {
        *flags |= FFLAG_DZ;
        return fp_inf(t, sign);
    }
    if (x.kind == FK_ZERO || y.kind == FK_INF)
        return fp_zero(t, sign);
    /* Restoring division: q = floor(x.sig * 2^63 / y.sig), remainder as sticky bit. */
    uint64_t r = x.sig, q = 0;
    for (int i = 0; i < 64; i++) {
        q <<= 1;
        if (r >= y.sig) {
            r -= y.sig;
            q |= 1;
        }
        r <<= 1;
    }
    q |= r != 0;
    int32_t exp = x.exp - y.exp - 1;
    q = fp_norm(q, &exp);
    return fp_round_pack(t, sign, exp, q, rm, flags);
}

uint64_t fpu_sqrt(enum fpu_fmt f, uint64_t a, unsigned rm, unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    struct fp_val x = fp_unpack(t, a);
    if (fp_is_nan(&x))
        return fp_nan_out(t, &x, NULL, NULL, flags);
    if (x.kind == FK_ZERO)
        return a & fp_width_mask(t);
    if (x.sign) {
        *flags |= FFLAG_NV;
        return fp_cnan(t);
    }
    if (x.kind == FK_INF)
        return a & fp_width_mask(t);
    /* Radicand sig * 2^(62 or 63) with an even total exponent; root in [2^62, 2^63). */
    int32_t odd = (int32_t)((uint32_t)x.exp & 1u);
    struct u128 rad = u128_shl((struct u128){0, x.sig}, odd ? 63 : 62);
    uint64_t root = 0;
    for (int bit = 62; bit >= 0; bit--) {
        uint64_t trial = root | (1ull << bit);
        if (u128_cmp(u128_mul(trial, trial), rad) <= 0)
            root = trial;
    }
    root |= u128_cmp(u128_mul(root, root), rad) != 0;
    return fp_round_pack(t, false, (x.exp - odd) / 2, root, rm, flags);
}

/* ---- fused multiply-add ---- */

/* x * y + z, all finite and nonzero, one rounding. */
static uint64_t fp_fma_finite(const struct fp_fmt *t, const struct fp_val *x,
                              const struct fp_val *y, const struct fp_val *z, unsigned rm,
                              unsigned *fl)
{
    /* Both addends as 126-bit integers with the top bit at 125: value = m * 2^(e - 125). */
    struct u128 m1 = u128_mul(x->sig, y->sig);
    int32_t e1 = x->exp + y->exp + 1;
    bool s1 = x->sign ^ y->sign;
    if (!(m1.hi >> 61)) {
        m1 = u128_shl(m1, 1);
        e1--;
    }
    struct u128 m2 = u128_shl((struct u128){0, z->sig}, 63);
    int32_t e2 = z->exp;
    bool s2 = z->sign;
    if (e1 < e2 || (e1 == e2 && u128_cmp(m1, m2) < 0)) {
        struct u128 tm = m1;
        int32_t te = e1;
        bool ts = s1;
        m1 = m2, e1 = e2, s1 = s2;
        m2 = tm, e2 = te, s2 = ts;
    }
    m2 = u128_shr_jam(m2, (unsigned)(e1 - e2));
    struct u128 sum = s1 == s2 ? u128_add(m1, m2) : u128_sub(m1, m2);
    if (sum.hi == 0 && sum.lo == 0)
        return fp_zero(t, rm == RM_RDN);
    int32_t top = 127 - (int32_t)u128_clz(sum);
    uint64_t sig;
    if (top > 62)
        sig = u128_shr_jam(sum, (unsigned)(top - 62)).lo;
    else
        sig = sum.lo << (62 - top);
    return fp_round_pack(t, s1, e1 - 125 + top, sig, rm, fl);
}

uint64_t fpu_fma(enum fpu_fmt f, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
                 unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    struct fp_val x = fp_unpack(t, a), y = fp_unpack(t, b), z = fp_unpack(t, c);
    bool sp = x.sign ^ y.sign;
    bool inv = (x.kind == FK_INF && y.kind == FK_ZERO) || (x.kind == FK_ZERO && y.kind == FK_INF);
    /* RISC-V: inf * 0 signals NV even when the addend is a quiet NaN. */
    if (fp_is_nan(&x) || fp_is_nan(&y) || fp_is_nan(&z) || inv) {
        if (inv)
            *flags |= FFLAG_NV;
        return fp_nan_out(t, &x, &y, &z, flags);
    }
    if (x.kind == FK_INF || y.kind == FK_INF) {
        if (z.kind == FK_INF && z.sign != sp) {
            *flags |= FFLAG_NV;
            return fp_cnan(t);
        }
        return fp_inf(t, sp);
    }
    if (z.kind == FK_INF)
        return fp_inf(t, z.sign);
    if (x.kind == FK_ZERO || y.kind == FK_ZERO) {
        if (z.kind == FK_ZERO)
            return fp_zero(t, sp == z.sign ? sp : rm == RM_RDN);
        return c & fp_width_mask(t);
    }
    if (z.kind == FK_ZERO)
        return fp_mul_finite(t, &x, &y, rm, flags);
    return fp_fma_finite(t, &x, &y, &z, rm, flags);
}

/* ---- comparisons, min/max, class, sign injection ---- */

/* A signed integer that orders finite and infinite values like the reals; -0 == +0. */
static int64_t fp_key(const struct fp_fmt *t, uint64_t a)
{
    uint64_t mag = a & (fp_signbit(t) - 1);
    return (a & fp_signbit(t)) ? -(int64_t)mag : (int64_t)mag;
}

static bool fp_any_nan(const struct fp_fmt *t, uint64_t a, uint64_t b, bool quiet,
                       unsigned *fl)
{
    struct fp_val x = fp_unpack(t, a), y = fp_unpack(t, b);
    if (!fp_is_nan(&x) && !fp_is_nan(&y))
        return false;
    if (!quiet || x.kind == FK_SNAN || y.kind == FK_SNAN)
        *fl |= FFLAG_NV;
    return true;
}

bool fpu_eq(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    if (fp_any_nan(t, a, b, true, flags))
        return false;
    return fp_key(t, a) == fp_key(t, b);
}

bool fpu_lt(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    if (fp_any_nan(t, a, b, false, flags))
        return false;
    return fp_key(t, a) < fp_key(t, b);
}

bool fpu_le(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    if (fp_any_nan(t, a, b, false, flags))
        return false;
    return fp_key(t, a) <= fp_key(t, b);
}

static uint64_t fp_minmax(enum fpu_fmt f, uint64_t a, uint64_t b, bool want_max,
                          unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    struct fp_val x = fp_unpack(t, a), y = fp_unpack(t, b);
    a &= fp_width_mask(t);
    b &= fp_width_mask(t);
    if (fp_is_nan(&x) || fp_is_nan(&y)) {
        fp_nan_out(t, &x, &y, NULL, flags);
        if (fp_is_nan(&x) && fp_is_nan(&y))
            return fp_cnan(t);
        return fp_is_nan(&x) ? b : a;
    }
    int64_t ka = fp_key(t, a), kb = fp_key(t, b);
    bool a_first; /* a is the smaller one (-0 before +0) */
    if (ka != kb)
        a_first = ka < kb;
    else
        a_first = x.sign;
    return a_first != want_max ? a : b;
}

uint64_t fpu_min(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags)
{
    return fp_minmax(f, a, b, false, flags);
}

uint64_t fpu_max(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags)
{
    return fp_minmax(f, a, b, true, flags);
}

unsigned fpu_class(enum fpu_fmt f, uint64_t a)
{
    const struct fp_fmt *t = &fp_fmts[f];
    struct fp_val x = fp_unpack(t, a);
    bool subnormal = ((a >> t->mbits) & fp_expmax(t)) == 0;
    switch (x.kind) {
    case FK_SNAN:
        return FCLASS_SNAN;
    case FK_QNAN:
        return FCLASS_QNAN;
    case FK_INF:
        return x.sign ? FCLASS_NEG_INF : FCLASS_POS_INF;
    case FK_ZERO:
        return x.sign ? FCLASS_NEG_ZERO : FCLASS_POS_ZERO;
    default:
        if (subnormal)
            return x.sign ? FCLASS_NEG_SUBNORMAL : FCLASS_POS_SUBNORMAL;
        return x.sign ? FCLASS_NEG_NORMAL : FCLASS_POS_NORMAL;
    }
}

uint64_t fpu_sgnj(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned op)
{
    const struct fp_fmt *t = &fp_fmts[f];
    uint64_t sb = fp_signbit(t);
    uint64_t mag = a & (sb - 1);
    switch (op) {
    case 0:
        return mag | (b & sb);
    case 1:
        return mag | (~b & sb);
    default:
        return (a ^ b) & sb ? mag | sb : mag;
    }
}

/* ---- conversions ---- */

/* Round sig * 2^(exp - 62) to an integer magnitude; *big when it is 2^64 or more. */
static uint64_t fp_round_to_int(const struct fp_val *x, unsigned rm, bool *inexact, bool *big)
{
    *inexact = false;
    *big = x->exp >= 64;
    if (*big)
        return 0;
    if (x->exp >= 62)
        return x->sig << (x->exp - 62);
    unsigned s = (unsigned)(62 - x->exp);
    uint64_t sig = x->sig;
    if (s > 63) {
        sig = fp_shr_jam(sig, s - 63);
        s = 63;
    }
    uint64_t ip = sig >> s, rem = sig & ((1ull << s) - 1), half = 1ull << (s - 1);
    bool up;
    switch (rm) {
    case RM_RNE:
        up = rem > half || (rem == half && (ip & 1));
        break;
    case RM_RMM:
        up = rem >= half;
        break;
    case RM_RDN:
        up = x->sign && rem;
        break;
    case RM_RUP:
        up = !x->sign && rem;
        break;
    default:
        up = false;
        break;
    }
    *inexact = rem != 0;
    return ip + up;
}

static uint64_t fp_sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

uint64_t fpu_to_int(enum fpu_fmt f, uint64_t a, enum fpu_int to, unsigned rm, unsigned *flags)
{
    const struct fp_fmt *t = &fp_fmts[f];
    struct fp_val x = fp_unpack(t, a);
    bool is_signed = to == FPU_W || to == FPU_L, is32 = to == FPU_W || to == FPU_WU;
    uint64_t limit = is32 ? 1ull << 31 : 1ull << 63; /* 2^(bits-1) */
    uint64_t max = is_signed ? limit - 1 : (is32 ? 0xffffffffull : ~0ull);
    uint64_t min = is_signed ? (uint64_t)0 - limit : 0;
    bool inexact = false, big = false;
    uint64_t mag = 0;
    if (x.kind == FK_FINITE)
        mag = fp_round_to_int(&x, rm, &inexact, &big);
    bool ovf;
    if (fp_is_nan(&x))
        ovf = true, x.sign = false;
    else if (x.kind == FK_INF || big)
        ovf = true;
    else if (is_signed)
        ovf = x.sign ? mag > limit : mag > limit - 1;
    else
        ovf = x.sign ? mag != 0 : (is32 && mag > 0xffffffffull);
    uint64_t r;
    if (ovf) {
        *flags |= FFLAG_NV;
        r = x.sign ? min : max;
    } else {
        if (inexact)
            *flags |= FFLAG_NX;
        r = x.sign ? (uint64_t)0 - mag : mag;
    }
    return is32 ? fp_sext32(r) : r;
}

uint64_t fpu_from_int(enum fpu_fmt f, uint64_t v, enum fpu_int from, unsigned rm,
                      unsigned *flags)
{
    bool sign = false;
    uint64_t mag;
    switch (from) {
    case FPU_W:
        sign = (v >> 31) & 1;
        mag = sign ? (uint32_t)(0u - (uint32_t)v) : (uint32_t)v;
        break;
    case FPU_WU:
        mag = (uint32_t)v;
        break;
    case FPU_L:
        sign = v >> 63;
        mag = sign ? 0 - v : v;
        break;
    default:
        mag = v;
        break;
    }
    if (mag == 0)
        return 0;
    int32_t exp = 62;
    mag = fp_norm(mag, &exp);
    return fp_round_pack(&fp_fmts[f], sign, exp, mag, rm, flags);
}

static uint64_t fp_convert(const struct fp_fmt *from, const struct fp_fmt *to, uint64_t a,
                           unsigned rm, unsigned *flags)
{
    struct fp_val x = fp_unpack(from, a);
    if (fp_is_nan(&x))
        return fp_nan_out(to, &x, NULL, NULL, flags);
    if (x.kind == FK_INF)
        return fp_inf(to, x.sign);
    if (x.kind == FK_ZERO)
        return fp_zero(to, x.sign);
    return fp_round_pack(to, x.sign, x.exp, x.sig, rm, flags);
}

uint64_t fpu_d_to_s(uint64_t a, unsigned rm, unsigned *flags)
{
    return fp_convert(&fp_fmts[FPU_D], &fp_fmts[FPU_S], a, rm, flags);
}

uint64_t fpu_s_to_d(uint64_t a, unsigned *flags)
{
    return fp_convert(&fp_fmts[FPU_S], &fp_fmts[FPU_D], a, RM_RNE, flags);
}
