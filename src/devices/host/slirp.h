/*
 * User-mode networking on libslirp (`-netdev user`): the guest sits behind a NAT on
 * 10.0.2.0/24 as QEMU sets it up: gateway and host 10.0.2.2, DNS forwarder 10.0.2.3
 * (to the host's resolver), DHCP handing out 10.0.2.15 onwards, outbound TCP/UDP through
 * host sockets, and hostfwd rules from host ports to guest ports. Needs no privileges.
 *
 * Without libslirp at build time (RVISOR_HAVE_SLIRP undefined) slirp_netdev_create()
 * fails with -ENOTSUP and a message saying so.
 */
#ifndef RVISOR_DEVICES_HOST_SLIRP_H
#define RVISOR_DEVICES_HOST_SLIRP_H

#include <stddef.h>

struct netdev;
struct netdev_config;

/* 0, or -errno with a one-line message in err (e.g. a hostfwd port already in use). */
int slirp_netdev_create(const struct netdev_config *cfg, struct netdev **out, char *err,
                        size_t errlen);

#endif
