/*
 * Network back ends: where a guest NIC's Ethernet frames go and where received frames come
 * from. virtio-net talks to every back end (libslirp user networking, the in-process
 * switch, Linux TAP) through this one interface, and so can a test's fake back end.
 *
 * Frames are whole Ethernet frames without FCS (destination MAC first), at most
 * NETDEV_MAX_FRAME bytes, and never carry a virtio header.
 *
 * Threading contract:
 *  - netdev_send() is called by the NIC on a vCPU thread, possibly with the NIC's own
 *    lock held. It never blocks for long and NEVER calls a receive callback itself: a
 *    back end queues the frame (or writes it to a file descriptor) and does the rest on
 *    its own thread. A back end that cannot take the frame drops it (TCP retransmits).
 *  - The back end delivers received frames by calling the receive callback set with
 *    netdev_attach(), only from its own I/O thread (started by netdev_start(), i.e. by
 *    netdev_attach()) or from netdev_poll(). The callback copies the frame, does not
 *    block for long, and may call netdev_send() (which only queues).
 *  - netdev_poll() runs one round of the back end's I/O and timers, waiting at most
 *    timeout_ms for something to happen. The I/O thread calls it in a loop; a unit test
 *    (or a single-threaded run) may call it instead of starting the thread.
 *  - netdev_destroy() stops the I/O thread first; after it returns the callback is never
 *    called again.
 *
 * Back ends are made from an option string (`-netdev user,id=n0,hostfwd=...`) by
 * netdev_parse_option() and netdev_create() in netdev.c.
 */
#ifndef RVISOR_DEVICES_HOST_NETDEV_H
#define RVISOR_DEVICES_HOST_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX_FRAME   65562 /* 64 KiB payload + Ethernet header + VLAN tag, as QEMU */
#define NETDEV_MIN_FRAME   14    /* an Ethernet header */
#define NETDEV_ID_MAX      32
#define NETDEV_NAME_MAX    32
#define NETDEV_MAX_HOSTFWD 16

struct netdev;

/* A frame for the NIC (see the threading contract above). */
typedef void (*netdev_receive_fn)(void *opaque, const uint8_t *frame, size_t len);

struct netdev_ops {
    const char *name;
    /* One frame from the NIC to the network: 0, or -errno (the frame is dropped). */
    int (*send)(struct netdev *nd, const uint8_t *frame, size_t len);
    /* Start the back end's I/O thread, if it has one (may be NULL). 0 or -errno. */
    int (*start)(struct netdev *nd);
    /* One round of I/O and timers, waiting at most timeout_ms (may be NULL). */
    void (*poll)(struct netdev *nd, int timeout_ms);
    /* Stop the I/O thread, release everything, free nd. */
    void (*destroy)(struct netdev *nd);
};

/* The part every back end shares; a back end's private struct starts with it. */
struct netdev {
    const struct netdev_ops *ops;
    netdev_receive_fn receive;
    void *receive_opaque;
};

enum netdev_kind {
    NETDEV_USER,   /* libslirp: NAT to the host's network, DHCP, DNS, hostfwd */
    NETDEV_SWITCH, /* an in-process L2 switch shared by the VMs of this process */
    NETDEV_TAP,    /* a Linux TAP interface */
};

/* hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT */
struct netdev_hostfwd {
    bool udp;
    uint32_t host_addr; /* IPv4, host byte order; default 127.0.0.1 */
    uint16_t host_port;
    uint32_t guest_addr; /* IPv4, host byte order; 0: the DHCP address (10.0.2.15) */
    uint16_t guest_port;
};

