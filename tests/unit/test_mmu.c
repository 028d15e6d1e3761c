/*
 * The page walker and the hart's load/store paths (privileged spec 4.3-4.6):
 * Sv39/Sv48/Sv57 leaves at every level, superpage alignment, canonical addresses,
 * A/D updates, the R/W/X/U/SUM/MXR rules, reserved encodings, access faults on the
 * walk, MPRV, and misaligned accesses across pages.
 */
#include <check.h>

#include "mmu_fixture.h"

static unsigned loop_levels(int i)
{
    return 3 + (unsigned)i; /* loop tests 0..2: Sv39, Sv48, Sv57 */
}

static unsigned va_bits(unsigned levels)
{
    return 12 + 9 * levels;
}

START_TEST(test_leaf_every_level)
{
    unsigned levels = loop_levels(_i);

    for (unsigned lvl = 0; lvl < levels; lvl++) {
        uint64_t size = 1ull << (12 + 9 * lvl);
        uint64_t va = (3ull << (12 + 9 * lvl)) | (0x123456789abull & (size - 1));
        uint64_t pa_base = RAM_BASE & ~(size - 1);
        uint64_t pa = 0;

        fx_setup();
        fx.h.priv = PRIV_S;
        fx_paging(levels);
        fx_map(va, pa_base, lvl, PTE_RWX_AD);
        ck_assert_int_eq(mmu_translate(&fx.h, va, ACCESS_LOAD, PRIV_S, true, &pa), MMU_OK);
        ck_assert_uint_eq(pa, pa_base | (va & (size - 1)));
        ck_assert_int_eq(mmu_translate(&fx.h, va, ACCESS_STORE, PRIV_S, true, &pa), MMU_OK);
        ck_assert_int_eq(mmu_translate(&fx.h, va, ACCESS_FETCH, PRIV_S, true, &pa), MMU_OK);
        /* the neighbouring page of the same table is unmapped */
        ck_assert_int_eq(mmu_translate(&fx.h, va + size, ACCESS_LOAD, PRIV_S, true, &pa),
                         MMU_PAGE_FAULT);
        fx_teardown();
    }
}
END_TEST

START_TEST(test_misaligned_superpage)
{
    unsigned levels = loop_levels(_i);

    for (unsigned lvl = 1; lvl < levels; lvl++) {
        uint64_t va = 5ull << (12 + 9 * lvl);
        uint64_t pa = 0;

        fx_setup();
        fx_paging(levels);
        /* one 4 KiB page off the superpage's natural alignment */
        fx_map(va, RAM_BASE + 0x1000, lvl, PTE_RWX_AD);
        ck_assert_int_eq(mmu_translate(&fx.h, va, ACCESS_LOAD, PRIV_S, true, &pa), MMU_PAGE_FAULT);
        fx_teardown();
    }
}
END_TEST

START_TEST(test_canonical)
{
    unsigned levels = loop_levels(_i);
    unsigned bits = va_bits(levels);
    uint64_t top = ~0ull << (bits - 1); /* highest half, index 256 at the root */
    uint64_t pa = 0;

    fx_setup();
    fx_paging(levels);
    fx_map(top, RAM_BASE, 0, PTE_RWX_AD);
    fx_map(0, RAM_BASE + 0x1000, 0, PTE_RWX_AD);
    ck_assert_int_eq(mmu_translate(&fx.h, top + 8, ACCESS_LOAD, PRIV_S, true, &pa), MMU_OK);
    ck_assert_uint_eq(pa, RAM_BASE + 8);
    /* same low bits, upper bits not a sign extension */
    ck_assert_int_eq(mmu_translate(&fx.h, top & ~(1ull << 63), ACCESS_LOAD, PRIV_S, true, &pa),
                     MMU_PAGE_FAULT);
    ck_assert_int_eq(mmu_translate(&fx.h, 1ull << bits, ACCESS_LOAD, PRIV_S, true, &pa),
                     MMU_PAGE_FAULT);
    ck_assert_int_eq(mmu_translate(&fx.h, 1ull << (bits - 1), ACCESS_FETCH, PRIV_S, true, &pa),
                     MMU_PAGE_FAULT);
    ck_assert_int_eq(mmu_translate(&fx.h, 16, ACCESS_LOAD, PRIV_S, true, &pa), MMU_OK);
    fx_teardown();
}
END_TEST

