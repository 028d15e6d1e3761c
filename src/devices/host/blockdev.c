/*
 * Raw image files for virtio-blk (see blockdev.h).
 *
 * Locking: on Linux an open-file-description lock (F_OFD_SETLK) over the whole file,
 * elsewhere on POSIX flock(); both belong to the open file, so two VMs in one process
 * conflict just like two processes. Writers take an exclusive lock, read-only users a
 * shared one. On Windows, LockFileEx on the first byte range.
 * Flush: fdatasync (F_FULLFSYNC on macOS, which fsync alone does not push to the platter;
 * FlushFileBuffers on Windows). Discard: fallocate(PUNCH_HOLE) on Linux, F_PUNCHHOLE on
 * macOS, otherwise (and when the file system refuses) zeros are written, which keeps the
 * guest-visible result (reads return zeros) without freeing space.
 * Left out: O_DIRECT (cache=none), asynchronous I/O, image formats other than raw.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "devices/host/blockdev.h"

#define BLOCKDEV_ZERO_CHUNK (256 * 1024)

struct blockdev {
#ifdef _WIN32
    HANDLE h;
#else
    int fd;
#endif
    uint64_t size;
    bool readonly;
    enum blockdev_cache cache;
    int flush_error; /* sticky: 0 or the -errno of the first failed flush */
};

#ifdef _WIN32

static int win_errno(void)
{
    switch (GetLastError()) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return -ENOENT;
    case ERROR_ACCESS_DENIED: return -EACCES;
    case ERROR_LOCK_VIOLATION:
    case ERROR_SHARING_VIOLATION: return -EBUSY;
    case ERROR_HANDLE_EOF: return 0;
    default: return -EIO;
    }
}

static int bd_open_host(struct blockdev *bd, const char *path, char *err, size_t errlen)
{
    DWORD access = GENERIC_READ | (bd->readonly ? 0 : GENERIC_WRITE);
    DWORD flags = FILE_ATTRIBUTE_NORMAL |
                  (bd->cache == BLOCKDEV_CACHE_WRITETHROUGH ? FILE_FLAG_WRITE_THROUGH : 0);
    LARGE_INTEGER sz;
    OVERLAPPED ov = {0};
    int rc;

    bd->h = CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                        flags, NULL);
    if (bd->h == INVALID_HANDLE_VALUE) {
        rc = win_errno();
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
        return rc;
    }
    if (!LockFileEx(bd->h, (bd->readonly ? 0 : LOCKFILE_EXCLUSIVE_LOCK) |
                               LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
        snprintf(err, errlen, "%s is in use by another VM or process", path);
        CloseHandle(bd->h);
        return -EBUSY;
    }
    if (!GetFileSizeEx(bd->h, &sz)) {
        rc = win_errno();
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
        CloseHandle(bd->h);
        return rc;
    }
    bd->size = (uint64_t)sz.QuadPart;
    return 0;
}

static void bd_close_host(struct blockdev *bd)
{
    CloseHandle(bd->h);
}

static int bd_io(struct blockdev *bd, void *buf, size_t len, uint64_t off, bool write)
{
    uint8_t *p = buf;
    while (len) {
        OVERLAPPED ov = {0};
        DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len, got = 0;
        ov.Offset = (DWORD)off;
        ov.OffsetHigh = (DWORD)(off >> 32);
        BOOL ok = write ? WriteFile(bd->h, p, chunk, &got, &ov)
                        : ReadFile(bd->h, p, chunk, &got, &ov);
        if (!ok) {
            int rc = win_errno();
            if (rc != 0)
                return rc;
        }
        if (got == 0) {
            if (write)
                return -EIO;
            memset(p, 0, len); /* past the end of the file */
            return 0;
        }
        p += got;
        len -= got;
        off += got;
    }
    return 0;
}

static int bd_sync(struct blockdev *bd)
{
    return FlushFileBuffers(bd->h) ? 0 : -EIO;
}

static int bd_punch(struct blockdev *bd, uint64_t off, uint64_t len)
{
    return -EOPNOTSUPP;
}

#else /* POSIX */

static int bd_lock(struct blockdev *bd)
{
#if defined(F_OFD_SETLK)
    struct flock fl = {0};
    fl.l_type = bd->readonly ? F_RDLCK : F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(bd->fd, F_OFD_SETLK, &fl) == 0)
        return 0;
    if (errno != EINVAL)
        return -errno;
#endif
    if (flock(bd->fd, (bd->readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0)
        return 0;
    return -errno;
}

static int bd_open_host(struct blockdev *bd, const char *path, char *err, size_t errlen)
{
    int flags = (bd->readonly ? O_RDONLY : O_RDWR);
    struct stat st;
    int rc;

#ifdef O_CLOEXEC
    flags |= O_CLOEXEC;
#endif
    if (bd->cache == BLOCKDEV_CACHE_WRITETHROUGH)
        flags |= O_DSYNC;
    bd->fd = open(path, flags);
    if (bd->fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
        return rc;
    }
    if (fstat(bd->fd, &st) < 0) {
        rc = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
        goto fail;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        rc = -EINVAL;
        snprintf(err, errlen, "%s is not a regular file", path);
        goto fail;
    }
    rc = bd_lock(bd);
    if (rc == -EAGAIN || rc == -EACCES || rc == -EWOULDBLOCK) {
        snprintf(err, errlen, "%s is in use by another VM or process", path);
        goto fail;
    } else if (rc < 0) {
        snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(-rc));
        goto fail;
    }
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(bd->fd, 0, SEEK_END);
        bd->size = end > 0 ? (uint64_t)end : 0;
    } else {
        bd->size = (uint64_t)st.st_size;
    }
    return 0;
