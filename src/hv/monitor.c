/*
 * The monitor's server (monitor.h): one thread, one poll loop over a wake pipe, the
 * listening Unix socket and the clients. Requests are split and answered by
 * monitor_proto.c; this file moves bytes and events.
 *
 * Events come from the hv's listener (monitor_event_cb), which may run on any thread
 * with the scheduler's lock held: it only copies the event into a bounded queue (under
 * the monitor's own lock, never held while calling the hv) and writes a byte into the
 * wake pipe. The thread formats queued events and appends them to the output of every
 * client that finished the negotiation.
 *
 * Every socket is non-blocking and written with MSG_NOSIGNAL (SO_NOSIGPIPE on macOS): a
 * client that vanishes mid-reply is closed, nothing else happens. A client that does not
 * read its replies and events is dropped once MONITOR_MAX_OUTPUT bytes wait for it.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/host/chardev_socket.h"
#include "hv/monitor.h"

const struct monitor_hv_ops monitor_hv_ops_default = {
    .vm_count = hv_vm_count,
    .vm_find = hv_vm_find,
    .query_vm = hv_query_vm,
    .query_hart = hv_query_hart,
    .vm_pause = hv_vm_pause,
    .vm_resume = hv_vm_resume,
    .vm_stop = hv_vm_stop,
    .vm_reset = hv_vm_reset,
    .set_weight = hv_set_weight,
    .set_cap = hv_set_cap,
    .set_quota = hv_set_quota,
    .screendump = hv_screendump,
    .shutdown = hv_shutdown,
    .set_event_listener = hv_set_event_listener,
    .vm_state_name = hv_vm_state_name,
    .hart_state_name = hv_hart_state_name,
};

#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define MON_READ      16384        /* bytes read at a time */
#define MON_READ_TURN (256u << 10) /* most bytes taken from one client per loop */
#define MON_FLUSH_MS  500          /* monitor_destroy: time to send what is queued */

struct mon_event {
    struct mon_event *next;
    int64_t sec, usec;
    char *name, *data;
};

struct mon_client {
    int fd;
    bool dead;
    struct qmp_session sess;
    struct qmp_splitter sp;
    char *out;
    size_t out_len, out_cap;
};

struct monitor {
    const struct monitor_hv_ops *ops;
    struct hv *hv;
    int lfd, wake[2];
    unsigned long ino;
    char *path;
    pthread_t thread;
    pthread_mutex_t lock; /* stop and the event queue */
    bool stop;
    struct mon_event *ev_head, *ev_tail;
    unsigned nev;
    uint64_t ev_dropped;
    struct mon_client *clients[MONITOR_MAX_CLIENTS]; /* the thread's own */
    unsigned nclients;
};

static void mon_wake(struct monitor *m)
{
    char c = 1;
    ssize_t r = write(m->wake[1], &c, 1);
    (void)r;
}

/* The hv's event listener: copy, queue, wake. Any thread. */
static void monitor_event_cb(void *opaque, const char *name, const char *data)
{
    struct monitor *m = opaque;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct mon_event *e = calloc(1, sizeof(*e));
    size_t ln = strlen(name) + 1, ld = data ? strlen(data) + 1 : 0;
    if (e && (e->name = malloc(ln)) && (!data || (e->data = malloc(ld)))) {
        memcpy(e->name, name, ln);
        if (data)
            memcpy(e->data, data, ld);
        e->sec = ts.tv_sec;
        e->usec = ts.tv_nsec / 1000;
    } else if (e) {
        free(e->name);
        free(e);
        e = NULL;
    }
    pthread_mutex_lock(&m->lock);
    if (!e || m->nev >= MONITOR_MAX_EVENTS) {
        m->ev_dropped++;
        if (e) {
            free(e->name);
            free(e->data);
            free(e);
        }
    } else {
        if (m->ev_tail)
            m->ev_tail->next = e;
        else
            m->ev_head = e;
        m->ev_tail = e;
        m->nev++;
    }
    pthread_mutex_unlock(&m->lock);
    mon_wake(m);
}

/* ---- clients ---- */

/* Queue a line (takes it); a client that lets too much pile up is dropped. */
static void client_queue(struct mon_client *c, char *line)
{
    if (!line) {
        c->dead = true;
        return;
    }
    size_t n = strlen(line);
    if (!c->dead && c->out_len + n > MONITOR_MAX_OUTPUT) {
        fprintf(stderr,
                "rvisor: monitor: dropped a client that stopped reading (%u bytes "
                "waiting)\n",
                MONITOR_MAX_OUTPUT);
        c->dead = true;
    }
    if (!c->dead && c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + n)
            cap *= 2;
        char *o = realloc(c->out, cap);
        if (!o)
            c->dead = true;
        else {
            c->out = o;
            c->out_cap = cap;
        }
    }
    if (!c->dead) {
        memcpy(c->out + c->out_len, line, n);
        c->out_len += n;
    }
    free(line);
}