START_TEST(test_m_mode_and_bare)
{
    uint64_t pa = 0;

    fx_setup();
    ck_assert_int_eq(mmu_translate(&fx.h, 0x1234, ACCESS_LOAD, PRIV_S, true, &pa), MMU_OK);
    ck_assert_uint_eq(pa, 0x1234);
    fx_paging(3);
    ck_assert_int_eq(mmu_translate(&fx.h, 0xfedc000012345678ull, ACCESS_FETCH, PRIV_M, true, &pa),
                     MMU_OK);
    ck_assert_uint_eq(pa, 0xfedc000012345678ull);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x1234, ACCESS_LOAD, PRIV_S, true, &pa), MMU_PAGE_FAULT);
    fx_teardown();
}
END_TEST

START_TEST(test_accessed_dirty)
{
    uint64_t va = 0x40001000, pa = 0;
    uint64_t base = PTE_V | PTE_R | PTE_W;
    uint64_t *pte;

    fx_setup();
    fx_paging(3);
    pte = fx_map(va, RAM_BASE + 0x5000, 0, base);
    /* a walk without update leaves the PTE alone */
    ck_assert_int_eq(mmu_translate(&fx.h, va, ACCESS_STORE, PRIV_S, false, &pa), MMU_OK);
    ck_assert_uint_eq(*pte, fx_mk_pte(RAM_BASE + 0x5000, base));
    ck_assert_int_eq(mmu_translate(&fx.h, va, ACCESS_LOAD, PRIV_S, true, &pa), MMU_OK);
    ck_assert_uint_eq(*pte & (PTE_A | PTE_D), PTE_A);
    ck_assert_int_eq(mmu_translate(&fx.h, va, ACCESS_STORE, PRIV_S, true, &pa), MMU_OK);
    ck_assert_uint_eq(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    /* a store to a fresh PTE sets both at once; on a superpage too */
    pte = fx_map(0x40200000, RAM_BASE + 0x200000, 1, base);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40200008, ACCESS_STORE, PRIV_S, true, &pa), MMU_OK);
    ck_assert_uint_eq(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    /* fetch sets A only */
    pte = fx_map(0x40003000, RAM_BASE, 0, PTE_V | PTE_X);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40003000, ACCESS_FETCH, PRIV_S, true, &pa), MMU_OK);
    ck_assert_uint_eq(*pte & (PTE_A | PTE_D), PTE_A);
    /* a faulting access sets nothing */
    pte = fx_map(0x40004000, RAM_BASE, 0, PTE_V | PTE_R);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40004000, ACCESS_STORE, PRIV_S, true, &pa),
                     MMU_PAGE_FAULT);
    ck_assert_uint_eq(*pte & (PTE_A | PTE_D), 0);
    fx_teardown();
}
END_TEST

struct perm_case {
    uint64_t flags;
    enum rv_priv priv;
    uint64_t mstatus;
    enum rv_access acc;
    enum mmu_status want;
};

