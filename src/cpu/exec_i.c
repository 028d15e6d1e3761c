/*
 * RV64I base integer instructions (unprivileged spec chapters 2 and 5), including the
 * W forms. Arithmetic is done on uint64_t so that overflow is defined; signed views are
 * explicit conversions. FENCE is a no-op for one hart in this interpreter (the SMP work
 * maps it to a host barrier).
 */
#include "cpu/block.h"
#include "cpu/decode.h"
#include "cpu/hart.h"

#define X(r) (h->x[(r)])
#define SEXT32(v) ((uint64_t)(int64_t)(int32_t)(uint32_t)(v))

void exec_lui(struct hart *h, const struct insn *in)
{
    X(in->rd) = (uint64_t)in->imm;
}

void exec_auipc(struct hart *h, const struct insn *in)
{
    X(in->rd) = h->pc + (uint64_t)in->imm;
}

void exec_jal(struct hart *h, const struct insn *in)
{
    X(in->rd) = h->pc + in->len;
    h->npc = h->pc + (uint64_t)in->imm;
}

void exec_jalr(struct hart *h, const struct insn *in)
{
    uint64_t target = (X(in->rs1) + (uint64_t)in->imm) & ~1ull;
    X(in->rd) = h->pc + in->len;
    h->npc = target;
}

static inline void branch(struct hart *h, const struct insn *in, bool taken)
{
    if (taken)
        h->npc = h->pc + (uint64_t)in->imm;
}

void exec_beq(struct hart *h, const struct insn *in)
{
    branch(h, in, X(in->rs1) == X(in->rs2));
}

void exec_bne(struct hart *h, const struct insn *in)
{
    branch(h, in, X(in->rs1) != X(in->rs2));
}

void exec_blt(struct hart *h, const struct insn *in)
{
    branch(h, in, (int64_t)X(in->rs1) < (int64_t)X(in->rs2));
}

void exec_bge(struct hart *h, const struct insn *in)
{
    branch(h, in, (int64_t)X(in->rs1) >= (int64_t)X(in->rs2));
}

void exec_bltu(struct hart *h, const struct insn *in)
{
    branch(h, in, X(in->rs1) < X(in->rs2));
}

void exec_bgeu(struct hart *h, const struct insn *in)
{
    branch(h, in, X(in->rs1) >= X(in->rs2));
}

static inline void load(struct hart *h, const struct insn *in, unsigned size, bool sign)
{
    uint64_t v;
    if (!hart_load(h, X(in->rs1) + (uint64_t)in->imm, size, &v))
        return;
    if (sign && size < 8) {
        unsigned shift = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << shift) >> shift);
    }
    X(in->rd) = v;
}

void exec_lb(struct hart *h, const struct insn *in)
{
    load(h, in, 1, true);
}

void exec_lh(struct hart *h, const struct insn *in)
{
    load(h, in, 2, true);
}

void exec_lw(struct hart *h, const struct insn *in)
{
    load(h, in, 4, true);
}

void exec_ld(struct hart *h, const struct insn *in)
{
    load(h, in, 8, false);
}

void exec_lbu(struct hart *h, const struct insn *in)
{
    load(h, in, 1, false);
}

void exec_lhu(struct hart *h, const struct insn *in)
{
    load(h, in, 2, false);
}

void exec_lwu(struct hart *h, const struct insn *in)
{
    load(h, in, 4, false);
}

static inline void store(struct hart *h, const struct insn *in, unsigned size)
{
    if (!hart_store(h, X(in->rs1) + (uint64_t)in->imm, size, X(in->rs2)))
        return;
}

void exec_sb(struct hart *h, const struct insn *in)
{
    store(h, in, 1);
}

void exec_sh(struct hart *h, const struct insn *in)
{
    store(h, in, 2);
}

void exec_sw(struct hart *h, const struct insn *in)
{
    store(h, in, 4);
}

void exec_sd(struct hart *h, const struct insn *in)
{
    store(h, in, 8);
}

void exec_addi(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) + (uint64_t)in->imm;
}

void exec_slti(struct hart *h, const struct insn *in)
{
    X(in->rd) = (int64_t)X(in->rs1) < in->imm;
}

void exec_sltiu(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) < (uint64_t)in->imm;
}

void exec_xori(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) ^ (uint64_t)in->imm;
}

void exec_ori(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) | (uint64_t)in->imm;
}

void exec_andi(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) & (uint64_t)in->imm;
}

static inline uint64_t sra64(uint64_t v, unsigned sh)
{
    return (uint64_t)((int64_t)v >> sh); /* arithmetic on every compiler rvisor supports */
}

void exec_slli(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) << in->imm;
}

void exec_srli(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) >> in->imm;
}

void exec_srai(struct hart *h, const struct insn *in)
{
    X(in->rd) = sra64(X(in->rs1), (unsigned)in->imm);
}

void exec_add(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) + X(in->rs2);
}

void exec_sub(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) - X(in->rs2);
}

void exec_sll(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) << (X(in->rs2) & 63);
}

void exec_slt(struct hart *h, const struct insn *in)
{
    X(in->rd) = (int64_t)X(in->rs1) < (int64_t)X(in->rs2);
}

void exec_sltu(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) < X(in->rs2);
}

void exec_xor(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) ^ X(in->rs2);
}

void exec_srl(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) >> (X(in->rs2) & 63);
}

void exec_sra(struct hart *h, const struct insn *in)
{
    X(in->rd) = sra64(X(in->rs1), X(in->rs2) & 63);
}

void exec_or(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) | X(in->rs2);
}

void exec_and(struct hart *h, const struct insn *in)
{
    X(in->rd) = X(in->rs1) & X(in->rs2);
}

void exec_addiw(struct hart *h, const struct insn *in)
{
    X(in->rd) = SEXT32(X(in->rs1) + (uint64_t)in->imm);
}

void exec_slliw(struct hart *h, const struct insn *in)
{
    X(in->rd) = SEXT32((uint32_t)X(in->rs1) << in->imm);
}

void exec_srliw(struct hart *h, const struct insn *in)
{
    X(in->rd) = SEXT32((uint32_t)X(in->rs1) >> in->imm);
}

void exec_sraiw(struct hart *h, const struct insn *in)
{
    X(in->rd) = (uint64_t)((int64_t)(int32_t)(uint32_t)X(in->rs1) >> in->imm);
}

void exec_addw(struct hart *h, const struct insn *in)
{
    X(in->rd) = SEXT32(X(in->rs1) + X(in->rs2));
}

void exec_subw(struct hart *h, const struct insn *in)
{
    X(in->rd) = SEXT32(X(in->rs1) - X(in->rs2));
}

void exec_sllw(struct hart *h, const struct insn *in)
{
    X(in->rd) = SEXT32((uint32_t)X(in->rs1) << (X(in->rs2) & 31));
}

void exec_srlw(struct hart *h, const struct insn *in)
{
    X(in->rd) = SEXT32((uint32_t)X(in->rs1) >> (X(in->rs2) & 31));
}

void exec_sraw(struct hart *h, const struct insn *in)
{
    X(in->rd) = (uint64_t)((int64_t)(int32_t)(uint32_t)X(in->rs1) >> (X(in->rs2) & 31));
}

void exec_fence(struct hart *h, const struct insn *in)
{
    atomic_thread_fence(memory_order_seq_cst);
}

void exec_fence_i(struct hart *h, const struct insn *in)
{
    /* The decode cache is keyed by instruction bits; pre-decoded blocks may be stale. */
    atomic_thread_fence(memory_order_seq_cst);
    blk_fence(h);
}
