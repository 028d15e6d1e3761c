/*
 * HTIF, the host-target interface of Spike and the riscv-tests: the guest writes commands
 * to the `tohost` word of an ELF and the host answers in `fromhost`. Supported: exit
 * (device 0, odd value: 1 = pass, v>>1 = failure code), console output (device 1,
 * command 1), and the syscall proxy's write(1/2) and exit (device 0, even value = address
 * of a magic-memory block). The machine polls tohost between slices.
 */
#ifndef RVISOR_HV_HTIF_H
#define RVISOR_HV_HTIF_H

#include <stdbool.h>
#include <stdint.h>

struct chardev;

struct htif {
    uint8_t *ram;
    uint64_t ram_base, ram_size;
    uint64_t tohost, fromhost; /* guest physical addresses; tohost 0 = HTIF off */
    const struct chardev *console;
};

/* Returns true when the guest asked to exit; *code is then its exit code. */
bool htif_poll(struct htif *h, unsigned *code);

#endif