#define AD (PTE_V | PTE_A | PTE_D)
static const struct perm_case perm_cases[] = {
    {AD | PTE_R, PRIV_S, 0, ACCESS_LOAD, MMU_OK},
    {AD | PTE_R, PRIV_S, 0, ACCESS_STORE, MMU_PAGE_FAULT},
    {AD | PTE_R, PRIV_S, 0, ACCESS_FETCH, MMU_PAGE_FAULT},
    {AD | PTE_R | PTE_W, PRIV_S, 0, ACCESS_STORE, MMU_OK},
    {AD | PTE_X, PRIV_S, 0, ACCESS_FETCH, MMU_OK},
    {AD | PTE_X, PRIV_S, 0, ACCESS_LOAD, MMU_PAGE_FAULT},
    {AD | PTE_X, PRIV_S, MSTATUS_MXR, ACCESS_LOAD, MMU_OK},
    {AD | PTE_X, PRIV_S, MSTATUS_MXR, ACCESS_STORE, MMU_PAGE_FAULT},
    {AD | PTE_X, PRIV_U, MSTATUS_MXR, ACCESS_FETCH, MMU_PAGE_FAULT},
    {AD | PTE_X | PTE_U, PRIV_U, MSTATUS_MXR, ACCESS_LOAD, MMU_OK},
    {AD | PTE_R, PRIV_U, 0, ACCESS_LOAD, MMU_PAGE_FAULT},
    {AD | PTE_R | PTE_U, PRIV_U, 0, ACCESS_LOAD, MMU_OK},
    {AD | PTE_R | PTE_U, PRIV_U, 0, ACCESS_STORE, MMU_PAGE_FAULT},
    {AD | PTE_R | PTE_W | PTE_U, PRIV_U, 0, ACCESS_STORE, MMU_OK},
    {AD | PTE_X | PTE_U, PRIV_U, 0, ACCESS_FETCH, MMU_OK},
    {AD | PTE_R | PTE_W | PTE_U, PRIV_S, 0, ACCESS_LOAD, MMU_PAGE_FAULT},
    {AD | PTE_R | PTE_W | PTE_U, PRIV_S, 0, ACCESS_STORE, MMU_PAGE_FAULT},
    {AD | PTE_R | PTE_W | PTE_U, PRIV_S, MSTATUS_SUM, ACCESS_LOAD, MMU_OK},
    {AD | PTE_R | PTE_W | PTE_U, PRIV_S, MSTATUS_SUM, ACCESS_STORE, MMU_OK},
    {AD | PTE_X | PTE_U, PRIV_S, MSTATUS_SUM, ACCESS_FETCH, MMU_PAGE_FAULT},
    {AD | PTE_X | PTE_U, PRIV_S, MSTATUS_SUM | MSTATUS_MXR, ACCESS_LOAD, MMU_OK},
    /* W without R is reserved, and V=0 is invalid, whatever else is set */
    {AD | PTE_W, PRIV_S, 0, ACCESS_STORE, MMU_PAGE_FAULT},
    {AD | PTE_W | PTE_X, PRIV_S, 0, ACCESS_FETCH, MMU_PAGE_FAULT},
    {PTE_A | PTE_D | PTE_R | PTE_W | PTE_X, PRIV_S, 0, ACCESS_LOAD, MMU_PAGE_FAULT},
    /* bits 63:54 (N, PBMT, reserved) are not implemented: any set faults */
    {AD | PTE_R | (1ull << 63), PRIV_S, 0, ACCESS_LOAD, MMU_PAGE_FAULT},
    {AD | PTE_R | (1ull << 61), PRIV_S, 0, ACCESS_LOAD, MMU_PAGE_FAULT},
    {AD | PTE_R | (1ull << 54), PRIV_S, 0, ACCESS_LOAD, MMU_PAGE_FAULT},
    /* RSW (9:8) and G are ignored */
    {AD | PTE_R | (3ull << 8) | PTE_G, PRIV_S, 0, ACCESS_LOAD, MMU_OK},
};

START_TEST(test_permissions)
{
    const struct perm_case *c = &perm_cases[_i];
    uint64_t pa = 0;

    fx_setup();
    fx_paging(3);
    fx.h.csr.mstatus |= c->mstatus;
    fx_map(0x40001000, RAM_BASE + 0x1000, 0, c->flags);
    ck_assert_msg(mmu_translate(&fx.h, 0x40001010, c->acc, c->priv, true, &pa) == c->want,
                  "permission case %d", _i);
    if (c->want == MMU_OK)
        ck_assert_uint_eq(pa, RAM_BASE + 0x1010);
    fx_teardown();
}
END_TEST

