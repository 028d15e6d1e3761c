/*
 * Disassembler for --trace and the debugger: prints a decoded instruction in roughly
 * GNU objdump syntax, driven by the format field of the encoding table. Compressed
 * instructions print as their "c." name with the operands of the expanded form.
 */
#include <stdio.h>

#include "cpu/csr.h"
#include "cpu/decode.h"

static const char *const xnames[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fnames[32] = {
    "ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",  "fs0",  "fs1", "fa0",
    "fa1", "fa2", "fa3",  "fa4",  "fa5", "fa6", "fa7",  "fs2",  "fs3",  "fs4", "fs5",
    "fs6", "fs7", "fs8",  "fs9",  "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

const char *insn_xreg_name(unsigned r)
{
    return xnames[r & 31];
}

const char *insn_freg_name(unsigned r)
{
    return fnames[r & 31];
}

static void csr_str(unsigned csr, char *buf, size_t len)
{
    const char *n = csr_name(csr);
    if (n)
        snprintf(buf, len, "%s", n);
    else
        snprintf(buf, len, "0x%03x", csr);
}

static const char *fence_set(unsigned v, char *buf)
{
    static const char letters[] = "iorw";
    size_t n = 0;
    for (unsigned i = 0; i < 4; i++)
        if (v & (8u >> i))
            buf[n++] = letters[i];
    if (n == 0)
        buf[n++] = '0';
    buf[n] = 0;
    return buf;
}

void insn_disasm(const struct insn *in, uint64_t pc, char *buf, size_t len)
{
    const struct insn_desc *d = &insn_table[in->id];
    const char *x_rd = xnames[in->rd], *x_rs1 = xnames[in->rs1], *x_rs2 = xnames[in->rs2];
    const char *f_rd = fnames[in->rd], *f_rs1 = fnames[in->rs1], *f_rs2 = fnames[in->rs2];
    char name[24], tmp[16], tmp2[8];
    long long imm = (long long)in->imm;
    unsigned long long target = (unsigned long long)(pc + (uint64_t)in->imm);

    if (in->len == 2)
        snprintf(name, sizeof(name), "c.%s", d->name);
    else
        snprintf(name, sizeof(name), "%s", d->name);

    switch (d->fmt) {
    case FMT_NONE: snprintf(buf, len, "%s", name); break;
    case FMT_R: snprintf(buf, len, "%-10s %s,%s,%s", name, x_rd, x_rs1, x_rs2); break;
    case FMT_R1: snprintf(buf, len, "%-10s %s,%s", name, x_rd, x_rs1); break;
    case FMT_I:
    case FMT_SHIFT:
    case FMT_SHIFTW: snprintf(buf, len, "%-10s %s,%s,%lld", name, x_rd, x_rs1, imm); break;
    case FMT_LOAD: snprintf(buf, len, "%-10s %s,%lld(%s)", name, x_rd, imm, x_rs1); break;
    case FMT_S: snprintf(buf, len, "%-10s %s,%lld(%s)", name, x_rs2, imm, x_rs1); break;
    case FMT_B: snprintf(buf, len, "%-10s %s,%s,0x%llx", name, x_rs1, x_rs2, target); break;
    case FMT_U:
        snprintf(buf, len, "%-10s %s,0x%llx", name, x_rd,
                 (unsigned long long)(((uint64_t)in->imm >> 12) & 0xfffff));
        break;
    case FMT_J: snprintf(buf, len, "%-10s %s,0x%llx", name, x_rd, target); break;
    case FMT_CSR:
        csr_str((unsigned)in->imm, tmp, sizeof(tmp));
        snprintf(buf, len, "%-10s %s,%s,%s", name, x_rd, tmp, x_rs1);
        break;
    case FMT_CSRI:
        csr_str((unsigned)in->imm, tmp, sizeof(tmp));
        snprintf(buf, len, "%-10s %s,%s,%u", name, x_rd, tmp, in->rs1);
        break;
    case FMT_FENCE:
        snprintf(buf, len, "%-10s %s,%s", name, fence_set((in->imm >> 4) & 15, tmp),
                 fence_set(in->imm & 15, tmp2));
        break;
    case FMT_SFENCE: snprintf(buf, len, "%-10s %s,%s", name, x_rs1, x_rs2); break;
    case FMT_AMO: snprintf(buf, len, "%-10s %s,%s,(%s)", name, x_rd, x_rs2, x_rs1); break;
    case FMT_LR: snprintf(buf, len, "%-10s %s,(%s)", name, x_rd, x_rs1); break;
    case FMT_FLOAD: snprintf(buf, len, "%-10s %s,%lld(%s)", name, f_rd, imm, x_rs1); break;
    case FMT_FSTORE: snprintf(buf, len, "%-10s %s,%lld(%s)", name, f_rs2, imm, x_rs1); break;
    case FMT_FR: snprintf(buf, len, "%-10s %s,%s,%s", name, f_rd, f_rs1, f_rs2); break;
    case FMT_FR4:
        snprintf(buf, len, "%-10s %s,%s,%s,%s", name, f_rd, f_rs1, f_rs2, fnames[in->rs3]);
        break;
    case FMT_FR1: snprintf(buf, len, "%-10s %s,%s", name, f_rd, f_rs1); break;
    case FMT_F2X: snprintf(buf, len, "%-10s %s,%s", name, x_rd, f_rs1); break;
    case FMT_X2F: snprintf(buf, len, "%-10s %s,%s", name, f_rd, x_rs1); break;
    case FMT_FCMP: snprintf(buf, len, "%-10s %s,%s,%s", name, x_rd, f_rs1, f_rs2); break;
    default: snprintf(buf, len, "%s", name); break;
    }
}
