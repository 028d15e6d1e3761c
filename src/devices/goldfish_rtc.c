/*
 * Goldfish RTC (Android emulator "goldfish" platform, documented in the Android emulator
 * sources' GOLDFISH-VIRTUAL-HARDWARE.TXT; behaviour as Linux drivers/rtc/rtc-goldfish.c
 * expects and QEMU's hw/rtc/goldfish_rtc.c implements).
 *
 * The time is 64-bit nanoseconds. Reading TIME_LOW returns the low half and latches the
 * high half for the following TIME_HIGH read. Writing TIME_LOW or TIME_HIGH replaces that
 * half of the current time (Linux writes HIGH then LOW). Writing ALARM_LOW arms the alarm
 * at (ALARM_HIGH << 32 | value); an alarm already due fires at once. The interrupt line is
 * high while an alarm has fired (until CLEAR_INTERRUPT) and IRQ_ENABLED is set.
 * Left out: nothing the driver uses.
 *
 * Register map (size 0x1000, 4-byte accesses):
 *   0x00 TIME_LOW         RW  read latches TIME_HIGH
 *   0x04 TIME_HIGH        RW
 *   0x08 ALARM_LOW        RW  write arms the alarm
 *   0x0c ALARM_HIGH       RW
 *   0x10 IRQ_ENABLED      RW  bit 0
 *   0x14 CLEAR_ALARM      W   disarm
 *   0x18 ALARM_STATUS     R   1 while armed
 *   0x1c CLEAR_INTERRUPT  W   acknowledge
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "devices/dev_fdt.h"
#include "devices/goldfish_rtc.h"

enum goldfish_rtc_reg {
    RTC_TIME_LOW = 0x00,
    RTC_TIME_HIGH = 0x04,
    RTC_ALARM_LOW = 0x08,
    RTC_ALARM_HIGH = 0x0c,
    RTC_IRQ_ENABLED = 0x10,
    RTC_CLEAR_ALARM = 0x14,
    RTC_ALARM_STATUS = 0x18,
    RTC_CLEAR_INTERRUPT = 0x1c,
};

struct goldfish_rtc {
    pthread_mutex_t lock;
    uint64_t (*get_time)(void *opaque);
    void *opaque;
    struct irq_line irq;
    uint64_t offset; /* guest time - get_time() */
    uint64_t alarm;
    uint32_t time_high_latch;
    bool alarm_armed, irq_pending, irq_enabled, irq_level;
};

static uint64_t rtc_now(const struct goldfish_rtc *r)
{
    return r->get_time(r->opaque) + r->offset;
}

static void rtc_update_irq(struct goldfish_rtc *r)
{
    bool level = r->irq_pending && r->irq_enabled;

    if (level != r->irq_level) {
        r->irq_level = level;
        irq_line_set(&r->irq, level);
    }
}

static void rtc_check_alarm(struct goldfish_rtc *r)
{
    if (r->alarm_armed && rtc_now(r) >= r->alarm) {
        r->alarm_armed = false;
        r->irq_pending = true;
    }
    rtc_update_irq(r);
}

static uint64_t deposit32(uint64_t v, unsigned shift, uint64_t val)
{
    uint64_t mask = UINT64_C(0xffffffff) << shift;

    return (v & ~mask) | ((val << shift) & mask);
}

static void rtc_set_time_half(struct goldfish_rtc *r, unsigned shift, uint64_t val)
{
    uint64_t base = r->get_time(r->opaque);
    uint64_t now = deposit32(base + r->offset, shift, val);

    r->offset = now - base;
}

