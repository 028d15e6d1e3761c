/* fft: double-precision complex FFT. Each repetition runs an iterative radix-2
 * decimation-in-time FFT (bit-reversal permutation, then log2 n butterfly passes) of
 * 16,384 pseudo-random points forward, checks the exact bits of the spectrum against the
 * known checksum, transforms it back and checks that the round trip returns the input to
 * within 1e-12. The twiddle factors come from a Taylor series computed here (not libm), so
 * the result depends only on the binary64 arithmetic of the emulated FPU.
 * Work: floating-point operations, counted as 5 n log2 n per transform (MFLOP). */
#include "wl.h"

#define LOG_N  14
#define N      (1 << LOG_N)
#define EXPECT 0x4bbb36cc5be92938u

static double re[N], im[N], in_re[N], in_im[N], w_re[N / 2], w_im[N / 2];

/* sin and cos of x in [0, pi) by their Taylor series (30 terms: error below 1e-16). */
static void taylor_sincos(double x, double *s, double *c)
{
    double term = x, sum_s = 0.0, sum_c = 0.0, tc = 1.0;
    for (int k = 1; k <= 60; k += 2) {
        sum_s += term;
        sum_c += tc;
        term = -term * x * x / ((k + 1) * (k + 2));
        tc = -tc * x * x / (k * (k + 1));
    }
    *s = sum_s;
    *c = sum_c;
}

/* fft(sign): in place on re/im; sign -1 forward, +1 inverse (unscaled). */
static void fft(double sign)
{
    for (unsigned i = 0, j = 0; i < N; i++) {
        if (i < j) {
            double t = re[i];
            re[i] = re[j], re[j] = t;
            t = im[i];
            im[i] = im[j], im[j] = t;
        }
        unsigned bit = N >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j |= bit;
    }
    for (unsigned len = 2, step = N / 2; len <= N; len <<= 1, step >>= 1) {
        unsigned half = len / 2;
        for (unsigned base = 0; base < N; base += len) {
            for (unsigned k = 0; k < half; k++) {
                double wr = w_re[k * step], wi = sign * w_im[k * step];
                unsigned p = base + k, q = p + half;
                double tr = re[q] * wr - im[q] * wi, ti = re[q] * wi + im[q] * wr;
                re[q] = re[p] - tr;
                im[q] = im[p] - ti;
                re[p] += tr;
                im[p] += ti;
            }
        }
    }
}

int main(int argc, char **argv)
{
    long reps = wl_start("fft", argc, argv, 10);
    uint64_t s = 0xabcdef0123456789u, check = 0;
    for (int k = 0; k < N / 2; k++)
        taylor_sincos(2.0 * 3.14159265358979323846 * k / N, &w_im[k], &w_re[k]);
    for (int i = 0; i < N; i++) {
        in_re[i] = (double)(int64_t)(wl_rand(&s) >> 11) / (double)(1ull << 52) - 1.0;
        in_im[i] = (double)(int64_t)(wl_rand(&s) >> 11) / (double)(1ull << 52) - 1.0;
    }
    uint64_t t0 = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
        if (r == 0)
            t0 = wl_now_ns();
        memcpy(re, in_re, sizeof re);
        memcpy(im, in_im, sizeof im);
        fft(-1.0);
        check = 0;
        for (int i = 0; i < N; i++)
            check = wl_mix(check, wl_bits(re[i]) ^ (wl_bits(im[i]) << 1));
        wl_expect("spectrum checksum", check, EXPECT);
        fft(1.0);
        for (int i = 0; i < N; i++) {
            double er = re[i] / N - in_re[i], ei = im[i] / N - in_im[i];
            if (er > 1e-12 || er < -1e-12 || ei > 1e-12 || ei < -1e-12)
                wl_fail("round trip error at %d: %g %g", i, er, ei);
        }
    }
    wl_report(2.0 * 5.0 * N * LOG_N * reps / 1e6, "MFLOP", wl_now_ns() - t0, check);
    return 0;
}
