/*
 * HTIF polling (see htif.h). Every guest address is bounds-checked against RAM; a bad
 * command is ignored (acknowledged with 0) rather than trusted.
 */
#include <string.h>

#include "devices/chardev.h"
#include "hv/htif.h"

#define SYS_WRITE 64
#define SYS_EXIT 93

static uint8_t *htif_ptr(struct htif *h, uint64_t addr, uint64_t len)
{
    if (addr < h->ram_base || addr - h->ram_base > h->ram_size ||
        len > h->ram_size - (addr - h->ram_base))
        return NULL;
    return h->ram + (addr - h->ram_base);
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The syscall proxy: magic memory holds {num, a0, a1, a2, ...}; the result goes in [0]. */
static bool htif_syscall(struct htif *h, uint64_t addr, unsigned *code)
{
    uint8_t *mm = htif_ptr(h, addr, 64);
    if (!mm)
        return false;
    uint64_t num = rd64(mm), a0 = rd64(mm + 8), a1 = rd64(mm + 16), a2 = rd64(mm + 24);
    if (num == SYS_EXIT) {
        *code = (unsigned)a0;
        return true;
    }
    uint64_t ret = (uint64_t)-38; /* -ENOSYS */
    if (num == SYS_WRITE && (a0 == 1 || a0 == 2)) {
        uint8_t *buf = htif_ptr(h, a1, a2);
        if (buf) {
            chardev_write(h->console, buf, (size_t)a2);
            ret = a2;
        } else {
            ret = (uint64_t)-14; /* -EFAULT */
        }
    }
    wr64(mm, ret);
    return false;
}

bool htif_poll(struct htif *h, unsigned *code)
{
    uint8_t *to = htif_ptr(h, h->tohost, 8);
    uint8_t *from = h->fromhost ? htif_ptr(h, h->fromhost, 8) : NULL;
    if (!h->tohost || !to)
        return false;
    uint64_t v = rd64(to);
    if (v == 0)
        return false;
    unsigned dev = (unsigned)(v >> 56), cmd = (unsigned)(v >> 48) & 0xff;
    uint64_t payload = v & ((1ull << 48) - 1);
    wr64(to, 0);
    if (dev == 0 && cmd == 0) {
        if (payload & 1) {
            *code = (unsigned)(payload >> 1);
            return true;
        }
        if (htif_syscall(h, payload, code))
            return true;
        if (from)
            wr64(from, 1);
        return false;
    }
    if (dev == 1 && cmd == 1) {
        uint8_t c = (uint8_t)payload;
        chardev_write(h->console, &c, 1);
    }
    if (from)
        wr64(from, (uint64_t)dev << 56 | (uint64_t)cmd << 48);
    return false;
}
