/*
 * Control and status registers: numbers, field masks, and the per-hart CSR state.
 * Privileged spec chapters 2 (CSR space), 3 (machine level), 4 (supervisor level).
 * The access rules live in the table in csr.c, indexed by CSR number.
 */
#ifndef RVISOR_CPU_CSR_H
#define RVISOR_CPU_CSR_H

#include <stdbool.h>
#include <stdint.h>

struct hart;

enum rv_csr {
    CSR_FFLAGS = 0x001,
    CSR_FRM = 0x002,
    CSR_FCSR = 0x003,

    CSR_CYCLE = 0xc00,
    CSR_TIME = 0xc01,
    CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03,
    CSR_HPMCOUNTER31 = 0xc1f,

    CSR_SSTATUS = 0x100,
    CSR_SIE = 0x104,
    CSR_STVEC = 0x105,
    CSR_SCOUNTEREN = 0x106,
    CSR_SENVCFG = 0x10a,
    CSR_SSCRATCH = 0x140,
    CSR_SEPC = 0x141,
    CSR_SCAUSE = 0x142,
    CSR_STVAL = 0x143,
    CSR_SIP = 0x144,
    CSR_STIMECMP = 0x14d,
    CSR_SATP = 0x180,

    CSR_MVENDORID = 0xf11,
    CSR_MARCHID = 0xf12,
    CSR_MIMPID = 0xf13,
    CSR_MHARTID = 0xf14,
    CSR_MCONFIGPTR = 0xf15,
    CSR_MSTATUS = 0x300,
    CSR_MISA = 0x301,
    CSR_MEDELEG = 0x302,
    CSR_MIDELEG = 0x303,
    CSR_MIE = 0x304,
    CSR_MTVEC = 0x305,
    CSR_MCOUNTEREN = 0x306,
    CSR_MENVCFG = 0x30a,
    CSR_MCOUNTINHIBIT = 0x320,
    CSR_MHPMEVENT3 = 0x323,
    CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340,
    CSR_MEPC = 0x341,
    CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343,
    CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0,
    CSR_PMPCFG15 = 0x3af,
    CSR_PMPADDR0 = 0x3b0,
    CSR_PMPADDR63 = 0x3ef,
    CSR_MSECCFG = 0x747,
    CSR_MCYCLE = 0xb00,
    CSR_MINSTRET = 0xb02,
    CSR_MHPMCOUNTER3 = 0xb03,
    CSR_MHPMCOUNTER31 = 0xb1f,

    CSR_TSELECT = 0x7a0,
    CSR_TDATA1 = 0x7a1,
};

/* mstatus fields (RV64). */
#define MSTATUS_SIE  (1ull << 1)
#define MSTATUS_MIE  (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_UBE  (1ull << 6)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP  (1ull << 8)
#define MSTATUS_VS   (3ull << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP  (3ull << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS   (3ull << 13)
#define MSTATUS_XS   (3ull << 15)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM  (1ull << 18)
#define MSTATUS_MXR  (1ull << 19)
#define MSTATUS_TVM  (1ull << 20)
#define MSTATUS_TW   (1ull << 21)
#define MSTATUS_TSR  (1ull << 22)
#define MSTATUS_UXL  (3ull << 32)
#define MSTATUS_SXL  (3ull << 34)
#define MSTATUS_SBE  (1ull << 36)
#define MSTATUS_MBE  (1ull << 37)
#define MSTATUS_SD   (1ull << 63)

#define FS_OFF     0
#define FS_INITIAL 1
#define FS_CLEAN   2
#define FS_DIRTY   3

/* The sstatus view of mstatus. */
#define SSTATUS_MASK                                                                       \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS |     \
     MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

/* satp. */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  0
#define SATP_MODE_SV39  8
#define SATP_MODE_SV48  9
#define SATP_MODE_SV57  10
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  0xffffull
#define SATP_PPN_MASK   ((1ull << 44) - 1)

/* menvcfg / senvcfg. */
#define ENVCFG_FIOM (1ull << 0)
#define ENVCFG_CBIE (3ull << 4)
#define ENVCFG_CBCFE (1ull << 6)
#define ENVCFG_CBZE (1ull << 7)
#define ENVCFG_PBMTE (1ull << 62)
#define ENVCFG_STCE (1ull << 63)

/* PMP configuration byte. */
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_A_SHIFT 3
#define PMP_A 0x18
#define PMP_A_OFF   0
#define PMP_A_TOR   1
#define PMP_A_NA4   2
#define PMP_A_NAPOT 3
#define PMP_L 0x80
#define PMP_COUNT 16

/* fcsr. */
#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

enum rv_rm {
    RM_RNE = 0,
    RM_RTZ = 1,
    RM_RDN = 2,
    RM_RUP = 3,
    RM_RMM = 4,
    RM_DYN = 7,
};

struct csr_state {
    uint64_t mstatus;
    uint64_t misa;
    uint64_t medeleg;
    uint64_t mideleg;
    uint64_t mie;
    uint64_t mtvec;
    uint64_t mscratch;
    uint64_t mepc;
    uint64_t mcause;
    uint64_t mtval;
    uint32_t mcounteren;
    uint32_t mcountinhibit;
    uint64_t menvcfg;
    uint64_t mhartid;

    uint64_t stvec;
    uint64_t sscratch;
    uint64_t sepc;
    uint64_t scause;
    uint64_t stval;
    uint32_t scounteren;
    uint64_t senvcfg;
    uint64_t satp;
    uint64_t stimecmp;

    uint64_t mcycle;
    uint64_t minstret;
    bool instret_written; /* the current instruction wrote minstret: don't count it */
    bool cycle_written;

    uint8_t fflags;
    uint8_t frm;

    uint8_t pmpcfg[PMP_COUNT];
    uint64_t pmpaddr[PMP_COUNT];
    unsigned pmp_active; /* number of leading entries that may matter; 0 = PMP unused */
};

/* Reset values for a hart (misa, mstatus.SXL/UXL, ...). */
void csr_reset(struct hart *h);

/*
 * Zicsr access. Returns false after raising illegal-instruction (nonexistent CSR,
 * insufficient privilege, write to read-only, TVM/counter-enable rules).
 * csr_read_for_write is the read half of a read-modify-write on a CSR that will be written.
 */
bool csr_read(struct hart *h, unsigned csr, uint64_t *val, bool will_write, uint32_t raw);
bool csr_write(struct hart *h, unsigned csr, uint64_t val, uint32_t raw);

/*
 * Debugger access (GDB's p/P): no privilege or FS checks, no exceptions; false when the
 * CSR does not exist. csr_exists lists what a target description may offer.
 */
bool csr_exists(unsigned csr);
bool csr_debug_read(struct hart *h, unsigned csr, uint64_t *val);
bool csr_debug_write(struct hart *h, unsigned csr, uint64_t val);

/* Name of a CSR for the disassembler (NULL if none). */
const char *csr_name(unsigned csr);

/* Effective mip (software bits | device lines | Sstc STIP). */
uint64_t csr_mip(struct hart *h);

#endif
