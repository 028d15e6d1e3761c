/*
 * The in-process learning Ethernet switch (see netswitch.h): a port per NIC, a MAC table
 * (source MAC -> port, learned from every frame, replaced oldest-first when full, and
 * forgotten when its port is unplugged), one queue of frames in flight and one delivery
 * thread. Left out: VLANs, STP, MAC ageing by time (a MAC that moves is relearned).
 *
 * Locks: `lock` guards the queue, ports and MAC table and is only held briefly;
 * `deliver_lock` is held while receive callbacks run and when a port is unplugged, so a
 * port never disappears under a delivery. Senders (vCPU threads, maybe holding their NIC's
 * lock) only take `lock`; the delivery thread takes deliver_lock, then lock, then drops
 * lock before calling a receiver.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/host/netdev.h"
#include "devices/host/netswitch.h"

struct netswitch_frame {
    struct netswitch_frame *next;
    unsigned port, gen; /* the source port slot and its generation when sent */
    size_t len;
    uint8_t data[];
};

struct netswitch_port {
    struct netdev nd; /* first: a port is a netdev */
    struct netswitch *sw;
    unsigned idx;
    bool active; /* attached: frames are delivered to it */
};

struct netswitch_mac {
    uint8_t mac[6];
    bool used;
    unsigned port;
    uint64_t stamp; /* for replacing the least recently seen entry */
};

struct netswitch {
    char name[32];
    pthread_mutex_t lock, deliver_lock;
    pthread_cond_t cond;
    pthread_t thread;
    bool running, stop;

    struct netswitch_port *ports[NETSWITCH_MAX_PORTS];
    unsigned gen[NETSWITCH_MAX_PORTS];
    struct netswitch_mac macs[NETSWITCH_MAC_TABLE];
    uint64_t clock;

    struct netswitch_frame *head, *tail;
    unsigned queued;
    struct netswitch_stats stats;
};

struct netswitch_registry {
    pthread_mutex_t lock;
    struct netswitch **sw;
    size_t n;
};

static const struct netdev_ops netswitch_port_ops;

struct netswitch *netswitch_create(const char *name)
{
    struct netswitch *sw = calloc(1, sizeof(*sw));
    if (!sw)
        return NULL;
    if (pthread_mutex_init(&sw->lock, NULL) != 0)
        goto fail_sw;
    if (pthread_mutex_init(&sw->deliver_lock, NULL) != 0)
        goto fail_lock;
    if (pthread_cond_init(&sw->cond, NULL) != 0)
        goto fail_deliver;
    strncpy(sw->name, name ? name : "default", sizeof(sw->name) - 1);
    return sw;
fail_deliver:
    pthread_mutex_destroy(&sw->deliver_lock);
fail_lock:
    pthread_mutex_destroy(&sw->lock);
fail_sw:
    free(sw);
    return NULL;
}

static void netswitch_free_frames(struct netswitch_frame *f)
{
    while (f) {
        struct netswitch_frame *next = f->next;
        free(f);
        f = next;
    }
}

void netswitch_destroy(struct netswitch *sw)
{
    if (!sw)
        return;
    pthread_mutex_lock(&sw->lock);
    sw->stop = true;
    pthread_cond_broadcast(&sw->cond);
    bool running = sw->running;
    pthread_mutex_unlock(&sw->lock);
    if (running)
        pthread_join(sw->thread, NULL);
    netswitch_free_frames(sw->head);
    pthread_cond_destroy(&sw->cond);
    pthread_mutex_destroy(&sw->deliver_lock);
    pthread_mutex_destroy(&sw->lock);
    free(sw);
}

const char *netswitch_name(const struct netswitch *sw)
{
    return sw->name;
}

void netswitch_get_stats(struct netswitch *sw, struct netswitch_stats *st)
{
    pthread_mutex_lock(&sw->lock);
    *st = sw->stats;
    pthread_mutex_unlock(&sw->lock);
}

/* ---- MAC learning (lock held) ---- */

static struct netswitch_mac *netswitch_lookup(struct netswitch *sw, const uint8_t *mac)
{
    for (unsigned i = 0; i < NETSWITCH_MAC_TABLE; i++)
        if (sw->macs[i].used && !memcmp(sw->macs[i].mac, mac, 6))
            return &sw->macs[i];
    return NULL;
}

