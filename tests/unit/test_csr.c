/*
 * CSR unit tests: the access rules (privilege, read-only, counter enables, TVM, STCE, FS)
 * and the WARL behaviour of each register, on a hart with no program running.
 */
#include <check.h>
#include <stdlib.h>

#include "cpu/csr.h"
#include "cpu/hart.h"
#include "devices/bus.h"

static uint64_t fake_time;

static uint64_t test_time(void *opaque, struct hart *h)
{
    return fake_time;
}

static const struct hart_env env = {.get_time = test_time};
static struct hart hart;
static struct bus *bus;
static uint8_t *ram;

static void setup(void)
{
    bus = bus_create();
    ram = calloc(1, 1 << 20);
    ck_assert_int_eq(bus_add_ram(bus, 0x80000000, 1 << 20, ram), 0);
    ck_assert_int_eq(hart_init(&hart, 3, bus, &env), 0);
    fake_time = 0;
}

static void teardown(void)
{
    hart_destroy(&hart);
    bus_destroy(bus);
    free(ram);
}

/* Read a CSR that must be accessible; fail the test on an exception. */
static uint64_t rd(unsigned csr)
{
    uint64_t v = 0;
    hart.exc_pending = false;
    ck_assert_msg(csr_read(&hart, csr, &v, false, 0), "csr 0x%x read trapped", csr);
    return v;
}

static void wr(unsigned csr, uint64_t v)
{
    hart.exc_pending = false;
    ck_assert_msg(csr_write(&hart, csr, v, 0), "csr 0x%x write trapped", csr);
}

/* The access raises illegal-instruction with tval = the instruction bits. */
static void expect_illegal_read(unsigned csr, bool will_write)
{
    uint64_t v;
    hart.exc_pending = false;
    ck_assert_msg(!csr_read(&hart, csr, &v, will_write, 0x12345673), "csr 0x%x allowed", csr);
    ck_assert(hart.exc_pending);
    ck_assert_uint_eq(hart.exc_cause, EXC_ILLEGAL_INSN);
    ck_assert_uint_eq(hart.exc_tval, 0x12345673);
}

START_TEST(test_machine_info)
{
    uint64_t misa = rd(CSR_MISA);
    ck_assert_uint_eq(misa >> 62, 2);
    const char *want = "ACDFIMSU";
    for (const char *c = want; *c; c++)
        ck_assert_msg(misa & (1ull << (*c - 'A')), "misa lacks %c", *c);
    ck_assert_uint_eq(misa & (1ull << ('H' - 'A')), 0);
    ck_assert_uint_eq(rd(CSR_MHARTID), 3);
    ck_assert_uint_eq(rd(CSR_MVENDORID), 0);
    wr(CSR_MISA, 0); /* WARL: ignored */
    ck_assert_uint_eq(rd(CSR_MISA), misa);
    expect_illegal_read(CSR_MHARTID, true); /* read-only */
}
END_TEST

