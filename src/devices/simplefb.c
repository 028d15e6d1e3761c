/*
 * simple-framebuffer (see simplefb.h): x8r8g8b8 pixels in guest-visible RAM, a
 * device-tree node, and change detection against a shadow copy.
 *
 * Why a shadow copy: the hart stores into the pixels through its software TLB, like RAM,
 * so the stores are as fast as any other and cpu/ knows nothing about displays. Finding
 * the changes costs one memcmp per visible row per display frame (1024x768: 3 MiB, about
 * 0.1 ms on a current host), paid by the display thread only while a window is open.
 * Rows that differ are narrowed to the first and last differing 8-byte word, and only
 * that span is copied to the shadow and reported, so a store racing with the sync is
 * either inside the reported span (shown now) or still differs from the shadow (shown
 * next time). Not modelled: other pixel formats, the binding's clocks and regulators.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "devices/dev_fdt.h"
#include "devices/simplefb.h"

#define FB_PAGE 4096u

struct simplefb {
    unsigned width, height, stride;
    uint64_t region_size;
    uint8_t *pixels;
    uint8_t *shadow;
    bool shadow_valid;
};

int simplefb_check_size(unsigned width, unsigned height, char *err, size_t errlen)
{
    if (width < SIMPLEFB_MIN_DIM || width > SIMPLEFB_MAX_DIM || height < SIMPLEFB_MIN_DIM ||
        height > SIMPLEFB_MAX_DIM) {
        snprintf(err, errlen, "framebuffer size %ux%u is out of range (each side %u to %u)", width,
                 height, SIMPLEFB_MIN_DIM, SIMPLEFB_MAX_DIM);
        return -EINVAL;
    }
    if ((uint64_t)width * height * SIMPLEFB_BPP > SIMPLEFB_MAX_BYTES) {
        snprintf(err, errlen, "framebuffer %ux%u needs %llu MiB (at most %llu MiB)", width, height,
                 (unsigned long long)(((uint64_t)width * height * SIMPLEFB_BPP) >> 20),
                 (unsigned long long)(SIMPLEFB_MAX_BYTES >> 20));
        return -EINVAL;
    }
    return 0;
}

int simplefb_create(unsigned width, unsigned height, struct simplefb **out)
{
    char why[128];
    struct simplefb *fb;
    *out = NULL;
    if (simplefb_check_size(width, height, why, sizeof(why)) < 0)
        return -EINVAL;
    if (!(fb = calloc(1, sizeof(*fb))))
        return -ENOMEM;
    fb->width = width;
    fb->height = height;
    fb->stride = width * SIMPLEFB_BPP;
    fb->region_size = ((uint64_t)fb->stride * height + FB_PAGE - 1) & ~(uint64_t)(FB_PAGE - 1);
    fb->pixels = calloc(1, (size_t)fb->region_size);
    fb->shadow = calloc(1, (size_t)fb->region_size);
    if (!fb->pixels || !fb->shadow) {
        simplefb_destroy(fb);
        return -ENOMEM;
    }
    *out = fb;
    return 0;
}

void simplefb_destroy(struct simplefb *fb)
{
    if (!fb)
        return;
    free(fb->pixels);
    free(fb->shadow);
    free(fb);
}

unsigned simplefb_width(const struct simplefb *fb)
{
    return fb->width;
}

unsigned simplefb_height(const struct simplefb *fb)
{
    return fb->height;
}

unsigned simplefb_stride(const struct simplefb *fb)
{
    return fb->stride;
}

uint8_t *simplefb_pixels(struct simplefb *fb)
{
    return fb->pixels;
}

uint64_t simplefb_region_size(const struct simplefb *fb)
{
    return fb->region_size;
}

const uint8_t *simplefb_shadow(const struct simplefb *fb)
{
    return fb->shadow;
}

void simplefb_invalidate(struct simplefb *fb)
{
    fb->shadow_valid = false;
}

int simplefb_fdt_node(const struct simplefb *fb, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "simple-framebuffer";
    int node =
        dev_fdt_node(fdt, parent, "framebuffer", base, fb->region_size, compat, sizeof(compat));
    int rc;
    if (node < 0)
        return node;
    if ((rc = fdt_setprop_u32(fdt, node, "width", fb->width)) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "height", fb->height)) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "stride", fb->stride)) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "format", "x8r8g8b8")) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "status", "okay")) < 0)
        return rc;
    return node;
}

/* First and last differing 8-byte words of two rows known to differ (stride % 8 == 0
 * is not required: a tail shorter than a word is compared bytewise). */
static void row_span(const uint8_t *a, const uint8_t *b, size_t len, size_t *first, size_t *last)
{
    size_t lo = 0, hi = len;
    while (lo + 8 <= len && memcmp(a + lo, b + lo, 8) == 0)
        lo += 8;
    while (lo < len && a[lo] == b[lo])
        lo++;
    while (hi >= lo + 8 && memcmp(a + hi - 8, b + hi - 8, 8) == 0)
        hi -= 8;
    while (hi > lo && a[hi - 1] == b[hi - 1])
        hi--;
    *first = lo;
    *last = hi; /* exclusive; equal to lo when a racing store undid the change */
}

bool simplefb_sync(struct simplefb *fb, struct fb_rect *r)
{
    unsigned x0 = fb->width, x1 = 0, y0 = fb->height, y1 = 0;
    size_t row = fb->stride;
    if (!fb->shadow_valid) {
        memcpy(fb->shadow, fb->pixels, (size_t)fb->stride * fb->height);
        fb->shadow_valid = true;
        *r = (struct fb_rect){0, 0, fb->width, fb->height};
        return true;
    }
    for (unsigned y = 0; y < fb->height; y++) {
        uint8_t *live = fb->pixels + (size_t)y * row, *old = fb->shadow + (size_t)y * row;
        size_t first, last;
        if (memcmp(live, old, row) == 0)
            continue;
        row_span(live, old, row, &first, &last);
        if (last <= first)
            continue;
        first -= first % SIMPLEFB_BPP;
        last += (SIMPLEFB_BPP - last % SIMPLEFB_BPP) % SIMPLEFB_BPP;
        memcpy(old + first, live + first, last - first);
        if (first / SIMPLEFB_BPP < x0)
            x0 = (unsigned)(first / SIMPLEFB_BPP);
        if (last / SIMPLEFB_BPP > x1)
            x1 = (unsigned)(last / SIMPLEFB_BPP);
        if (y < y0)
            y0 = y;
        y1 = y + 1;
    }
    if (y1 == 0)
        return false;
    *r = (struct fb_rect){x0, y0, x1 - x0, y1 - y0};
    return true;
}
