/*
 * PMP matching and permission rules (privileged spec 3.7) on a bare struct hart:
 * OFF/TOR/NA4/NAPOT ranges, lowest-numbered entry wins, partial matches fail,
 * the L bit and M-mode, the no-match default, whole-page uniformity.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/pmp.h"

static struct hart hart;

static void setup(void)
{
    memset(&hart, 0, sizeof(hart));
}

static void set_entry(unsigned i, uint8_t cfg, uint64_t addr)
{
    hart.csr.pmpcfg[i] = cfg;
    hart.csr.pmpaddr[i] = addr;
    pmp_update(&hart);
}

static uint8_t cfg_of(unsigned mode, uint8_t perms)
{
    return (uint8_t)((mode << PMP_A_SHIFT) | perms);
}

/* pmpaddr value of a NAPOT region base/size (size a power of two >= 8). */
static uint64_t napot(uint64_t base, uint64_t size)
{
    return (base >> 2) | ((size >> 3) - 1);
}

START_TEST(test_no_entries)
{
    ck_assert_uint_eq(hart.csr.pmp_active, 0);
    ck_assert(pmp_check(&hart, 0x80000000, 8, ACCESS_LOAD, PRIV_M));
    ck_assert(pmp_check(&hart, 0x80000000, 8, ACCESS_FETCH, PRIV_M));
    ck_assert(!pmp_check(&hart, 0x80000000, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x80000000, 4, ACCESS_FETCH, PRIV_U));
}
END_TEST

START_TEST(test_update_counts_active)
{
    set_entry(5, cfg_of(PMP_A_NA4, PMP_R), 0x1000);
    ck_assert_uint_eq(hart.csr.pmp_active, 6);
    set_entry(15, cfg_of(PMP_A_TOR, PMP_R), 0x1000);
    ck_assert_uint_eq(hart.csr.pmp_active, 16);
    set_entry(15, 0, 0);
    set_entry(5, PMP_R | PMP_L, 0); /* OFF, even locked */
    ck_assert_uint_eq(hart.csr.pmp_active, 0);
}
END_TEST

START_TEST(test_tor)
{
    /* entry 0 TOR: [0, 0x1000) R; entry 1 TOR: [0x1000, 0x3000) RW */
    set_entry(0, cfg_of(PMP_A_TOR, PMP_R), 0x1000 >> 2);
    set_entry(1, cfg_of(PMP_A_TOR, PMP_R | PMP_W), 0x3000 >> 2);
    ck_assert(pmp_check(&hart, 0x0, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x0, 8, ACCESS_STORE, PRIV_S));
    ck_assert(pmp_check(&hart, 0xff8, 8, ACCESS_LOAD, PRIV_U));
    ck_assert(pmp_check(&hart, 0x1000, 8, ACCESS_STORE, PRIV_S));
    ck_assert(pmp_check(&hart, 0x2ff8, 8, ACCESS_STORE, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x3000, 1, ACCESS_LOAD, PRIV_S)); /* above: no match */
    ck_assert(!pmp_check(&hart, 0x1000, 4, ACCESS_FETCH, PRIV_S));
    /* straddles entries 0 and 1: entry 0 matches only part of it */
    ck_assert(!pmp_check(&hart, 0xffc, 8, ACCESS_LOAD, PRIV_S));
    /* straddles the top of entry 1 */
    ck_assert(!pmp_check(&hart, 0x2ffc, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x2ffc, 8, ACCESS_LOAD, PRIV_M));
}
END_TEST

START_TEST(test_tor_empty_range)
{
    set_entry(0, cfg_of(PMP_A_OFF, 0), 0x4000 >> 2);
    set_entry(1, cfg_of(PMP_A_TOR, PMP_R), 0x2000 >> 2); /* prev >= this: matches nothing */
    ck_assert(!pmp_check(&hart, 0x3000, 4, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x1000, 4, ACCESS_LOAD, PRIV_S));
    set_entry(0, cfg_of(PMP_A_OFF, 0), 0x1000 >> 2); /* OFF entry still bounds TOR */
    ck_assert(pmp_check(&hart, 0x1000, 4, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0xffc, 4, ACCESS_LOAD, PRIV_S));
}
END_TEST

START_TEST(test_na4)
{
    set_entry(0, cfg_of(PMP_A_NA4, PMP_X), 0x80000100 >> 2);
    ck_assert(pmp_check(&hart, 0x80000100, 4, ACCESS_FETCH, PRIV_U));
    ck_assert(pmp_check(&hart, 0x80000102, 2, ACCESS_FETCH, PRIV_U));
    ck_assert(!pmp_check(&hart, 0x80000100, 4, ACCESS_LOAD, PRIV_U));
    ck_assert(!pmp_check(&hart, 0x80000100, 8, ACCESS_FETCH, PRIV_U)); /* partial */
    ck_assert(!pmp_check(&hart, 0x80000104, 4, ACCESS_FETCH, PRIV_U));
    ck_assert(!pmp_check(&hart, 0x800000fe, 4, ACCESS_FETCH, PRIV_U));
}
END_TEST

START_TEST(test_napot)
{
    set_entry(0, cfg_of(PMP_A_NAPOT, PMP_R | PMP_W), napot(0x80000000, 0x10000));
    ck_assert(pmp_check(&hart, 0x80000000, 8, ACCESS_STORE, PRIV_S));
    ck_assert(pmp_check(&hart, 0x8000fff8, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x8000fffc, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x80010000, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x7ffffff8, 8, ACCESS_LOAD, PRIV_S));
    /* smallest NAPOT region: 8 bytes (pmpaddr ends in 0) */
    set_entry(1, cfg_of(PMP_A_NAPOT, PMP_X), 0x1000 >> 2);
    ck_assert(pmp_check(&hart, 0x1000, 8, ACCESS_FETCH, PRIV_S));
    ck_assert(!pmp_check(&hart, 0x1008, 4, ACCESS_FETCH, PRIV_S));
}
END_TEST

