/*
 * virtio-net (virtio 1.2, 5.1 "Network Device"): queue 0 receives, queue 1 transmits.
 * Offered features: VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS (link always up). Without
 * MRG_RXBUF and offloads the driver posts buffers big enough for a whole frame; every
 * frame carries a struct virtio_net_hdr (5.1.6), 12 bytes when VERSION_1 was negotiated,
 * 10 for a legacy driver, always zero on receive except num_buffers = 1.
 *
 * Configuration space (5.1.4), 10 bytes:
 *   0x00 mac[6]   0x06 status (le16, 1 = LINK_UP)   0x08 max_virtqueue_pairs (le16, 1)
 *
 * Transmit runs in the queue-notify callback (vCPU thread): each request's frame goes to
 * the back end, which only queues it. Receive runs on the back end's thread: the frame
 * goes into the next posted buffer; when none is posted it waits in a small backlog
 * (flushed when the driver posts buffers) and is dropped, and counted, beyond that.
 * Left out: control queue, multiqueue, offloads (CSUM, GSO), MRG_RXBUF, announce.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "devices/host/netdev.h"
#include "devices/virtio_net.h"

#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_STATUS    16
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_S_LINK_UP   1
#define VIRTIO_NET_CONFIG_SIZE 10
#define VIRTIO_NET_HDR_MODERN  12 /* flags, gso_type, hdr_len, gso_size, csum_*, num_buffers */
#define VIRTIO_NET_HDR_LEGACY  10 /* the same without num_buffers */

struct virtio_net {
    struct virtio_dev *vd;
    struct netdev *nd;
    uint8_t mac[6];
    unsigned hdr_len;

    /* Frames waiting for receive buffers (guarded by the transport's mutex). */
    struct netdev_frame *backlog, *backlog_tail;
    unsigned backlog_count;

    struct virtio_net_stats st;
    struct virtq_chain chain; /* used under the transport's mutex only */
    uint8_t txbuf[NETDEV_MAX_FRAME];
};

static uint64_t virtio_net_features(void *dev)
{
    return VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
}

static void virtio_net_config_read(void *dev, uint32_t off, void *buf, unsigned len)
{
    struct virtio_net *n = dev;
    uint8_t cfg[VIRTIO_NET_CONFIG_SIZE];
    memcpy(cfg, n->mac, 6);
    virtio_put_le(cfg + 6, VIRTIO_NET_S_LINK_UP, 2);
    virtio_put_le(cfg + 8, 1, 2);
    memcpy(buf, cfg + off, len); /* the transport checked off + len <= config_size */
}

static void virtio_net_config_write(void *dev, uint32_t off, const void *buf, unsigned len)
{
    /* Legacy drivers without VIRTIO_NET_F_CTRL_MAC_ADDR may write the MAC (5.1.4.2). */
    struct virtio_net *n = dev;
    if (off < 6)
        memcpy(n->mac + off, buf, len <= 6 - off ? len : 6 - off);
}

static void virtio_net_drop_backlog(struct virtio_net *n)
{
    while (n->backlog) {
        struct netdev_frame *f = n->backlog;
        n->backlog = f->next;
        free(f);
    }
    n->backlog_tail = NULL;
    n->backlog_count = 0;
}

/*
 * Put one frame into the next receive buffer. 1: done (or dropped as too big, with
 * its buffer returned empty), 0: no buffer posted, -EIO: the ring is broken.
 */
static int virtio_net_rx_one(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    uint8_t hdr[VIRTIO_NET_HDR_MODERN] = {0};
    int r = virtq_pop(n->vd, VIRTIO_NET_RXQ, &n->chain);
    if (r <= 0)
        return r;
    uint32_t written = 0;
    if (n->chain.write_len < n->hdr_len + len) {
        n->st.rx_too_big++;
    } else {
        virtio_put_le(hdr + 10, 1, 2); /* num_buffers (modern header only) */
        if (virtq_chain_write(n->vd, &n->chain, 0, hdr, n->hdr_len) == (long)n->hdr_len &&
            virtq_chain_write(n->vd, &n->chain, n->hdr_len, frame, len) == (long)len) {
            written = (uint32_t)(n->hdr_len + len);
            n->st.rx_frames++;
        } else {
            n->st.rx_dropped++;
        }
    }
    return virtq_push(n->vd, VIRTIO_NET_RXQ, &n->chain, written) < 0 ? -EIO : 1;
}

