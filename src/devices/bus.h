/*
 * The physical address space of one machine: a sorted map of non-overlapping regions,
 * each either RAM (a host buffer) or a device (struct device_ops + opaque state).
 *
 * Harts reach RAM through their TLB using bus_ram_ptr(); everything else goes through
 * bus_read()/bus_write(), which check bounds and access sizes and return -1 for an
 * access the guest must see as an access fault. Devices doing DMA use bus_dma_read()/
 * bus_dma_write(), which only ever touch RAM and check the whole range.
 */
#ifndef RVISOR_DEVICES_BUS_H
#define RVISOR_DEVICES_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

struct bus;
struct ram_commit;

struct bus_region {
    uint64_t base;
    uint64_t size;
    uint8_t *ram; /* non-NULL for RAM regions */
    struct ram_commit *commit; /* RAM with commit accounting (bus_ram_track), or NULL */
    const struct device_ops *ops;
    void *dev;
};

struct bus *bus_create(void);
/* Destroys the bus and calls ops->destroy of every device on it. RAM is not freed. */
void bus_destroy(struct bus *bus);

/* 0, or -EEXIST for an overlap, -EINVAL for a bad range, -ENOMEM. */
int bus_add_ram(struct bus *bus, uint64_t base, uint64_t size, uint8_t *host);
int bus_add_device(struct bus *bus, uint64_t base, uint64_t size, const struct device_ops *ops,
                   void *dev);

/* The region containing addr, or NULL. */
const struct bus_region *bus_find(const struct bus *bus, uint64_t addr);
/* Host pointer for [addr, addr+len) if it lies entirely in one RAM region, else NULL. */
uint8_t *bus_ram_ptr(const struct bus *bus, uint64_t addr, uint64_t len);

/*
 * The same for a write: the pages of the range count as committed from now on (memory
 * quotas; see bus_ram_track). Every path that writes guest RAM through a host pointer
 * gets it here, or from a TLB entry filled from here.
 */
uint8_t *bus_ram_ptr_write(const struct bus *bus, uint64_t addr, uint64_t len);
/* Note a write to [addr, addr+len) done through a pointer obtained otherwise (loaders). */
void bus_ram_note_write(const struct bus *bus, uint64_t addr, uint64_t len);

/*
 * Commit accounting for the RAM region at base: a bitmap of 4 KiB pages written at least
 * once. on_commit(opaque, total) runs on the writing thread each time a page is first
 * written, with the region's new total of committed pages (it must be quick and must
 * not touch the bus; NULL: none). On a tracked region only the listener changes: the
 * pages written so far stay counted. 0, -ENOENT if base is not a RAM region, -ENOMEM.
 */
int bus_ram_track(struct bus *bus, uint64_t base,
                  void (*on_commit)(void *opaque, uint64_t pages), void *opaque);
/* Pages of the region at base written so far (0 if untracked). */
uint64_t bus_ram_committed(const struct bus *bus, uint64_t base);

/* size is 1, 2, 4 or 8; addr need not be aligned. 0 or -1 (access fault). */
int bus_read(struct bus *bus, uint64_t addr, unsigned size, uint64_t *val);
int bus_write(struct bus *bus, uint64_t addr, unsigned size, uint64_t val);

/* Copy to/from RAM only; -1 if any byte of the range is not RAM. */
int bus_dma_read(const struct bus *bus, uint64_t addr, void *dst, size_t len);
int bus_dma_write(const struct bus *bus, uint64_t addr, const void *src, size_t len);

/* Iterate regions in address order (for the device tree builder). */
size_t bus_region_count(const struct bus *bus);
const struct bus_region *bus_region_at(const struct bus *bus, size_t i);

/* Reset every device. */
void bus_reset(struct bus *bus);

#endif
