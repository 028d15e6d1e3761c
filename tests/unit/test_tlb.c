/*
 * The software TLB in front of the page walker: hits, misses and flushes; what may be
 * cached (RAM pages with uniform PMP, store entries only with D set) and what never is
 * (MMIO, partly covered PMP pages); instruction fetch across pages; AMO translation.
 */
#include <check.h>

#include "mmu_fixture.h"

#define MMIO_BASE 0x10000000ull

struct counter_dev {
    unsigned reads;
    unsigned writes;
    uint64_t last;
};

static int counter_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    struct counter_dev *c = dev;
    c->reads++;
    *val = 0x13 + off; /* a nop at offset 0, for fetches */
    (void)size;
    return 0;
}

static int counter_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct counter_dev *c = dev;
    c->writes++;
    c->last = val;
    (void)off;
    (void)size;
    return 0;
}

static const struct device_ops counter_ops = {
    .name = "counter",
    .read = counter_read,
    .write = counter_write,
    .min_access = 1,
    .max_access = 8,
};

static const struct tlb_entry *entry(enum rv_access acc, uint64_t va)
{
    return &fx.h.tlb.e[acc][tlb_index(va)];
}

static bool cached(enum rv_access acc, uint64_t va)
{
    return entry(acc, va)->vpage == va >> 12;
}

static void tlb_setup(void)
{
    fx_setup();
    fx_paging(3);
    fx.h.priv = PRIV_S;
    hart_tlb_flush(&fx.h);
}

START_TEST(test_flush_invalidates_all)
{
    fx.h.tlb.e[ACCESS_STORE][7].vpage = 7;
    hart_tlb_flush(&fx.h);
    for (unsigned a = 0; a < 3; a++)
        for (unsigned i = 0; i < TLB_SIZE; i++)
            ck_assert_uint_eq(fx.h.tlb.e[a][i].vpage, TLB_INVALID_TAG);
}
END_TEST

START_TEST(test_hit_until_flush)
{
    uint64_t v = 0;
    uint64_t *pte = fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_V | PTE_R | PTE_W);

    fx_host(RAM_BASE + 0x1008)[0] = 0x11;
    fx_host(RAM_BASE + 0x2008)[0] = 0x22;
    ck_assert(!cached(ACCESS_LOAD, 0x40000000));
    ck_assert(hart_load(&fx.h, 0x40000008, 1, &v));
    ck_assert_uint_eq(v, 0x11);
    ck_assert(cached(ACCESS_LOAD, 0x40000000));
    ck_assert_uint_eq(entry(ACCESS_LOAD, 0x40000000)->ppage, (RAM_BASE + 0x1000) >> 12);
    /* a load does not fill the store or fetch TLB */
    ck_assert(!cached(ACCESS_STORE, 0x40000000));
    ck_assert(!cached(ACCESS_FETCH, 0x40000000));
    /* the PTE changes: the stale translation stays until a flush (sfence.vma) */
    *pte = fx_mk_pte(RAM_BASE + 0x2000, PTE_V | PTE_R | PTE_A);
    ck_assert(hart_load(&fx.h, 0x40000008, 1, &v));
    ck_assert_uint_eq(v, 0x11);
    hart_tlb_flush(&fx.h);
    ck_assert(hart_load(&fx.h, 0x40000008, 1, &v));
    ck_assert_uint_eq(v, 0x22);
}
END_TEST

