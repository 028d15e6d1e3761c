/*
 * IEEE 754 binary32 / binary64 arithmetic as the RISC-V F and D extensions specify it
 * (unprivileged ISA, chapters "F" and "D": rounding modes incl. RMM, fflags, canonical
 * NaN, NaN-boxing, tininess detected after rounding, saturating conversions).
 *
 * The arithmetic is pure software on integers (fpu.c): no host floating point, so results
 * and flags are identical on every host. Values are raw bit patterns: a single is the low
 * 32 bits of a uint64_t (already unboxed), a double the whole 64 bits. Every function ORs
 * the exception flags it raises (FFLAG_* of csr.h) into *flags and never clears any.
 * The rounding mode `rm` must be a valid static mode (RM_RNE..RM_RMM); resolving RM_DYN
 * and rejecting reserved modes is the caller's job.
 *
 * The second part declares the glue shared by exec_f.c and exec_d.c (cpu/ only).
 */
#ifndef RVISOR_CPU_FPU_H
#define RVISOR_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* Operand format. */
enum fpu_fmt {
    FPU_S = 0, /* binary32 */
    FPU_D = 1, /* binary64 */
};

/* Integer side of a conversion. */
enum fpu_int {
    FPU_W = 0,  /* int32, result sign-extended to 64 bits */
    FPU_WU = 1, /* uint32, result sign-extended to 64 bits (RV64 rule) */
    FPU_L = 2,  /* int64 */
    FPU_LU = 3, /* uint64 */
};

#define FPU_CNAN_S 0x7fc00000ull
#define FPU_CNAN_D 0x7ff8000000000000ull
#define FPU_BOX_S 0xffffffff00000000ull

/* fclass result bits. */
#define FCLASS_NEG_INF 0x001
#define FCLASS_NEG_NORMAL 0x002
#define FCLASS_NEG_SUBNORMAL 0x004
#define FCLASS_NEG_ZERO 0x008
#define FCLASS_POS_ZERO 0x010
#define FCLASS_POS_SUBNORMAL 0x020
#define FCLASS_POS_NORMAL 0x040
#define FCLASS_POS_INF 0x080
#define FCLASS_SNAN 0x100
#define FCLASS_QNAN 0x200

/* A single read from an f register: the low half if properly NaN-boxed, else the canonical NaN. */
static inline uint64_t fpu_unbox_s(uint64_t reg)
{
    return (reg >> 32) == 0xffffffffu ? (reg & 0xffffffffu) : FPU_CNAN_S;
}

static inline uint64_t fpu_box_s(uint64_t v)
{
    return FPU_BOX_S | (v & 0xffffffffu);
}

/* Arithmetic, correctly rounded (one rounding for fma: a * b + c). */
uint64_t fpu_add(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_sub(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_mul(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_div(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned rm, unsigned *flags);
uint64_t fpu_sqrt(enum fpu_fmt f, uint64_t a, unsigned rm, unsigned *flags);
uint64_t fpu_fma(enum fpu_fmt f, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
                 unsigned *flags);

/* fmin / fmax (IEEE 754-2019 minimumNumber / maximumNumber; -0 < +0). */
uint64_t fpu_min(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_max(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags);

/* Comparisons: feq is quiet (NV on sNaN only), flt / fle signal NV on any NaN. */
bool fpu_eq(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags);
bool fpu_lt(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags);
bool fpu_le(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *flags);

/* The 10-bit fclass mask (exactly one bit set). */
unsigned fpu_class(enum fpu_fmt f, uint64_t a);

/* Sign injection: op 0 = fsgnj, 1 = fsgnjn, 2 = fsgnjx. Bits move unchanged. */
uint64_t fpu_sgnj(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned op);

/* Float to integer: saturating, NV (not NX) when the rounded value is out of range. */
uint64_t fpu_to_int(enum fpu_fmt f, uint64_t a, enum fpu_int to, unsigned rm, unsigned *flags);
/* Integer (low 32 bits for W/WU) to float. */
uint64_t fpu_from_int(enum fpu_fmt f, uint64_t v, enum fpu_int from, unsigned rm,
                      unsigned *flags);
/* Between formats: fcvt.s.d rounds, fcvt.d.s is exact. */
uint64_t fpu_d_to_s(uint64_t a, unsigned rm, unsigned *flags);
uint64_t fpu_s_to_d(uint64_t a, unsigned *flags);

/* --- glue shared by exec_f.c and exec_d.c (defined in exec_f.c) --- */

struct hart;
struct insn;

enum fpu_op2 {
    FPU_OP_ADD,
    FPU_OP_SUB,
    FPU_OP_MUL,
    FPU_OP_DIV,
    FPU_OP_MIN,
    FPU_OP_MAX,
    FPU_OP_SGNJ,
    FPU_OP_SGNJN,
    FPU_OP_SGNJX,
};

enum fpu_cmp {
    FPU_CMP_EQ,
    FPU_CMP_LT,
    FPU_CMP_LE,
};

/* Fused multiply-add variants: which signs to flip before computing a * b + c. */
#define FPU_FMA_NEG_PROD 1u
#define FPU_FMA_NEG_ADD 2u

void fpu_exec_load(struct hart *h, const struct insn *in, enum fpu_fmt f);
void fpu_exec_store(struct hart *h, const struct insn *in, enum fpu_fmt f);
void fpu_exec_op2(struct hart *h, const struct insn *in, enum fpu_fmt f, enum fpu_op2 op);
void fpu_exec_fma(struct hart *h, const struct insn *in, enum fpu_fmt f, unsigned neg);
void fpu_exec_sqrt(struct hart *h, const struct insn *in, enum fpu_fmt f);
void fpu_exec_cmp(struct hart *h, const struct insn *in, enum fpu_fmt f, enum fpu_cmp op);
void fpu_exec_class(struct hart *h, const struct insn *in, enum fpu_fmt f);
void fpu_exec_to_int(struct hart *h, const struct insn *in, enum fpu_fmt f, enum fpu_int to);
void fpu_exec_from_int(struct hart *h, const struct insn *in, enum fpu_fmt f,
                       enum fpu_int from);
void fpu_exec_mv_to_x(struct hart *h, const struct insn *in, enum fpu_fmt f);
void fpu_exec_mv_from_x(struct hart *h, const struct insn *in, enum fpu_fmt f);
/* fcvt.s.d (to = FPU_S) and fcvt.d.s (to = FPU_D). */
void fpu_exec_cvt_fmt(struct hart *h, const struct insn *in, enum fpu_fmt to);

#endif