/* Move backlogged frames into posted buffers, oldest first (mutex held). */
static void virtio_net_rx_flush(struct virtio_net *n)
{
    while (n->backlog) {
        struct netdev_frame *f = n->backlog;
        int r = virtio_net_rx_one(n, f->data, f->len);
        if (r == 0)
            return;
        if (r < 0) {
            n->st.rx_dropped += n->backlog_count;
            virtio_net_drop_backlog(n);
            return;
        }
        n->backlog = f->next;
        if (!n->backlog)
            n->backlog_tail = NULL;
        n->backlog_count--;
        free(f);
    }
}

static void virtio_net_backlog_add(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    struct netdev_frame *f = NULL;
    if (n->backlog_count < VIRTIO_NET_RX_BACKLOG)
        f = malloc(sizeof(*f) + len);
    if (!f) {
        n->st.rx_dropped++;
        return;
    }
    f->next = NULL;
    f->len = len;
    memcpy(f->data, frame, len);
    if (n->backlog_tail)
        n->backlog_tail->next = f;
    else
        n->backlog = f;
    n->backlog_tail = f;
    n->backlog_count++;
}

/* The back end's receive callback (its own thread; see netdev.h). */
static void virtio_net_receive(void *opaque, const uint8_t *frame, size_t len)
{
    struct virtio_net *n = opaque;
    virtio_lock(n->vd);
    if (!virtq_ready(n->vd, VIRTIO_NET_RXQ)) {
        n->st.rx_dropped++;
    } else {
        virtio_net_rx_flush(n);
        int r = n->backlog ? 0 : virtio_net_rx_one(n, frame, len);
        if (r == 0)
            virtio_net_backlog_add(n, frame, len);
        else if (r < 0)
            n->st.rx_dropped++;
        virtq_notify(n->vd, VIRTIO_NET_RXQ);
    }
    virtio_unlock(n->vd);
}

/* Send every pending transmit request to the back end (mutex held). */
static void virtio_net_tx(struct virtio_net *n)
{
    int r;
    while ((r = virtq_pop(n->vd, VIRTIO_NET_TXQ, &n->chain)) == 1) {
        uint64_t total = n->chain.read_len;
        bool ok = total >= n->hdr_len + NETDEV_MIN_FRAME && total - n->hdr_len <= NETDEV_MAX_FRAME;
        size_t len = ok ? (size_t)(total - n->hdr_len) : 0;
        if (ok && virtq_chain_read(n->vd, &n->chain, n->hdr_len, n->txbuf, len) != (long)len)
            ok = false;
        if (virtq_push(n->vd, VIRTIO_NET_TXQ, &n->chain, 0) < 0)
            return;
        if (!ok) {
            n->st.tx_errors++;
            continue;
        }
        if (n->nd && netdev_send(n->nd, n->txbuf, len) == 0)
            n->st.tx_frames++;
        else
            n->st.tx_dropped++;
    }
    virtq_notify(n->vd, VIRTIO_NET_TXQ);
}

static void virtio_net_queue_notify(void *dev, struct virtio_dev *vd, unsigned q)
{
    struct virtio_net *n = dev;
    if (q == VIRTIO_NET_TXQ) {
        virtio_net_tx(n);
    } else if (q == VIRTIO_NET_RXQ) {
        virtio_net_rx_flush(n); /* new buffers: room for the backlog */
        virtq_notify(vd, VIRTIO_NET_RXQ);
    }
}

