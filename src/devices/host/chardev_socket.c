/*
 * A console back end on a Unix socket (chardev_socket.h): QEMU's `-chardev
 * socket,server=on,wait=off` with one client at a time, on an I/O thread with a poll loop.
 *
 * Locking: `lock` guards the client descriptor and the output queue, which vCPU threads
 * (the UART's writes) and the I/O thread share. Only the I/O thread accepts, reads and
 * closes the client, and it calls rx without the lock. A wake pipe interrupts its poll
 * (new output queued, rx set, kick, stop).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/chardev.h"
#include "devices/host/chardev_socket.h"

#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* macOS: SO_NOSIGPIPE is set on the socket instead */
#endif

#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0
#endif

#define CS_IN 4096 /* input read at a time */

static const char cs_busy[] = "rvisor: this console already has a client\r\n";

struct chardev_socket {
    struct chardev out;
    pthread_mutex_t lock;
    pthread_cond_t rx_done; /* signalled when an rx call returns */
    bool in_rx;             /* the I/O thread is inside rx */
    pthread_t thread;
    int lfd, cfd; /* listener; client or -1 */
    int wake[2];  /* wakes the I/O thread */
    bool stop;
    chardev_socket_rx_fn rx;
    void *rx_opaque;
    uint8_t outq[CHARDEV_SOCKET_OUTQ]; /* ring of output not yet sent */
    size_t out_head, out_len;
    uint64_t dropped;
    uint8_t in[CS_IN]; /* input read, not yet taken by rx (I/O thread only) */
    size_t in_off, in_len;
    char *path;
    unsigned long ino;
};

int chardev_socket_set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        return -1;
#ifdef SO_NOSIGPIPE
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
    return 0;
}

int chardev_socket_listen_unix(const char *path, unsigned long *ino, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    struct stat st;
    int e;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "socket path '%s': must be 1 to %zu bytes long", path,
                 sizeof(sa.sun_path) - 1);
        return -ENAMETOOLONG;
    }
    memcpy(sa.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || chardev_socket_set_flags(fd) < 0) {
        e = errno;
        snprintf(err, errlen, "socket '%s': %s", path, strerror(e));
        if (fd >= 0)
            close(fd);
        return -e;
    }
    int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    if (r < 0 && errno == EADDRINUSE) {
        /* Something is there: replace it only if it is a socket nobody listens on. */
        if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "socket '%s': the file exists and is not a socket", path);
            close(fd);
            return -EEXIST;
        }
        int probe = socket(AF_UNIX, SOCK_STREAM, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            close(probe);
            snprintf(err, errlen, "socket '%s': another process is listening on it", path);
            close(fd);
            return -EADDRINUSE;
        }
        if (probe >= 0)
            close(probe);
        unlink(path);
        r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    }
    if (r < 0 || listen(fd, 8) < 0) {
        e = errno;
        snprintf(err, errlen, "socket '%s': %s", path, strerror(e));
        close(fd);
        return -e;
    }
    if (ino)
        *ino = stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
    return fd;
}

void chardev_socket_unlink_unix(const char *path, unsigned long ino)
{
    struct stat st;
    if (path && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (unsigned long)st.st_ino == ino)
        unlink(path);
}

static void cs_wake(struct chardev_socket *s)
{
    char c = 1;
    ssize_t r = write(s->wake[1], &c, 1); /* a full pipe already wakes the thread */
    (void)r;
}

