/*
 * The registers GDB sees (GDB manual G.5.23 "RISC-V Features"): target.xml with the
 * org.gnu.gdb.riscv.cpu (x0-x31, pc), .fpu (f0-f31, fflags, frm, fcsr), .csr (every CSR
 * this hart implements, numbered 65 + CSR number as GDB does) and .virtual ("priv", the
 * current privilege, as QEMU and OpenOCD offer it) features, and register reads and writes
 * by those numbers. All registers are 64 bits; the g packet carries x0-x31 and pc only, the
 * rest is read with p.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/gdb_proto.h"

static const char *const xreg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const freg_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Name of CSR n for the target description (the ranges have no table entry). */
static void csr_reg_name(unsigned n, char *buf, size_t len)
{
    const char *name = csr_name(n);

    if (name)
        snprintf(buf, len, "%s", name);
    else if (n >= CSR_HPMCOUNTER3 && n <= CSR_HPMCOUNTER31)
        snprintf(buf, len, "hpmcounter%u", n - CSR_CYCLE);
    else if (n >= CSR_MHPMCOUNTER3 && n <= CSR_MHPMCOUNTER31)
        snprintf(buf, len, "mhpmcounter%u", n - CSR_MCYCLE);
    else if (n >= CSR_MHPMEVENT3 && n <= CSR_MHPMEVENT31)
        snprintf(buf, len, "mhpmevent%u", n - CSR_MCOUNTINHIBIT);
    else if (n >= CSR_PMPCFG0 && n <= CSR_PMPCFG15)
        snprintf(buf, len, "pmpcfg%u", n - CSR_PMPCFG0);
    else if (n >= CSR_PMPADDR0 && n <= CSR_PMPADDR63)
        snprintf(buf, len, "pmpaddr%u", n - CSR_PMPADDR0);
    else
        snprintf(buf, len, "csr%u", n);
}

struct xml_buf {
    char *p;
    size_t len, cap;
    bool failed;
};

#if defined(__GNUC__) || defined(__clang__)
static void xml_add(struct xml_buf *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif

static void xml_add(struct xml_buf *x, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (x->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(x->p + x->len, x->cap - x->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            x->failed = true;
            return;
        }
        if ((size_t)n < x->cap - x->len) {
            x->len += (size_t)n;
            return;
        }
        char *np = realloc(x->p, x->cap * 2);
        if (!np) {
            x->failed = true;
            return;
        }
        x->p = np;
        x->cap *= 2;
    }
}

char *gdb_target_xml(size_t *len)
{
    struct xml_buf x = {.p = malloc(8192), .cap = 8192};
    char name[32];

    if (!x.p)
        return NULL;
    xml_add(&x, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
                "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
    for (unsigned i = 0; i < 32; i++)
        xml_add(&x, "<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%u\"/>\n", xreg_names[i],
                i == 1               ? "code_ptr"
                : (i == 2 || i == 8) ? "data_ptr"
                                     : "int",
                i);
    xml_add(&x,
            "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%d\"/>\n"
            "</feature>\n<feature name=\"org.gnu.gdb.riscv.fpu\">\n"
            "<union id=\"riscv_double\"><field name=\"float\" type=\"ieee_single\"/>"
            "<field name=\"double\" type=\"ieee_double\"/></union>\n",
            GDB_REG_PC);
    for (unsigned i = 0; i < 32; i++)
        xml_add(&x, "<reg name=\"%s\" bitsize=\"64\" type=\"riscv_double\" regnum=\"%u\"/>\n",
                freg_names[i], GDB_REG_F0 + i);
    xml_add(&x,
            "<reg name=\"fflags\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n"
            "<reg name=\"frm\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n"
            "<reg name=\"fcsr\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n"
            "</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n",
            GDB_REG_FFLAGS, GDB_REG_FRM, GDB_REG_FCSR);
    for (unsigned n = CSR_FCSR + 1; n < 4096; n++) {
        if (!csr_exists(n))
            continue;
        csr_reg_name(n, name, sizeof(name));
        xml_add(&x, "<reg name=\"%s\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n", name,
                GDB_REG_CSR0 + n);
    }
    xml_add(&x,
            "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
            "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n"
            "</feature>\n</target>\n",
            GDB_REG_PRIV);
    if (x.failed) {
        free(x.p);
        return NULL;
    }
    *len = x.len;
    return x.p;
}

int gdb_reg_read(struct hart *h, unsigned regnum, uint64_t *val)
{
    if (regnum < 32) {
        *val = h->x[regnum];
        return 0;
    }
    if (regnum == GDB_REG_PC) {
        *val = h->pc;
        return 0;
    }
    if (regnum >= GDB_REG_F0 && regnum < GDB_REG_F0 + 32) {
        *val = h->f[regnum - GDB_REG_F0];
        return 0;
    }
    if (regnum == GDB_REG_PRIV) {
        *val = (uint64_t)h->priv;
        return 0;
    }
    if (regnum > GDB_REG_CSR0 && regnum < GDB_REG_PRIV &&
        csr_debug_read(h, regnum - GDB_REG_CSR0, val))
        return 0;
    return -ENOENT;
}

int gdb_reg_write(struct hart *h, unsigned regnum, uint64_t val)
{
    if (regnum < 32) {
        if (regnum)
            h->x[regnum] = val;
        return 0;
    }
    if (regnum == GDB_REG_PC) {
        h->pc = val;
        return 0;
    }
    if (regnum >= GDB_REG_F0 && regnum < GDB_REG_F0 + 32) {
        h->f[regnum - GDB_REG_F0] = val;
        return 0;
    }
    if (regnum == GDB_REG_PRIV) {
        if (val != PRIV_U && val != PRIV_S && val != PRIV_M)
            return -EINVAL;
        h->priv = (enum rv_priv)val;
        hart_tlb_flush(h);
        atomic_store(&h->irq_check, true);
        return 0;
    }
    if (regnum > GDB_REG_CSR0 && regnum < GDB_REG_PRIV &&
        csr_debug_write(h, regnum - GDB_REG_CSR0, val))
        return 0;
    return -ENOENT;
}
