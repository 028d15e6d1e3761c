/*
 * F extension semantics (unprivileged ISA, chapter "F Standard Extension for
 * Single-Precision Floating-Point") and the glue shared with exec_d.c: FS checks,
 * rounding-mode resolution (reserved modes are illegal), NaN-boxing of singles, fflags
 * accumulation and FS dirty marking. The arithmetic itself is in fpu.c.
 * Leaves out: nothing of F.
 */
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/fpu.h"
#include "cpu/hart.h"

/* Resolve the instruction's rounding mode; reserved ones raise illegal-instruction. */
static bool fpx_rm(struct hart *h, const struct insn *in, unsigned *rm)
{
    unsigned r = in->rm == RM_DYN ? h->csr.frm : in->rm;
    if (r > RM_RMM) {
        hart_illegal(h, in->raw);
        return false;
    }
    *rm = r;
    return true;
}

static uint64_t fpx_get(const struct hart *h, unsigned r, enum fpu_fmt f)
{
    return f == FPU_S ? fpu_unbox_s(h->f[r]) : h->f[r];
}

/* Write an f register and the accrued flags; both make FS dirty. */
static void fpx_set(struct hart *h, unsigned r, enum fpu_fmt f, uint64_t v, unsigned flags)
{
    h->f[r] = f == FPU_S ? fpu_box_s(v) : v;
    h->csr.fflags |= (uint8_t)flags;
    hart_fp_dirty(h);
}

/* Accrue flags of an instruction that writes an x register. */
static void fpx_flags(struct hart *h, unsigned flags)
{
    if (flags) {
        h->csr.fflags |= (uint8_t)flags;
        hart_fp_dirty(h);
    }
}

void fpu_exec_load(struct hart *h, const struct insn *in, enum fpu_fmt f)
{
    uint64_t v;
    if (!hart_fp_enabled(h, in->raw))
        return;
    if (!hart_load(h, h->x[in->rs1] + (uint64_t)in->imm, f == FPU_S ? 4 : 8, &v))
        return;
    fpx_set(h, in->rd, f, v, 0);
}

void fpu_exec_store(struct hart *h, const struct insn *in, enum fpu_fmt f)
{
    if (!hart_fp_enabled(h, in->raw))
        return;
    uint64_t v = h->f[in->rs2];
    if (!hart_store(h, h->x[in->rs1] + (uint64_t)in->imm, f == FPU_S ? 4 : 8,
                    f == FPU_S ? (v & 0xffffffffu) : v))
        return;
}

static bool fpx_needs_rm(enum fpu_op2 op)
{
    return op == FPU_OP_ADD || op == FPU_OP_SUB || op == FPU_OP_MUL || op == FPU_OP_DIV;
}

void fpu_exec_op2(struct hart *h, const struct insn *in, enum fpu_fmt f, enum fpu_op2 op)
{
    unsigned rm = RM_RNE, fl = 0;
    if (!hart_fp_enabled(h, in->raw))
        return;
    if (fpx_needs_rm(op) && !fpx_rm(h, in, &rm))
        return;
    uint64_t a = fpx_get(h, in->rs1, f), b = fpx_get(h, in->rs2, f), r;
    switch (op) {
    case FPU_OP_ADD:
        r = fpu_add(f, a, b, rm, &fl);
        break;
    case FPU_OP_SUB:
        r = fpu_sub(f, a, b, rm, &fl);
        break;
    case FPU_OP_MUL:
        r = fpu_mul(f, a, b, rm, &fl);
        break;
    case FPU_OP_DIV:
        r = fpu_div(f, a, b, rm, &fl);
        break;
    case FPU_OP_MIN:
        r = fpu_min(f, a, b, &fl);
        break;
    case FPU_OP_MAX:
        r = fpu_max(f, a, b, &fl);
        break;
    default:
        r = fpu_sgnj(f, a, b, (unsigned)(op - FPU_OP_SGNJ));
        break;
    }
    fpx_set(h, in->rd, f, r, fl);
}

void fpu_exec_fma(struct hart *h, const struct insn *in, enum fpu_fmt f, unsigned neg)
{
    unsigned rm, fl = 0;
    if (!hart_fp_enabled(h, in->raw) || !fpx_rm(h, in, &rm))
        return;
    uint64_t sign = f == FPU_S ? 1ull << 31 : 1ull << 63;
    uint64_t a = fpx_get(h, in->rs1, f), b = fpx_get(h, in->rs2, f);
    uint64_t c = fpx_get(h, in->rs3, f);
    if (neg & FPU_FMA_NEG_PROD)
        a ^= sign;
    if (neg & FPU_FMA_NEG_ADD)
        c ^= sign;
    uint64_t r = fpu_fma(f, a, b, c, rm, &fl);
    fpx_set(h, in->rd, f, r, fl);
}

void fpu_exec_sqrt(struct hart *h, const struct insn *in, enum fpu_fmt f)
{
    unsigned rm, fl = 0;
    if (!hart_fp_enabled(h, in->raw) || !fpx_rm(h, in, &rm))
        return;
    uint64_t r = fpu_sqrt(f, fpx_get(h, in->rs1, f), rm, &fl);
    fpx_set(h, in->rd, f, r, fl);
}