/* Send queued output; lock held. */
static void cs_flush_locked(struct chardev_socket *s)
{
    while (s->out_len && s->cfd >= 0) {
        size_t chunk = CHARDEV_SOCKET_OUTQ - s->out_head;
        if (chunk > s->out_len)
            chunk = s->out_len;
        ssize_t n = send(s->cfd, s->outq + s->out_head, chunk, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* EAGAIN: later; an error: the thread sees the hang-up */
        s->out_head = (s->out_head + (size_t)n) % CHARDEV_SOCKET_OUTQ;
        s->out_len -= (size_t)n;
    }
}

static void cs_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct chardev_socket *s = opaque;
    pthread_mutex_lock(&s->lock);
    if (s->cfd < 0) {
        s->dropped += len;
        pthread_mutex_unlock(&s->lock);
        return;
    }
    while (len && s->out_len == 0) {
        ssize_t n = send(s->cfd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        buf += n;
        len -= (size_t)n;
    }
    bool was_empty = s->out_len == 0;
    while (len) {
        if (s->out_len == CHARDEV_SOCKET_OUTQ) {
            s->dropped += len;
            break;
        }
        s->outq[(s->out_head + s->out_len) % CHARDEV_SOCKET_OUTQ] = *buf++;
        s->out_len++;
        len--;
    }
    if (was_empty && s->out_len)
        cs_wake(s);
    pthread_mutex_unlock(&s->lock);
}

static void cs_close_client(struct chardev_socket *s)
{
    pthread_mutex_lock(&s->lock);
    if (s->cfd >= 0)
        close(s->cfd);
    s->cfd = -1;
    s->out_len = s->out_head = 0;
    pthread_mutex_unlock(&s->lock);
    s->in_len = s->in_off = 0;
}

static void cs_accept(struct chardev_socket *s)
{
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return;
    pthread_mutex_lock(&s->lock);
    bool busy = s->cfd >= 0;
    if (!busy && chardev_socket_set_flags(fd) == 0)
        s->cfd = fd;
    pthread_mutex_unlock(&s->lock);
    if (busy) {
        ssize_t r = send(fd, cs_busy, sizeof(cs_busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)r;
    }
    if (busy || s->cfd != fd)
        close(fd);
}

/* Offer kept input to rx. */
static void cs_deliver(struct chardev_socket *s)
{
    pthread_mutex_lock(&s->lock);
    chardev_socket_rx_fn rx = s->rx;
    void *opaque = s->rx_opaque;
    s->in_rx = rx && s->in_len;
    pthread_mutex_unlock(&s->lock);
    if (!rx || !s->in_len)
        return;
    size_t n = rx(opaque, s->in + s->in_off, s->in_len);
    pthread_mutex_lock(&s->lock);
    s->in_rx = false;
    pthread_cond_broadcast(&s->rx_done);
    pthread_mutex_unlock(&s->lock);
    if (n > s->in_len)
        n = s->in_len;
    s->in_off += n;
    s->in_len -= n;
    if (!s->in_len)
        s->in_off = 0;
}

static void *cs_thread(void *arg)
{
    struct chardev_socket *s = arg;
    for (;;) {
        struct pollfd p[3];
        pthread_mutex_lock(&s->lock);
        bool stop = s->stop, have_rx = s->rx != NULL;
        int cfd = s->cfd;
        short out = s->out_len ? POLLOUT : 0;
        pthread_mutex_unlock(&s->lock);
        if (stop)
            break;
        p[0] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
        p[1] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
        /* While input is kept, the client is only watched for output room. */
        p[2] = (struct pollfd){.fd = cfd, .events = (short)((s->in_len ? 0 : POLLIN) | out)};
        bool watch = cfd >= 0 && (!s->in_len || out);
        int timeout = s->in_len && have_rx ? CHARDEV_SOCKET_RETRY_MS : -1;
        int r = poll(p, watch ? 3 : 2, timeout);
        if (r < 0 && errno != EINTR)
            break;
        if (r < 0)
            continue;
        if (p[0].revents) {
            char buf[64];
            while (read(s->wake[0], buf, sizeof(buf)) > 0) {
            }
        }
        if (p[1].revents & POLLIN)
            cs_accept(s);
        short rev = watch ? p[2].revents : 0;
        if (rev & POLLOUT) {
            pthread_mutex_lock(&s->lock);
            cs_flush_locked(s);
            pthread_mutex_unlock(&s->lock);
        }
        if (!s->in_len && (rev & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = recv(cfd, s->in, sizeof(s->in), 0);
            if (n > 0) {
                s->in_off = 0;
                s->in_len = (size_t)n;
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                cs_close_client(s);
            }
        } else if (rev & (POLLHUP | POLLERR)) {
            cs_close_client(s); /* gone while its input was kept: that input is dropped */
        }
        cs_deliver(s);
    }
    return NULL;
}

int chardev_socket_create(const char *path, chardev_socket_rx_fn rx, void *opaque,
                          struct chardev_socket **out, char *err, size_t errlen)
{
    struct chardev_socket *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s || !(s->path = malloc(strlen(path) + 1))) {
        free(s);
        snprintf(err, errlen, "console socket '%s': out of memory", path);
        return -ENOMEM;
    }
    memcpy(s->path, path, strlen(path) + 1);
    s->cfd = -1;
    s->wake[0] = s->wake[1] = -1;
    s->rx = rx;
    s->rx_opaque = opaque;
    s->out = (struct chardev){cs_write, s};
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s->path);
        free(s);
        snprintf(err, errlen, "console socket '%s': out of memory", path);
        return -ENOMEM;
    }
    if (pthread_cond_init(&s->rx_done, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        free(s->path);
        free(s);
        snprintf(err, errlen, "console socket '%s': out of memory", path);
        return -ENOMEM;
    }
    s->lfd = chardev_socket_listen_unix(path, &s->ino, err, errlen);
    if (s->lfd < 0) {
        int e = s->lfd;
        pthread_cond_destroy(&s->rx_done);
        pthread_mutex_destroy(&s->lock);
        free(s->path);
        free(s);
        return e;
    }
    int e = 0;
    if (pipe(s->wake) < 0 || chardev_socket_set_flags(s->wake[0]) < 0 || chardev_socket_set_flags(s->wake[1]) < 0)
        e = errno ? errno : EIO;
    else if ((e = pthread_create(&s->thread, NULL, cs_thread, s)) != 0)
        errno = e;
    if (e) {
        snprintf(err, errlen, "console socket '%s': %s", path, strerror(e));
        if (s->wake[0] >= 0)
            close(s->wake[0]);
        if (s->wake[1] >= 0)
            close(s->wake[1]);
        close(s->lfd);
        chardev_socket_unlink_unix(path, s->ino);
        pthread_cond_destroy(&s->rx_done);
        pthread_mutex_destroy(&s->lock);
        free(s->path);
        free(s);
        return -e;
    }
    *out = s;
    return 0;
}

void chardev_socket_set_rx(struct chardev_socket *s, chardev_socket_rx_fn rx, void *opaque)
{
    pthread_mutex_lock(&s->lock);
    while (s->in_rx) /* the old rx may be running: wait for it to return */
        pthread_cond_wait(&s->rx_done, &s->lock);
    s->rx = rx;
    s->rx_opaque = opaque;
    pthread_mutex_unlock(&s->lock);
    cs_wake(s);
}

void chardev_socket_kick(struct chardev_socket *s)
{
    cs_wake(s);
}

const struct chardev *chardev_socket_chardev(struct chardev_socket *s)
{
    return &s->out;
}

bool chardev_socket_connected(struct chardev_socket *s)
{
    pthread_mutex_lock(&s->lock);
    bool c = s->cfd >= 0;
    pthread_mutex_unlock(&s->lock);
    return c;
}

uint64_t chardev_socket_dropped(struct chardev_socket *s)
{
    pthread_mutex_lock(&s->lock);
    uint64_t d = s->dropped;
    pthread_mutex_unlock(&s->lock);
    return d;
}

void chardev_socket_destroy(struct chardev_socket *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_mutex_unlock(&s->lock);
    cs_wake(s);
    pthread_join(s->thread, NULL);
    if (s->cfd >= 0)
        close(s->cfd);
    close(s->lfd);
    close(s->wake[0]);
    close(s->wake[1]);
    chardev_socket_unlink_unix(s->path, s->ino);
    pthread_cond_destroy(&s->rx_done);
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
}

#else /* _WIN32 */

int chardev_socket_create(const char *path, chardev_socket_rx_fn rx, void *opaque,
                          struct chardev_socket **out, char *err, size_t errlen)
{
    *out = NULL;
    snprintf(err, errlen, "console socket '%s': Unix sockets are not supported on this host", path);
    return -ENOTSUP;
}

void chardev_socket_set_rx(struct chardev_socket *s, chardev_socket_rx_fn rx, void *opaque) {}

void chardev_socket_kick(struct chardev_socket *s) {}

const struct chardev *chardev_socket_chardev(struct chardev_socket *s)
{
    return NULL;
}

bool chardev_socket_connected(struct chardev_socket *s)
{
    return false;
}

uint64_t chardev_socket_dropped(struct chardev_socket *s)
{
    return 0;
}

void chardev_socket_destroy(struct chardev_socket *s) {}

int chardev_socket_listen_unix(const char *path, unsigned long *ino, char *err, size_t errlen)
{
    snprintf(err, errlen, "socket '%s': Unix sockets are not supported on this host", path);
    return -ENOTSUP;
}

void chardev_socket_unlink_unix(const char *path, unsigned long ino) {}

#endif
