/*
 * How a VM ends, recorded where it happens (hv/vm.c, struct vm_exit): the kind, the
 * source (test finisher, built-in SBI, HTIF, host) and a fatal fault (a trap that leads
 * nowhere: cpu/trap.c's hart_env.fatal_trap), through both runners: the hypervisor's
 * scheduler (vm_run, worker threads) and the caller-driven runner of the library
 * (hv/vm_api.c). Guests are a few instructions assembled here into raw binaries (and one
 * ELF, for HTIF's tohost symbol).
 */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "hv/vm.h"
#include "hv/vm_api.h"
#include "hv/vm_internal.h"

#define RAM   0x80000000ull
#define SKERN (RAM + 0x200000) /* the built-in SBI's S-mode kernel */

enum { ZERO = 0, T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, A6 = 16, A7 = 17, T3 = 28 };

/* ---- a tiny assembler (The RISC-V Instruction Set Manual, volume I) ---- */

static uint32_t u_type(uint32_t op, unsigned rd, uint32_t imm20)
{
    return (imm20 << 12) | (rd << 7) | op;
}
static uint32_t i_type(uint32_t op, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
static uint32_t addi(unsigned rd, unsigned rs1, int32_t imm)
{
    return i_type(0x13, 0, rd, rs1, imm);
}
static uint32_t store(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}
static uint32_t csrw(unsigned csr, unsigned rs1) /* csrrw x0, csr, rs1 */
{
    return csr << 20 | rs1 << 15 | 1 << 12 | 0x73;
}
static uint32_t csrsi(unsigned csr, unsigned uimm) /* csrrsi x0, csr, uimm */
{
    return csr << 20 | uimm << 15 | 6 << 12 | 0x73;
}
#define LUI(rd, imm20)   u_type(0x37, rd, imm20)
#define AUIPC(rd, imm20) u_type(0x17, rd, imm20)
#define LD(rd, rs1, imm) i_type(0x03, 3, rd, rs1, imm)
#define JALR0(rs1)       i_type(0x67, 0, 0, rs1, 0) /* jr rs1 */
#define SLLI(rd, rs1, n) i_type(0x13, 1, rd, rs1, n)
#define SRLI(rd, rs1, n) i_type(0x13, 5, rd, rs1, n)
#define OR(rd, a, b)     ((b) << 20 | (a) << 15 | 6 << 12 | (rd) << 7 | 0x33)
#define SW(rs1, rs2)     store(2, rs1, rs2, 0)
#define SD(rs1, rs2)     store(3, rs1, rs2, 0)
#define ECALL            0x00000073u
#define SFENCE_VMA       0x12000073u
#define LOOP             0x0000006fu /* j . */
#define ILLEGAL          0u

#define CSR_MSTATUS 0x300
#define CSR_MIE     0x304
#define CSR_STVEC   0x105
#define CSR_SATP    0x180

/* ---- guests ---- */

static char dir[64];
static unsigned nfiles;

static const char *write_file(const void *data, size_t len, const char *ext)
{
    static char paths[32][128];
    char *p = paths[nfiles++ % 32];
    snprintf(p, 128, "%s/g%u.%s", dir, nfiles, ext);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return p;
}

static const char *raw(const uint32_t *w, size_t n)
{
    return write_file(w, 4 * n, "bin");
}

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}
static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/*
 * An ELF (ELF-64 object file format): code at RAM, a tohost word at RAM + 0x1000 named
 * by the symbol table, as the riscv-tests link it.
 */
static const char *htif_elf(const uint32_t *w, size_t n)
{
    enum { SEG = 0x1000, SEGSZ = 0x1008, SYM = SEG + SEGSZ, STR = SYM + 48, SH = STR + 16 };
    static uint8_t f[SH + 3 * 64];
    memset(f, 0, sizeof(f));
    memcpy(f, "\177ELF\2\1\1", 7);
    put16(f + 16, 2);   /* ET_EXEC */
    put16(f + 18, 243); /* EM_RISCV */
    put32(f + 20, 1);
    put64(f + 24, RAM); /* entry */
    put64(f + 32, 64);  /* phoff */
    put64(f + 40, SH);  /* shoff */
    put16(f + 52, 64);
    put16(f + 54, 56);
    put16(f + 56, 1);
    put16(f + 58, 64);
    put16(f + 60, 3);
    uint8_t *ph = f + 64;
    put32(ph, 1); /* PT_LOAD */
    put32(ph + 4, 7);
    put64(ph + 8, SEG);
    put64(ph + 16, RAM);
    put64(ph + 24, RAM);
    put64(ph + 32, SEGSZ);
    put64(ph + 40, SEGSZ);
    memcpy(f + SEG, w, 4 * n);
    put32(f + SYM + 24, 1);                /* "tohost" */
    put64(f + SYM + 24 + 8, RAM + 0x1000); /* its value */
    memcpy(f + STR, "\0tohost", 8);
    uint8_t *sh = f + SH + 64; /* [1] .symtab, [2] .strtab */
    put32(sh + 4, 2);
    put64(sh + 24, SYM);
    put64(sh + 32, 48);
    put32(sh + 40, 2);
    put64(sh + 56, 24);
    sh += 64;
    put32(sh + 4, 3);
    put64(sh + 24, STR);
    put64(sh + 32, 8);
    return write_file(f, sizeof(f), "elf");
}

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/rvisor-test-exit-%ld", (long)getpid());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
}

