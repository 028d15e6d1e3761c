/*
 * The Android goldfish RTC (QEMU virt, 0x101000, PLIC source 11), as Linux's rtc-goldfish
 * driver uses it: nanoseconds since the epoch and one alarm.
 *
 * Time = get_time(opaque) + an offset changed by guest writes. The alarm fires when
 * goldfish_rtc_update() finds it reached (the machine calls it periodically) or at once
 * if it is set in the past. Thread-safe; the irq line is called with the device's mutex
 * held and must not re-enter it.
 */
#ifndef RVISOR_DEVICES_GOLDFISH_RTC_H
#define RVISOR_DEVICES_GOLDFISH_RTC_H

#include <stdint.h>

#include "devices/device.h"

#define GOLDFISH_RTC_SIZE 0x1000

struct goldfish_rtc;

extern const struct device_ops goldfish_rtc_ops;

/* get_time: nanoseconds since the epoch (host wall clock, or a deterministic source). */
struct goldfish_rtc *goldfish_rtc_create(uint64_t (*get_time)(void *opaque), void *opaque,
                                         const struct irq_line *irq);

/* Fire the alarm if its time has come. */
void goldfish_rtc_update(struct goldfish_rtc *r);
/* When the armed alarm is due, in get_time()'s units and epoch, or UINT64_MAX. */
uint64_t goldfish_rtc_next_deadline(struct goldfish_rtc *r);

#endif
