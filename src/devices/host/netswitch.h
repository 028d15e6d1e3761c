/*
 * An in-process virtual Ethernet switch: the VMs of one rvisor process share a LAN
 * through it (`-netdev switch,id=n0[,name=lan0]`). Each NIC gets a port, which is a
 * struct netdev back end (netdev.h). The switch learns source MACs per port, forwards
 * known unicast to one port and floods broadcast, multicast and unknown unicast to
 * every other port.
 *
 * Frames are queued by netdev_send() (any thread) and delivered by one delivery thread
 * per switch (started when the first port is attached), or by netswitch_poll() in tests.
 * No lock of the switch is held while a port's receive callback runs, except the
 * delivery lock, which senders never take.
 */
#ifndef RVISOR_DEVICES_HOST_NETSWITCH_H
#define RVISOR_DEVICES_HOST_NETSWITCH_H

#include <stdint.h>

struct netdev;
struct netswitch;
struct netswitch_registry;

#define NETSWITCH_MAX_PORTS 64
#define NETSWITCH_MAC_TABLE 256
#define NETSWITCH_QUEUE     1024 /* frames waiting for delivery; more are dropped */

struct netswitch_stats {
    uint64_t frames_in; /* frames sent into the switch */
    uint64_t forwarded; /* unicast frames sent to one learned port */
    uint64_t flooded;   /* frames sent to every other port */
    uint64_t filtered;  /* frames whose destination is on the source port */
    uint64_t dropped;   /* queue full, out of memory */
};

/* NULL on allocation failure. name is copied (truncated to 31 bytes). */
struct netswitch *netswitch_create(const char *name);
/* Stops the delivery thread. Every port must have been destroyed. */
void netswitch_destroy(struct netswitch *sw);
const char *netswitch_name(const struct netswitch *sw);

/* A new port as a back end; netdev_destroy() unplugs it. 0, -ENOSPC, -ENOMEM. */
int netswitch_port_create(struct netswitch *sw, struct netdev **out);

/* Start the delivery thread (once; later calls do nothing). 0 or -errno. */
int netswitch_start(struct netswitch *sw);
/* Deliver queued frames, waiting at most timeout_ms for one to arrive. */
void netswitch_poll(struct netswitch *sw, int timeout_ms);
void netswitch_get_stats(struct netswitch *sw, struct netswitch_stats *st);

/* The switches of one process, by name (created on first use). */
struct netswitch_registry *netswitch_registry_create(void);
/* Destroys every switch in it (their ports must be gone). */
void netswitch_registry_destroy(struct netswitch_registry *reg);
/* The switch called name, created if needed; NULL on allocation failure. */
struct netswitch *netswitch_registry_get(struct netswitch_registry *reg, const char *name);

#endif