START_TEST(test_pointer_rules)
{
    uint64_t pa = 0;
    uint64_t *pte;

    fx_setup();
    fx_paging(3);
    /* a pointer PTE at level 0 */
    pte = fx_map(0x40001000, RAM_BASE, 0, PTE_V);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40001000, ACCESS_LOAD, PRIV_S, true, &pa),
                     MMU_PAGE_FAULT);
    *pte = fx_mk_pte(RAM_BASE, AD | PTE_R);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40001000, ACCESS_LOAD, PRIV_S, true, &pa), MMU_OK);
    /* reserved bits in a pointer PTE fault */
    uint64_t *root = fx_pte(fx.root + fx_vpn(0x40001000, 2) * 8);
    *root |= 1ull << 62;
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40001000, ACCESS_LOAD, PRIV_S, true, &pa),
                     MMU_PAGE_FAULT);
    fx_teardown();
}
END_TEST

START_TEST(test_walk_access_faults)
{
    uint64_t pa = 0;

    fx_setup();
    fx_paging(3);
    /* a pointer to a table outside RAM */
    *fx_pte(fx.root + 8) = fx_mk_pte(0x1000, PTE_V);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40000000, ACCESS_STORE, PRIV_S, true, &pa),
                     MMU_ACCESS_FAULT);
    ck_assert_uint_eq(mmu_fault_cause(MMU_ACCESS_FAULT, ACCESS_STORE), EXC_STORE_ACCESS);
    ck_assert_uint_eq(mmu_fault_cause(MMU_PAGE_FAULT, ACCESS_FETCH), EXC_INSN_PAGE_FAULT);
    /* the root table denied by PMP (for S-mode implicit accesses, even from U) */
    fx_map(0x80000000, RAM_BASE, 2, PTE_RWX_AD | PTE_U);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x80000000, ACCESS_LOAD, PRIV_U, true, &pa), MMU_OK);
    fx.h.csr.pmpaddr[1] = fx.h.csr.pmpaddr[0];
    fx.h.csr.pmpcfg[1] = fx.h.csr.pmpcfg[0];
    fx.h.csr.pmpaddr[0] = (fx.root >> 2) | 0x1ff; /* NAPOT 4 KiB, no permissions */
    fx.h.csr.pmpcfg[0] = PMP_A_NAPOT << PMP_A_SHIFT;
    pmp_update(&fx.h);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x80000000, ACCESS_LOAD, PRIV_U, true, &pa),
                     MMU_ACCESS_FAULT);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x80000000, ACCESS_FETCH, PRIV_S, true, &pa),
                     MMU_ACCESS_FAULT);
    fx_teardown();
}
END_TEST

START_TEST(test_ad_update_needs_pmp_write)
{
    uint64_t pa = 0;
    uint64_t leaf_table;

    fx_setup();
    fx_paging(3);
    fx_map(0x40001000, RAM_BASE + 0x1000, 0, PTE_V | PTE_R | PTE_W | PTE_A);
    leaf_table = fx.next_pt - 4096;
    fx.h.csr.pmpaddr[1] = fx.h.csr.pmpaddr[0];
    fx.h.csr.pmpcfg[1] = fx.h.csr.pmpcfg[0];
    fx.h.csr.pmpaddr[0] = (leaf_table >> 2) | 0x1ff;
    fx.h.csr.pmpcfg[0] = (PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R;
    pmp_update(&fx.h);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40001000, ACCESS_LOAD, PRIV_S, true, &pa), MMU_OK);
    ck_assert_int_eq(mmu_translate(&fx.h, 0x40001000, ACCESS_STORE, PRIV_S, true, &pa),
                     MMU_ACCESS_FAULT);
    fx_teardown();
}
END_TEST