START_TEST(test_mstatus_warl)
{
    uint64_t v = rd(CSR_MSTATUS);
    ck_assert_uint_eq((v >> 32) & 3, 2); /* UXL */
    ck_assert_uint_eq((v >> 34) & 3, 2); /* SXL */
    wr(CSR_MSTATUS, 3ull << MSTATUS_MPP_SHIFT);
    ck_assert_uint_eq((rd(CSR_MSTATUS) & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 3);
    wr(CSR_MSTATUS, 2ull << MSTATUS_MPP_SHIFT); /* 2 is not a mode: keeps the old value */
    ck_assert_uint_eq((rd(CSR_MSTATUS) & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 3);
    wr(CSR_MSTATUS, (uint64_t)FS_DIRTY << MSTATUS_FS_SHIFT);
    ck_assert(rd(CSR_MSTATUS) & MSTATUS_SD);
    ck_assert(rd(CSR_SSTATUS) & MSTATUS_SD);
    wr(CSR_MSTATUS, ~0ull);
    v = rd(CSR_MSTATUS);
    ck_assert_uint_eq(v & (MSTATUS_UBE | MSTATUS_SBE | MSTATUS_MBE | MSTATUS_VS | MSTATUS_XS), 0);
}
END_TEST

START_TEST(test_sstatus_view)
{
    wr(CSR_MSTATUS, MSTATUS_MIE | MSTATUS_SIE | MSTATUS_TVM);
    uint64_t s = rd(CSR_SSTATUS);
    ck_assert(s & MSTATUS_SIE);
    ck_assert_uint_eq(s & (MSTATUS_MIE | MSTATUS_TVM), 0);
    wr(CSR_SSTATUS, 0); /* clears SIE only */
    uint64_t m = rd(CSR_MSTATUS);
    ck_assert_uint_eq(m & MSTATUS_SIE, 0);
    ck_assert(m & MSTATUS_MIE);
    ck_assert(m & MSTATUS_TVM);
}
END_TEST

START_TEST(test_delegation_masks)
{
    wr(CSR_MEDELEG, ~0ull);
    uint64_t e = rd(CSR_MEDELEG);
    ck_assert_uint_eq(e & (1ull << EXC_ECALL_M), 0);
    ck_assert(e & (1ull << EXC_ECALL_U));
    ck_assert(e & (1ull << EXC_STORE_PAGE_FAULT));
    wr(CSR_MIDELEG, ~0ull);
    ck_assert_uint_eq(rd(CSR_MIDELEG), MIP_SSIP | MIP_STIP | MIP_SEIP);
}
END_TEST

START_TEST(test_interrupt_views)
{
    wr(CSR_MIE, ~0ull);
    ck_assert_uint_eq(rd(CSR_MIE), 0xaaa);
    wr(CSR_MIDELEG, MIP_SSIP | MIP_STIP);
    ck_assert_uint_eq(rd(CSR_SIE), MIP_SSIP | MIP_STIP);
    wr(CSR_SIE, 0);
    ck_assert_uint_eq(rd(CSR_MIE), 0xaaa & ~(MIP_SSIP | MIP_STIP));
    wr(CSR_MIP, ~0ull); /* only SSIP, STIP, SEIP are software-writable */
    ck_assert_uint_eq(rd(CSR_MIP), MIP_SSIP | MIP_STIP | MIP_SEIP);
    ck_assert_uint_eq(rd(CSR_SIP), MIP_SSIP | MIP_STIP);
    wr(CSR_SIP, 0); /* sip: only SSIP is writable */
    ck_assert_uint_eq(rd(CSR_MIP), MIP_STIP | MIP_SEIP);
    hart_set_irq(&hart, IRQ_MTI, true);
    ck_assert(rd(CSR_MIP) & MIP_MTIP);
    hart_set_irq(&hart, IRQ_MTI, false);
    ck_assert_uint_eq(rd(CSR_MIP) & MIP_MTIP, 0);
}
END_TEST

START_TEST(test_tvec_epc)
{
    wr(CSR_MTVEC, 0x80001003); /* mode 3 is reserved: reads back as direct */
    ck_assert_uint_eq(rd(CSR_MTVEC), 0x80001000);
    wr(CSR_STVEC, 0x80002001);
    ck_assert_uint_eq(rd(CSR_STVEC), 0x80002001);
    wr(CSR_MEPC, 0x80000003);
    ck_assert_uint_eq(rd(CSR_MEPC), 0x80000002);
}
END_TEST

START_TEST(test_satp)
{
    uint64_t sv39 = (8ull << 60) | (5ull << 44) | 0x80123;
    wr(CSR_SATP, sv39);
    ck_assert_uint_eq(rd(CSR_SATP), sv39);
    wr(CSR_SATP, (7ull << 60) | 0x1); /* unsupported mode: no effect */
    ck_assert_uint_eq(rd(CSR_SATP), sv39);
    hart.priv = PRIV_S;
    ck_assert_uint_eq(rd(CSR_SATP), sv39);
    hart.priv = PRIV_M;
    wr(CSR_MSTATUS, MSTATUS_TVM);
    hart.priv = PRIV_S;
    expect_illegal_read(CSR_SATP, false);
}
END_TEST

START_TEST(test_privilege)
{
    hart.priv = PRIV_S;
    expect_illegal_read(CSR_MSTATUS, false);
    expect_illegal_read(CSR_MSCRATCH, true);
    rd(CSR_SSCRATCH);
    hart.priv = PRIV_U;
    expect_illegal_read(CSR_SSTATUS, false);
    expect_illegal_read(0x7ff, false); /* nonexistent */
    hart.priv = PRIV_M;
    expect_illegal_read(0x123, false);  /* nonexistent */
    expect_illegal_read(0x3a1, false);  /* pmpcfg1 does not exist on RV64 */
    rd(CSR_PMPCFG0 + 2);
}
END_TEST

START_TEST(test_counters)
{
    hart.csr.minstret = 100;
    hart.csr.mcycle = 200;
    fake_time = 12345;
    ck_assert_uint_eq(rd(CSR_INSTRET), 100);
    ck_assert_uint_eq(rd(CSR_CYCLE), 200);
    ck_assert_uint_eq(rd(CSR_TIME), 12345);
    hart.priv = PRIV_S;
    expect_illegal_read(CSR_TIME, false); /* mcounteren.TM = 0 */
    hart.priv = PRIV_M;
    wr(CSR_MCOUNTEREN, 7);
    hart.priv = PRIV_S;
    ck_assert_uint_eq(rd(CSR_TIME), 12345);
    hart.priv = PRIV_U;
    expect_illegal_read(CSR_CYCLE, false); /* scounteren.CY = 0 */
    hart.priv = PRIV_S;
    wr(CSR_SCOUNTEREN, 1);
    hart.priv = PRIV_U;
    ck_assert_uint_eq(rd(CSR_CYCLE), 200);
    expect_illegal_read(CSR_INSTRET, false);
    expect_illegal_read(CSR_CYCLE, true); /* user counters are read-only */
}
END_TEST

START_TEST(test_sstc)
{
    hart.priv = PRIV_S;
    wr(CSR_SATP, 0); /* S can reach its own CSRs */
    expect_illegal_read(CSR_STIMECMP, false); /* STCE = 0 */
    hart.priv = PRIV_M;
    wr(CSR_MENVCFG, ENVCFG_STCE);
    wr(CSR_MCOUNTEREN, 2);
    hart.priv = PRIV_S;
    wr(CSR_STIMECMP, 1000);
    fake_time = 999;
    ck_assert_uint_eq(rd(CSR_SIP) & MIP_STIP, 0);
    hart.priv = PRIV_M;
    ck_assert_uint_eq(rd(CSR_MIP) & MIP_STIP, 0);
    fake_time = 1000;
    ck_assert(rd(CSR_MIP) & MIP_STIP);
    wr(CSR_MIP, 0); /* STIP is read-only while STCE = 1 */
    ck_assert(rd(CSR_MIP) & MIP_STIP);
}
END_TEST

START_TEST(test_fp_csrs)
{
    expect_illegal_read(CSR_FCSR, false); /* FS = Off at reset */
    wr(CSR_MSTATUS, (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT);
    wr(CSR_FCSR, 0xff);
    ck_assert_uint_eq(rd(CSR_FFLAGS), 0x1f);
    ck_assert_uint_eq(rd(CSR_FRM), 7);
    ck_assert_uint_eq((rd(CSR_MSTATUS) & MSTATUS_FS) >> MSTATUS_FS_SHIFT, FS_DIRTY);
    wr(CSR_FRM, 0x2);
    ck_assert_uint_eq(rd(CSR_FCSR), 0x5f);
}
END_TEST

START_TEST(test_envcfg_counters_inhibit)
{
    wr(CSR_MENVCFG, ~0ull);
    ck_assert_uint_eq(rd(CSR_MENVCFG), ENVCFG_STCE | ENVCFG_FIOM);
    wr(CSR_SENVCFG, ~0ull);
    ck_assert_uint_eq(rd(CSR_SENVCFG), ENVCFG_FIOM);
    wr(CSR_MCOUNTINHIBIT, ~0ull);
    ck_assert_uint_eq(rd(CSR_MCOUNTINHIBIT), 5);
    ck_assert_uint_eq(rd(CSR_MHPMCOUNTER3), 0);
    wr(CSR_MHPMEVENT3, 5);
    ck_assert_uint_eq(rd(CSR_MHPMEVENT3), 0);
}
END_TEST

START_TEST(test_pmp_csrs)
{
    wr(CSR_PMPADDR0, 0x1000);
    ck_assert_uint_eq(rd(CSR_PMPADDR0), 0x1000);
    wr(CSR_PMPCFG0, 0x02); /* R=0 W=1 is reserved: not written */
    ck_assert_uint_eq(rd(CSR_PMPCFG0) & 0xff, 0);
    wr(CSR_PMPCFG0, PMP_L | (PMP_A_TOR << PMP_A_SHIFT) | PMP_R);
    wr(CSR_PMPADDR0, 0x2000); /* locked */
    ck_assert_uint_eq(rd(CSR_PMPADDR0), 0x1000);
    wr(CSR_PMPCFG0, 0);
    ck_assert_uint_eq(rd(CSR_PMPCFG0) & 0xff, PMP_L | (PMP_A_TOR << PMP_A_SHIFT) | PMP_R);
    /* entry 1 locked as TOR also locks pmpaddr0's neighbour below it: pmpaddr1 stays free */
    wr(CSR_PMPADDR0 + 1, 0x3000);
    ck_assert_uint_eq(rd(CSR_PMPADDR0 + 1), 0x3000);
    ck_assert_uint_eq(rd(CSR_PMPADDR0 + 20), 0); /* unimplemented entries read zero */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csr");
    TCase *tc = tcase_create("csr");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_machine_info);
    tcase_add_test(tc, test_mstatus_warl);
    tcase_add_test(tc, test_sstatus_view);
    tcase_add_test(tc, test_delegation_masks);
    tcase_add_test(tc, test_interrupt_views);
    tcase_add_test(tc, test_tvec_epc);
    tcase_add_test(tc, test_satp);
    tcase_add_test(tc, test_privilege);
    tcase_add_test(tc, test_counters);
    tcase_add_test(tc, test_sstc);
    tcase_add_test(tc, test_fp_csrs);
    tcase_add_test(tc, test_envcfg_counters_inhibit);
    tcase_add_test(tc, test_pmp_csrs);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
