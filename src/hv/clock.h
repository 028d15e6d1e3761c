/*
 * Guest time for one VM: mtime in ticks of the 10 MHz timebase. By default it follows
 * the host's monotonic clock; in deterministic mode it follows executed instructions
 * (one tick per VM_DET_INSNS_PER_TICK instructions) so two runs give identical results.
 */
#ifndef RVISOR_HV_CLOCK_H
#define RVISOR_HV_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_TIMEBASE_HZ 10000000ull
#define CLOCK_DET_INSNS_PER_TICK 10

struct vm_clock {
    bool deterministic;
    uint64_t host_start_ns;
    uint64_t det_insns;  /* deterministic mode: instructions accounted so far */
    uint64_t det_offset; /* ticks skipped forward while every hart was idle */
};

uint64_t clock_host_ns(void);
void clock_init(struct vm_clock *c, bool deterministic);
uint64_t clock_ticks(const struct vm_clock *c);
/* Deterministic mode: account executed instructions; and jump forward to idle deadlines. */
void clock_account_insns(struct vm_clock *c, uint64_t insns);
void clock_advance_to(struct vm_clock *c, uint64_t ticks);
/* Wall-clock nanoseconds since the epoch (for the RTC). */
uint64_t clock_wall_ns(const struct vm_clock *c);
/* Sleep up to `ns` nanoseconds (host). */
void clock_sleep_ns(uint64_t ns);

#endif