/* sfence.vma with an address drops that page's entries (and a superpage's pieces) only. */
START_TEST(test_flush_one_address)
{
    uint64_t v = 0;
    uint64_t *pa_pte = fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_V | PTE_R | PTE_W | PTE_A);
    uint64_t *pb_pte = fx_map(0x40001000, RAM_BASE + 0x2000, 0, PTE_V | PTE_R | PTE_W | PTE_A);
    uint64_t *mega = fx_map(0x40200000, RAM_BASE + 0x200000, 1, PTE_V | PTE_R | PTE_W | PTE_A);

    fx_host(RAM_BASE + 0x1000)[0] = 0xa1;
    fx_host(RAM_BASE + 0x2000)[0] = 0xb1;
    fx_host(RAM_BASE + 0x3000)[0] = 0xa2;
    fx_host(RAM_BASE + 0x4000)[0] = 0xb2;
    fx_host(RAM_BASE + 0x205000)[0] = 0xc1; /* megapage, 4 KiB piece 5 */
    fx_host(RAM_BASE + 0x5000)[0] = 0xc2;    /* piece 5 once the megapage moves to RAM_BASE */
    ck_assert(hart_load(&fx.h, 0x40000000, 1, &v) && v == 0xa1);
    ck_assert(hart_load(&fx.h, 0x40001000, 1, &v) && v == 0xb1);
    ck_assert(hart_load(&fx.h, 0x40205000, 1, &v) && v == 0xc1);
    *pa_pte = fx_mk_pte(RAM_BASE + 0x3000, PTE_V | PTE_R | PTE_W | PTE_A);
    *pb_pte = fx_mk_pte(RAM_BASE + 0x4000, PTE_V | PTE_R | PTE_W | PTE_A);
    *mega = fx_mk_pte(RAM_BASE + 0x000000, PTE_V | PTE_R | PTE_W | PTE_A);
    hart_tlb_flush_va(&fx.h, 0x40000123);
    ck_assert(!cached(ACCESS_LOAD, 0x40000000));
    ck_assert(hart_load(&fx.h, 0x40000000, 1, &v) && v == 0xa2); /* the new mapping */
    ck_assert(cached(ACCESS_LOAD, 0x40001000)); /* another page keeps its entry... */
    ck_assert(hart_load(&fx.h, 0x40001000, 1, &v) && v == 0xb1); /* ...stale until fenced */
    /* an address anywhere in the megapage drops its cached 4 KiB pieces */
    ck_assert(cached(ACCESS_LOAD, 0x40205000));
    hart_tlb_flush_va(&fx.h, 0x403ff000);
    ck_assert(!cached(ACCESS_LOAD, 0x40205000));
    ck_assert(hart_load(&fx.h, 0x40205000, 1, &v) && v == 0xc2);
    hart_tlb_flush_va(&fx.h, 0x40001000);
    ck_assert(hart_load(&fx.h, 0x40001000, 1, &v) && v == 0xb2);
}
END_TEST

START_TEST(test_store_entry_needs_dirty)
{
    uint64_t v = 0;
    uint64_t *pte = fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_V | PTE_R | PTE_W);

    ck_assert(hart_load(&fx.h, 0x40000000, 8, &v));
    ck_assert_uint_eq(*pte & PTE_D, 0);
    ck_assert(hart_store(&fx.h, 0x40000000, 8, 5));
    ck_assert_uint_eq(*pte & PTE_D, PTE_D);
    ck_assert(cached(ACCESS_STORE, 0x40000000));
    /* the fast path writes host RAM */
    ck_assert(hart_store(&fx.h, 0x40000010, 4, 0x99));
    ck_assert_uint_eq(fx_host(RAM_BASE + 0x1010)[0], 0x99);
}
END_TEST

START_TEST(test_read_only_page_store_faults_after_load)
{
    uint64_t v = 0;

    fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_V | PTE_R);
    ck_assert(hart_load(&fx.h, 0x40000000, 8, &v));
    ck_assert(!hart_store(&fx.h, 0x40000000, 8, 1));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_STORE_PAGE_FAULT);
    ck_assert(!cached(ACCESS_STORE, 0x40000000));
}
END_TEST