static void teardown(void)
{
    char p[128];
    for (unsigned i = 1; i <= nfiles; i++) {
        snprintf(p, sizeof(p), "%s/g%u.bin", dir, i);
        unlink(p);
        snprintf(p, sizeof(p), "%s/g%u.elf", dir, i);
        unlink(p);
    }
    rmdir(dir);
}

/* ---- running ---- */

/* How a test runs its guest: the hypervisor on worker threads, the hypervisor in
 * deterministic mode (no threads), or the library's caller-driven runner. */
enum runner { HV_THREADS, HV_DET, API, NRUNNERS };

struct result {
    struct vm_exit ex;
    bool api_faulted;
    struct vm_api_fault api_fault;
    enum vm_api_source api_src;
};

static struct vm *make(const char *kernel, const char *bios, uint64_t max_insns, bool det)
{
    struct vm_config cfg = {.ram_size = 16u << 20,
                            .nharts = 1,
                            .kernel = kernel,
                            .bios = bios,
                            .deterministic = det,
                            .max_insns = max_insns};
    struct vm *vm;
    char err[256];
    ck_assert_msg(vm_create(&cfg, &vm, err, sizeof(err)) == 0, "vm_create: %s", err);
    return vm;
}

/* Run to the end under one runner, at most max_insns instructions (then MAX_INSNS). */
static void run_limit(enum runner how, const char *kernel, const char *bios, uint64_t max_insns,
                      struct result *res)
{
    memset(res, 0, sizeof(*res));
    if (how != API) {
        struct vm *vm = make(kernel, bios, max_insns, how == HV_DET);
        vm_run(vm, &res->ex);
        vm_destroy(vm);
        return;
    }
    struct vm *vm = make(kernel, bios, 0, true);
    struct vm_api_runner r;
    uint64_t ran;
    ck_assert_int_eq(vm_api_init(&r, vm), 0);
    if (vm_api_run(&r, max_insns, 0, NULL, &ran) != VM_API_STOP_EXIT)
        vm_api_end(&r, VM_EXIT_MAX_INSNS);
    for (unsigned i = 0; i < vm->nharts; i++)
        ck_assert_ptr_null(vm->harts[i].dbg); /* no breakpoint guard: blocks run */
    vm_api_exit(&r, &res->ex, &res->api_src);
    res->api_faulted = r.faulted;
    res->api_fault = r.fault;
    vm_api_fini(&r);
    vm_destroy(vm);
}

static void run(enum runner how, const char *kernel, const char *bios, struct result *res)
{
    run_limit(how, kernel, bios, 100000000, res);
}

/* The VM ended with a fault of this cause at epc, into priv at vector. */
static void check_fault(enum runner how, const struct result *res, unsigned priv, uint64_t cause,
                        uint64_t epc, uint64_t tval, uint64_t vector, bool jump)
{
    const struct vm_fault *f = &res->ex.fault;
    ck_assert_int_eq(res->ex.kind, VM_EXIT_FAULT);
    ck_assert_int_eq(res->ex.source, VM_SRC_HOST);
    ck_assert_uint_eq(f->hart, 0);
    ck_assert_uint_eq(f->priv, priv);
    ck_assert_uint_eq(f->cause, cause);
    ck_assert_uint_eq(f->epc, epc);
    ck_assert_uint_eq(f->tval, tval);
    ck_assert_uint_eq(f->vector, vector);
    ck_assert_int_eq(f->jump, jump);
    if (how != API)
        return;
    /* what src/lib/rvisor.c reads */
    ck_assert_int_eq(res->api_src, VM_API_SRC_HOST);
    ck_assert(res->api_faulted);
    ck_assert_uint_eq(res->api_fault.priv, priv);
    ck_assert_uint_eq(res->api_fault.cause, cause);
    ck_assert_uint_eq(res->api_fault.epc, epc);
    ck_assert_uint_eq(res->api_fault.tval, tval);
    ck_assert_uint_eq(res->api_fault.vector, vector);
    ck_assert_int_eq(res->api_fault.jump, jump);
}

