/*
 * The "sifive,test" finisher (QEMU virt, 0x100000): a guest write ends or resets the run.
 */
#ifndef RVISOR_DEVICES_SIFIVE_TEST_H
#define RVISOR_DEVICES_SIFIVE_TEST_H

#include "devices/device.h"

#define SIFIVE_TEST_SIZE 0x1000

enum finisher_event {
    FINISHER_PASS,  /* poweroff, exit status 0 */
    FINISHER_FAIL,  /* exit status `code` */
    FINISHER_RESET, /* reboot */
};

struct sifive_test;

extern const struct device_ops sifive_test_ops;

/*
 * on_event is called from the writing hart's thread, inside the MMIO write; it should only
 * record the event and ask the machine to stop (the guest keeps running until it does).
 * NULL on allocation failure.
 */
struct sifive_test *sifive_test_create(void (*on_event)(void *opaque, enum finisher_event ev,
                                                        unsigned code),
                                       void *opaque);

#endif