static void netswitch_learn(struct netswitch *sw, const uint8_t *mac, unsigned port)
{
    if (mac[0] & 1)
        return; /* a multicast source is bogus: never learn it */
    struct netswitch_mac *e = netswitch_lookup(sw, mac);
    if (!e) {
        e = &sw->macs[0];
        for (unsigned i = 0; i < NETSWITCH_MAC_TABLE; i++) {
            if (!sw->macs[i].used) {
                e = &sw->macs[i];
                break;
            }
            if (sw->macs[i].stamp < e->stamp)
                e = &sw->macs[i];
        }
        memcpy(e->mac, mac, 6);
        e->used = true;
    }
    e->port = port;
    e->stamp = ++sw->clock;
}

static void netswitch_forget_port(struct netswitch *sw, unsigned port)
{
    for (unsigned i = 0; i < NETSWITCH_MAC_TABLE; i++)
        if (sw->macs[i].used && sw->macs[i].port == port)
            sw->macs[i].used = false;
}

/* ---- delivery ---- */

struct netswitch_target {
    netdev_receive_fn receive;
    void *opaque;
};

/* Where frame f goes (lock held): fills targets, returns how many. */
static unsigned netswitch_route(struct netswitch *sw, const struct netswitch_frame *f,
                                struct netswitch_target *t)
{
    unsigned n = 0;
    if (f->gen != sw->gen[f->port] || !sw->ports[f->port])
        return 0; /* its port was unplugged meanwhile */
    netswitch_learn(sw, f->data + 6, f->port);
    const uint8_t *dst = f->data;
    struct netswitch_mac *e = (dst[0] & 1) ? NULL : netswitch_lookup(sw, dst);
    if (e) {
        struct netswitch_port *p = sw->ports[e->port];
        if (e->port == f->port) {
            sw->stats.filtered++;
        } else if (p && p->active && p->nd.receive) {
            t[n++] = (struct netswitch_target){p->nd.receive, p->nd.receive_opaque};
            sw->stats.forwarded++;
        }
        return n;
    }
    for (unsigned i = 0; i < NETSWITCH_MAX_PORTS; i++) {
        struct netswitch_port *p = sw->ports[i];
        if (i != f->port && p && p->active && p->nd.receive)
            t[n++] = (struct netswitch_target){p->nd.receive, p->nd.receive_opaque};
    }
    sw->stats.flooded++;
    return n;
}

static void netswitch_deliver(struct netswitch *sw, struct netswitch_frame *list)
{
    struct netswitch_target t[NETSWITCH_MAX_PORTS];
    pthread_mutex_lock(&sw->deliver_lock);
    while (list) {
        struct netswitch_frame *f = list;
        list = f->next;
        pthread_mutex_lock(&sw->lock);
        unsigned n = netswitch_route(sw, f, t);
        pthread_mutex_unlock(&sw->lock);
        for (unsigned i = 0; i < n; i++)
            t[i].receive(t[i].opaque, f->data, f->len);
        free(f);
    }
    pthread_mutex_unlock(&sw->deliver_lock);
}

/* Take the queue, waiting up to timeout_ms for a frame (lock held on entry and exit). */
static struct netswitch_frame *netswitch_take(struct netswitch *sw, int timeout_ms)
{
    if (!sw->head && !sw->stop && timeout_ms > 0) {
        struct timespec ts;
        timespec_get(&ts, TIME_UTC);
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        while (!sw->head && !sw->stop)
            if (pthread_cond_timedwait(&sw->cond, &sw->lock, &ts) != 0)
                break;
    }
    struct netswitch_frame *list = sw->head;
    sw->head = sw->tail = NULL;
    sw->queued = 0;
    return list;
}

void netswitch_poll(struct netswitch *sw, int timeout_ms)
{
    pthread_mutex_lock(&sw->lock);
    struct netswitch_frame *list = netswitch_take(sw, timeout_ms);
    pthread_mutex_unlock(&sw->lock);
    if (list)
        netswitch_deliver(sw, list);
}

static void *netswitch_thread(void *arg)
{
    struct netswitch *sw = arg;
    for (;;) {
        pthread_mutex_lock(&sw->lock);
        bool stop = sw->stop;
        pthread_mutex_unlock(&sw->lock);
        if (stop)
            return NULL;
        netswitch_poll(sw, 1000);
    }
}

int netswitch_start(struct netswitch *sw)
{
    int r = 0;
    pthread_mutex_lock(&sw->lock);
    if (!sw->running) {
        r = -pthread_create(&sw->thread, NULL, netswitch_thread, sw);
        sw->running = r == 0;
    }
    pthread_mutex_unlock(&sw->lock);
    return r;
}