static void check_exit(enum runner how, const struct result *res, enum vm_exit_kind kind,
                       unsigned code, enum vm_exit_source src, enum vm_api_source api_src)
{
    ck_assert_int_eq(res->ex.kind, kind);
    ck_assert_uint_eq(res->ex.code, code);
    ck_assert_int_eq(res->ex.source, src);
    if (how == API) {
        ck_assert_int_eq(res->api_src, api_src);
        ck_assert(!res->api_faulted);
    }
}

/* ---- fatal faults: a trap with nowhere to go ---- */

/* The satellite case of the brief: an illegal instruction, mtvec = 0 (reset), no debugger. */
START_TEST(test_fault_illegal)
{
    const uint32_t p[] = {addi(T1, ZERO, 1), ILLEGAL};
    struct result res;
    run((enum runner)_i, raw(p, 2), "none", &res);
    check_fault((enum runner)_i, &res, PRIV_M, EXC_ILLEGAL_INSN, RAM + 4, 0, 0, false);
    ck_assert_uint_eq(res.ex.insns, 2); /* the trap counts as a step; none at the vector */
}
END_TEST

START_TEST(test_fault_load)
{
    const uint32_t p[] = {LD(T0, ZERO, 0x10)}; /* ld t0, 16(zero): no memory there */
    struct result res;
    run((enum runner)_i, raw(p, 1), "none", &res);
    check_fault((enum runner)_i, &res, PRIV_M, EXC_LOAD_ACCESS, RAM, 0x10, 0, false);
}
END_TEST

/* A jump to the dead vector itself: the fetch there faults, with pc already at it. */
START_TEST(test_fault_jump)
{
    const uint32_t p[] = {JALR0(ZERO)};
    struct result res;
    run((enum runner)_i, raw(p, 1), "none", &res);
    check_fault((enum runner)_i, &res, PRIV_M, EXC_INSN_ACCESS, 0, 0, 0, true);
}
END_TEST

/* A jump elsewhere into nowhere is an instruction access fault at that address. */
START_TEST(test_fault_jump_elsewhere)
{
    const uint32_t p[] = {LUI(T0, 0x3000), JALR0(T0)}; /* 0x3000000: no memory */
    struct result res;
    run((enum runner)_i, raw(p, 2), "none", &res);
    check_fault((enum runner)_i, &res, PRIV_M, EXC_INSN_ACCESS, 0x3000000, 0x3000000, 0, false);
}
END_TEST

/* An interrupt to a dead vector: the machine timer, mtimecmp = 0. */
START_TEST(test_fault_interrupt)
{
    const uint32_t p[] = {LUI(T0, 0x2004),   SD(T0, ZERO),          addi(T1, ZERO, 0x80),
                          csrw(CSR_MIE, T1), csrsi(CSR_MSTATUS, 8), LOOP};
    struct result res;
    run((enum runner)_i, raw(p, 6), "none", &res);
    check_fault((enum runner)_i, &res, PRIV_M, (1ull << 63) | IRQ_MTI, RAM + 20, 0, 0, false);
}
END_TEST

/* S-mode under the built-in SBI, satp bare, stvec = 0: the delegated trap is the fault. */
START_TEST(test_fault_smode)
{
    const uint32_t p[] = {csrw(CSR_STVEC, ZERO), ILLEGAL};
    struct result res;
    run((enum runner)_i, raw(p, 2), NULL, &res);
    check_fault((enum runner)_i, &res, PRIV_S, EXC_ILLEGAL_INSN, SKERN + 4, 0, 0, false);
}
END_TEST

/*
 * S-mode with Sv39 on (one identity gigapage over RAM), stvec at an unmapped virtual
 * address: the illegal instruction goes there (a virtual vector is not judged), the
 * fetch of the handler page-faults into itself: that loop is the fault.
 */
