/*
 * virtio-blk (virtio 1.2, 5.2 "Block Device"): one request queue of 256 entries.
 *
 * A request is a chain: a 16-byte readable header {u32 type, u32 reserved, u64 sector},
 * the data (readable for OUT, DISCARD and WRITE_ZEROES; writable for IN and GET_ID) and a
 * final writable status byte (5.2.6). Offsets into the chain are used, never descriptor
 * boundaries, so any layout works (VIRTIO_F_ANY_LAYOUT / 2.6.4).
 *
 * Features: SEG_MAX, BLK_SIZE (512), FLUSH, DISCARD, WRITE_ZEROES, and RO for a
 * read-only drive (which also refuses writes with IOERR). Capacity is the file size in
 * whole 512-byte sectors. A request past the end, or with a length that is not a multiple
 * of 512, gets VIRTIO_BLK_S_IOERR; a header or status byte missing puts the device into
 * DEVICE_NEEDS_RESET. Unknown types get VIRTIO_BLK_S_UNSUPP.
 * Left out: multiple queues (MQ), GET_LIFETIME, SECURE_ERASE, zoned devices, CONFIG_WCE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_blk.h"

enum {
    VIRTIO_BLK_F_SEG_MAX = 2,
    VIRTIO_BLK_F_RO = 5,
    VIRTIO_BLK_F_BLK_SIZE = 6,
    VIRTIO_BLK_F_FLUSH = 9,
    VIRTIO_BLK_F_DISCARD = 13,
    VIRTIO_BLK_F_WRITE_ZEROES = 14,
};

enum virtio_blk_type {
    VIRTIO_BLK_T_IN = 0,
    VIRTIO_BLK_T_OUT = 1,
    VIRTIO_BLK_T_FLUSH = 4,
    VIRTIO_BLK_T_GET_ID = 8,
    VIRTIO_BLK_T_DISCARD = 11,
    VIRTIO_BLK_T_WRITE_ZEROES = 13,
};

enum { VIRTIO_BLK_S_OK = 0, VIRTIO_BLK_S_IOERR = 1, VIRTIO_BLK_S_UNSUPP = 2 };

/* Configuration space offsets (5.2.4). */
enum {
    BLK_CFG_CAPACITY = 0,
    BLK_CFG_SEG_MAX = 12,
    BLK_CFG_BLK_SIZE = 20,
    BLK_CFG_MAX_DISCARD_SECTORS = 36,
    BLK_CFG_MAX_DISCARD_SEG = 40,
    BLK_CFG_DISCARD_ALIGN = 44,
    BLK_CFG_MAX_WZ_SECTORS = 48,
    BLK_CFG_MAX_WZ_SEG = 52,
    BLK_CFG_WZ_MAY_UNMAP = 56,
    BLK_CFG_SIZE = 60,
};

#define BLK_SECTOR 512u
#define BLK_QUEUE_SIZE 256u
#define BLK_BOUNCE (256u * 1024u)
#define BLK_MAX_DISCARD_SECTORS (UINT32_C(1) << 22) /* 2 GiB per segment */
#define BLK_MAX_DISCARD_SEG 32u
#define BLK_ID_BYTES 20u

struct virtio_blk {
    struct blockdev *bd;
    uint64_t sectors;
    char serial[BLK_ID_BYTES];
    uint8_t config[BLK_CFG_SIZE];
    uint8_t *bounce;
    struct virtq_chain chain;
};

static uint64_t blk_features(void *dev)
{
    struct virtio_blk *b = dev;
    uint64_t f = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
    if (blockdev_readonly(b->bd))
        return f | VIRTIO_BIT(VIRTIO_BLK_F_RO);
    return f | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
}

static void blk_config_read(void *dev, uint32_t off, void *buf, unsigned len)
{
    struct virtio_blk *b = dev;
    memcpy(buf, b->config + off, len);
}

/* Is [sector, sector + count) inside the disk? */
static bool blk_in_range(const struct virtio_blk *b, uint64_t sector, uint64_t count)
{
    return sector <= b->sectors && count <= b->sectors - sector;
}

