/*
 * Unit tests for the simple framebuffer: size limits, the device-tree node, and change
 * detection against the shadow copy (bounding rectangles, nothing changed, invalidate).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "devices/simplefb.h"

START_TEST(test_sizes)
{
    char err[128];
    struct simplefb *fb;
    ck_assert_int_eq(simplefb_check_size(1024, 768, err, sizeof(err)), 0);
    ck_assert_int_eq(simplefb_check_size(64, 64, err, sizeof(err)), 0);
    ck_assert_int_lt(simplefb_check_size(63, 768, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(err, "63x768"));
    ck_assert_int_lt(simplefb_check_size(1024, 8193, err, sizeof(err)), 0);
    ck_assert_int_lt(simplefb_check_size(8192, 8192, err, sizeof(err)), 0); /* 256 MiB */
    ck_assert_ptr_nonnull(strstr(err, "MiB"));
    ck_assert_int_eq(simplefb_check_size(8192, 4096, err, sizeof(err)), 0); /* 128 MiB */
    ck_assert_int_lt(simplefb_create(0, 0, &fb), 0);
    ck_assert_ptr_null(fb);
    ck_assert_int_eq(simplefb_create(100, 70, &fb), 0);
    ck_assert_uint_eq(simplefb_stride(fb), 400);
    ck_assert_uint_eq(simplefb_region_size(fb), 28672); /* 28000 bytes in whole pages */
    simplefb_destroy(fb);
}
END_TEST

START_TEST(test_fdt_node)
{
    static uint8_t fdt[4096];
    struct simplefb *fb;
    int node, len;
    ck_assert_int_eq(simplefb_create(800, 600, &fb), 0);
    ck_assert_int_eq(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
    node = simplefb_fdt_node(fb, fdt, 0, 0x28000000);
    ck_assert_int_gt(node, 0);
    ck_assert_int_eq(fdt_path_offset(fdt, "/framebuffer@28000000"), node);
    ck_assert_str_eq(fdt_getprop(fdt, node, "compatible", &len), "simple-framebuffer");
    ck_assert_str_eq(fdt_getprop(fdt, node, "format", &len), "x8r8g8b8");
    ck_assert_uint_eq(fdt32_ld((const fdt32_t *)fdt_getprop(fdt, node, "width", &len)), 800);
    ck_assert_uint_eq(fdt32_ld((const fdt32_t *)fdt_getprop(fdt, node, "height", &len)), 600);
    ck_assert_uint_eq(fdt32_ld((const fdt32_t *)fdt_getprop(fdt, node, "stride", &len)), 3200);
    const fdt64_t *reg = fdt_getprop(fdt, node, "reg", &len);
    ck_assert_int_eq(len, 16);
    ck_assert_uint_eq(fdt64_ld(&reg[0]), 0x28000000); /* fdt64_ld: props are 4-aligned only */
    ck_assert_uint_eq(fdt64_ld(&reg[1]), simplefb_region_size(fb));
    simplefb_destroy(fb);
}
END_TEST

static void poke(struct simplefb *fb, unsigned x, unsigned y, uint32_t v)
{
    memcpy(simplefb_pixels(fb) + (size_t)y * simplefb_stride(fb) + 4 * x, &v, 4);
}

START_TEST(test_sync)
{
    struct simplefb *fb;
    struct fb_rect r;
    ck_assert_int_eq(simplefb_create(640, 480, &fb), 0);
    /* the first sync reports everything, the second nothing */
    ck_assert(simplefb_sync(fb, &r));
    ck_assert_uint_eq(r.w, 640);
    ck_assert_uint_eq(r.h, 480);
    ck_assert(!simplefb_sync(fb, &r));
    /* one pixel */
    poke(fb, 17, 33, 0x00ff0000);
    ck_assert(simplefb_sync(fb, &r));
    ck_assert_uint_eq(r.x, 17);
    ck_assert_uint_eq(r.y, 33);
    ck_assert_uint_eq(r.w, 1);
    ck_assert_uint_eq(r.h, 1);
    ck_assert_int_eq(memcmp(simplefb_shadow(fb), simplefb_pixels(fb), 640 * 480 * 4), 0);
    ck_assert(!simplefb_sync(fb, &r));
    /* two pixels far apart: their bounding box; the last column and row */
    poke(fb, 3, 400, 1);
    poke(fb, 639, 479, 0x00abcdef);
    ck_assert(simplefb_sync(fb, &r));
    ck_assert_uint_eq(r.x, 3);
    ck_assert_uint_eq(r.y, 400);
    ck_assert_uint_eq(r.x + r.w, 640);
    ck_assert_uint_eq(r.y + r.h, 480);
    /* a change that is undone before the sync is no change */
    poke(fb, 5, 5, 7);
    poke(fb, 5, 5, 0);
    ck_assert(!simplefb_sync(fb, &r));
    /* invalidate: the whole screen again */
    simplefb_invalidate(fb);
    ck_assert(simplefb_sync(fb, &r));
    ck_assert_uint_eq(r.w * r.h, 640 * 480);
    simplefb_destroy(fb);
}
END_TEST

START_TEST(test_sync_only_x_byte)
{
    /* even the unused x byte of a pixel counts: the display cannot know the guest's use */
    struct simplefb *fb;
    struct fb_rect r;
    ck_assert_int_eq(simplefb_create(64, 64, &fb), 0);
    simplefb_sync(fb, &r);
    simplefb_pixels(fb)[4 * 10 + 3] = 0xff;
    ck_assert(simplefb_sync(fb, &r));
    ck_assert_uint_eq(r.x, 10);
    ck_assert_uint_eq(r.w, 1);
    simplefb_destroy(fb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("simplefb");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_fdt_node);
    tcase_add_test(tc, test_sync);
    tcase_add_test(tc, test_sync_only_x_byte);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