START_TEST(test_fault_handler_loop)
{
    static uint32_t p[0x2000 / 4];
    size_t n = 0;
    memset(p, 0, sizeof(p));
    p[n++] = AUIPC(T0, 1); /* the root table, at SKERN + 0x1000 */
    p[n++] = SRLI(T0, T0, 12);
    p[n++] = addi(T1, ZERO, 1);
    p[n++] = SLLI(T1, T1, 63); /* MODE = 8: Sv39 */
    p[n++] = OR(T0, T0, T1);
    p[n++] = LUI(T2, 0x40000); /* stvec = 0x40000000: not mapped */
    p[n++] = csrw(CSR_STVEC, T2);
    p[n++] = csrw(CSR_SATP, T0);
    p[n++] = SFENCE_VMA;
    p[n++] = ILLEGAL;
    /* root[2]: VA 0x80000000 -> PA 0x80000000, 1 GiB, V R W X A D */
    p[0x1000 / 4 + 2 * 2] = (uint32_t)((RAM >> 12) << 10) | 0xcf;
    struct result res;
    run((enum runner)_i, raw(p, 0x2000 / 4), NULL, &res);
    check_fault((enum runner)_i, &res, PRIV_S, EXC_INSN_PAGE_FAULT, 0x40000000, 0x40000000,
                0x40000000, false);
}
END_TEST

/* ---- sources ---- */

START_TEST(test_source_finisher)
{
    const uint32_t pass[] = {LUI(T2, 0x100), LUI(T3, 5), addi(T3, T3, 0x555), SW(T2, T3), LOOP};
    const uint32_t fail[] = {LUI(T2, 0x100), LUI(T3, 0x73), addi(T3, T3, 0x333), SW(T2, T3), LOOP};
    struct result res;
    run((enum runner)_i, raw(pass, 5), "none", &res);
    check_exit((enum runner)_i, &res, VM_EXIT_POWEROFF, 0, VM_SRC_FINISHER, VM_API_SRC_FINISHER);
    ck_assert_uint_eq(res.ex.insns, 4); /* nothing retires after the finisher's store */
    run((enum runner)_i, raw(fail, 5), "none", &res);
    check_exit((enum runner)_i, &res, VM_EXIT_FAIL, 7, VM_SRC_FINISHER, VM_API_SRC_FINISHER);
}
END_TEST

START_TEST(test_source_sbi)
{
    /* SRST (EID "SRST", FID 0): a0 = type (0 shutdown), a1 = reason (1 system failure) */
    uint32_t srst[] = {LUI(A7, 0x53525),
                       addi(A7, A7, 0x354),
                       addi(A6, ZERO, 0),
                       addi(A0, ZERO, 0),
                       addi(A1, ZERO, 0),
                       ECALL,
                       LOOP};
    const uint32_t legacy[] = {addi(A7, ZERO, 8), ECALL, LOOP}; /* legacy shutdown */
    struct result res;
    run((enum runner)_i, raw(srst, 7), NULL, &res);
    check_exit((enum runner)_i, &res, VM_EXIT_POWEROFF, 0, VM_SRC_SBI, VM_API_SRC_SBI);
    ck_assert_uint_eq(res.ex.insns, 6);
    srst[4] = addi(A1, ZERO, 1);
    run((enum runner)_i, raw(srst, 7), NULL, &res);
    check_exit((enum runner)_i, &res, VM_EXIT_FAIL, 1, VM_SRC_SBI, VM_API_SRC_SBI);
    run((enum runner)_i, raw(legacy, 3), NULL, &res);
    check_exit((enum runner)_i, &res, VM_EXIT_POWEROFF, 0, VM_SRC_SBI, VM_API_SRC_SBI);
}
END_TEST

START_TEST(test_source_htif)
{
    uint32_t p[] = {AUIPC(T2, 1), addi(T3, ZERO, 1), SD(T2, T3), LOOP}; /* tohost = 1 */
    struct result res;
    run((enum runner)_i, htif_elf(p, 4), "none", &res);
    check_exit((enum runner)_i, &res, VM_EXIT_POWEROFF, 0, VM_SRC_HTIF, VM_API_SRC_HTIF);
    p[1] = addi(T3, ZERO, 7); /* failure code 3 */
    run((enum runner)_i, htif_elf(p, 4), "none", &res);
    check_exit((enum runner)_i, &res, VM_EXIT_FAIL, 3, VM_SRC_HTIF, VM_API_SRC_HTIF);
}
END_TEST

START_TEST(test_source_host_limit)
{
    const uint32_t p[] = {LOOP};
    struct result res;
    run_limit((enum runner)_i, raw(p, 1), "none", 100000, &res);
    check_exit((enum runner)_i, &res, VM_EXIT_MAX_INSNS, 0, VM_SRC_HOST, VM_API_SRC_HOST);
    ck_assert_uint_eq(res.ex.insns, 100000);
}
END_TEST

/*
 * Two harts on worker threads against an instruction limit: when the rest of the limit
 * is in flight on one hart, the other must not be picked (a worker used to spin on it
 * holding the scheduler's lock, so the slice in flight could never end).
 */
