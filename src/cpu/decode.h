/*
 * Instruction decoding. One table of encodings (insn_list.h: name, match, mask, format,
 * extension) drives the decoder, the disassembler and the overlap unit test. Compressed
 * encodings have entries of their own and decode into the fields of the base instruction
 * they expand to, so one set of semantics serves both.
 */
#ifndef RVISOR_CPU_DECODE_H
#define RVISOR_CPU_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hart;

/* Operand formats: how fields are extracted and how the disassembler prints them. */
enum insn_fmt {
    FMT_NONE,    /* ecall, ebreak, mret, sret, wfi, fence.i */
    FMT_R,       /* rd, rs1, rs2 */
    FMT_R1,      /* rd, rs1 (clz, sext.b, ...) */
    FMT_I,       /* rd, rs1, imm */
    FMT_LOAD,    /* rd, imm(rs1) */
    FMT_S,       /* rs2, imm(rs1) */
    FMT_B,       /* rs1, rs2, pc-relative imm */
    FMT_U,       /* rd, imm (already shifted left by 12) */
    FMT_J,       /* rd, pc-relative imm */
    FMT_SHIFT,   /* rd, rs1, shamt (6 bits) */
    FMT_SHIFTW,  /* rd, rs1, shamt (5 bits) */
    FMT_CSR,     /* rd, csr (imm), rs1 */
    FMT_CSRI,    /* rd, csr (imm), uimm (in rs1) */
    FMT_FENCE,   /* pred, succ (in imm) */
    FMT_SFENCE,  /* rs1, rs2 */
    FMT_AMO,     /* rd, rs2, (rs1) */
    FMT_LR,      /* rd, (rs1) */
    FMT_FLOAD,   /* fd, imm(rs1) */
    FMT_FSTORE,  /* fs2, imm(rs1) */
    FMT_FR,      /* fd, fs1, fs2 (rm) */
    FMT_FR4,     /* fd, fs1, fs2, fs3 (rm) */
    FMT_FR1,     /* fd, fs1 (rm): fsqrt, fcvt between formats */
    FMT_F2X,     /* rd, fs1 (rm): fcvt to int, fmv.x, fclass */
    FMT_X2F,     /* fd, rs1 (rm): fcvt from int, fmv to f */
    FMT_FCMP,    /* rd, fs1, fs2 */
    /* Compressed forms (RVC chapter); each expands into one of the above. */
    FMT_C_ADDI4SPN,
    FMT_C_LW,    /* c.lw */
    FMT_C_LD,    /* c.ld, c.fld */
    FMT_C_SW,    /* c.sw */
    FMT_C_SD,    /* c.sd, c.fsd */
    FMT_C_ADDI,  /* c.addi, c.addiw (rd=rs1, imm6) */
    FMT_C_LI,
    FMT_C_LUI,   /* c.lui, or c.addi16sp when rd = 2 */
    FMT_C_SHIFT, /* c.srli, c.srai (rd'=rs1', shamt6) */
    FMT_C_ANDI,
    FMT_C_ARITH, /* c.sub ... c.addw (rd'=rs1', rs2') */
    FMT_C_J,
    FMT_C_BRANCH, /* c.beqz, c.bnez */
    FMT_C_SLLI,
    FMT_C_LWSP,
    FMT_C_LDSP,  /* c.ldsp, c.fldsp */
    FMT_C_CR0,   /* c.jr (rs2 = 0) or c.mv */
    FMT_C_CR1,   /* c.ebreak, c.jalr (rs2 = 0) or c.add */
    FMT_C_SWSP,
    FMT_C_SDSP,  /* c.sdsp, c.fsdsp */
};

enum insn_ext {
    EXT_I,
    EXT_M,
    EXT_A,
    EXT_F,
    EXT_D,
    EXT_C,
    EXT_ZICSR,
    EXT_ZIFENCEI,
    EXT_ZBA,
    EXT_ZBB,
    EXT_ZBS,
    EXT_ZICOND,
    EXT_PRIV, /* privileged instructions */
};

/* Instruction ids: INSN_<name>, in table order. */
enum insn_id {
#define INSN(name, str, match, mask, fmt, ext) INSN_##name,
#define CINSN(name, str, match, mask, fmt, base) INSN_##name,
#include "cpu/insn_list.h"
#undef INSN
#undef CINSN
    INSN_COUNT
};

/* A decoded instruction: the fields its semantics need, already extracted. */
struct insn {
    uint32_t raw;
    uint16_t id;  /* instruction to execute (base form for compressed) */
    uint16_t tid; /* table entry that matched (the compressed one, for C) */
    uint8_t len;  /* 2 or 4 */
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;   /* rounding-mode field (funct3) for FP instructions */
    int64_t imm;  /* sign-extended immediate, shift amount, or CSR number */
};

typedef void (*insn_exec_fn)(struct hart *h, const struct insn *in);

struct insn_desc {
    const char *name;
    uint32_t match;
    uint32_t mask;
    enum insn_fmt fmt;
    enum insn_ext ext;
    uint16_t base;      /* for compressed entries: the id they expand to */
    insn_exec_fn exec;  /* NULL for compressed entries */
};

extern const struct insn_desc insn_table[INSN_COUNT];

/* Every semantic function, one per base instruction: exec_<name>. */
#define INSN(name, str, match, mask, fmt, ext) void exec_##name(struct hart *h, const struct insn *in);
#define CINSN(name, str, match, mask, fmt, base)
#include "cpu/insn_list.h"
#undef INSN
#undef CINSN

/* Length in bytes of the instruction whose low 16 bits are given. */
static inline unsigned insn_length(uint32_t raw)
{
    return (raw & 3) == 3 ? 4 : 2;
}

/* Decode a 16- or 32-bit instruction. false: reserved or unknown encoding. */
bool insn_decode(uint32_t raw, struct insn *out);

/* Write a disassembly of `in` at pc into buf (GNU objdump-like syntax). */
void insn_disasm(const struct insn *in, uint64_t pc, char *buf, size_t len);
/* ABI name of integer register r. */
const char *insn_xreg_name(unsigned r);
const char *insn_freg_name(unsigned r);

/*
 * Per-hart decode cache keyed by the instruction bits, and the index that makes a miss
 * cheap (the table entries that can match, by opcode and funct3; built on first use).
 */
#define DCACHE_BITS 12
#define DEC_BUCKETS (256 + 32)
#define DEC_LIST_MAX (INSN_COUNT * 8)
struct decode_cache {
    struct {
        bool valid;
        bool legal;
        struct insn in; /* in.raw is the tag */
    } e[1u << DCACHE_BITS];
    bool idx_ready;
    uint16_t idx_start[DEC_BUCKETS + 1];
    uint16_t idx_list[DEC_LIST_MAX];
};

/* Decode through the cache; NULL for an illegal encoding. */
const struct insn *insn_decode_cached(struct decode_cache *dc, uint32_t raw);

#endif
