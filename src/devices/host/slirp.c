/*
 * The user-mode network back end on libslirp (see slirp.h). libslirp is not thread-safe,
 * so one I/O thread owns the Slirp instance: it feeds it the guest's frames (queued by
 * netdev_send() on vCPU threads, with a byte down a wake-up pipe), polls the sockets
 * slirp_pollfds_fill() asks for, runs slirp's timers and hands the frames slirp emits
 * (send_packet) to the NIC's receive callback.
 *
 * Host specifics: poll() and a pipe on POSIX; WSAPoll() and a loopback UDP socket pair
 * on Windows (untested there). Left out: IPv6 (off, as with QEMU's ipv6=off), tftp, smb,
 * guestfwd, state save/load.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devices/host/netdev.h"
#include "devices/host/slirp.h"

#ifndef RVISOR_HAVE_SLIRP

int slirp_netdev_create(const struct netdev_config *cfg, struct netdev **out, char *err,
                        size_t errlen)
{
    *out = NULL;
    snprintf(err, errlen,
             "-netdev user: this rvisor was built without libslirp (install libslirp-dev "
             "and rebuild)");
    return -ENOTSUP;
}

#else

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include <slirp/libslirp.h>

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#define slirp_os_poll WSAPoll
typedef SOCKET slirp_os_fd;
#else
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#define slirp_os_poll poll
typedef int slirp_os_fd;
#endif

#include "devices/device.h"

#if SLIRP_CHECK_VERSION(4, 8, 0)
typedef slirp_ssize_t slirp_cb_ssize;
typedef slirp_os_socket slirp_poll_fd; /* the socket type of slirp's poll callbacks */
#else
typedef ssize_t slirp_cb_ssize;
typedef int slirp_poll_fd;
#endif

#define SLIRP_TXQ_FRAMES 4096
#define SLIRP_IDLE_MS    1000 /* longest sleep of the I/O thread */

struct slirp_timer {
    struct slirp_timer *next;
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
};

struct slirp_backend {
    struct netdev nd; /* first: a slirp back end is a netdev */
    Slirp *slirp;
    struct netdev_queue *txq;
    slirp_os_fd wake_rd, wake_wr;
    atomic_bool wake_pending;
    atomic_bool stop;
    pthread_t thread;
    bool running;

    /* Owned by the I/O thread. */
    struct pollfd *pfd;
    size_t npfd, cap;
    struct slirp_timer *timers;
};

static int64_t slirp_now_ns(void)
{
#ifdef _WIN32
    return (int64_t)GetTickCount64() * 1000000;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
#endif
}

/* ---- libslirp callbacks (all on the I/O thread) ---- */

static slirp_cb_ssize slirp_cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct slirp_backend *s = opaque;
    netdev_deliver(&s->nd, buf, len);
    return (slirp_cb_ssize)len;
}

static void slirp_cb_guest_error(const char *msg, void *opaque)
{
    dev_log_guest_error("slirp", "%s", msg);
}

static int64_t slirp_cb_clock_get_ns(void *opaque)
{
    return slirp_now_ns();
}

static void *slirp_cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct slirp_backend *s = opaque;
    struct slirp_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->expire_ms = -1;
    t->next = s->timers;
    s->timers = t;
    return t;
}

static void slirp_cb_timer_free(void *timer, void *opaque)
{
    struct slirp_backend *s = opaque;
    for (struct slirp_timer **p = &s->timers; *p; p = &(*p)->next) {
        if (*p == timer) {
            *p = (*p)->next;
            free(timer);
            return;
        }
    }
}

static void slirp_cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    if (timer)
        ((struct slirp_timer *)timer)->expire_ms = expire_ms;
}

static void slirp_cb_register_poll_fd(slirp_poll_fd fd, void *opaque) {}

static void slirp_cb_unregister_poll_fd(slirp_poll_fd fd, void *opaque) {}

static void slirp_cb_notify(void *opaque) {}

/* ---- the wake-up channel: vCPU threads -> I/O thread ---- */

