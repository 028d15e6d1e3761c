/*
 * The host's random source, for virtio-rng: getrandom() on Linux, getentropy() on macOS
 * and the BSDs, /dev/urandom as a fallback, BCryptGenRandom on Windows.
 */
#ifndef RVISOR_DEVICES_HOST_ENTROPY_H
#define RVISOR_DEVICES_HOST_ENTROPY_H

#include <stddef.h>

/* Fill buf with len random bytes. 0 or -errno. */
int entropy_fill(void *buf, size_t len);

#endif
