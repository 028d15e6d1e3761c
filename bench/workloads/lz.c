/* lz: a compression-like loop. Each repetition compresses 128 KiB of generated text (words
 * from a small vocabulary, a skewed choice) with an LZ77 coder of its own -- a hash of the
 * next 3 bytes indexes chains of earlier positions, up to 16 candidates are compared, the
 * longest match within 64 KiB wins (greedy) -- then decompresses the result, compares it
 * with the input and checks the compressed size and a hash of the compressed bytes
 * against the known values. Format: a control byte c < 128 is followed by c + 1 literal
 * bytes; c >= 128 is a match of c - 128 + 3 bytes at a 16-bit distance that follows.
 * Work: MB of input compressed (and decompressed). */
#include "wl.h"

#define SIZE      (128 * 1024)
#define HASH_BITS 13
#define WINDOW    65535
#define MIN_MATCH 3
#define MAX_MATCH (127 + MIN_MATCH)
#define DEPTH     16
#define EXPECT    0xd4436c8598212bf1u

static uint8_t in[SIZE], out[SIZE + SIZE / 64 + 16], back[SIZE];
static int32_t head[1 << HASH_BITS], prev[SIZE];

static const char *const vocab[] = {
    "the ",   "of ",    "and ",       "a ",        "to ",        "in ",   "is ",        "you ",
    "that ",  "it ",    "he ",        "was ",      "for ",       "on ",   "are ",       "as ",
    "with ",  "his ",   "they ",      "at ",       "be ",        "this ", "from ",      "have ",
    "or ",    "by ",    "one ",       "had ",      "not ",       "but ",  "what ",      "all ",
    "were ",  "when ",  "we ",        "there ",    "can ",       "an ",   "your ",      "which ",
    "their ", "said ",  "if ",        "do ",       "will ",      "each ", "about ",     "how ",
    "up ",    "out ",   "them ",      "then ",     "she ",       "many ", "some ",      "so ",
    "these ", "would ", "other ",     "emulator ", "interrupt ", "hart ", "virtqueue ", "page ",
    "table ", "trap ",  "privilege ", "register ", "memory ",    ".\n",
};

static void make_input(void)
{
    uint64_t s = 0x5eed5eed5eed5eedu;
    long n = 0, nv = sizeof vocab / sizeof vocab[0];
    while (n < SIZE) {
        uint64_t r = wl_rand(&s);
        long w = (long)((r & 0xffff) * (r >> 16 & 0xffff) % ((uint64_t)nv * nv)) / nv; /* skewed */
        const char *p = r >> 40 & 1 ? vocab[w] : vocab[(r >> 32 & 0xff) % nv];
        while (*p && n < SIZE)
            in[n++] = (uint8_t)*p++;
    }
}

static uint32_t hash3(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static long emit_literals(uint8_t *o, const uint8_t *lit, long n)
{
    long k = 0;
    while (n > 0) {
        long c = n > 128 ? 128 : n;
        o[k++] = (uint8_t)(c - 1);
        memcpy(o + k, lit, c);
        k += c;
        lit += c;
        n -= c;
    }
    return k;
}

static long compress(void)
{
    for (long i = 0; i < (1 << HASH_BITS); i++)
        head[i] = -1;
    long i = 0, lit = 0, k = 0;
    while (i < SIZE) {
        long best = 0, dist = 0;
        if (i + MIN_MATCH <= SIZE) {
            uint32_t h = hash3(in + i);
            long limit = SIZE - i < MAX_MATCH ? SIZE - i : MAX_MATCH;
            int depth = DEPTH;
            for (int32_t c = head[h]; c >= 0 && i - c <= WINDOW && depth--; c = prev[c]) {
                long l = 0;
                while (l < limit && in[c + l] == in[i + l])
                    l++;
                if (l > best) {
                    best = l;
                    dist = i - c;
                    if (l == limit)
                        break;
                }
            }
            prev[i] = head[h];
            head[h] = (int32_t)i;
        }
        if (best >= MIN_MATCH) {
            k += emit_literals(out + k, in + lit, i - lit);
            out[k++] = (uint8_t)(128 + best - MIN_MATCH);
            out[k++] = (uint8_t)dist;
            out[k++] = (uint8_t)(dist >> 8);
            for (long j = i + 1; j < i + best && j + MIN_MATCH <= SIZE; j++) {
                uint32_t h = hash3(in + j);
                prev[j] = head[h];
                head[h] = (int32_t)j;
            }
            i += best;
            lit = i;
        } else {
            i++;
        }
    }
    return k + emit_literals(out + k, in + lit, i - lit);
}

static long decompress(long n)
{
    long i = 0, k = 0;
    while (i < n) {
        uint8_t c = out[i++];
        if (c < 128) {
            if (k + c + 1 > SIZE)
                return -1;
            memcpy(back + k, out + i, c + 1);
            k += c + 1;
            i += c + 1;
        } else {
            long len = c - 128 + MIN_MATCH, dist = out[i] | (long)out[i + 1] << 8;
            i += 2;
            if (dist == 0 || dist > k || k + len > SIZE)
                return -1;
            for (long j = 0; j < len; j++, k++) /* may overlap: byte by byte */
                back[k] = back[k - dist];
        }
    }
    return k;
}

int main(int argc, char **argv)
{
    long reps = wl_start("lz", argc, argv, 4);
    make_input();
    uint64_t t0 = 0, check = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
        if (r == 0)
            t0 = wl_now_ns();
        long n = compress();
        if (decompress(n) != SIZE || memcmp(back, in, SIZE))
            wl_fail("decompressed data differ from the input");
        check = (uint64_t)n;
        for (long i = 0; i < n; i++)
            check = (check ^ out[i]) * 0x100000001b3u;
        wl_expect("compressed size and hash", check, EXPECT);
    }
    wl_report((double)SIZE * reps / 1e6, "MB", wl_now_ns() - t0, check);
    return 0;
}
