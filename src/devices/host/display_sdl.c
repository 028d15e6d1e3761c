/*
 * The SDL2 window (see display.h): the framebuffer as a streaming texture, scaled to the
 * window with its aspect kept (SDL_RenderSetLogicalSize letterboxes, and maps mouse
 * coordinates back to framebuffer pixels); keyboard and mouse to virtio-input devices.
 *
 * Updates: each frame the display asks the framebuffer what changed (simplefb_sync) and
 * uploads only that rectangle of the shadow copy (SDL_UpdateTexture with a rect), then
 * presents. Nothing changed and no window event: nothing is drawn. Frames come every
 * 16 ms after a frame that changed and for a second after the user's last key or
 * click, else every 50 ms (a blinking cursor alone stays
 * at that rate); between frames the thread sleeps in SDL_WaitEventTimeout, so an idle
 * guest costs one compare pass of the framebuffer per 50 ms.
 *
 * Keys: SDL scancodes (USB HID usages) map to Linux key codes through the table below;
 * SDL's own key repeats are dropped (the guest repeats held keys itself, EV_REP), and
 * keys still held when the window loses focus are released.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/display.h"
#include "devices/simplefb.h"
#include "devices/virtio_input.h"

#ifdef RVISOR_HAVE_SDL
#include <SDL.h>

#define FRAME_FAST_MS  16
#define FRAME_IDLE_MS  50
#define FAST_PERIOD_MS 1000
#define KEY_CODES      (VIRTIO_INPUT_KEY_MAX + 1)

/* SDL scancode -> Linux key code (include/uapi/linux/input-event-codes.h). */
static const uint8_t keymap[SDL_NUM_SCANCODES] = {
    [SDL_SCANCODE_ESCAPE] = 1,
    [SDL_SCANCODE_1] = 2,
    [SDL_SCANCODE_2] = 3,
    [SDL_SCANCODE_3] = 4,
    [SDL_SCANCODE_4] = 5,
    [SDL_SCANCODE_5] = 6,
    [SDL_SCANCODE_6] = 7,
    [SDL_SCANCODE_7] = 8,
    [SDL_SCANCODE_8] = 9,
    [SDL_SCANCODE_9] = 10,
    [SDL_SCANCODE_0] = 11,
    [SDL_SCANCODE_MINUS] = 12,
    [SDL_SCANCODE_EQUALS] = 13,
    [SDL_SCANCODE_BACKSPACE] = 14,
    [SDL_SCANCODE_TAB] = 15,
    [SDL_SCANCODE_Q] = 16,
    [SDL_SCANCODE_W] = 17,
    [SDL_SCANCODE_E] = 18,
    [SDL_SCANCODE_R] = 19,
    [SDL_SCANCODE_T] = 20,
    [SDL_SCANCODE_Y] = 21,
    [SDL_SCANCODE_U] = 22,
    [SDL_SCANCODE_I] = 23,
    [SDL_SCANCODE_O] = 24,
    [SDL_SCANCODE_P] = 25,
    [SDL_SCANCODE_LEFTBRACKET] = 26,
    [SDL_SCANCODE_RIGHTBRACKET] = 27,
    [SDL_SCANCODE_RETURN] = 28,
    [SDL_SCANCODE_LCTRL] = 29,
    [SDL_SCANCODE_A] = 30,
    [SDL_SCANCODE_S] = 31,
    [SDL_SCANCODE_D] = 32,
    [SDL_SCANCODE_F] = 33,
    [SDL_SCANCODE_G] = 34,
    [SDL_SCANCODE_H] = 35,
    [SDL_SCANCODE_J] = 36,
    [SDL_SCANCODE_K] = 37,
    [SDL_SCANCODE_L] = 38,
    [SDL_SCANCODE_SEMICOLON] = 39,
    [SDL_SCANCODE_APOSTROPHE] = 40,
    [SDL_SCANCODE_GRAVE] = 41,
    [SDL_SCANCODE_LSHIFT] = 42,
    [SDL_SCANCODE_BACKSLASH] = 43,
    [SDL_SCANCODE_Z] = 44,
    [SDL_SCANCODE_X] = 45,
    [SDL_SCANCODE_C] = 46,
    [SDL_SCANCODE_V] = 47,
    [SDL_SCANCODE_B] = 48,
    [SDL_SCANCODE_N] = 49,
    [SDL_SCANCODE_M] = 50,
    [SDL_SCANCODE_COMMA] = 51,
    [SDL_SCANCODE_PERIOD] = 52,
    [SDL_SCANCODE_SLASH] = 53,
    [SDL_SCANCODE_RSHIFT] = 54,
    [SDL_SCANCODE_KP_MULTIPLY] = 55,
    [SDL_SCANCODE_LALT] = 56,
    [SDL_SCANCODE_SPACE] = 57,
    [SDL_SCANCODE_CAPSLOCK] = 58,
    [SDL_SCANCODE_F1] = 59,
    [SDL_SCANCODE_F2] = 60,
    [SDL_SCANCODE_F3] = 61,
    [SDL_SCANCODE_F4] = 62,
    [SDL_SCANCODE_F5] = 63,
    [SDL_SCANCODE_F6] = 64,
    [SDL_SCANCODE_F7] = 65,
    [SDL_SCANCODE_F8] = 66,
    [SDL_SCANCODE_F9] = 67,
    [SDL_SCANCODE_F10] = 68,
    [SDL_SCANCODE_NUMLOCKCLEAR] = 69,
    [SDL_SCANCODE_SCROLLLOCK] = 70,
    [SDL_SCANCODE_KP_7] = 71,
    [SDL_SCANCODE_KP_8] = 72,
    [SDL_SCANCODE_KP_9] = 73,
    [SDL_SCANCODE_KP_MINUS] = 74,
    [SDL_SCANCODE_KP_4] = 75,
    [SDL_SCANCODE_KP_5] = 76,
    [SDL_SCANCODE_KP_6] = 77,
    [SDL_SCANCODE_KP_PLUS] = 78,
    [SDL_SCANCODE_KP_1] = 79,
    [SDL_SCANCODE_KP_2] = 80,
    [SDL_SCANCODE_KP_3] = 81,
    [SDL_SCANCODE_KP_0] = 82,
    [SDL_SCANCODE_KP_PERIOD] = 83,
    [SDL_SCANCODE_NONUSBACKSLASH] = 86,
    [SDL_SCANCODE_F11] = 87,
    [SDL_SCANCODE_F12] = 88,
    [SDL_SCANCODE_KP_ENTER] = 96,
    [SDL_SCANCODE_RCTRL] = 97,
    [SDL_SCANCODE_KP_DIVIDE] = 98,
    [SDL_SCANCODE_PRINTSCREEN] = 99,
    [SDL_SCANCODE_RALT] = 100,
    [SDL_SCANCODE_HOME] = 102,
    [SDL_SCANCODE_UP] = 103,
    [SDL_SCANCODE_PAGEUP] = 104,
    [SDL_SCANCODE_LEFT] = 105,
    [SDL_SCANCODE_RIGHT] = 106,
    [SDL_SCANCODE_END] = 107,
    [SDL_SCANCODE_DOWN] = 108,
    [SDL_SCANCODE_PAGEDOWN] = 109,
    [SDL_SCANCODE_INSERT] = 110,
    [SDL_SCANCODE_DELETE] = 111,
    [SDL_SCANCODE_MUTE] = 113,
    [SDL_SCANCODE_VOLUMEDOWN] = 114,
    [SDL_SCANCODE_VOLUMEUP] = 115,
    [SDL_SCANCODE_POWER] = 116,
    [SDL_SCANCODE_KP_EQUALS] = 117,
    [SDL_SCANCODE_PAUSE] = 119,
    [SDL_SCANCODE_KP_COMMA] = 121,
    [SDL_SCANCODE_LGUI] = 125,
    [SDL_SCANCODE_RGUI] = 126,
    [SDL_SCANCODE_APPLICATION] = 127,
};