static uint8_t blk_read(struct virtio_blk *b, struct virtio_dev *vd, const struct virtq_chain *c,
                        uint64_t sector)
{
    uint64_t len = c->write_len - 1, done = 0;
    if (len % BLK_SECTOR || !blk_in_range(b, sector, len / BLK_SECTOR))
        return VIRTIO_BLK_S_IOERR;
    while (done < len) {
        size_t n = len - done < BLK_BOUNCE ? (size_t)(len - done) : BLK_BOUNCE;
        if (blockdev_pread(b->bd, b->bounce, n, sector * BLK_SECTOR + done) < 0 ||
            virtq_chain_write(vd, c, done, b->bounce, n) != (long)n)
            return VIRTIO_BLK_S_IOERR;
        done += n;
    }
    return VIRTIO_BLK_S_OK;
}

static uint8_t blk_write(struct virtio_blk *b, struct virtio_dev *vd, const struct virtq_chain *c,
                         uint64_t sector)
{
    uint64_t len = c->read_len - 16, done = 0;
    if (blockdev_readonly(b->bd) || len % BLK_SECTOR ||
        !blk_in_range(b, sector, len / BLK_SECTOR))
        return VIRTIO_BLK_S_IOERR;
    while (done < len) {
        size_t n = len - done < BLK_BOUNCE ? (size_t)(len - done) : BLK_BOUNCE;
        if (virtq_chain_read(vd, c, 16 + done, b->bounce, n) != (long)n ||
            blockdev_pwrite(b->bd, b->bounce, n, sector * BLK_SECTOR + done) < 0)
            return VIRTIO_BLK_S_IOERR;
        done += n;
    }
    return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: an array of {u64 sector, u32 num_sectors, u32 flags} (5.2.6). */
static uint8_t blk_discard(struct virtio_blk *b, struct virtio_dev *vd,
                           const struct virtq_chain *c, bool zeroes)
{
    uint64_t len = c->read_len - 16;
    uint8_t seg[16];
    if (blockdev_readonly(b->bd))
        return VIRTIO_BLK_S_IOERR;
    if (len == 0 || len % 16 || len / 16 > (zeroes ? 1 : BLK_MAX_DISCARD_SEG))
        return VIRTIO_BLK_S_UNSUPP;
    for (uint64_t off = 16; off < c->read_len; off += 16) {
        if (virtq_chain_read(vd, c, off, seg, sizeof(seg)) != (long)sizeof(seg))
            return VIRTIO_BLK_S_IOERR;
        uint64_t sector = virtio_get_le(seg, 8);
        uint32_t num = (uint32_t)virtio_get_le(seg + 8, 4);
        uint32_t flags = (uint32_t)virtio_get_le(seg + 12, 4);
        /* only the unmap bit is defined, and only for WRITE_ZEROES (5.2.6.2) */
        if ((flags & ~1u) || (!zeroes && flags))
            return VIRTIO_BLK_S_UNSUPP;
        if (num > BLK_MAX_DISCARD_SECTORS || !blk_in_range(b, sector, num))
            return VIRTIO_BLK_S_IOERR;
        int rc = zeroes ? blockdev_write_zeroes(b->bd, sector * BLK_SECTOR,
                                                (uint64_t)num * BLK_SECTOR, flags & 1)
                        : blockdev_discard(b->bd, sector * BLK_SECTOR,
                                           (uint64_t)num * BLK_SECTOR);
        if (rc < 0)
            return VIRTIO_BLK_S_IOERR;
    }
    return VIRTIO_BLK_S_OK;
}

/* Serve one request; false if the chain is malformed (device now needs reset). */
static bool blk_request(struct virtio_blk *b, struct virtio_dev *vd, const struct virtq_chain *c)
{
    uint8_t hdr[16], status;
    uint64_t sector;
    uint64_t written = c->write_len;

    if (c->read_len < sizeof(hdr) || c->write_len < 1 ||
        virtq_chain_read(vd, c, 0, hdr, sizeof(hdr)) != (long)sizeof(hdr)) {
        virtio_set_needs_reset(vd, "virtio-blk request without header or status byte");
        return false;
    }
    sector = virtio_get_le(hdr + 8, 8);
    switch ((uint32_t)virtio_get_le(hdr, 4)) {
    case VIRTIO_BLK_T_IN: status = blk_read(b, vd, c, sector); break;
    case VIRTIO_BLK_T_OUT: status = blk_write(b, vd, c, sector); break;
    case VIRTIO_BLK_T_FLUSH:
        status = blockdev_flush(b->bd) < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
        break;
    case VIRTIO_BLK_T_GET_ID: {
        size_t n = c->write_len - 1 < BLK_ID_BYTES ? (size_t)c->write_len - 1 : BLK_ID_BYTES;
        status = virtq_chain_write(vd, c, 0, b->serial, n) == (long)n ? VIRTIO_BLK_S_OK
                                                                       : VIRTIO_BLK_S_IOERR;
        break;
    }
    case VIRTIO_BLK_T_DISCARD: status = blk_discard(b, vd, c, false); break;
    case VIRTIO_BLK_T_WRITE_ZEROES: status = blk_discard(b, vd, c, true); break;
    default: status = VIRTIO_BLK_S_UNSUPP; break;
    }
    if (virtq_chain_write(vd, c, c->write_len - 1, &status, 1) != 1)
        return false;
    return virtq_push(vd, 0, c, written > UINT32_MAX ? UINT32_MAX : (uint32_t)written) == 0;
}

static void blk_queue_notify(void *dev, struct virtio_dev *vd, unsigned q)
{
    struct virtio_blk *b = dev;
    while (virtq_pop(vd, q, &b->chain) == 1)
        if (!blk_request(b, vd, &b->chain))
            break;
    virtq_notify(vd, q);
}

static void blk_destroy(void *dev)
{
    struct virtio_blk *b = dev;
    blockdev_close(b->bd);
    free(b->bounce);
    free(b);
}

const struct virtio_device_ops virtio_blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .num_queues = 1,
    .queue_max = BLK_QUEUE_SIZE,
    .config_size = BLK_CFG_SIZE,
    .features = blk_features,
    .config_read = blk_config_read,
    .queue_notify = blk_queue_notify,
    .destroy = blk_destroy,
};

