/* matmul: double-precision matrix multiply. Each repetition computes C = A x B for 96 x 96
 * matrices in i-k-j order (the inner loop streams a row of B and a row of C; the compiler
 * is free to fuse the multiply-add). The entries are multiples of 1/16 between -4 and 4, so
 * every product and partial sum is exact in binary64 and C is known exactly: it is
 * compared element by element with an integer matrix product computed before the timing
 * starts. Work: floating-point operations, 2 n^3 per repetition (MFLOP). */
#include "wl.h"

#define N      96
#define EXPECT 0xdc74a9751137dc5eu

static double a[N][N], b[N][N], c[N][N];
static int64_t ai[N][N], bi[N][N], ci[N][N];

static void multiply(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            c[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double aik = a[i][k];
            for (int j = 0; j < N; j++)
                c[i][j] += aik * b[k][j];
        }
    }
}

int main(int argc, char **argv)
{
    long reps = wl_start("matmul", argc, argv, 10);
    uint64_t s = 0xfeedfacecafebeefu;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            ai[i][j] = (int64_t)(wl_rand(&s) % 129) - 64;
            bi[i][j] = (int64_t)(wl_rand(&s) % 129) - 64;
            a[i][j] = ai[i][j] / 16.0;
            b[i][j] = bi[i][j] / 16.0;
        }
    uint64_t ref = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int64_t sum = 0;
            for (int k = 0; k < N; k++)
                sum += ai[i][k] * bi[k][j];
            ci[i][j] = sum;
            ref = wl_mix(ref, (uint64_t)sum);
        }
    wl_expect("integer reference product", ref, EXPECT);
    uint64_t t0 = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
        if (r == 0)
            t0 = wl_now_ns();
        multiply();
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                if (c[i][j] * 256.0 != (double)ci[i][j])
                    wl_fail("C[%d][%d] = %.17g, expected %.17g", i, j, c[i][j], ci[i][j] / 256.0);
    }
    wl_report(2.0 * N * N * N * reps / 1e6, "MFLOP", wl_now_ns() - t0, ref);
    return 0;
}
