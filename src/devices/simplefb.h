/*
 * A linear framebuffer for the guest: x8r8g8b8 pixels in a RAM region of their own,
 * described by a "simple-framebuffer" device-tree node (Linux's
 * Documentation/devicetree/bindings/display/simple-framebuffer.yaml), so Linux's simplefb
 * driver and fbcon use it without any register interface.
 *
 * The hart writes the pixels through its TLB like any RAM. A display finds out what
 * changed by comparing the pixels against a shadow copy (simplefb_sync): no hook in the
 * hart's store path, and the cost (a memcmp of the visible rows) is paid only by the
 * thread that displays, at its own frame rate. What it displays is the shadow copy, so a
 * frame the guest is half-way through drawing is caught up by the next sync.
 */
#ifndef RVISOR_DEVICES_SIMPLEFB_H
#define RVISOR_DEVICES_SIMPLEFB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIMPLEFB_BPP            4 /* bytes per pixel: x8r8g8b8, little-endian */
#define SIMPLEFB_MIN_DIM        64
#define SIMPLEFB_MAX_DIM        8192
#define SIMPLEFB_MAX_BYTES      (128ull << 20) /* the board's framebuffer window */
#define SIMPLEFB_DEFAULT_WIDTH  1024
#define SIMPLEFB_DEFAULT_HEIGHT 768

struct simplefb;

struct fb_rect {
    unsigned x, y, w, h;
};

/* 0, or -EINVAL with a one-line message: each side 64..8192, at most 128 MiB. */
int simplefb_check_size(unsigned width, unsigned height, char *err, size_t errlen);

/* 0, -EINVAL (bad size) or -ENOMEM. The pixels start black. */
int simplefb_create(unsigned width, unsigned height, struct simplefb **out);
void simplefb_destroy(struct simplefb *fb);

unsigned simplefb_width(const struct simplefb *fb);
unsigned simplefb_height(const struct simplefb *fb);
unsigned simplefb_stride(const struct simplefb *fb); /* bytes per row */
/* The guest-visible pixels and the size of their RAM region (whole 4 KiB pages). */
uint8_t *simplefb_pixels(struct simplefb *fb);
uint64_t simplefb_region_size(const struct simplefb *fb);

/* The device-tree node framebuffer@BASE under parent; node offset or a libfdt error. */
int simplefb_fdt_node(const struct simplefb *fb, void *fdt, int parent, uint64_t base);

/*
 * Compare the pixels with the shadow copy and bring the shadow up to date. Returns true
 * if anything changed, with *r the bounding rectangle of the changes. Call from one
 * thread at a time (the display's).
 */
bool simplefb_sync(struct simplefb *fb, struct fb_rect *r);
/* The shadow copy (same layout as the pixels): what the last sync saw. */
const uint8_t *simplefb_shadow(const struct simplefb *fb);
/* Forget the shadow: the next sync reports the whole screen. */
void simplefb_invalidate(struct simplefb *fb);

#endif
