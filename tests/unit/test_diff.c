/*
 * Differential test of the block executor (cpu/block.c, hart_run's fast path) against
 * the plain one-instruction step (hart_step), on random instruction streams from
 * diffgen.h. Two harts on two identical machines run the same program: one through
 * hart_run with random slice budgets, the other through hart_step, as many steps as the
 * first one used; after every slice the architectural state must be identical: x and f
 * registers, pc, privilege, minstret, mcycle, fcsr, mcause/mepc/mtval, mstatus,
 * mscratch, and all of RAM (data and the self-modified code).
 *
 * Each seed runs in one of four settings (M-mode; S-mode bare; S-mode Sv39; U-mode Sv39)
 * and with one of the two dispatch loops (computed goto, portable switch). Also checked:
 * the decoder's opcode index (insn_decode_cached) against the linear insn_decode.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu/block.h"
#include "cpu/csr.h"
#include "cpu/hart.h"
#include "cpu/mmu.h"
#include "cpu/pmp.h"
#include "devices/bus.h"
#include "diffgen.h"

#define RAM_BASE  0x80000000ull
#define RAM_SIZE  0x20000u
#define CODE_BASE 0x80001c00ull /* the code crosses the page boundary at 0x80002000 */
#define DATA_MID  0x80011000ull
#define FAULT_BASE 0x2000ull
#define PT_ROOT   0x80018000ull

#define SEEDS 600
#define STEPS 6000

struct machine {
    struct hart h;
    struct bus *bus;
    uint8_t *ram;
};

static uint64_t diff_time(void *opaque, struct hart *h)
{
    (void)opaque;
    (void)h;
    return 12345;
}

static const struct hart_env diff_env = {.get_time = diff_time};

static void put32(uint8_t *ram, uint64_t pa, uint32_t w)
{
    memcpy(ram + (pa - RAM_BASE), &w, 4);
}

/* The M-mode trap handler at RAM_BASE: mepc += length of the instruction there; mret. */
static void write_handler(uint8_t *ram)
{
    static const uint32_t code[] = {
        0x34102f73, /* csrr  t5, mepc */
        0x000f5f83, /* lhu   t6, 0(t5) */
        0x003fff93, /* andi  t6, t6, 3 */
        0x002f0f13, /* addi  t5, t5, 2 */
        0xffdf8f93, /* addi  t6, t6, -3 */
        0x000f9463, /* bnez  t6, 1f */
        0x002f0f13, /* addi  t5, t5, 2 */
        0x341f1073, /* 1: csrw mepc, t5 */
        0x30200073, /* mret */
    };
    for (unsigned i = 0; i < sizeof(code) / 4; i++)
        put32(ram, RAM_BASE + 4 * i, code[i]);
}