void fpu_exec_cmp(struct hart *h, const struct insn *in, enum fpu_fmt f, enum fpu_cmp op)
{
    unsigned fl = 0;
    bool r;
    if (!hart_fp_enabled(h, in->raw))
        return;
    uint64_t a = fpx_get(h, in->rs1, f), b = fpx_get(h, in->rs2, f);
    if (op == FPU_CMP_EQ)
        r = fpu_eq(f, a, b, &fl);
    else if (op == FPU_CMP_LT)
        r = fpu_lt(f, a, b, &fl);
    else
        r = fpu_le(f, a, b, &fl);
    h->x[in->rd] = r;
    fpx_flags(h, fl);
}

void fpu_exec_class(struct hart *h, const struct insn *in, enum fpu_fmt f)
{
    if (!hart_fp_enabled(h, in->raw))
        return;
    h->x[in->rd] = fpu_class(f, fpx_get(h, in->rs1, f));
}

void fpu_exec_to_int(struct hart *h, const struct insn *in, enum fpu_fmt f, enum fpu_int to)
{
    unsigned rm, fl = 0;
    if (!hart_fp_enabled(h, in->raw) || !fpx_rm(h, in, &rm))
        return;
    h->x[in->rd] = fpu_to_int(f, fpx_get(h, in->rs1, f), to, rm, &fl);
    fpx_flags(h, fl);
}

void fpu_exec_from_int(struct hart *h, const struct insn *in, enum fpu_fmt f,
                       enum fpu_int from)
{
    unsigned rm, fl = 0;
    if (!hart_fp_enabled(h, in->raw) || !fpx_rm(h, in, &rm))
        return;
    uint64_t r = fpu_from_int(f, h->x[in->rs1], from, rm, &fl);
    fpx_set(h, in->rd, f, r, fl);
}

/* fmv.x.w / fmv.x.d: bits move unchanged (the low 32 bits, sign-extended, for .w). */
void fpu_exec_mv_to_x(struct hart *h, const struct insn *in, enum fpu_fmt f)
{
    if (!hart_fp_enabled(h, in->raw))
        return;
    uint64_t v = h->f[in->rs1];
    h->x[in->rd] = f == FPU_S ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

void fpu_exec_mv_from_x(struct hart *h, const struct insn *in, enum fpu_fmt f)
{
    if (!hart_fp_enabled(h, in->raw))
        return;
    fpx_set(h, in->rd, f, h->x[in->rs1], 0);
}

void fpu_exec_cvt_fmt(struct hart *h, const struct insn *in, enum fpu_fmt to)
{
    unsigned rm, fl = 0;
    uint64_t r;
    if (!hart_fp_enabled(h, in->raw) || !fpx_rm(h, in, &rm))
        return;
    if (to == FPU_S)
        r = fpu_d_to_s(fpx_get(h, in->rs1, FPU_D), rm, &fl);
    else
        r = fpu_s_to_d(fpx_get(h, in->rs1, FPU_S), &fl);
    fpx_set(h, in->rd, to, r, fl);
}

/* ---- the F instructions ---- */

void exec_flw(struct hart *h, const struct insn *in)
{
    fpu_exec_load(h, in, FPU_S);
}

void exec_fsw(struct hart *h, const struct insn *in)
{
    fpu_exec_store(h, in, FPU_S);
}

void exec_fmadd_s(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_S, 0);
}

void exec_fmsub_s(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_S, FPU_FMA_NEG_ADD);
}

void exec_fnmsub_s(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_S, FPU_FMA_NEG_PROD);
}

void exec_fnmadd_s(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_S, FPU_FMA_NEG_PROD | FPU_FMA_NEG_ADD);
}

void exec_fadd_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_ADD);
}

void exec_fsub_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_SUB);
}

void exec_fmul_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_MUL);
}

void exec_fdiv_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_DIV);
}

void exec_fsqrt_s(struct hart *h, const struct insn *in)
{
    fpu_exec_sqrt(h, in, FPU_S);
}

void exec_fsgnj_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_SGNJ);
}

void exec_fsgnjn_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_SGNJN);
}

void exec_fsgnjx_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_SGNJX);
}

void exec_fmin_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_MIN);
}

void exec_fmax_s(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_S, FPU_OP_MAX);
}

void exec_fcvt_w_s(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_S, FPU_W);
}

void exec_fcvt_wu_s(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_S, FPU_WU);
}

void exec_fcvt_l_s(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_S, FPU_L);
}

void exec_fcvt_lu_s(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_S, FPU_LU);
}

void exec_fmv_x_w(struct hart *h, const struct insn *in)
{
    fpu_exec_mv_to_x(h, in, FPU_S);
}

void exec_fclass_s(struct hart *h, const struct insn *in)
{
    fpu_exec_class(h, in, FPU_S);
}

void exec_feq_s(struct hart *h, const struct insn *in)
{
    fpu_exec_cmp(h, in, FPU_S, FPU_CMP_EQ);
}

void exec_flt_s(struct hart *h, const struct insn *in)
{
    fpu_exec_cmp(h, in, FPU_S, FPU_CMP_LT);
}

void exec_fle_s(struct hart *h, const struct insn *in)
{
    fpu_exec_cmp(h, in, FPU_S, FPU_CMP_LE);
}

void exec_fcvt_s_w(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_S, FPU_W);
}

void exec_fcvt_s_wu(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_S, FPU_WU);
}

void exec_fcvt_s_l(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_S, FPU_L);
}

void exec_fcvt_s_lu(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_S, FPU_LU);
}

void exec_fmv_w_x(struct hart *h, const struct insn *in)
{
    fpu_exec_mv_from_x(h, in, FPU_S);
}