START_TEST(test_limit_two_harts)
{
    const uint32_t p[] = {addi(T1, T1, 1), 0xffdff06fu}; /* loop: addi; j loop */
    for (int round = 0; round < 5; round++) {
        struct vm_config cfg = {.ram_size = 16u << 20,
                                .nharts = 2,
                                .kernel = raw(p, 2),
                                .bios = "none",
                                .max_insns = 100000};
        struct vm *vm;
        struct vm_exit ex;
        char err[256];
        ck_assert_msg(vm_create(&cfg, &vm, err, sizeof(err)) == 0, "vm_create: %s", err);
        vm_run(vm, &ex);
        ck_assert_int_eq(ex.kind, VM_EXIT_MAX_INSNS);
        ck_assert_int_eq(ex.source, VM_SRC_HOST);
        ck_assert_uint_ge(ex.insns, 100000);
        ck_assert_uint_le(ex.insns, 100000 + 2 * VM_SLICE);
        vm_destroy(vm);
    }
}
END_TEST

/* ---- the record itself ---- */

/* The first exit wins; a reboot forgets kind, source and fault; the guest faults again. */
START_TEST(test_first_wins_reboot_clears)
{
    const uint32_t p[] = {addi(T1, ZERO, 1), ILLEGAL};
    struct vm *vm = make(raw(p, 2), "none", 0, true);
    struct vm_api_runner r;
    struct vm_exit ex, zero;
    uint64_t ran;
    ck_assert_int_eq(vm_api_init(&r, vm), 0);
    ck_assert_int_eq(vm_api_step(&r, 0), 0);
    vm_get_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, VM_EXIT_NONE);
    ck_assert_int_eq(vm_api_step(&r, 0), 0); /* the illegal instruction: found on the step */
    vm_set_exit(vm, VM_EXIT_POWEROFF, 0, VM_SRC_SBI);
    vm_get_exit(vm, &ex);
    ck_assert_int_eq(ex.kind, VM_EXIT_FAULT);
    ck_assert_int_eq(ex.source, VM_SRC_HOST);
    ck_assert_uint_eq(ex.fault.cause, EXC_ILLEGAL_INSN);
    ck_assert_int_eq(vm_reboot(vm), 0);
    vm_get_exit(vm, &ex);
    memset(&zero, 0, sizeof(zero));
    ck_assert_int_eq(ex.kind, VM_EXIT_NONE);
    ck_assert_int_eq(ex.source, VM_SRC_NONE);
    ck_assert_mem_eq(&ex.fault, &zero.fault, sizeof(ex.fault));
    ck_assert_int_eq(vm_api_run(&r, 1000, 0, NULL, &ran), VM_API_STOP_EXIT);
    vm_api_exit(&r, &ex, NULL);
    ck_assert_int_eq(ex.kind, VM_EXIT_FAULT);
    ck_assert_uint_eq(ex.fault.epc, RAM + 4);
    vm_api_fini(&r);
    vm_destroy(vm);
}
END_TEST

/* With a debugger attached the trap stays the debugger's: no fatal-trap hook. */
START_TEST(test_gdb_keeps_traps)
{
    const uint32_t p[] = {ILLEGAL};
    struct vm_config cfg = {
        .ram_size = 16u << 20, .kernel = raw(p, 1), .bios = "none", .gdb = "tcp:127.0.0.1:0"};
    struct vm *vm;
    char err[256];
    ck_assert_msg(vm_create(&cfg, &vm, err, sizeof(err)) == 0, "vm_create: %s", err);
    ck_assert_ptr_null(vm->env.fatal_trap);
    vm_destroy(vm);
    cfg.gdb = NULL;
    ck_assert_int_eq(vm_create(&cfg, &vm, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(vm->env.fatal_trap);
    vm_destroy(vm);
}
END_TEST

static Suite *exit_suite(void)
{
    Suite *s = suite_create("exit_source");
    TCase *tc = tcase_create("exits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_fault_illegal, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_fault_load, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_fault_jump, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_fault_jump_elsewhere, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_fault_interrupt, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_fault_smode, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_fault_handler_loop, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_source_finisher, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_source_sbi, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_source_htif, 0, NRUNNERS);
    tcase_add_loop_test(tc, test_source_host_limit, 0, NRUNNERS);
    tcase_add_test(tc, test_limit_two_harts);
    tcase_add_test(tc, test_first_wins_reboot_clears);
    tcase_add_test(tc, test_gdb_keeps_traps);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exit_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