struct display {
    struct display_params p;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    unsigned w, h;
    bool held[KEY_CODES];
    bool close_sent;
};

bool display_sdl_available(void)
{
    return true;
}

static void send(struct virtio_input *in, const struct virtio_input_event *ev, unsigned n)
{
    if (in)
        virtio_input_send(in, ev, n);
}

static void send_key(struct display *d, unsigned code, bool down)
{
    struct virtio_input_event ev[2] = {{VIRTIO_INPUT_EV_KEY, (uint16_t)code, down},
                                       {VIRTIO_INPUT_EV_SYN, 0, 0}};
    if (code == 0 || code >= KEY_CODES || d->held[code] == down)
        return;
    d->held[code] = down;
    send(d->p.keyboard, ev, 2);
}

static void release_keys(struct display *d)
{
    for (unsigned k = 1; k < KEY_CODES; k++)
        if (d->held[k])
            send_key(d, k, false);
}

/* Window coordinates (already in framebuffer pixels: logical size) to 0..ABS_MAX. */
static int32_t to_abs(int v, unsigned size)
{
    if (v < 0)
        v = 0;
    if ((unsigned)v >= size)
        v = (int)size - 1;
    return (int32_t)((int64_t)v * VIRTIO_INPUT_ABS_MAX / (size - 1));
}