static uint32_t rtc_read_reg(struct goldfish_rtc *r, uint64_t off)
{
    uint64_t now;

    switch (off) {
    case RTC_TIME_LOW:
        now = rtc_now(r);
        r->time_high_latch = (uint32_t)(now >> 32);
        return (uint32_t)now;
    case RTC_TIME_HIGH: return r->time_high_latch;
    case RTC_ALARM_LOW: return (uint32_t)r->alarm;
    case RTC_ALARM_HIGH: return (uint32_t)(r->alarm >> 32);
    case RTC_IRQ_ENABLED: return r->irq_enabled;
    case RTC_ALARM_STATUS: return r->alarm_armed;
    default:
        dev_log_guest_error("goldfish_rtc", "read at offset 0x%llx", (unsigned long long)off);
        return 0;
    }
}

static void rtc_write_reg(struct goldfish_rtc *r, uint64_t off, uint64_t val)
{
    switch (off) {
    case RTC_TIME_LOW: rtc_set_time_half(r, 0, val); break;
    case RTC_TIME_HIGH: rtc_set_time_half(r, 32, val); break;
    case RTC_ALARM_LOW:
        r->alarm = deposit32(r->alarm, 0, val);
        r->alarm_armed = true;
        break;
    case RTC_ALARM_HIGH: r->alarm = deposit32(r->alarm, 32, val); break;
    case RTC_IRQ_ENABLED: r->irq_enabled = val & 1; break;
    case RTC_CLEAR_ALARM: r->alarm_armed = false; break;
    case RTC_CLEAR_INTERRUPT: r->irq_pending = false; break;
    default: dev_log_guest_error("goldfish_rtc", "write at offset 0x%llx", (unsigned long long)off);
    }
}

static int goldfish_rtc_read(void *dev, uint64_t off, unsigned size, uint64_t *val)
{
    struct goldfish_rtc *r = dev;

    pthread_mutex_lock(&r->lock);
    *val = rtc_read_reg(r, off);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static int goldfish_rtc_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct goldfish_rtc *r = dev;

    pthread_mutex_lock(&r->lock);
    rtc_write_reg(r, off, val);
    rtc_check_alarm(r);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

void goldfish_rtc_update(struct goldfish_rtc *r)
{
    pthread_mutex_lock(&r->lock);
    rtc_check_alarm(r);
    pthread_mutex_unlock(&r->lock);
}

uint64_t goldfish_rtc_next_deadline(struct goldfish_rtc *r)
{
    uint64_t when = UINT64_MAX;

    pthread_mutex_lock(&r->lock);
    if (r->alarm_armed)
        when = r->alarm - r->offset;
    pthread_mutex_unlock(&r->lock);
    return when;
}

/* The time keeps running across a reset (it is a battery-backed clock). */
static void goldfish_rtc_reset(void *dev)
{
    struct goldfish_rtc *r = dev;

    pthread_mutex_lock(&r->lock);
    r->alarm = 0;
    r->time_high_latch = 0;
    r->alarm_armed = r->irq_pending = r->irq_enabled = false;
    rtc_update_irq(r);
    pthread_mutex_unlock(&r->lock);
}

static void goldfish_rtc_destroy(void *dev)
{
    struct goldfish_rtc *r = dev;

    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static int goldfish_rtc_fdt_node(void *dev, void *fdt, int parent, uint64_t base)
{
    static const char compat[] = "google,goldfish-rtc";
    return dev_fdt_node(fdt, parent, "rtc", base, GOLDFISH_RTC_SIZE, compat, sizeof(compat));
}

const struct device_ops goldfish_rtc_ops = {
    .fdt_node = goldfish_rtc_fdt_node,
    .name = "goldfish_rtc",
    .read = goldfish_rtc_read,
    .write = goldfish_rtc_write,
    .min_access = 4,
    .max_access = 4,
    .reset = goldfish_rtc_reset,
    .destroy = goldfish_rtc_destroy,
};

struct goldfish_rtc *goldfish_rtc_create(uint64_t (*get_time)(void *opaque), void *opaque,
                                         const struct irq_line *irq)
{
    struct goldfish_rtc *r;

    if (!get_time)
        return NULL;
    r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return NULL;
    }
    r->get_time = get_time;
    r->opaque = opaque;
    if (irq)
        r->irq = *irq;
    return r;
}
