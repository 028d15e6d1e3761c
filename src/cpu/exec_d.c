/*
 * D extension semantics (unprivileged ISA, chapter "D Standard Extension for
 * Double-Precision Floating-Point"), RV64 forms included (fcvt.l[u].d, fcvt.d.l[u],
 * fmv.x.d, fmv.d.x). Each instruction is one call into the glue of exec_f.c with
 * FPU_D; fcvt.s.d / fcvt.d.s convert between the formats.
 * Leaves out: nothing of D.
 */
#include "cpu/decode.h"
#include "cpu/fpu.h"
#include "cpu/hart.h"

void exec_fld(struct hart *h, const struct insn *in)
{
    fpu_exec_load(h, in, FPU_D);
}

void exec_fsd(struct hart *h, const struct insn *in)
{
    fpu_exec_store(h, in, FPU_D);
}

void exec_fmadd_d(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_D, 0);
}

void exec_fmsub_d(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_D, FPU_FMA_NEG_ADD);
}

void exec_fnmsub_d(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_D, FPU_FMA_NEG_PROD);
}

void exec_fnmadd_d(struct hart *h, const struct insn *in)
{
    fpu_exec_fma(h, in, FPU_D, FPU_FMA_NEG_PROD | FPU_FMA_NEG_ADD);
}

void exec_fadd_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_ADD);
}

void exec_fsub_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_SUB);
}

void exec_fmul_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_MUL);
}

void exec_fdiv_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_DIV);
}

void exec_fsqrt_d(struct hart *h, const struct insn *in)
{
    fpu_exec_sqrt(h, in, FPU_D);
}

void exec_fsgnj_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_SGNJ);
}

void exec_fsgnjn_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_SGNJN);
}

void exec_fsgnjx_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_SGNJX);
}

void exec_fmin_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_MIN);
}

void exec_fmax_d(struct hart *h, const struct insn *in)
{
    fpu_exec_op2(h, in, FPU_D, FPU_OP_MAX);
}

void exec_fcvt_w_d(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_D, FPU_W);
}

void exec_fcvt_wu_d(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_D, FPU_WU);
}

void exec_fcvt_l_d(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_D, FPU_L);
}

void exec_fcvt_lu_d(struct hart *h, const struct insn *in)
{
    fpu_exec_to_int(h, in, FPU_D, FPU_LU);
}

void exec_fmv_x_d(struct hart *h, const struct insn *in)
{
    fpu_exec_mv_to_x(h, in, FPU_D);
}

void exec_fclass_d(struct hart *h, const struct insn *in)
{
    fpu_exec_class(h, in, FPU_D);
}

void exec_feq_d(struct hart *h, const struct insn *in)
{
    fpu_exec_cmp(h, in, FPU_D, FPU_CMP_EQ);
}

void exec_flt_d(struct hart *h, const struct insn *in)
{
    fpu_exec_cmp(h, in, FPU_D, FPU_CMP_LT);
}

void exec_fle_d(struct hart *h, const struct insn *in)
{
    fpu_exec_cmp(h, in, FPU_D, FPU_CMP_LE);
}

void exec_fcvt_d_w(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_D, FPU_W);
}

void exec_fcvt_d_wu(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_D, FPU_WU);
}

void exec_fcvt_d_l(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_D, FPU_L);
}

void exec_fcvt_d_lu(struct hart *h, const struct insn *in)
{
    fpu_exec_from_int(h, in, FPU_D, FPU_LU);
}

void exec_fmv_d_x(struct hart *h, const struct insn *in)
{
    fpu_exec_mv_from_x(h, in, FPU_D);
}

void exec_fcvt_s_d(struct hart *h, const struct insn *in)
{
    fpu_exec_cvt_fmt(h, in, FPU_S);
}

void exec_fcvt_d_s(struct hart *h, const struct insn *in)
{
    fpu_exec_cvt_fmt(h, in, FPU_D);
}