static void send_motion(struct display *d, int x, int y)
{
    struct virtio_input_event ev[3] = {
        {VIRTIO_INPUT_EV_ABS, VIRTIO_INPUT_ABS_X, to_abs(x, d->w)},
        {VIRTIO_INPUT_EV_ABS, VIRTIO_INPUT_ABS_Y, to_abs(y, d->h)},
        {VIRTIO_INPUT_EV_SYN, 0, 0},
    };
    send(d->p.tablet, ev, 3);
}

static void send_button(struct display *d, const SDL_MouseButtonEvent *b)
{
    uint16_t code = b->button == SDL_BUTTON_LEFT     ? VIRTIO_INPUT_BTN_LEFT
                    : b->button == SDL_BUTTON_RIGHT  ? VIRTIO_INPUT_BTN_RIGHT
                    : b->button == SDL_BUTTON_MIDDLE ? VIRTIO_INPUT_BTN_MIDDLE
                                                     : 0;
    struct virtio_input_event ev[4] = {
        {VIRTIO_INPUT_EV_ABS, VIRTIO_INPUT_ABS_X, to_abs(b->x, d->w)},
        {VIRTIO_INPUT_EV_ABS, VIRTIO_INPUT_ABS_Y, to_abs(b->y, d->h)},
        {VIRTIO_INPUT_EV_KEY, code, b->state == SDL_PRESSED},
        {VIRTIO_INPUT_EV_SYN, 0, 0},
    };
    if (code)
        send(d->p.tablet, ev, 4);
}

static void send_wheel(struct display *d, const SDL_MouseWheelEvent *w)
{
    int32_t v = w->direction == SDL_MOUSEWHEEL_FLIPPED ? -w->y : w->y;
    struct virtio_input_event ev[2] = {{VIRTIO_INPUT_EV_REL, VIRTIO_INPUT_REL_WHEEL, v},
                                       {VIRTIO_INPUT_EV_SYN, 0, 0}};
    if (v)
        send(d->p.tablet, ev, 2);
}

/* One SDL event; returns true if the window must be redrawn. */
static bool handle_event(struct display *d, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        if (!d->close_sent && d->p.close_requested) {
            d->close_sent = true;
            d->p.close_requested(d->p.opaque);
        }
        return false;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        if (!e->key.repeat && e->key.keysym.scancode < SDL_NUM_SCANCODES)
            send_key(d, keymap[e->key.keysym.scancode], e->type == SDL_KEYDOWN);
        return false;
    case SDL_MOUSEMOTION: send_motion(d, e->motion.x, e->motion.y); return false;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: send_button(d, &e->button); return false;
    case SDL_MOUSEWHEEL: send_wheel(d, &e->wheel); return false;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_FOCUS_LOST)
            release_keys(d);
        return e->window.event == SDL_WINDOWEVENT_EXPOSED ||
               e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
               e->window.event == SDL_WINDOWEVENT_RESTORED;
    default: return false;
    }
}