void *virtio_blk_create(struct blockdev *bd, const char *serial)
{
    struct virtio_blk *b = calloc(1, sizeof(*b));
    uint8_t *cfg;
    if (!b || !(b->bounce = malloc(BLK_BOUNCE))) {
        free(b);
        blockdev_close(bd);
        return NULL;
    }
    b->bd = bd;
    b->sectors = blockdev_size(bd) / BLK_SECTOR;
    for (size_t i = 0; serial && i < sizeof(b->serial) && serial[i]; i++)
        b->serial[i] = serial[i];
    cfg = b->config;
    virtio_put_le(cfg + BLK_CFG_CAPACITY, b->sectors, 8);
    virtio_put_le(cfg + BLK_CFG_SEG_MAX, BLK_QUEUE_SIZE - 2, 4);
    virtio_put_le(cfg + BLK_CFG_BLK_SIZE, BLK_SECTOR, 4);
    virtio_put_le(cfg + BLK_CFG_MAX_DISCARD_SECTORS, BLK_MAX_DISCARD_SECTORS, 4);
    virtio_put_le(cfg + BLK_CFG_MAX_DISCARD_SEG, BLK_MAX_DISCARD_SEG, 4);
    virtio_put_le(cfg + BLK_CFG_DISCARD_ALIGN, 8, 4); /* 4 KiB, the host's hole granule */
    virtio_put_le(cfg + BLK_CFG_MAX_WZ_SECTORS, BLK_MAX_DISCARD_SECTORS, 4);
    virtio_put_le(cfg + BLK_CFG_MAX_WZ_SEG, 1, 4);
    cfg[BLK_CFG_WZ_MAY_UNMAP] = 1;
    return b;
}
