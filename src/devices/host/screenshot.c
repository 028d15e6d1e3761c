/*
 * PNG screenshots of a simple framebuffer (see screenshot.h), written with libpng's
 * write API (png_create_write_struct, png_init_io, png_set_IHDR, one png_write_row per
 * row). x8r8g8b8 pixels become 8-bit RGB; the x byte is dropped. libpng reports errors
 * by longjmp to the setjmp point here, so no libpng error ends the process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/screenshot.h"
#include "devices/simplefb.h"

#ifdef RVISOR_HAVE_PNG
#include <png.h>

bool screenshot_available(void)
{
    return true;
}

/* The libpng part: everything that a longjmp may leave through. Kept free of local
 * variables that are modified after setjmp (they would be indeterminate afterwards). */
static int write_rows(FILE *f, const uint8_t *pixels, unsigned w, unsigned h, unsigned stride,
                      uint8_t *row, char *err, size_t errlen)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        snprintf(err, errlen, "libpng could not write the image");
        return -EIO;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (unsigned y = 0; y < h; y++) {
        const uint8_t *src = pixels + (size_t)y * stride;
        for (unsigned x = 0; x < w; x++) { /* memory order B, G, R, X */
            row[3 * x + 0] = src[4 * x + 2];
            row[3 * x + 1] = src[4 * x + 1];
            row[3 * x + 2] = src[4 * x + 0];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int screenshot_write_png(struct simplefb *fb, const char *path, char *err, size_t errlen)
{
    unsigned w = simplefb_width(fb), h = simplefb_height(fb);
    uint8_t *row = malloc((size_t)w * 3);
    FILE *f;
    int rc;
    if (!row) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    if (!(f = fopen(path, "wb"))) {
        rc = -errno;
        snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        free(row);
        return rc;
    }
    rc = write_rows(f, simplefb_pixels(fb), w, h, simplefb_stride(fb), row, err, errlen);
    if (fclose(f) != 0 && rc == 0) {
        rc = -errno;
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    }
    free(row);
    if (rc < 0)
        remove(path);
    return rc;
}

#else /* !RVISOR_HAVE_PNG */

bool screenshot_available(void)
{
    return false;
}

int screenshot_write_png(struct simplefb *fb, const char *path, char *err, size_t errlen)
{
    (void)fb;
    (void)path;
    snprintf(err, errlen, "screenshots need libpng, and this rvisor was built without it");
    return -ENOSYS;
}

#endif
