/*
 * A window on the host showing a framebuffer, forwarding the keyboard and the mouse to
 * virtio-input devices. One back end today: SDL2 (display_sdl.c; optional at build time).
 *
 * Threading: display_open, display_loop and display_close run on the process's main
 * thread (macOS requires window work there); the machine runs on another thread. The
 * display reads the framebuffer's pixels (simplefb_sync) and sends input events through
 * virtio_input_send, which is safe from any thread.
 */
#ifndef RVISOR_DEVICES_HOST_DISPLAY_H
#define RVISOR_DEVICES_HOST_DISPLAY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct simplefb;
struct virtio_input;
struct display;

struct display_params {
    const char *title;             /* window title (the VM's name) */
    struct simplefb *fb;           /* required */
    struct virtio_input *keyboard; /* may be NULL */
    struct virtio_input *tablet;   /* may be NULL */
    /* The user closed the window: the machine should power off (called once). */
    void (*close_requested)(void *opaque);
    void *opaque;
};

/* Was rvisor built with SDL2? */
bool display_sdl_available(void);

/* Open the window. 0, or -errno with a one-line message (-ENOSYS: no SDL2 in this build,
 * -EIO: SDL could not open a window, e.g. no display server). */
int display_sdl_open(const struct display_params *p, struct display **out, char *err,
                     size_t errlen);
/* Show frames and forward input until *done becomes true. */
void display_sdl_loop(struct display *d, const atomic_bool *done);
void display_sdl_close(struct display *d);

#endif