START_TEST(test_page_crossing_misses)
{
    uint64_t v = 0;

    fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_RWX_AD);
    ck_assert(hart_load(&fx.h, 0x40000000, 8, &v));
    ck_assert(cached(ACCESS_LOAD, 0x40000000));
    /* the page is cached, but an access running off its end must not use it */
    ck_assert(!hart_load(&fx.h, 0x40000ffc, 8, &v));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_LOAD_PAGE_FAULT);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40001000);
}
END_TEST

START_TEST(test_mmio_never_cached)
{
    struct counter_dev dev = {0};
    uint64_t v = 0;

    ck_assert_int_eq(bus_add_device(fx.bus, MMIO_BASE, 0x1000, &counter_ops, &dev), 0);
    fx_map(0x40000000, MMIO_BASE, 0, PTE_RWX_AD);
    ck_assert(hart_load(&fx.h, 0x40000004, 4, &v));
    ck_assert(hart_load(&fx.h, 0x40000004, 4, &v));
    ck_assert_uint_eq(dev.reads, 2);
    ck_assert_uint_eq(v, 0x17);
    ck_assert(!cached(ACCESS_LOAD, 0x40000000));
    ck_assert(hart_store(&fx.h, 0x40000008, 4, 0x1234));
    ck_assert_uint_eq(dev.writes, 1);
    ck_assert_uint_eq(dev.last, 0x1234);
    ck_assert(!cached(ACCESS_STORE, 0x40000000));
    /* instructions are fetched from RAM only */
    ck_assert(!hart_fetch(&fx.h, 0x40000000, &(uint32_t){0}));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_INSN_ACCESS);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40000000);
}
END_TEST

START_TEST(test_partial_pmp_page_not_cached)
{
    uint64_t v = 0;

    fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_RWX_AD);
    /* entry 0: NA4 with no permissions on 4 bytes of the page; entry 1: everything */
    fx.h.csr.pmpaddr[1] = fx.h.csr.pmpaddr[0];
    fx.h.csr.pmpcfg[1] = fx.h.csr.pmpcfg[0];
    fx.h.csr.pmpaddr[0] = (RAM_BASE + 0x1800) >> 2;
    fx.h.csr.pmpcfg[0] = PMP_A_NA4 << PMP_A_SHIFT;
    pmp_update(&fx.h);
    hart_tlb_flush(&fx.h);
    ck_assert(hart_load(&fx.h, 0x40000000, 8, &v));
    ck_assert(!cached(ACCESS_LOAD, 0x40000000));
    ck_assert(!hart_load(&fx.h, 0x40000800, 4, &v));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_LOAD_ACCESS);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40000800);
}
END_TEST

START_TEST(test_fetch)
{
    uint32_t raw = 0;
    uint8_t *p = fx_host(RAM_BASE + 0x1ffe);

    fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_V | PTE_X | PTE_A);
    p[0] = 0x01; /* c.nop at the last parcel of the page */
    p[1] = 0x00;
    ck_assert(hart_fetch(&fx.h, 0x40000ffe, &raw));
    ck_assert_uint_eq(raw, 0x0001);
    /* a 32-bit instruction whose upper half lies on an unmapped page */
    p[0] = 0x13;
    ck_assert(!hart_fetch(&fx.h, 0x40000ffe, &raw));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_INSN_PAGE_FAULT);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40001000);
    fx_clear_exc();
    /* map the next page: the halves join */
    fx_map(0x40001000, RAM_BASE + 0x3000, 0, PTE_V | PTE_X | PTE_A);
    fx_host(RAM_BASE + 0x3000)[0] = 0x34;
    fx_host(RAM_BASE + 0x3000)[1] = 0x12;
    ck_assert(hart_fetch(&fx.h, 0x40000ffe, &raw));
    ck_assert_uint_eq(raw, 0x12340013);
    ck_assert(cached(ACCESS_FETCH, 0x40000000));
    ck_assert(cached(ACCESS_FETCH, 0x40001000));
    /* fast path: a compressed instruction is returned as 16 bits */
    fx_host(RAM_BASE + 0x1000)[0] = 0x01;
    fx_host(RAM_BASE + 0x1000)[1] = 0x00;
    fx_host(RAM_BASE + 0x1000)[2] = 0xff;
    ck_assert(hart_fetch(&fx.h, 0x40000000, &raw));
    ck_assert_uint_eq(raw, 0x0001);
    /* not executable */
    fx_map(0x40002000, RAM_BASE + 0x3000, 0, PTE_V | PTE_R | PTE_A);
    ck_assert(!hart_fetch(&fx.h, 0x40002000, &raw));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_INSN_PAGE_FAULT);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40002000);
}
END_TEST