START_TEST(test_load_store_paths)
{
    uint64_t v = 0;

    fx_setup();
    /* M-mode, physical */
    ck_assert(hart_store(&fx.h, RAM_BASE + 0x100, 8, 0x1122334455667788ull));
    ck_assert(hart_load(&fx.h, RAM_BASE + 0x100, 4, &v));
    ck_assert_uint_eq(v, 0x55667788);
    ck_assert(!hart_load(&fx.h, 0x1000, 4, &v));
    ck_assert(fx.h.exc_pending);
    ck_assert_uint_eq(fx.h.exc_cause, EXC_LOAD_ACCESS);
    ck_assert_uint_eq(fx.h.exc_tval, 0x1000);
    fx_clear_exc();
    ck_assert(!hart_store(&fx.h, RAM_BASE + RAM_SIZE, 1, 0));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_STORE_ACCESS);
    fx_clear_exc();

    /* S-mode through a mapping */
    fx_paging(3);
    fx_map(0x40000000, RAM_BASE + 0x2000, 0, PTE_V | PTE_R | PTE_W);
    fx.h.priv = PRIV_S;
    hart_tlb_flush(&fx.h);
    ck_assert(hart_store(&fx.h, 0x40000010, 2, 0xbeef));
    ck_assert_uint_eq(fx_host(RAM_BASE + 0x2010)[0], 0xef);
    ck_assert(hart_load(&fx.h, 0x40000010, 2, &v));
    ck_assert_uint_eq(v, 0xbeef);
    ck_assert(!hart_load(&fx.h, 0x40001000, 1, &v));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_LOAD_PAGE_FAULT);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40001000);
    fx_clear_exc();
    /* PMP on the data page itself: access fault */
    fx.h.csr.pmpcfg[0] = (PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R | PMP_X;
    hart_tlb_flush(&fx.h);
    ck_assert(!hart_store(&fx.h, 0x40000018, 8, 1));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_STORE_ACCESS);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40000018);
    fx_teardown();
}
END_TEST

START_TEST(test_mprv)
{
    uint64_t v = 0;
    uint32_t raw = 0;

    fx_setup();
    fx_paging(3);
    fx_map(0x40000000, RAM_BASE + 0x3000, 0, AD | PTE_R | PTE_W | PTE_U);
    *(uint32_t *)(void *)fx_host(RAM_BASE + 0x3000) = 0xcafef00d;
    *(uint32_t *)(void *)fx_host(RAM_BASE) = 0x00000013; /* nop */
    fx.h.priv = PRIV_M;
    fx.h.csr.mstatus |= MSTATUS_MPRV | ((uint64_t)PRIV_S << MSTATUS_MPP_SHIFT);
    hart_tlb_flush(&fx.h);
    ck_assert_int_eq(hart_data_priv(&fx.h), PRIV_S);
    /* S-mode without SUM may not touch a U page */
    ck_assert(!hart_load(&fx.h, 0x40000000, 4, &v));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_LOAD_PAGE_FAULT);
    fx_clear_exc();
    fx.h.csr.mstatus &= ~MSTATUS_MPP; /* MPP = U */
    hart_tlb_flush(&fx.h);
    ck_assert_int_eq(hart_data_priv(&fx.h), PRIV_U);
    ck_assert(hart_load(&fx.h, 0x40000000, 4, &v));
    ck_assert_uint_eq(v, 0xcafef00d);
    /* fetches ignore MPRV */
    ck_assert(hart_fetch(&fx.h, RAM_BASE, &raw));
    ck_assert_uint_eq(raw, 0x13);
    /* MPRV has no effect outside M-mode */
    fx.h.priv = PRIV_S;
    ck_assert_int_eq(hart_data_priv(&fx.h), PRIV_S);
    fx_teardown();
}
END_TEST

