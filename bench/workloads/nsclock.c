/* nsclock: prints CLOCK_MONOTONIC in nanoseconds, for timing shell workloads in the guest. */
#include "wl.h"

int main(void)
{
    printf("%llu\n", (unsigned long long)wl_now_ns());
    return 0;
}