fail:
    close(bd->fd);
    return rc;
}

static void bd_close_host(struct blockdev *bd)
{
    close(bd->fd); /* releases the lock */
}

static int bd_io(struct blockdev *bd, void *buf, size_t len, uint64_t off, bool write)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = write ? pwrite(bd->fd, p, len, (off_t)off) : pread(bd->fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0) {
            if (write)
                return -EIO;
            memset(p, 0, len); /* past the end of the file */
            return 0;
        }
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

static int bd_sync(struct blockdev *bd)
{
#if defined(__APPLE__) && defined(F_FULLFSYNC)
    if (fcntl(bd->fd, F_FULLFSYNC) == 0)
        return 0;
#endif
#if defined(_POSIX_SYNCHRONIZED_IO) && _POSIX_SYNCHRONIZED_IO > 0 && !defined(__APPLE__)
    if (fdatasync(bd->fd) == 0)
        return 0;
#else
    if (fsync(bd->fd) == 0)
        return 0;
#endif
    return -errno;
}

static int bd_punch(struct blockdev *bd, uint64_t off, uint64_t len)
{
#if defined(__linux__) && defined(FALLOC_FL_PUNCH_HOLE)
    if (fallocate(bd->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
                  (off_t)len) == 0)
        return 0;
    return -errno;
#elif defined(__APPLE__) && defined(F_PUNCHHOLE)
    struct fpunchhole ph = {0};
    ph.fp_offset = (off_t)off;
    ph.fp_length = (off_t)len;
    return fcntl(bd->fd, F_PUNCHHOLE, &ph) == 0 ? 0 : -errno;
#else
    return -EOPNOTSUPP;
#endif
}

#endif /* POSIX */

int blockdev_open(const char *path, bool readonly, enum blockdev_cache cache,
                  struct blockdev **out, char *err, size_t errlen)
{
    struct blockdev *bd = calloc(1, sizeof(*bd));
    int rc;

    *out = NULL;
    if (!bd) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    bd->readonly = readonly;
    bd->cache = cache;
    rc = bd_open_host(bd, path, err, errlen);
    if (rc < 0) {
        free(bd);
        return rc;
    }
    *out = bd;
    return 0;
}

void blockdev_close(struct blockdev *bd)
{
    if (!bd)
        return;
    bd_close_host(bd);
    free(bd);
}

uint64_t blockdev_size(const struct blockdev *bd)
{
    return bd->size;
}

bool blockdev_readonly(const struct blockdev *bd)
{
    return bd->readonly;
}

int blockdev_pread(struct blockdev *bd, void *buf, size_t len, uint64_t off)
{
    return bd_io(bd, buf, len, off, false);
}

int blockdev_pwrite(struct blockdev *bd, const void *buf, size_t len, uint64_t off)
{
    if (bd->readonly)
        return -EROFS;
    return bd_io(bd, (void *)buf, len, off, true);
}

int blockdev_flush(struct blockdev *bd)
{
    if (bd->readonly || bd->cache == BLOCKDEV_CACHE_UNSAFE)
        return bd->flush_error;
    if (bd->flush_error)
        return bd->flush_error;
    int rc = bd_sync(bd);
    if (rc < 0)
        bd->flush_error = rc;
    return rc;
}

static int bd_write_zero_bytes(struct blockdev *bd, uint64_t off, uint64_t len)
{
    size_t chunk = len < BLOCKDEV_ZERO_CHUNK ? (size_t)len : BLOCKDEV_ZERO_CHUNK;
    uint8_t *z = calloc(1, chunk ? chunk : 1);
    int rc = 0;
    if (!z)
        return -ENOMEM;
    while (len && rc == 0) {
        size_t n = len < chunk ? (size_t)len : chunk;
        rc = bd_io(bd, z, n, off, true);
        off += n;
        len -= n;
    }
    free(z);
    return rc;
}

int blockdev_discard(struct blockdev *bd, uint64_t off, uint64_t len)
{
    if (bd->readonly)
        return -EROFS;
    if (len == 0)
        return 0;
    if (bd_punch(bd, off, len) == 0)
        return 0;
    return bd_write_zero_bytes(bd, off, len);
}

int blockdev_write_zeroes(struct blockdev *bd, uint64_t off, uint64_t len, bool unmap)
{
    if (bd->readonly)
        return -EROFS;
    if (len == 0)
        return 0;
    if (unmap && bd_punch(bd, off, len) == 0)
        return 0;
    return bd_write_zero_bytes(bd, off, len);
}
