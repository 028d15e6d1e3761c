/*
 * Host random bytes (see entropy.h). getentropy() returns at most 256 bytes per call, so
 * requests are cut into pieces of that size on every platform.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>

#ifdef _WIN32
#include <windows.h>
#include <bcrypt.h>
#else
#include <fcntl.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h>
#elif defined(__APPLE__)
#include <sys/random.h>
#endif
#endif

#include "devices/host/entropy.h"

#define ENTROPY_PIECE 256

#ifdef _WIN32

int entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ULONG n = len > (1u << 30) ? (1u << 30) : (ULONG)len;
        if (BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return -EIO;
        p += n;
        len -= n;
    }
    return 0;
}

#else

static int entropy_urandom(uint8_t *p, size_t len)
{
    int flags = O_RDONLY;
#ifdef O_CLOEXEC
    flags |= O_CLOEXEC;
#endif
    int fd = open("/dev/urandom", flags);
    if (fd < 0)
        return -errno;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int rc = n < 0 ? -errno : -EIO;
            close(fd);
            return rc;
        }
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return 0;
}

int entropy_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        size_t n = len < ENTROPY_PIECE ? len : ENTROPY_PIECE;
#if defined(__linux__) || defined(__APPLE__) || defined(__OpenBSD__) || defined(__FreeBSD__)
        if (getentropy(p, n) != 0)
            return entropy_urandom(p, len);
#else
        return entropy_urandom(p, len);
#endif
        p += n;
        len -= n;
    }
    return 0;
}

#endif
