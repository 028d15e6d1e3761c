/*
 * A Linux TAP interface as network back end (`-netdev tap,id=n0,ifname=tap0`): frames go
 * to and come from an existing (or creatable) tapN device through /dev/net/tun. Needs
 * CAP_NET_ADMIN, or a persistent TAP device owned by the user (`ip tuntap add tap0 mode
 * tap user $USER`). On other hosts tap_netdev_create() fails with -ENOTSUP.
 */
#ifndef RVISOR_DEVICES_HOST_TAP_H
#define RVISOR_DEVICES_HOST_TAP_H

#include <stddef.h>

struct netdev;
struct netdev_config;

/* 0, or -errno with a one-line message in err (-EPERM: no permission for the device). */
int tap_netdev_create(const struct netdev_config *cfg, struct netdev **out, char *err,
                      size_t errlen);

#endif
