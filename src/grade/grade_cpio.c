/*
 * Files added to a Linux initramfs without external tools: a newc cpio archive (the
 * kernel's "buffer-format", Documentation/driver-api/early-userspace) with the files and
 * their parent directories, appended to the base initrd. Linux unpacks concatenated
 * archives, later entries replacing earlier ones. After a gzip'd base the archive is a
 * gzip member of its own, written with stored (uncompressed) deflate blocks (RFC 1951
 * 3.2.4, RFC 1952), so no zlib is needed; rvisor's initrd check accepts several members.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade/grade.h"

struct buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

static void put(struct buf *b, const void *data, size_t len)
{
    if (b->oom)
        return;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

static void pad4(struct buf *b)
{
    static const uint8_t zero[4];
    put(b, zero, (4 - (b->len & 3)) & 3);
}

static void entry(struct buf *b, unsigned ino, const char *name, unsigned mode,
                  const uint8_t *data, size_t len)
{
    char hdr[111];
    size_t nlen = strlen(name) + 1;
    snprintf(hdr, sizeof(hdr),
             "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0u, 0u,
             1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)nlen, 0u);
    put(b, hdr, 110);
    put(b, name, nlen);
    pad4(b);
    if (len)
        put(b, data, len);
    pad4(b);
}

/* The newc archive: parent directories, then the files, then the trailer. */
static void make_cpio(struct buf *b, const struct grade_file *files, unsigned n)
{
    unsigned ino = 0x7e000;
    for (unsigned i = 0; i < n; i++) {
        const char *path = files[i].path + 1; /* names in the archive are relative */
        char dir[256];
        for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
            size_t l = (size_t)(s - path);
            if (l >= sizeof(dir))
                break;
            memcpy(dir, path, l);
            dir[l] = 0;
            entry(b, ino++, dir, 040755, NULL, 0);
        }
        entry(b, ino++, path, 0100000 | (files[i].mode & 07777), files[i].data, files[i].len);
    }
    entry(b, 0, "TRAILER!!!", 0, NULL, 0);
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* data as one gzip member of stored deflate blocks. */
static void gzip_stored(struct buf *out, const uint8_t *data, size_t len)
{
    static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    put(out, head, sizeof(head));
    size_t pos = 0;
    do {
        size_t n = len - pos > 65535 ? 65535 : len - pos;
        uint8_t bh[5] = {pos + n == len ? 1 : 0, (uint8_t)n, (uint8_t)(n >> 8),
                         (uint8_t)~n, (uint8_t)(~n >> 8)};
        put(out, bh, sizeof(bh));
        put(out, data + pos, n);
        pos += n;
    } while (pos < len);
    uint8_t tail[8];
    le32(tail, crc32_update(0, data, len));
    le32(tail + 4, (uint32_t)len);
    put(out, tail, sizeof(tail));
}

int grade_initrd(const char *base, const struct grade_file *files, unsigned nfiles,
                 char *out_path, size_t out_len, char *err, size_t errlen)
{
    struct buf cpio = {0}, gz = {0};
    uint8_t chunk[65536], magic[2] = {0, 0};
    int rc = -1, fd = -1;
    FILE *in = fopen(base, "rb"), *out = NULL;
    const char *tmp = getenv("TMPDIR");

    if (!in) {
        snprintf(err, errlen, "cannot read the initrd %s: %s", base, strerror(errno));
        return -1;
    }
    snprintf(out_path, out_len, "%s/rvisor-grade-initrd.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if ((fd = mkstemp(out_path)) < 0 || !(out = fdopen(fd, "wb"))) {
        snprintf(err, errlen, "cannot create a temporary initrd: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(out_path);
        }
        fclose(in);
        return -1;
    }
    size_t n, total = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
        if (total == 0 && n >= 2)
            memcpy(magic, chunk, 2);
        fwrite(chunk, 1, n, out);
        total += n;
    }
    if (ferror(in)) {
        snprintf(err, errlen, "cannot read the initrd %s", base);
        goto out;
    }
    make_cpio(&cpio, files, nfiles);
    if (magic[0] == 0x1f && magic[1] == 0x8b) {
        gzip_stored(&gz, cpio.p, cpio.len);
    } else {
        static const uint8_t zero[4];
        fwrite(zero, 1, (4 - (total & 3)) & 3, out); /* a cpio starts 4-byte aligned */
        put(&gz, cpio.p, cpio.len);
    }
    if (cpio.oom || gz.oom) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    fwrite(gz.p, 1, gz.len, out);
    if (ferror(out)) {
        snprintf(err, errlen, "cannot write the temporary initrd %s", out_path);
        goto out;
    }
    rc = 0;
out:
    fclose(in);
    if (fclose(out) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write the temporary initrd %s", out_path);
        rc = -1;
    }
    if (rc < 0)
        unlink(out_path);
    free(cpio.p);
    free(gz.p);
    return rc;
}