static void client_flush(struct mon_client *c)
{
    size_t off = 0;
    while (!c->dead && off < c->out_len) {
        ssize_t n = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0)
            c->dead = true; /* gone (EPIPE, ECONNRESET): nothing else to do */
        else
            off += (size_t)n;
    }
    memmove(c->out, c->out + off, c->out_len - off);
    c->out_len -= off;
}

static void client_free(struct mon_client *c)
{
    close(c->fd);
    qmp_splitter_free(&c->sp);
    free(c->out);
    free(c);
}

static void on_request(void *opaque, const char *msg, size_t len, bool too_long)
{
    struct mon_client *c = opaque;
    if (c->dead)
        return;
    client_queue(c, too_long ? qmp_too_long_reply() : qmp_session_handle(&c->sess, msg, len));
}

static void client_read(struct mon_client *c)
{
    char buf[MON_READ];
    size_t taken = 0;
    while (!c->dead && taken < MON_READ_TURN) {
        ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            c->dead = true;
            return;
        }
        taken += (size_t)n;
        if (qmp_splitter_feed(&c->sp, (const uint8_t *)buf, (size_t)n, on_request, c) < 0)
            c->dead = true;
    }
}

static void mon_accept(struct monitor *m)
{
    int fd = accept(m->lfd, NULL, NULL);
    if (fd < 0)
        return;
    if (m->nclients >= MONITOR_MAX_CLIENTS) {
        static const char busy[] = "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                                   "\"too many monitor clients\"}}\r\n";
        chardev_socket_set_flags(fd);
        ssize_t r = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
        (void)r;
        close(fd);
        return;
    }
    struct mon_client *c = calloc(1, sizeof(*c));
    if (!c || chardev_socket_set_flags(fd) < 0) {
        free(c);
        close(fd);
        return;
    }
    c->fd = fd;
    c->sess = (struct qmp_session){.ops = m->ops, .hv = m->hv};
    qmp_splitter_init(&c->sp, MONITOR_MAX_REQUEST);
    client_queue(c, qmp_greeting());
    m->clients[m->nclients++] = c;
}

/* Format queued events for every negotiated client. */
static void mon_dispatch_events(struct monitor *m)
{
    pthread_mutex_lock(&m->lock);
    struct mon_event *e = m->ev_head;
    m->ev_head = m->ev_tail = NULL;
    m->nev = 0;
    pthread_mutex_unlock(&m->lock);
    while (e) {
        struct mon_event *next = e->next;
        for (unsigned i = 0; i < m->nclients; i++) {
            struct mon_client *c = m->clients[i];
            if (c->sess.negotiated && !c->dead)
                client_queue(c, qmp_format_event(e->name, e->data, e->sec, e->usec));
        }
        free(e->name);
        free(e->data);
        free(e);
        e = next;
    }
}

static void mon_reap(struct monitor *m)
{
    unsigned j = 0;
    for (unsigned i = 0; i < m->nclients; i++) {
        if (m->clients[i]->dead)
            client_free(m->clients[i]);
        else
            m->clients[j++] = m->clients[i];
    }
    m->nclients = j;
}

/* At the end: send what is queued, for up to MON_FLUSH_MS. */
static void mon_final_flush(struct monitor *m)
{
    mon_dispatch_events(m);
    for (int waited = 0; waited < MON_FLUSH_MS; waited += 10) {
        struct pollfd p[MONITOR_MAX_CLIENTS];
        unsigned n = 0;
        for (unsigned i = 0; i < m->nclients; i++) {
            client_flush(m->clients[i]);
            if (!m->clients[i]->dead && m->clients[i]->out_len)
                p[n++] = (struct pollfd){.fd = m->clients[i]->fd, .events = POLLOUT};
        }
        if (!n)
            break;
        poll(p, n, 10);
    }
}

