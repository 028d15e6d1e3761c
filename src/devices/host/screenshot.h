/*
 * Screenshots of a framebuffer as PNG files (libpng; optional at build time: without it
 * every call fails with a clear message).
 */
#ifndef RVISOR_DEVICES_HOST_SCREENSHOT_H
#define RVISOR_DEVICES_HOST_SCREENSHOT_H

#include <stdbool.h>
#include <stddef.h>

struct simplefb;

/* Was rvisor built with libpng? */
bool screenshot_available(void);

/*
 * Write the framebuffer's current pixels to path as an 8-bit RGB PNG. Reads the live
 * pixels: call it while the machine is stopped or from the thread that runs it, for a
 * consistent picture. 0, or -errno with a one-line message in err (-ENOSYS: no libpng).
 */
int screenshot_write_png(struct simplefb *fb, const char *path, char *err, size_t errlen);

#endif
