/*
 * Network back ends, the common part: the factory that turns a parsed -netdev/-nic
 * option into a back end (slirp.c, netswitch.c, tap.c), the dispatch helpers of the
 * netdev.h interface, and the bounded frame queue the threaded back ends share.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netdev.h"
#include "devices/host/netswitch.h"
#include "devices/host/slirp.h"
#include "devices/host/tap.h"

int netdev_create(const struct netdev_config *cfg, struct netswitch_registry *switches,
                  struct netdev **out, char *err, size_t errlen)
{
    *out = NULL;
    switch (cfg->kind) {
    case NETDEV_USER: return slirp_netdev_create(cfg, out, err, errlen);
    case NETDEV_TAP: return tap_netdev_create(cfg, out, err, errlen);
    case NETDEV_SWITCH: {
        if (!switches) {
            snprintf(err, errlen,
                     "-netdev switch: no switch to plug into here (switches "
                     "connect the VMs of a multi-VM run)");
            return -EINVAL;
        }
        struct netswitch *sw = netswitch_registry_get(switches, cfg->name);
        if (!sw) {
            snprintf(err, errlen, "netdev %s: out of memory", cfg->id);
            return -ENOMEM;
        }
        int r = netswitch_port_create(sw, out);
        if (r < 0)
            snprintf(err, errlen, "netdev %s: switch %s: %s", cfg->id, cfg->name, strerror(-r));
        return r;
    }
    }
    snprintf(err, errlen, "netdev %s: unknown kind", cfg->id);
    return -EINVAL;
}

void netdev_set_receiver(struct netdev *nd, netdev_receive_fn receive, void *opaque)
{
    nd->receive = receive;
    nd->receive_opaque = opaque;
}

int netdev_attach(struct netdev *nd, netdev_receive_fn receive, void *opaque)
{
    netdev_set_receiver(nd, receive, opaque);
    return nd->ops->start ? nd->ops->start(nd) : 0;
}

int netdev_send(struct netdev *nd, const uint8_t *frame, size_t len)
{
    if (len < NETDEV_MIN_FRAME || len > NETDEV_MAX_FRAME)
        return -EMSGSIZE;
    return nd->ops->send(nd, frame, len);
}

void netdev_poll(struct netdev *nd, int timeout_ms)
{
    if (nd->ops->poll)
        nd->ops->poll(nd, timeout_ms);
}

void netdev_destroy(struct netdev *nd)
{
    if (nd)
        nd->ops->destroy(nd);
}

/* ---- the frame queue ---- */

struct netdev_queue {
    pthread_mutex_t lock;
    struct netdev_frame *head, *tail;
    unsigned count, max;
    uint64_t drops;
};

struct netdev_queue *netdev_queue_create(unsigned max_frames)
{
    struct netdev_queue *q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    if (pthread_mutex_init(&q->lock, NULL) != 0) {
        free(q);
        return NULL;
    }
    q->max = max_frames;
    return q;
}

static void netdev_frames_free(struct netdev_frame *f)
{
    while (f) {
        struct netdev_frame *next = f->next;
        free(f);
        f = next;
    }
}

void netdev_queue_destroy(struct netdev_queue *q)
{
    if (!q)
        return;
    netdev_frames_free(q->head);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

int netdev_queue_put(struct netdev_queue *q, const uint8_t *frame, size_t len)
{
    int r = 0;
    pthread_mutex_lock(&q->lock);
    if (q->count >= q->max) {
        q->drops++;
        r = -ENOBUFS;
        goto out;
    }
    struct netdev_frame *f = malloc(sizeof(*f) + len);
    if (!f) {
        q->drops++;
        r = -ENOMEM;
        goto out;
    }
    f->next = NULL;
    f->len = len;
    memcpy(f->data, frame, len);
    if (q->tail)
        q->tail->next = f;
    else
        q->head = f;
    q->tail = f;
    q->count++;
out:
    pthread_mutex_unlock(&q->lock);
    return r;
}

struct netdev_frame *netdev_queue_take_all(struct netdev_queue *q)
{
    pthread_mutex_lock(&q->lock);
    struct netdev_frame *f = q->head;
    q->head = q->tail = NULL;
    q->count = 0;
    pthread_mutex_unlock(&q->lock);
    return f;
}

uint64_t netdev_queue_drops(struct netdev_queue *q)
{
    pthread_mutex_lock(&q->lock);
    uint64_t d = q->drops;
    pthread_mutex_unlock(&q->lock);
    return d;
}