/* What -netdev/-nic asked for. */
struct netdev_config {
    enum netdev_kind kind;
    char id[NETDEV_ID_MAX];     /* -netdev id=; "" for -nic */
    char name[NETDEV_NAME_MAX]; /* switch: name=, default "default"; tap: ifname= */
    struct netdev_hostfwd hostfwd[NETDEV_MAX_HOSTFWD];
    unsigned nhostfwd;
    bool restrict_net; /* user: restrict=on, no connections beyond the host's loopback */
    /* -nic only: the NIC's MAC (mac=) and model (model=, default virtio-net-device). */
    bool has_mac;
    uint8_t mac[6];
};

/* What -device virtio-net-device,netdev=ID[,mac=MAC] asked for. */
struct netdev_nic_config {
    char netdev[NETDEV_ID_MAX];
    bool has_mac;
    uint8_t mac[6];
};

enum netdev_option {
    NETDEV_OPT_NETDEV, /* the argument of -netdev */
    NETDEV_OPT_NIC,    /* the argument of -nic (a back end and its NIC in one) */
};

/*
 * Parse the argument of -netdev or -nic. 0, or -EINVAL with a one-line message in err
 * (e.g. "hostfwd: bad port '70000'").
 */
int netdev_parse_option(const char *arg, enum netdev_option which, struct netdev_config *cfg,
                        char *err, size_t errlen);
/*
 * Parse the argument of -device when it names virtio-net-device (or virtio-net):
 * "virtio-net-device,netdev=ID[,mac=MAC][,id=NAME]". 0, or -EINVAL with a message;
 * -ENOENT if the device is another one (so the caller can try other device kinds).
 */
int netdev_parse_nic(const char *arg, struct netdev_nic_config *nic, char *err, size_t errlen);
/* "52:54:00:12:34:56" -> mac. 0 or -EINVAL. */
int netdev_parse_mac(const char *s, uint8_t mac[6]);

struct netswitch_registry;

/*
 * Make the back end cfg asks for. A switch back end plugs a new port into the switch of
 * that name in switches (created on first use; the registry must outlive the back end);
 * other kinds ignore switches. 0, or -errno with a one-line message in err (-ENOTSUP: not
 * built in / not on this host; -EPERM: no permission, e.g. for TAP).
 */
int netdev_create(const struct netdev_config *cfg, struct netswitch_registry *switches,
                  struct netdev **out, char *err, size_t errlen);

/* Set the receiver, then start the back end's I/O thread. 0 or -errno. */
int netdev_attach(struct netdev *nd, netdev_receive_fn receive, void *opaque);
/* Set the receiver without starting any thread (tests drive the back end by netdev_poll). */
void netdev_set_receiver(struct netdev *nd, netdev_receive_fn receive, void *opaque);
int netdev_send(struct netdev *nd, const uint8_t *frame, size_t len);
void netdev_poll(struct netdev *nd, int timeout_ms);
void netdev_destroy(struct netdev *nd);

/*
 * For back ends: a bounded FIFO of frames, filled by netdev_send() on vCPU threads and
 * drained by the back end's thread. Thread-safe (its own mutex).
 */
struct netdev_frame {
    struct netdev_frame *next;
    size_t len;
    uint8_t data[];
};

struct netdev_queue;

struct netdev_queue *netdev_queue_create(unsigned max_frames);
void netdev_queue_destroy(struct netdev_queue *q);
/* Copy a frame in: 0, or -ENOBUFS when the queue is full, -ENOMEM. */
int netdev_queue_put(struct netdev_queue *q, const uint8_t *frame, size_t len);
/* Take every queued frame, oldest first (a list linked by next; free each with free()). */
struct netdev_frame *netdev_queue_take_all(struct netdev_queue *q);
/* Frames dropped because the queue was full. */
uint64_t netdev_queue_drops(struct netdev_queue *q);

/* For back ends: hand a received frame to the NIC (dropped if none is attached). */
static inline void netdev_deliver(struct netdev *nd, const uint8_t *frame, size_t len)
{
    if (nd->receive && len >= NETDEV_MIN_FRAME && len <= NETDEV_MAX_FRAME)
        nd->receive(nd->receive_opaque, frame, len);
}

#endif