static void machine_init(struct machine *m, const uint8_t *image, unsigned mode, uint64_t seed,
                         bool portable)
{
    struct dg_rng r = {.s = seed * 0x9e3779b97f4a7c15ull + 7};
    struct hart *h = &m->h;

    m->ram = calloc(1, RAM_SIZE);
    ck_assert_ptr_nonnull(m->ram);
    memcpy(m->ram, image, RAM_SIZE);
    m->bus = bus_create();
    ck_assert_int_eq(bus_add_ram(m->bus, RAM_BASE, RAM_SIZE, m->ram), 0);
    ck_assert_int_eq(hart_init(h, 0, m->bus, &diff_env), 0);
    hart_reset(h, CODE_BASE);
    h->blk_portable = portable;
    for (unsigned i = 1; i < 32; i++)
        h->x[i] = dg_next(&r);
    for (unsigned i = 0; i < 32; i++) {
        uint64_t v = dg_next(&r);
        double d = ((double)(int64_t)v) / 9.2233720368547758e18 * 1000.0;
        switch (i % 4) {
        case 0: h->f[i] = v; break;                          /* any bits */
        case 1: h->f[i] = v | 0xffffffff00000000ull; break;  /* a NaN-boxed single */
        case 2: memcpy(&h->f[i], &d, 8); break;              /* an ordinary double */
        default: /* a small dyadic number: exact sums and products */
            d = (double)((int64_t)(v % 129) - 64) / 16.0;
            memcpy(&h->f[i], &d, 8);
            break;
        }
    }
    h->x[2] = DATA_MID - 0x1000;
    h->x[8] = DATA_MID - 0x800;
    h->x[9] = CODE_BASE;
    h->x[26] = 0x00000013; /* nop: what a patch stores before one was built */
    h->x[27] = FAULT_BASE;
    h->x[28] = DATA_MID;
    h->csr.mtvec = RAM_BASE;
    h->csr.mstatus |= (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT;
    h->csr.mcounteren = 7;
    h->csr.scounteren = 7;
    h->csr.frm = (uint8_t)(dg_below(&r, 2) ? 0 : dg_below(&r, 5));
    h->csr.fflags = (uint8_t)(dg_below(&r, 2) ? FFLAG_NX : 0);
    h->csr.pmpaddr[0] = (1ull << 54) - 1;
    h->csr.pmpcfg[0] = (PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R | PMP_W | PMP_X;
    pmp_update(h);
    if (mode >= 2)
        h->csr.satp = ((uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT) | (PT_ROOT >> 12);
    h->priv = mode == 0 ? PRIV_M : mode == 3 ? PRIV_U : PRIV_S;
    hart_tlb_flush(h);
}

static void machine_free(struct machine *m)
{
    hart_destroy(&m->h);
    bus_destroy(m->bus);
    free(m->ram);
}

/* Build the RAM image of one test: handler, program, data, page table. */
static unsigned image_build(uint8_t *image, uint64_t seed, struct dg_prog *prog)
{
    struct dg_rng r = {.s = seed * 0xd1b54a32d192ed03ull + 1};
    unsigned mode = (unsigned)(seed % 4);
    uint64_t pte;

    memset(image, 0, RAM_SIZE);
    write_handler(image);
    dg_generate(&r, 200 + dg_below(&r, 250), prog);
    dg_emit(prog, image + (CODE_BASE - RAM_BASE));
    for (uint64_t a = DATA_MID - 0x1800; a < DATA_MID + 0x1800; a += 8) {
        uint64_t v = dg_next(&r);
        memcpy(image + (a - RAM_BASE), &v, 8);
    }
    /* Sv39: one gigapage, identity for RAM; U set for the U-mode setting */
    pte = ((RAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D |
          (mode == 3 ? PTE_U : 0);
    memcpy(image + (PT_ROOT - RAM_BASE) + 8 * 2, &pte, 8);
    return mode;
}

#define CMP(field, what)                                                                    \
    do {                                                                                    \
        if ((a->field) != (b->field)) {                                                     \
            snprintf(why, whylen, "%s: fast 0x%" PRIx64 " ref 0x%" PRIx64, what,            \
                     (uint64_t)(a->field), (uint64_t)(b->field));                           \
            return false;                                                                   \
        }                                                                                   \
    } while (0)

static bool state_equal(const struct machine *fm, const struct machine *rm, char *why,
                        size_t whylen)
{
    const struct hart *a = &fm->h, *b = &rm->h;
    char name[16];

    for (unsigned i = 0; i < 32; i++) {
        snprintf(name, sizeof(name), "x%u", i);
        CMP(x[i], name);
        snprintf(name, sizeof(name), "f%u", i);
        CMP(f[i], name);
    }
    CMP(pc, "pc");
    CMP(priv, "priv");
    CMP(csr.minstret, "minstret");
    CMP(csr.mcycle, "mcycle");
    CMP(csr.fflags, "fflags");
    CMP(csr.frm, "frm");
    CMP(csr.mcause, "mcause");
    CMP(csr.mepc, "mepc");
    CMP(csr.mtval, "mtval");
    CMP(csr.mstatus, "mstatus");
    CMP(csr.mscratch, "mscratch");
    CMP(resv_valid, "reservation");
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        if (fm->ram[i] != rm->ram[i]) {
            snprintf(why, whylen, "memory at 0x%" PRIx64 ": fast 0x%02x ref 0x%02x",
                     (uint64_t)(RAM_BASE + i), fm->ram[i], rm->ram[i]);
            return false;
        }
    }
    return true;
}

/* One seed; returns the number of instructions the fast hart retired (for coverage). */
static uint64_t run_seed(uint64_t seed, bool portable)
{
    static uint8_t image[RAM_SIZE];
    static struct dg_prog prog;
    struct machine fast, ref;
    struct dg_rng r = {.s = seed + 99};
    unsigned mode = image_build(image, seed, &prog);
    uint64_t steps = 0;
    char why[160];

    machine_init(&fast, image, mode, seed, portable);
    machine_init(&ref, image, mode, seed, false);
    while (steps < STEPS) {
        unsigned k = dg_below(&r, 8);
        uint64_t budget = k == 0 ? 1 + dg_below(&r, 3) : 1 + dg_below(&r, 3000);
        enum hart_stop why_stop = hart_run(&fast.h, budget);
        uint64_t used = budget - fast.h.slice_left;

        ck_assert_msg(why_stop == HART_STOP_SLICE || why_stop == HART_STOP_WFI,
                      "seed %" PRIu64 ": hart_run stopped with %d", seed, (int)why_stop);
        for (uint64_t i = 0; i < used; i++)
            hart_step(&ref.h);
        steps += used;
        ck_assert_msg(state_equal(&fast, &ref, why, sizeof(why)),
                      "seed %" PRIu64 " (mode %u, %s dispatch) after %" PRIu64 " steps: %s",
                      seed, mode, portable ? "switch" : "threaded", steps, why);
    }
    steps = fast.h.csr.minstret;
    if (getenv("DIFF_STATS"))
        printf("seed %3" PRIu64 " mode %u: retired %6" PRIu64 " traps %5" PRIu64 " builds %5" PRIu64
               " smc %3" PRIu64 " verify %3" PRIu64 " vfail %3" PRIu64 "\n",
               seed, mode, steps, fast.h.stat_traps, fast.h.bcache->stat_builds,
               fast.h.bcache->stat_smc, fast.h.bcache->stat_verify, fast.h.bcache->stat_vfail);
    machine_free(&fast);
    machine_free(&ref);
    return steps;
}

START_TEST(test_diff_threaded)
{
    uint64_t retired = 0;
    for (uint64_t s = 1; s <= SEEDS; s++)
        retired += run_seed(s, false);
    /* most steps retire instructions (traps are a minority) */
    ck_assert_uint_gt(retired, (uint64_t)SEEDS * STEPS / 2);
}
END_TEST

START_TEST(test_diff_portable)
{
    for (uint64_t s = 1001; s <= 1000 + SEEDS / 2; s++)
        run_seed(s, true);
}
END_TEST

/* The generator's branch encoders agree with the decoder. */
START_TEST(test_generator_encodings)
{
    struct dg_rng r = {.s = 42};
    static struct dg_prog prog;

    dg_generate(&r, 400, &prog);
    for (unsigned i = 0; i < prog.n; i++) {
        const struct dg_insn *in = &prog.in[i];
        struct insn d;
        int64_t want;

        if (in->fix == DG_FIX_NONE)
            continue;
        ck_assert_msg(insn_decode(in->raw, &d), "insn %u (0x%08x) does not decode", i, in->raw);
        if (in->fix == DG_FIX_JALR) {
            want = prog.in[in->target].off;
            if ((in->raw & 0x7f) == 0x23)
                continue; /* the patch store: checked by running it */
        } else if (i == prog.n - 1) {
            want = -(int64_t)in->off;
        } else {
            want = (int64_t)prog.in[in->target].off - (int64_t)in->off;
        }
        ck_assert_msg(d.imm == want, "insn %u (0x%08x): imm %" PRId64 ", want %" PRId64, i,
                      in->raw, d.imm, want);
    }
}
END_TEST

/* The indexed decoder behind the decode cache finds what the linear table scan finds. */
START_TEST(test_decode_index)
{
    struct decode_cache *dc = calloc(1, sizeof(*dc));
    struct dg_rng r = {.s = 7};

    ck_assert_ptr_nonnull(dc);
    for (unsigned i = 0; i < 400000; i++) {
        uint32_t raw = (uint32_t)dg_next(&r) & ((i & 1) ? 0xffffu : ~0u);
        struct insn lin;
        bool ok = insn_decode(raw, &lin);
        const struct insn *c = insn_decode_cached(dc, raw);

        ck_assert_msg(ok == (c != NULL), "0x%08x: legal %d vs %d", raw, ok, c != NULL);
        if (ok)
            ck_assert_msg(lin.id == c->id && lin.tid == c->tid && lin.rd == c->rd &&
                              lin.rs1 == c->rs1 && lin.rs2 == c->rs2 && lin.rs3 == c->rs3 &&
                              lin.rm == c->rm && lin.imm == c->imm && lin.len == c->len,
                          "0x%08x decodes differently", raw);
    }
    free(dc);
}
END_TEST

static Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_generator_encodings);
    tcase_add_test(tc, test_decode_index);
    tcase_add_test(tc, test_diff_threaded);
    tcase_add_test(tc, test_diff_portable);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(diff_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