static int slirp_wake_open(struct slirp_backend *s)
{
#ifdef _WIN32
    struct sockaddr_in a = {.sin_family = AF_INET};
    int alen = sizeof(a);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->wake_rd = socket(AF_INET, SOCK_DGRAM, 0);
    s->wake_wr = socket(AF_INET, SOCK_DGRAM, 0);
    if (s->wake_rd == INVALID_SOCKET || s->wake_wr == INVALID_SOCKET ||
        bind(s->wake_rd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(s->wake_rd, (struct sockaddr *)&a, &alen) != 0 ||
        connect(s->wake_wr, (struct sockaddr *)&a, sizeof(a)) != 0)
        return -EIO;
    u_long nb = 1;
    ioctlsocket(s->wake_rd, FIONBIO, &nb);
    return 0;
#else
    int fds[2];
    if (pipe(fds) != 0)
        return -errno;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    s->wake_rd = fds[0];
    s->wake_wr = fds[1];
    return 0;
#endif
}

static void slirp_wake_close(struct slirp_backend *s)
{
#ifdef _WIN32
    if (s->wake_rd != INVALID_SOCKET)
        closesocket(s->wake_rd);
    if (s->wake_wr != INVALID_SOCKET)
        closesocket(s->wake_wr);
#else
    if (s->wake_rd >= 0)
        close(s->wake_rd);
    if (s->wake_wr >= 0)
        close(s->wake_wr);
#endif
}

static void slirp_wake(struct slirp_backend *s)
{
    if (atomic_exchange(&s->wake_pending, true))
        return; /* a byte is on its way already */
    char c = 0;
#ifdef _WIN32
    send(s->wake_wr, &c, 1, 0);
#else
    ssize_t r = write(s->wake_wr, &c, 1);
    (void)r; /* a full pipe wakes the thread just as well */
#endif
}

static void slirp_wake_drain(struct slirp_backend *s)
{
    char buf[64];
    atomic_store(&s->wake_pending, false);
#ifdef _WIN32
    while (recv(s->wake_rd, buf, sizeof(buf), 0) > 0)
        ;
#else
    while (read(s->wake_rd, buf, sizeof(buf)) > 0)
        ;
#endif
}

/* ---- the I/O loop ---- */

static int slirp_add_poll(slirp_poll_fd fd, int events, void *opaque)
{
    struct slirp_backend *s = opaque;
    if (s->npfd == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        struct pollfd *p = realloc(s->pfd, cap * sizeof(*p));
        if (!p)
            return -1; /* slirp then just does not poll this socket this round */
        s->pfd = p;
        s->cap = cap;
    }
    short ev = 0;
    ev |= (events & SLIRP_POLL_IN) ? POLLIN : 0;
    ev |= (events & SLIRP_POLL_OUT) ? POLLOUT : 0;
    ev |= (events & SLIRP_POLL_PRI) ? POLLPRI : 0;
    s->pfd[s->npfd] = (struct pollfd){.fd = fd, .events = ev};
    return (int)s->npfd++;
}

static int slirp_get_revents(int idx, void *opaque)
{
    struct slirp_backend *s = opaque;
    if (idx < 0 || (size_t)idx >= s->npfd)
        return 0;
    short r = s->pfd[idx].revents;
    int ev = 0;
    ev |= (r & POLLIN) ? SLIRP_POLL_IN : 0;
    ev |= (r & POLLOUT) ? SLIRP_POLL_OUT : 0;
    ev |= (r & POLLPRI) ? SLIRP_POLL_PRI : 0;
    ev |= (r & POLLERR) ? SLIRP_POLL_ERR : 0;
    ev |= (r & POLLHUP) ? SLIRP_POLL_HUP : 0;
    return ev;
}

/* Feed the guest's queued frames to slirp. */
static void slirp_flush_tx(struct slirp_backend *s)
{
    struct netdev_frame *f = netdev_queue_take_all(s->txq);
    while (f) {
        struct netdev_frame *next = f->next;
        slirp_input(s->slirp, f->data, (int)f->len);
        free(f);
        f = next;
    }
}

/* Fire due timers; return ms until the next one (or limit). */
static uint32_t slirp_run_timers(struct slirp_backend *s, uint32_t limit)
{
    int64_t now = slirp_now_ns() / 1000000;
    bool fired;
    do {
        fired = false;
        for (struct slirp_timer *t = s->timers; t; t = t->next) {
            if (t->expire_ms >= 0 && t->expire_ms <= now) {
                t->expire_ms = -1;
                t->cb(t->cb_opaque); /* may free or re-arm timers: rescan */
                fired = true;
                break;
            }
        }
    } while (fired);
    for (struct slirp_timer *t = s->timers; t; t = t->next)
        if (t->expire_ms >= 0 && (uint64_t)(t->expire_ms - now) < limit)
            limit = (uint32_t)(t->expire_ms - now);
    return limit;
}

static void slirp_backend_poll(struct netdev *nd, int timeout_ms)
{
    struct slirp_backend *s = (struct slirp_backend *)nd;
    slirp_flush_tx(s);
    uint32_t timeout = slirp_run_timers(s, timeout_ms < 0 ? 0 : (uint32_t)timeout_ms);
    s->npfd = 0;
    slirp_add_poll((slirp_poll_fd)s->wake_rd, SLIRP_POLL_IN, s);
    slirp_pollfds_fill(s->slirp, &timeout, slirp_add_poll, s);
    int r = slirp_os_poll(s->pfd, (unsigned)s->npfd, (int)timeout);
    if (s->npfd && (s->pfd[0].revents & POLLIN))
        slirp_wake_drain(s);
    slirp_pollfds_poll(s->slirp, r < 0, slirp_get_revents, s);
    slirp_run_timers(s, 0);
    slirp_flush_tx(s);
}

static void *slirp_thread(void *arg)
{
    struct slirp_backend *s = arg;
    while (!atomic_load(&s->stop))
        slirp_backend_poll(&s->nd, SLIRP_IDLE_MS);
    return NULL;
}

/* ---- netdev ops ---- */

static int slirp_backend_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
    struct slirp_backend *s = (struct slirp_backend *)nd;
    int r = netdev_queue_put(s->txq, frame, len);
    if (r == 0)
        slirp_wake(s);
    return r;
}