static void virtio_net_driver_ok(void *dev, struct virtio_dev *vd)
{
    struct virtio_net *n = dev;
    uint64_t f = virtio_features(vd);
    bool modern = f & (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
    n->hdr_len = modern ? VIRTIO_NET_HDR_MODERN : VIRTIO_NET_HDR_LEGACY;
}

static void virtio_net_reset(void *dev)
{
    struct virtio_net *n = dev;
    virtio_net_drop_backlog(n);
    n->hdr_len = VIRTIO_NET_HDR_MODERN;
}

static void virtio_net_attach_vd(void *dev, struct virtio_dev *vd)
{
    struct virtio_net *n = dev;
    n->vd = vd;
    if (n->nd && netdev_attach(n->nd, virtio_net_receive, n) < 0)
        dev_log_guest_error("virtio-net", "the network back end did not start");
}

void virtio_net_stop(void *dev)
{
    struct virtio_net *n = dev;
    struct netdev *nd;
    if (n->vd)
        virtio_lock(n->vd);
    nd = n->nd;
    n->nd = NULL;
    if (n->vd)
        virtio_unlock(n->vd);
    netdev_destroy(nd); /* joins its thread, which may be waiting for the mutex */
}

static void virtio_net_destroy(void *dev)
{
    struct virtio_net *n = dev;
    netdev_destroy(n->nd);
    virtio_net_drop_backlog(n);
    free(n);
}

void virtio_net_get_stats(void *dev, struct virtio_net_stats *st)
{
    struct virtio_net *n = dev;
    if (n->vd)
        virtio_lock(n->vd);
    *st = n->st;
    if (n->vd)
        virtio_unlock(n->vd);
}

const struct virtio_device_ops virtio_net_ops = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .num_queues = 2,
    .queue_max = VIRTIO_NET_QUEUE_SIZE,
    .config_size = VIRTIO_NET_CONFIG_SIZE,
    .features = virtio_net_features,
    .attach = virtio_net_attach_vd,
    .config_read = virtio_net_config_read,
    .config_write = virtio_net_config_write,
    .queue_notify = virtio_net_queue_notify,
    .driver_ok = virtio_net_driver_ok,
    .reset = virtio_net_reset,
    .destroy = virtio_net_destroy,
};

void *virtio_net_create(struct netdev *nd, const uint8_t mac[6])
{
    static const uint8_t default_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    struct virtio_net *n = calloc(1, sizeof(*n));
    if (!n) {
        netdev_destroy(nd);
        return NULL;
    }
    n->nd = nd;
    memcpy(n->mac, mac ? mac : default_mac, 6);
    n->hdr_len = VIRTIO_NET_HDR_MODERN;
    return n;
}

int virtio_net_make(const struct netdev_config *cfg, const uint8_t *mac, unsigned index,
                    struct netswitch_registry *switches, void **dev, char *err, size_t errlen)
{
    uint8_t m[6] = {0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + index)};
    struct netdev *nd;
    *dev = NULL;
    int r = netdev_create(cfg, switches, &nd, err, errlen);
    if (r < 0)
        return r;
    *dev = virtio_net_create(nd, mac ? mac : m);
    if (!*dev) {
        snprintf(err, errlen, "virtio-net: out of memory");
        return -ENOMEM;
    }
    return 0;
}

int virtio_net_make_from_options(const char *netdev, const char *mac, unsigned index,
                                 struct netswitch_registry *switches, void **dev, char *err,
                                 size_t errlen)
{
    struct netdev_config cfg;
    uint8_t m[6];
    *dev = NULL;
    int r = netdev_parse_option(netdev, NETDEV_OPT_NIC, &cfg, err, errlen);
    if (r < 0)
        return r;
    if (mac) {
        if (netdev_parse_mac(mac, m) < 0 || (m[0] & 1)) {
            snprintf(err, errlen, "virtio-net: bad MAC address '%s'", mac);
            return -EINVAL;
        }
    } else if (cfg.has_mac) {
        memcpy(m, cfg.mac, 6);
    }
    return virtio_net_make(&cfg, mac || cfg.has_mac ? m : NULL, index, switches, dev, err, errlen);
}