START_TEST(test_misaligned_cross_page)
{
    uint64_t v = 0;
    uint64_t *pte2;

    fx_setup();
    fx_paging(3);
    /* two adjacent virtual pages on physical pages far apart */
    fx_map(0x40000000, RAM_BASE + 0x7000, 0, AD | PTE_R | PTE_W);
    pte2 = fx_map(0x40001000, RAM_BASE + 0x2000, 0, AD | PTE_R | PTE_W);
    fx.h.priv = PRIV_S;
    hart_tlb_flush(&fx.h);
    ck_assert(hart_store(&fx.h, 0x40000ffd, 8, 0x0807060504030201ull));
    ck_assert_uint_eq(fx_host(RAM_BASE + 0x7ffd)[0], 0x01);
    ck_assert_uint_eq(fx_host(RAM_BASE + 0x7fff)[0], 0x03);
    ck_assert_uint_eq(fx_host(RAM_BASE + 0x2000)[0], 0x04);
    ck_assert_uint_eq(fx_host(RAM_BASE + 0x2004)[0], 0x08);
    ck_assert(hart_load(&fx.h, 0x40000ffe, 4, &v));
    ck_assert_uint_eq(v, 0x05040302);
    /* misaligned inside a page */
    ck_assert(hart_load(&fx.h, 0x40000ffd, 2, &v));
    ck_assert_uint_eq(v, 0x0201);

    /* second page read-only: the store faults at the second page, writes nothing */
    *pte2 = fx_mk_pte(RAM_BASE + 0x2000, PTE_V | PTE_R | PTE_A);
    hart_tlb_flush(&fx.h);
    ck_assert(!hart_store(&fx.h, 0x40000ffe, 4, 0xaabbccdd));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_STORE_PAGE_FAULT);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40001000);
    ck_assert_uint_eq(fx_host(RAM_BASE + 0x7ffe)[0], 0x02);
    fx_clear_exc();

    /* first page unmapped: tval is the access address */
    fx_map(0x40000000, RAM_BASE + 0x7000, 0, 0);
    hart_tlb_flush(&fx.h);
    ck_assert(!hart_load(&fx.h, 0x40000ffc, 8, &v));
    ck_assert_uint_eq(fx.h.exc_cause, EXC_LOAD_PAGE_FAULT);
    ck_assert_uint_eq(fx.h.exc_tval, 0x40000ffc);
    fx_teardown();
}
END_TEST

START_TEST(test_split_fault_leaves_ad_clear)
{
    uint64_t *pte1;

    fx_setup();
    fx_paging(3);
    pte1 = fx_map(0x40000000, RAM_BASE + 0x7000, 0, PTE_V | PTE_R | PTE_W);
    fx.h.priv = PRIV_S;
    hart_tlb_flush(&fx.h);
    ck_assert(!hart_store(&fx.h, 0x40000ffc, 8, 0));
    ck_assert_uint_eq(fx.h.exc_tval, 0x40001000);
    ck_assert_uint_eq(*pte1 & (PTE_A | PTE_D), 0);
    fx_clear_exc();
    /* both parts unmapped: the first one is reported */
    ck_assert(!hart_store(&fx.h, 0x40001ffc, 8, 0));
    ck_assert_uint_eq(fx.h.exc_tval, 0x40001ffc);
    fx_teardown();
}
END_TEST

static Suite *mmu_suite(void)
{
    Suite *s = suite_create("mmu");
    TCase *walk = tcase_create("walk");
    TCase *access = tcase_create("access");

    tcase_add_loop_test(walk, test_leaf_every_level, 0, 3);
    tcase_add_loop_test(walk, test_misaligned_superpage, 0, 3);
    tcase_add_loop_test(walk, test_canonical, 0, 3);
    tcase_add_test(walk, test_m_mode_and_bare);
    tcase_add_test(walk, test_accessed_dirty);
    tcase_add_loop_test(walk, test_permissions, 0,
                        (int)(sizeof(perm_cases) / sizeof(perm_cases[0])));
    tcase_add_test(walk, test_pointer_rules);
    tcase_add_test(walk, test_walk_access_faults);
    tcase_add_test(walk, test_ad_update_needs_pmp_write);
    suite_add_tcase(s, walk);

    tcase_add_test(access, test_load_store_paths);
    tcase_add_test(access, test_mprv);
    tcase_add_test(access, test_misaligned_cross_page);
    tcase_add_test(access, test_split_fault_leaves_ad_clear);
    suite_add_tcase(s, access);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mmu_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
