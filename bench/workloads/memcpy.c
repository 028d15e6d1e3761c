/* memcpy: memory copy. Each repetition copies a 4 MiB buffer to another with the C
 * library's memcpy and back again, then once more to a destination one byte off its
 * alignment (the unaligned path). After the timed repetitions both buffers are checked
 * against the pattern they started from. Work: MB copied (12 MiB per repetition). */
#include "wl.h"

#define SIZE   (4 * 1024 * 1024)
#define EXPECT 0xe5e717b92c375d23u

static uint8_t a[SIZE], b[SIZE + 64];

static uint64_t fold(const uint8_t *p)
{
    uint64_t h = 0;
    for (long i = 0; i < SIZE; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h = (h ^ v) * 0x100000001b3u;
    }
    return h;
}

int main(int argc, char **argv)
{
    long reps = wl_start("memcpy", argc, argv, 10);
    uint64_t s = 0x6a09e667f3bcc908u;
    for (long i = 0; i < SIZE; i += 8) {
        uint64_t v = wl_rand(&s);
        memcpy(a + i, &v, 8);
    }
    uint64_t want = fold(a);
    wl_expect("input pattern", want, EXPECT);
    uint64_t t0 = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
        if (r == 0)
            t0 = wl_now_ns();
        memcpy(b, a, SIZE);
        memcpy(a, b, SIZE);
        memcpy(b + 1, a, SIZE);
    }
    uint64_t ns = wl_now_ns() - t0;
    wl_expect("buffer copied to", fold(a), want);
    wl_expect("buffer copied unaligned to", fold(b + 1), want);
    wl_report(3.0 * SIZE * reps / 1e6, "MB", ns, want);
    return 0;
}