START_TEST(test_amo_translate)
{
    struct counter_dev dev = {0};
    uint8_t *host = NULL;
    uint64_t pa = 0;

    ck_assert_int_eq(bus_add_device(fx.bus, MMIO_BASE, 0x1000, &counter_ops, &dev), 0);
    fx_map(0x40000000, RAM_BASE + 0x1000, 0, PTE_V | PTE_R | PTE_W);
    fx_map(0x40001000, RAM_BASE + 0x2000, 0, PTE_V | PTE_R | PTE_A);
    fx_map(0x40002000, MMIO_BASE, 0, PTE_V | PTE_R | PTE_W);

    ck_assert(!hart_translate_amo(&fx.h, 0x40000004, 8, ACCESS_STORE, &host, &pa));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_STORE_MISALIGNED);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40000004);
    fx_clear_exc();
    ck_assert(!hart_translate_amo(&fx.h, 0x40000002, 4, ACCESS_LOAD, &host, &pa));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_LOAD_MISALIGNED);
    fx_clear_exc();

    ck_assert(hart_translate_amo(&fx.h, 0x40000008, 8, ACCESS_STORE, &host, &pa));
    ck_assert_ptr_eq(host, fx_host(RAM_BASE + 0x1008));
    ck_assert_uint_eq(pa, RAM_BASE + 0x1008);
    ck_assert_uint_eq(*fx_pte(fx.next_pt - 4096) & PTE_D, PTE_D); /* first leaf PTE */
    /* again, from the TLB */
    ck_assert(hart_translate_amo(&fx.h, 0x40000010, 4, ACCESS_STORE, &host, &pa));
    ck_assert_ptr_eq(host, fx_host(RAM_BASE + 0x1010));
    ck_assert_uint_eq(pa, RAM_BASE + 0x1010);

    /* LR on a read-only page is fine, an AMO faults with the store cause */
    ck_assert(hart_translate_amo(&fx.h, 0x40001000, 4, ACCESS_LOAD, &host, &pa));
    ck_assert(!hart_translate_amo(&fx.h, 0x40001000, 4, ACCESS_STORE, &host, &pa));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_STORE_PAGE_FAULT);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40001000);
    fx_clear_exc();

    /* MMIO: no host pointer, the physical address */
    ck_assert(hart_translate_amo(&fx.h, 0x40002010, 8, ACCESS_STORE, &host, &pa));
    ck_assert_ptr_null(host);
    ck_assert_uint_eq(pa, MMIO_BASE + 0x10);
}
END_TEST

static Suite *tlb_suite(void)
{
    Suite *s = suite_create("tlb");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, tlb_setup, fx_teardown);
    tcase_add_test(tc, test_flush_invalidates_all);
    tcase_add_test(tc, test_hit_until_flush);
    tcase_add_test(tc, test_store_entry_needs_dirty);
    tcase_add_test(tc, test_read_only_page_store_faults_after_load);
    tcase_add_test(tc, test_page_crossing_misses);
    tcase_add_test(tc, test_mmio_never_cached);
    tcase_add_test(tc, test_partial_pmp_page_not_cached);
    tcase_add_test(tc, test_fetch);
    tcase_add_test(tc, test_amo_translate);
    tcase_add_test(tc, test_flush_one_address);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tlb_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
