/*
 * A raw disk-image file as a block back end: positioned reads and writes, flush, discard
 * and write-zeroes, and an advisory lock so that two writers (two VMs in this process or
 * two processes) never share an image. POSIX (pread/pwrite, OFD locks or flock) and
 * Windows (ReadFile/WriteFile with offsets, LockFileEx).
 *
 * Calls are synchronous. A failed flush is sticky: once data may have been lost, every
 * later flush fails too (as the kernel's own writeback errors are reported only once).
 */
#ifndef RVISOR_DEVICES_HOST_BLOCKDEV_H
#define RVISOR_DEVICES_HOST_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum blockdev_cache {
    BLOCKDEV_CACHE_WRITEBACK, /* host page cache; guest FLUSH = fdatasync (the default) */
    BLOCKDEV_CACHE_WRITETHROUGH, /* every write reaches the disk before it completes */
    BLOCKDEV_CACHE_UNSAFE,    /* guest FLUSH is ignored: fast, not crash-safe */
};

struct blockdev;

/*
 * Open and lock path. 0, or -errno with a one-line message in err (e.g. "disk.img is in
 * use by another VM or process", "disk.img: No such file or directory").
 */
int blockdev_open(const char *path, bool readonly, enum blockdev_cache cache,
                  struct blockdev **out, char *err, size_t errlen);
void blockdev_close(struct blockdev *bd);

/* File size in bytes at open time. */
uint64_t blockdev_size(const struct blockdev *bd);
bool blockdev_readonly(const struct blockdev *bd);

/* 0 or -errno; a short read past the end of the file reads zeros. */
int blockdev_pread(struct blockdev *bd, void *buf, size_t len, uint64_t off);
int blockdev_pwrite(struct blockdev *bd, const void *buf, size_t len, uint64_t off);
int blockdev_flush(struct blockdev *bd);
/* Deallocate the range (punch a hole; reads return zeros afterwards). */
int blockdev_discard(struct blockdev *bd, uint64_t off, uint64_t len);
/* Make the range read as zeros; unmap allows a hole instead of written zeros. */
int blockdev_write_zeroes(struct blockdev *bd, uint64_t off, uint64_t len, bool unmap);

#endif