static void *mon_thread(void *arg)
{
    struct monitor *m = arg;
    struct pollfd p[2 + MONITOR_MAX_CLIENTS];
    for (;;) {
        pthread_mutex_lock(&m->lock);
        bool stop = m->stop;
        pthread_mutex_unlock(&m->lock);
        if (stop)
            break;
        p[0] = (struct pollfd){.fd = m->wake[0], .events = POLLIN};
        p[1] = (struct pollfd){.fd = m->lfd, .events = POLLIN};
        for (unsigned i = 0; i < m->nclients; i++)
            p[2 + i] =
                (struct pollfd){.fd = m->clients[i]->fd,
                                .events = (short)(POLLIN | (m->clients[i]->out_len ? POLLOUT : 0))};
        unsigned n = m->nclients;
        if (poll(p, 2 + n, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents) {
            char buf[256];
            while (read(m->wake[0], buf, sizeof(buf)) > 0) {
            }
        }
        for (unsigned i = 0; i < n; i++) {
            struct mon_client *c = m->clients[i];
            if (p[2 + i].revents & (POLLIN | POLLHUP | POLLERR))
                client_read(c);
        }
        if (p[1].revents & POLLIN)
            mon_accept(m);
        mon_dispatch_events(m);
        for (unsigned i = 0; i < m->nclients; i++)
            if (m->clients[i]->out_len)
                client_flush(m->clients[i]);
        mon_reap(m);
    }
    mon_final_flush(m);
    return NULL;
}

int monitor_create_with(const struct monitor_hv_ops *ops, struct hv *hv, const char *socket_path,
                        struct monitor **out, char *err, size_t errlen)
{
    char why[256];
    struct monitor *m = calloc(1, sizeof(*m));
    *out = NULL;
    if (!m || !(m->path = malloc(strlen(socket_path) + 1))) {
        free(m);
        snprintf(err, errlen, "monitor: out of memory");
        return -1;
    }
    memcpy(m->path, socket_path, strlen(socket_path) + 1);
    m->ops = ops;
    m->hv = hv;
    m->wake[0] = m->wake[1] = -1;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m->path);
        free(m);
        snprintf(err, errlen, "monitor: out of memory");
        return -1;
    }
    m->lfd = chardev_socket_listen_unix(socket_path, &m->ino, why, sizeof(why));
    if (m->lfd < 0) {
        snprintf(err, errlen, "monitor: %s", why);
        pthread_mutex_destroy(&m->lock);
        free(m->path);
        free(m);
        return -1;
    }
    int e = 0;
    if (pipe(m->wake) < 0 || chardev_socket_set_flags(m->wake[0]) < 0 || chardev_socket_set_flags(m->wake[1]) < 0)
        e = errno ? errno : EIO;
    else
        e = pthread_create(&m->thread, NULL, mon_thread, m);
    if (e) {
        snprintf(err, errlen, "monitor: %s", strerror(e));
        if (m->wake[0] >= 0)
            close(m->wake[0]);
        if (m->wake[1] >= 0)
            close(m->wake[1]);
        close(m->lfd);
        chardev_socket_unlink_unix(m->path, m->ino);
        pthread_mutex_destroy(&m->lock);
        free(m->path);
        free(m);
        return -1;
    }
    if (ops->set_event_listener)
        ops->set_event_listener(hv, monitor_event_cb, m);
    *out = m;
    return 0;
}

void monitor_destroy(struct monitor *m)
{
    if (!m)
        return;
    if (m->ops->set_event_listener)
        m->ops->set_event_listener(m->hv, NULL, NULL); /* no listener call after this */
    pthread_mutex_lock(&m->lock);
    m->stop = true;
    pthread_mutex_unlock(&m->lock);
    mon_wake(m);
    pthread_join(m->thread, NULL);
    for (unsigned i = 0; i < m->nclients; i++)
        client_free(m->clients[i]);
    while (m->ev_head) {
        struct mon_event *e = m->ev_head;
        m->ev_head = e->next;
        free(e->name);
        free(e->data);
        free(e);
    }
    close(m->lfd);
    close(m->wake[0]);
    close(m->wake[1]);
    chardev_socket_unlink_unix(m->path, m->ino);
    pthread_mutex_destroy(&m->lock);
    free(m->path);
    free(m);
}

#else /* _WIN32: no Unix sockets */

int monitor_create_with(const struct monitor_hv_ops *ops, struct hv *hv, const char *socket_path,
                        struct monitor **out, char *err, size_t errlen)
{
    *out = NULL;
    snprintf(err, errlen, "monitor: Unix sockets are not supported on this host");
    return -1;
}

void monitor_destroy(struct monitor *m) {}

#endif

int monitor_create(struct hv *hv, const char *socket_path, struct monitor **out, char *err,
                   size_t errlen)
{
    return monitor_create_with(&monitor_hv_ops_default, hv, socket_path, out, err, errlen);
}
