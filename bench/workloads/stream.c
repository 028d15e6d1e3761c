/* stream: the four STREAM kernels (McCalpin's benchmark, written anew here) on arrays of
 * 524,288 doubles (4 MiB each, 12 MiB in all): copy c = a, scale b = 3 c, add c = a + b,
 * triad a = b + 3 c. Each repetition starts from a = 1, b = 2, c = 0 (set outside the
 * timing) and runs the four kernels once; the results (a = 15, b = 3, c = 4 everywhere)
 * are exact and are checked after every repetition. Work: MB moved, counted as STREAM
 * does (copy and scale 16 bytes per element, add and triad 24). */
#include "wl.h"

#define N      (512 * 1024)
#define SCALAR 3.0

static double a[N], b[N], c[N];

int main(int argc, char **argv)
{
    long reps = wl_start("stream", argc, argv, 10);
    uint64_t ns = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not counted */
        for (long i = 0; i < N; i++)
            a[i] = 1.0, b[i] = 2.0, c[i] = 0.0;
        uint64_t t0 = wl_now_ns();
        for (long i = 0; i < N; i++)
            c[i] = a[i];
        for (long i = 0; i < N; i++)
            b[i] = SCALAR * c[i];
        for (long i = 0; i < N; i++)
            c[i] = a[i] + b[i];
        for (long i = 0; i < N; i++)
            a[i] = b[i] + SCALAR * c[i];
        ns += r >= 0 ? wl_now_ns() - t0 : 0;
        for (long i = 0; i < N; i++)
            if (a[i] != 15.0 || b[i] != 3.0 || c[i] != 4.0)
                wl_fail("element %ld: a = %g, b = %g, c = %g (expected 15, 3, 4)", i, a[i], b[i],
                        c[i]);
    }
    wl_report(80.0 * N * reps / 1e6, "MB", ns, wl_mix(wl_bits(a[0]), wl_bits(c[N - 1])));
    return 0;
}