/* Upload what changed; true if anything did. */
static bool update_texture(struct display *d)
{
    struct fb_rect r;
    unsigned stride = simplefb_stride(d->p.fb);
    if (!simplefb_sync(d->p.fb, &r))
        return false;
    SDL_Rect sr = {(int)r.x, (int)r.y, (int)r.w, (int)r.h};
    const uint8_t *src = simplefb_shadow(d->p.fb) + (size_t)r.y * stride + (size_t)r.x * 4;
    SDL_UpdateTexture(d->tex, &sr, src, (int)stride);
    return true;
}

static void present(struct display *d)
{
    SDL_SetRenderDrawColor(d->ren, 0, 0, 0, 255);
    SDL_RenderClear(d->ren);
    SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
    SDL_RenderPresent(d->ren);
}

void display_sdl_loop(struct display *d, const atomic_bool *done)
{
    Uint32 last_input = SDL_GetTicks() - FAST_PERIOD_MS, next_frame = 0;
    bool redraw = true;
    while (!atomic_load(done)) {
        Uint32 now = SDL_GetTicks();
        SDL_Event e;
        if ((Sint32)(next_frame - now) > 0 && SDL_WaitEventTimeout(&e, (int)(next_frame - now))) {
            do {
                redraw |= handle_event(d, &e);
                if (e.type == SDL_KEYDOWN || e.type == SDL_MOUSEBUTTONDOWN)
                    last_input = SDL_GetTicks();
            } while (SDL_PollEvent(&e));
            continue;
        }
        now = SDL_GetTicks();
        bool changed = update_texture(d);
        if (changed || redraw)
            present(d);
        redraw = false;
        next_frame =
            now + (changed || now - last_input < FAST_PERIOD_MS ? FRAME_FAST_MS : FRAME_IDLE_MS);
    }
    release_keys(d);
}

/* The window's first size: the framebuffer's, scaled down to fit the screen. */
static void initial_size(unsigned w, unsigned h, int *ww, int *wh)
{
    SDL_Rect usable;
    *ww = (int)w;
    *wh = (int)h;
    if (SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0 &&
        (*ww > usable.w || *wh > usable.h)) {
        double sx = (double)usable.w / w, sy = (double)usable.h / h, s = sx < sy ? sx : sy;
        *ww = (int)(w * s);
        *wh = (int)(h * s);
    }
}

int display_sdl_open(const struct display_params *p, struct display **out, char *err, size_t errlen)
{
    struct display *d = calloc(1, sizeof(*d));
    int ww, wh;
    *out = NULL;
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    d->p = *p;
    d->w = simplefb_width(p->fb);
    d->h = simplefb_height(p->fb);
    /* rvisor handles SIGINT/SIGTERM itself (the console); SDL must not take them. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        free(d);
        return -EIO;
    }
    initial_size(d->w, d->h, &ww, &wh);
    d->win = SDL_CreateWindow(p->title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, ww, wh,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (d->win && !(d->ren = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_ACCELERATED)))
        d->ren = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
    if (d->ren) {
        SDL_RenderSetLogicalSize(d->ren, (int)d->w, (int)d->h);
        d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_BGRA32 /* memory order B,G,R,X */,
                                   SDL_TEXTUREACCESS_STREAMING, (int)d->w, (int)d->h);
    }
    if (!d->tex) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        display_sdl_close(d);
        return -EIO;
    }
    SDL_SetTextureBlendMode(d->tex, SDL_BLENDMODE_NONE);
    simplefb_invalidate(p->fb);
    *out = d;
    return 0;
}

void display_sdl_close(struct display *d)
{
    if (!d)
        return;
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    if (d->ren)
        SDL_DestroyRenderer(d->ren);
    if (d->win)
        SDL_DestroyWindow(d->win);
    SDL_Quit();
    free(d);
}

#else /* !RVISOR_HAVE_SDL */

bool display_sdl_available(void)
{
    return false;
}

int display_sdl_open(const struct display_params *p, struct display **out, char *err, size_t errlen)
{
    (void)p;
    *out = NULL;
    snprintf(err, errlen,
             "-display sdl: this rvisor was built without SDL2 "
             "(install libsdl2-dev and rebuild with -DRVISOR_SDL=ON)");
    return -ENOSYS;
}

void display_sdl_loop(struct display *d, const atomic_bool *done)
{
    (void)d;
    (void)done;
}

void display_sdl_close(struct display *d)
{
    (void)d;
}

#endif
