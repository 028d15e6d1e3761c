/*
 * The Linux TAP back end (see tap.h): opens /dev/net/tun with IFF_TAP | IFF_NO_PI for
 * the named interface; an I/O thread reads frames and hands them to the NIC, and
 * netdev_send() writes frames straight to the descriptor (non-blocking: a full device
 * queue drops the frame). Left out: vnet headers and offloads, multiqueue, helper scripts.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devices/host/netdev.h"
#include "devices/host/tap.h"

#ifndef __linux__

int tap_netdev_create(const struct netdev_config *cfg, struct netdev **out, char *err,
                      size_t errlen)
{
    *out = NULL;
    snprintf(err, errlen,
             "-netdev tap: TAP devices are only supported on Linux hosts "
             "(use -netdev user)");
    return -ENOTSUP;
}

#else

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct tap_backend {
    struct netdev nd; /* first: a TAP back end is a netdev */
    int fd;
    int wake[2]; /* a pipe to stop the I/O thread */
    atomic_bool stop;
    pthread_t thread;
    bool running;
    uint8_t buf[NETDEV_MAX_FRAME];
};

static int tap_backend_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
    struct tap_backend *t = (struct tap_backend *)nd;
    ssize_t n = write(t->fd, frame, len);
    if (n < 0)
        return -errno;
    return 0;
}

static void tap_backend_poll(struct netdev *nd, int timeout_ms)
{
    struct tap_backend *t = (struct tap_backend *)nd;
    struct pollfd pfd[2] = {{.fd = t->fd, .events = POLLIN}, {.fd = t->wake[0], .events = POLLIN}};
    if (poll(pfd, 2, timeout_ms) <= 0 || !(pfd[0].revents & POLLIN))
        return;
    for (int i = 0; i < 64; i++) {
        ssize_t n = read(t->fd, t->buf, sizeof(t->buf));
        if (n <= 0)
            break;
        netdev_deliver(&t->nd, t->buf, (size_t)n);
    }
}

static void *tap_thread(void *arg)
{
    struct tap_backend *t = arg;
    while (!atomic_load(&t->stop))
        tap_backend_poll(&t->nd, 1000);
    return NULL;
}

static int tap_backend_start(struct netdev *nd)
{
    struct tap_backend *t = (struct tap_backend *)nd;
    if (t->running)
        return 0;
    int r = pthread_create(&t->thread, NULL, tap_thread, t);
    if (r != 0)
        return -r;
    t->running = true;
    return 0;
}

static void tap_backend_destroy(struct netdev *nd)
{
    struct tap_backend *t = (struct tap_backend *)nd;
    if (t->running) {
        atomic_store(&t->stop, true);
        ssize_t r = write(t->wake[1], "", 1);
        (void)r;
        pthread_join(t->thread, NULL);
    }
    for (int i = 0; i < 2; i++)
        if (t->wake[i] >= 0)
            close(t->wake[i]);
    if (t->fd >= 0)
        close(t->fd);
    free(t);
}

static const struct netdev_ops tap_backend_ops = {
    .name = "tap",
    .send = tap_backend_send,
    .start = tap_backend_start,
    .poll = tap_backend_poll,
    .destroy = tap_backend_destroy,
};

int tap_netdev_create(const struct netdev_config *cfg, struct netdev **out, char *err,
                      size_t errlen)
{
    *out = NULL;
    struct tap_backend *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(err, errlen, "-netdev tap: out of memory");
        return -ENOMEM;
    }
    t->nd.ops = &tap_backend_ops;
    t->wake[0] = t->wake[1] = -1;
    t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0) {
        int e = errno;
        snprintf(err, errlen, "-netdev tap: cannot open /dev/net/tun: %s", strerror(e));
        tap_backend_destroy(&t->nd);
        return -e;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    size_t n = strlen(cfg->name);
    if (n == 0 || n >= IFNAMSIZ) {
        snprintf(err, errlen, "-netdev tap: bad interface name '%s'", cfg->name);
        tap_backend_destroy(&t->nd);
        return -EINVAL;
    }
    memcpy(ifr.ifr_name, cfg->name, n);
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        snprintf(err, errlen, "-netdev tap: cannot attach to %s: %s%s", cfg->name, strerror(e),
                 e == EPERM || e == EACCES
                     ? " (needs CAP_NET_ADMIN or a TAP device owned by this user)"
                     : "");
        tap_backend_destroy(&t->nd);
        return e == EACCES ? -EPERM : -e;
    }
    if (pipe(t->wake) != 0) {
        int e = errno;
        snprintf(err, errlen, "-netdev tap: cannot make a pipe: %s", strerror(e));
        tap_backend_destroy(&t->nd);
        return -e;
    }
    *out = &t->nd;
    return 0;
}

#endif
