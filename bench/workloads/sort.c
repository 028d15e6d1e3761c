/* sort: integer sorting. Each repetition sorts 65,536 pseudo-random 64-bit keys with a
 * quicksort (median of three, insertion sort below 16 elements, recursion on the smaller
 * side) and 65,536 32-bit keys with a bottom-up merge sort, then checks that both arrays
 * are ordered, that the multiset of keys is unchanged (sum and xor), and compares a
 * checksum of the sorted arrays with the known value. Work: elements sorted (Melem). */
#include "wl.h"

#define N      65536
#define EXPECT 0xea4074a71dbf54cdu

static uint64_t keys64[N];
static uint32_t keys32[N], tmp32[N];

static void insertion64(uint64_t *a, long n)
{
    for (long i = 1; i < n; i++) {
        uint64_t v = a[i];
        long j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void swap64(uint64_t *a, uint64_t *b)
{
    uint64_t t = *a;
    *a = *b;
    *b = t;
}

static void quicksort64(uint64_t *a, long n)
{
    while (n > 16) {
        long m = n / 2;
        if (a[m] < a[0])
            swap64(&a[m], &a[0]);
        if (a[n - 1] < a[0])
            swap64(&a[n - 1], &a[0]);
        if (a[n - 1] < a[m])
            swap64(&a[n - 1], &a[m]);
        uint64_t p = a[m];
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < p)
                i++;
            while (a[j] > p)
                j--;
            if (i >= j)
                break;
            swap64(&a[i], &a[j]);
            i++;
            j--;
        }
        /* a[0..j] <= p <= a[j+1..n-1]: recurse on the smaller part, loop on the other */
        long left = j + 1;
        if (left < n - left) {
            quicksort64(a, left);
            a += left;
            n -= left;
        } else {
            quicksort64(a + left, n - left);
            n = left;
        }
    }
    insertion64(a, n);
}

static void mergesort32(uint32_t *a, uint32_t *t, long n)
{
    uint32_t *src = a, *dst = t;
    for (long w = 1; w < n; w *= 2) {
        for (long lo = 0; lo < n; lo += 2 * w) {
            long mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            long i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        uint32_t *s = src;
        src = dst;
        dst = s;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

static uint64_t one_rep(void)
{
    uint64_t s = 0x1234567887654321u, sum = 0, x = 0;
    for (long i = 0; i < N; i++) {
        keys64[i] = wl_rand(&s);
        keys32[i] = (uint32_t)(wl_rand(&s) >> 20); /* 44-bit values cut to 32: duplicates */
        sum += keys64[i] + keys32[i];
        x ^= keys64[i] ^ keys32[i];
    }
    quicksort64(keys64, N);
    mergesort32(keys32, tmp32, N);
    uint64_t h = 0;
    for (long i = 0; i < N; i++) {
        if ((i > 0 && keys64[i - 1] > keys64[i]) || (i > 0 && keys32[i - 1] > keys32[i]))
            wl_fail("not sorted at index %ld", i);
        sum -= keys64[i] + keys32[i];
        x ^= keys64[i] ^ keys32[i];
        h = wl_mix(h, keys64[i] ^ ((uint64_t)keys32[i] << 17));
    }
    if (sum || x)
        wl_fail("the sorted arrays are not a permutation of the input");
    return h;
}

int main(int argc, char **argv)
{
    long reps = wl_start("sort", argc, argv, 10);
    uint64_t t0 = 0, h = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
        if (r == 0)
            t0 = wl_now_ns();
        h = one_rep();
        wl_expect("checksum", h, EXPECT);
    }
    wl_report(2.0 * N * reps / 1e6, "Melem", wl_now_ns() - t0, h);
    return 0;
}