static int slirp_backend_start(struct netdev *nd)
{
    struct slirp_backend *s = (struct slirp_backend *)nd;
    if (s->running)
        return 0;
    int r = pthread_create(&s->thread, NULL, slirp_thread, s);
    if (r != 0)
        return -r;
    s->running = true;
    return 0;
}

static void slirp_backend_destroy(struct netdev *nd)
{
    struct slirp_backend *s = (struct slirp_backend *)nd;
    if (s->running) {
        atomic_store(&s->stop, true);
        atomic_store(&s->wake_pending, false);
        slirp_wake(s);
        pthread_join(s->thread, NULL);
    }
    if (s->slirp)
        slirp_cleanup(s->slirp); /* frees its timers through timer_free */
    while (s->timers) {
        struct slirp_timer *t = s->timers;
        s->timers = t->next;
        free(t);
    }
    slirp_wake_close(s);
    netdev_queue_destroy(s->txq);
    free(s->pfd);
    free(s);
}

static const struct netdev_ops slirp_backend_ops = {
    .name = "user",
    .send = slirp_backend_send,
    .start = slirp_backend_start,
    .poll = slirp_backend_poll,
    .destroy = slirp_backend_destroy,
};

static const SlirpCb slirp_callbacks = {
    .send_packet = slirp_cb_send_packet,
    .guest_error = slirp_cb_guest_error,
    .clock_get_ns = slirp_cb_clock_get_ns,
    .timer_new = slirp_cb_timer_new,
    .timer_free = slirp_cb_timer_free,
    .timer_mod = slirp_cb_timer_mod,
    .register_poll_fd = slirp_cb_register_poll_fd,
    .unregister_poll_fd = slirp_cb_unregister_poll_fd,
    .notify = slirp_cb_notify,
};

static struct in_addr slirp_ip(uint32_t host_order)
{
    struct in_addr a;
    a.s_addr = htonl(host_order);
    return a;
}

static int slirp_add_forwards(struct slirp_backend *s, const struct netdev_config *cfg, char *err,
                              size_t errlen)
{
    for (unsigned i = 0; i < cfg->nhostfwd; i++) {
        const struct netdev_hostfwd *f = &cfg->hostfwd[i];
        uint32_t h = f->host_addr;
        if (slirp_add_hostfwd(s->slirp, f->udp, slirp_ip(h), f->host_port, slirp_ip(f->guest_addr),
                              f->guest_port) < 0) {
            snprintf(err, errlen,
                     "-netdev user: hostfwd %s %u.%u.%u.%u:%u: could not listen (port in use?)",
                     f->udp ? "udp" : "tcp", h >> 24, (h >> 16) & 255, (h >> 8) & 255, h & 255,
                     f->host_port);
            return -EADDRINUSE;
        }
    }
    return 0;
}

int slirp_netdev_create(const struct netdev_config *cfg, struct netdev **out, char *err,
                        size_t errlen)
{
    int r = -ENOMEM;
    *out = NULL;
    struct slirp_backend *s = calloc(1, sizeof(*s));
    if (!s)
        goto fail_msg;
    s->nd.ops = &slirp_backend_ops;
#ifdef _WIN32
    s->wake_rd = s->wake_wr = INVALID_SOCKET;
#else
    s->wake_rd = s->wake_wr = -1;
#endif
    s->txq = netdev_queue_create(SLIRP_TXQ_FRAMES);
    if (!s->txq)
        goto fail_msg;
    r = slirp_wake_open(s);
    if (r < 0) {
        snprintf(err, errlen, "-netdev user: cannot make a wake-up pipe: %s", strerror(-r));
        goto fail;
    }

    SlirpConfig sc;
    memset(&sc, 0, sizeof(sc));
    sc.version = 1;
    sc.restricted = cfg->restrict_net;
    sc.in_enabled = true;
    sc.vnetwork = slirp_ip(0x0a000200);    /* 10.0.2.0 */
    sc.vnetmask = slirp_ip(0xffffff00);    /* /24 */
    sc.vhost = slirp_ip(0x0a000202);       /* 10.0.2.2: the host, the gateway */
    sc.vdhcp_start = slirp_ip(0x0a00020f); /* 10.0.2.15 */
    sc.vnameserver = slirp_ip(0x0a000203); /* 10.0.2.3 */
    sc.vhostname = "rvisor";
    s->slirp = slirp_new(&sc, &slirp_callbacks, s);
    if (!s->slirp)
        goto fail_msg;
    r = slirp_add_forwards(s, cfg, err, errlen);
    if (r < 0)
        goto fail;
    *out = &s->nd;
    return 0;

fail_msg:
    snprintf(err, errlen, "-netdev user: out of memory");
fail:
    if (s)
        slirp_backend_destroy(&s->nd);
    return r;
}

#endif