/* ---- ports ---- */

static int netswitch_port_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
    struct netswitch_port *p = (struct netswitch_port *)nd;
    struct netswitch *sw = p->sw;
    int r = 0;
    struct netswitch_frame *f = malloc(sizeof(*f) + len);
    pthread_mutex_lock(&sw->lock);
    sw->stats.frames_in++;
    if (!f || sw->queued >= NETSWITCH_QUEUE) {
        sw->stats.dropped++;
        r = f ? -ENOBUFS : -ENOMEM;
        free(f);
        goto out;
    }
    f->next = NULL;
    f->port = p->idx;
    f->gen = sw->gen[p->idx];
    f->len = len;
    memcpy(f->data, frame, len);
    if (sw->tail)
        sw->tail->next = f;
    else
        sw->head = f;
    sw->tail = f;
    sw->queued++;
    pthread_cond_signal(&sw->cond);
out:
    pthread_mutex_unlock(&sw->lock);
    return r;
}

static int netswitch_port_start(struct netdev *nd)
{
    struct netswitch_port *p = (struct netswitch_port *)nd;
    pthread_mutex_lock(&p->sw->lock);
    p->active = true;
    pthread_mutex_unlock(&p->sw->lock);
    return netswitch_start(p->sw);
}

static void netswitch_port_poll(struct netdev *nd, int timeout_ms)
{
    struct netswitch_port *p = (struct netswitch_port *)nd;
    pthread_mutex_lock(&p->sw->lock);
    p->active = true; /* a test driving the switch by hand */
    pthread_mutex_unlock(&p->sw->lock);
    netswitch_poll(p->sw, timeout_ms);
}

static void netswitch_port_destroy(struct netdev *nd)
{
    struct netswitch_port *p = (struct netswitch_port *)nd;
    struct netswitch *sw = p->sw;
    pthread_mutex_lock(&sw->deliver_lock);
    pthread_mutex_lock(&sw->lock);
    sw->ports[p->idx] = NULL;
    sw->gen[p->idx]++;
    netswitch_forget_port(sw, p->idx);
    pthread_mutex_unlock(&sw->lock);
    pthread_mutex_unlock(&sw->deliver_lock);
    free(p);
}

static const struct netdev_ops netswitch_port_ops = {
    .name = "switch",
    .send = netswitch_port_send,
    .start = netswitch_port_start,
    .poll = netswitch_port_poll,
    .destroy = netswitch_port_destroy,
};

int netswitch_port_create(struct netswitch *sw, struct netdev **out)
{
    struct netswitch_port *p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->nd.ops = &netswitch_port_ops;
    p->sw = sw;
    pthread_mutex_lock(&sw->lock);
    unsigned i = 0;
    while (i < NETSWITCH_MAX_PORTS && sw->ports[i])
        i++;
    if (i < NETSWITCH_MAX_PORTS) {
        p->idx = i;
        sw->ports[i] = p;
    }
    pthread_mutex_unlock(&sw->lock);
    if (i == NETSWITCH_MAX_PORTS) {
        free(p);
        return -ENOSPC;
    }
    *out = &p->nd;
    return 0;
}

/* ---- the registry ---- */

struct netswitch_registry *netswitch_registry_create(void)
{
    struct netswitch_registry *reg = calloc(1, sizeof(*reg));
    if (reg && pthread_mutex_init(&reg->lock, NULL) != 0) {
        free(reg);
        reg = NULL;
    }
    return reg;
}

void netswitch_registry_destroy(struct netswitch_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++)
        netswitch_destroy(reg->sw[i]);
    free(reg->sw);
    pthread_mutex_destroy(&reg->lock);
    free(reg);
}

struct netswitch *netswitch_registry_get(struct netswitch_registry *reg, const char *name)
{
    struct netswitch *sw = NULL;
    pthread_mutex_lock(&reg->lock);
    for (size_t i = 0; i < reg->n && !sw; i++)
        if (!strncmp(reg->sw[i]->name, name, sizeof(reg->sw[i]->name) - 1))
            sw = reg->sw[i];
    if (!sw) {
        struct netswitch **grown = realloc(reg->sw, (reg->n + 1) * sizeof(*grown));
        if (grown) {
            reg->sw = grown;
            sw = netswitch_create(name);
            if (sw)
                reg->sw[reg->n++] = sw;
        }
    }
    pthread_mutex_unlock(&reg->lock);
    return sw;
}