START_TEST(test_napot_everything)
{
    set_entry(0, cfg_of(PMP_A_NAPOT, PMP_R | PMP_W | PMP_X), (1ull << 54) - 1);
    ck_assert(pmp_check(&hart, 0, 8, ACCESS_STORE, PRIV_U));
    ck_assert(pmp_check(&hart, 0x80000000, 8, ACCESS_FETCH, PRIV_S));
    ck_assert(pmp_check(&hart, (1ull << 56) - 8, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(pmp_page_allowed(&hart, 0x80001234, ACCESS_STORE, PRIV_U));
}
END_TEST

START_TEST(test_priority)
{
    /* entry 0: a read-only 4 KiB page inside entry 1's read-write 64 KiB */
    set_entry(0, cfg_of(PMP_A_NAPOT, PMP_R), napot(0x80004000, 0x1000));
    set_entry(1, cfg_of(PMP_A_NAPOT, PMP_R | PMP_W), napot(0x80000000, 0x10000));
    ck_assert(!pmp_check(&hart, 0x80004010, 8, ACCESS_STORE, PRIV_S));
    ck_assert(pmp_check(&hart, 0x80004010, 8, ACCESS_LOAD, PRIV_S));
    ck_assert(pmp_check(&hart, 0x80005010, 8, ACCESS_STORE, PRIV_S));
    /* an access overlapping entry 0 only partly fails, though entry 1 covers it */
    ck_assert(!pmp_check(&hart, 0x80003ffc, 8, ACCESS_LOAD, PRIV_S));
}
END_TEST

START_TEST(test_lock_and_m_mode)
{
    set_entry(0, cfg_of(PMP_A_NAPOT, PMP_R), napot(0x80000000, 0x1000));
    /* unlocked: M-mode ignores the permissions */
    ck_assert(pmp_check(&hart, 0x80000000, 8, ACCESS_STORE, PRIV_M));
    ck_assert(pmp_check(&hart, 0x80000000, 4, ACCESS_FETCH, PRIV_M));
    /* locked: they apply to M-mode too */
    set_entry(0, cfg_of(PMP_A_NAPOT, PMP_R | PMP_L), napot(0x80000000, 0x1000));
    ck_assert(!pmp_check(&hart, 0x80000000, 8, ACCESS_STORE, PRIV_M));
    ck_assert(!pmp_check(&hart, 0x80000000, 4, ACCESS_FETCH, PRIV_M));
    ck_assert(pmp_check(&hart, 0x80000000, 8, ACCESS_LOAD, PRIV_M));
    /* M-mode access matching no entry succeeds */
    ck_assert(pmp_check(&hart, 0x80001000, 8, ACCESS_STORE, PRIV_M));
    /* a partial match fails for M-mode even when unlocked */
    set_entry(0, cfg_of(PMP_A_NAPOT, PMP_R), napot(0x80000000, 0x1000));
    ck_assert(!pmp_check(&hart, 0x80000ffc, 8, ACCESS_LOAD, PRIV_M));
}
END_TEST

START_TEST(test_page_uniform)
{
    set_entry(0, cfg_of(PMP_A_NA4, PMP_R), 0x80001100 >> 2);
    set_entry(1, cfg_of(PMP_A_NAPOT, PMP_R | PMP_W), napot(0x80000000, 0x10000));
    ck_assert(pmp_page_allowed(&hart, 0x80000000, ACCESS_STORE, PRIV_S));
    ck_assert(pmp_page_allowed(&hart, 0x80002abc, ACCESS_LOAD, PRIV_S));
    /* page 0x80001000 holds entry 0's 4 bytes: not uniform */
    ck_assert(!pmp_page_allowed(&hart, 0x80001000, ACCESS_LOAD, PRIV_S));
    ck_assert(!pmp_page_allowed(&hart, 0x80001000, ACCESS_LOAD, PRIV_M));
    ck_assert(!pmp_page_allowed(&hart, 0x80000000, ACCESS_FETCH, PRIV_S));
    /* outside all entries: M yes, S no */
    ck_assert(pmp_page_allowed(&hart, 0x90000000, ACCESS_FETCH, PRIV_M));
    ck_assert(!pmp_page_allowed(&hart, 0x90000000, ACCESS_FETCH, PRIV_S));
}
END_TEST

START_TEST(test_wraparound)
{
    ck_assert(!pmp_check(&hart, UINT64_MAX - 3, 8, ACCESS_LOAD, PRIV_M));
}
END_TEST

static Suite *pmp_suite(void)
{
    Suite *s = suite_create("pmp");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_no_entries);
    tcase_add_test(tc, test_update_counts_active);
    tcase_add_test(tc, test_tor);
    tcase_add_test(tc, test_tor_empty_range);
    tcase_add_test(tc, test_na4);
    tcase_add_test(tc, test_napot);
    tcase_add_test(tc, test_napot_everything);
    tcase_add_test(tc, test_priority);
    tcase_add_test(tc, test_lock_and_m_mode);
    tcase_add_test(tc, test_page_uniform);
    tcase_add_test(tc, test_wraparound);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pmp_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
