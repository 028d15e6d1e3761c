/*
 * The SiFive test finisher as QEMU's "sifive,test" device models it (hw/misc/sifive_test):
 * one 32-bit register at offset 0. Writing
 *   0x5555                -> pass: power off, exit status 0
 *   0x3333 | code << 16   -> fail: exit status `code`
 *   0x7777                -> reset (reboot)
 * Other values and other offsets are guest errors (logged, ignored). Reads return 0.
 * Left out: nothing (the device tree node comes with the board's fdt builder).
 *
 * Register map (size 0x1000, 2- or 4-byte accesses):
 *   0x000  FINISHER  W  status in bits 15:0, exit code in bits 31:16
 */
#include <stdlib.h>

#include "devices/dev_fdt.h"
#include "devices/sifive_test.h"

enum {
    FINISHER_REG = 0x0,
    FINISHER_STATUS_FAIL = 0x3333,
    FINISHER_STATUS_PASS = 0x5555,
    FINISHER_STATUS_RESET = 0x7777,
};

struct sifive_test {
    void (*on_event)(void *opaque, enum finisher_event ev, unsigned code);
    void *opaque;
};

static int sifive_test_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    *val = 0;
    return 0;
}

static void sifive_test_emit(struct sifive_test *t, enum finisher_event ev, unsigned code)
{
    if (t->on_event)
        t->on_event(t->opaque, ev, code);
}

static int sifive_test_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct sifive_test *t = dev;
    unsigned status = (unsigned)(val & 0xffff);
    unsigned code = (unsigned)((val >> 16) & 0xffff);

    if (off != FINISHER_REG) {
        dev_log_guest_error("sifive_test", "write to offset 0x%llx", (unsigned long long)off);
        return 0;
    }
    switch (status) {
    case FINISHER_STATUS_PASS: sifive_test_emit(t, FINISHER_PASS, 0); break;
    case FINISHER_STATUS_FAIL: sifive_test_emit(t, FINISHER_FAIL, code); break;
    case FINISHER_STATUS_RESET: sifive_test_emit(t, FINISHER_RESET, 0); break;
    default: dev_log_guest_error("sifive_test", "unknown command 0x%llx", (unsigned long long)val);
    }
    return 0;
}

static void sifive_test_destroy(void *dev)
{
    free(dev);
}

/* Also a syscon: the board adds syscon-poweroff/-reboot nodes that point at it. */
static int sifive_test_fdt_node(void *dev, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "sifive,test1\0sifive,test0\0syscon";
    return dev_fdt_node(fdt, parent, "test", base, SIFIVE_TEST_SIZE, compat, sizeof(compat));
}

const struct device_ops sifive_test_ops = {
    .fdt_node = sifive_test_fdt_node,
    .name = "sifive_test",
    .read = sifive_test_read,
    .write = sifive_test_write,
    .min_access = 2,
    .max_access = 4,
    .destroy = sifive_test_destroy,
};

struct sifive_test *sifive_test_create(void (*on_event)(void *opaque, enum finisher_event ev,
                                                        unsigned code),
                                       void *opaque)
{
    struct sifive_test *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->on_event = on_event;
    t->opaque = opaque;
    return t;
}
