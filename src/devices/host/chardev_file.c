/*
 * A console back end writing to a file (chardev_file.h): QEMU's `-chardev file`, without
 * its input path. Written through with write(2) under a mutex.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <io.h>
#define write(fd, buf, n) _write((fd), (buf), (unsigned)(n))
#define close             _close
#define open              _open
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#else
#include <unistd.h>
#endif

#include "devices/chardev.h"
#include "devices/host/chardev_file.h"

struct chardev_file {
    struct chardev out;
    pthread_mutex_t lock;
    int fd;
    bool failed; /* a write failed: the error was reported, output is dropped */
    char *path;
};

static void file_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct chardev_file *f = opaque;
    pthread_mutex_lock(&f->lock);
    while (len && !f->failed) {
        long n = (long)write(f->fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            f->failed = true;
            fprintf(stderr, "rvisor: console file '%s': %s (output dropped from now on)\n", f->path,
                    n < 0 ? strerror(errno) : "cannot write");
            break;
        }
        buf += n;
        len -= (size_t)n;
    }
    pthread_mutex_unlock(&f->lock);
}

int chardev_file_open(const char *path, bool append, struct chardev_file **out, char *err,
                      size_t errlen)
{
    struct chardev_file *f = calloc(1, sizeof(*f));
    size_t n = strlen(path) + 1;
    *out = NULL;
    if (!f || !(f->path = malloc(n)) || pthread_mutex_init(&f->lock, NULL) != 0) {
        if (f)
            free(f->path);
        free(f);
        snprintf(err, errlen, "console file '%s': out of memory", path);
        return -ENOMEM;
    }
    memcpy(f->path, path, n);
    f->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
    if (f->fd < 0) {
        int e = errno;
        snprintf(err, errlen, "console file '%s': %s", path, strerror(e));
        pthread_mutex_destroy(&f->lock);
        free(f->path);
        free(f);
        return -e;
    }
    f->out = (struct chardev){file_write, f};
    *out = f;
    return 0;
}

const struct chardev *chardev_file_chardev(struct chardev_file *f)
{
    return &f->out;
}

void chardev_file_close(struct chardev_file *f)
{
    if (!f)
        return;
    close(f->fd);
    pthread_mutex_destroy(&f->lock);
    free(f->path);
    free(f);
}
