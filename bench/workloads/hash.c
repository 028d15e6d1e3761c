/* hash: integer hashing. Each repetition runs three hash functions over a 256 KiB
 * pseudo-random buffer -- table-driven CRC-32 (byte at a time), FNV-1a 64 (byte at a time)
 * and a multiply-xorshift hash of 64-bit words -- then puts the 32,768 word hashes into an
 * open-addressing table (linear probing, 65,536 slots), looks every one up again and
 * counts hits, and compares all results with the known values. Work: MB of buffer hashed
 * (one repetition = 256 KiB). */
#include "wl.h"

#define SIZE        (256 * 1024)
#define WORDS       (SIZE / 8)
#define SLOTS       65536
#define EXPECT_CRC  0x5bed61c9u
#define EXPECT_FNV  0x96b2fbe6c293864bu
#define EXPECT_WORD 0x047a94743c64acdbu
#define EXPECT_HASH 0x59da6ca3bd86fc2fu

static uint8_t buf[SIZE];
static uint32_t crc_table[256];
static uint64_t table[SLOTS];
static uint64_t word_hash[WORDS];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, long n)
{
    uint32_t c = 0xffffffffu;
    for (long i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static uint64_t fnv1a(const uint8_t *p, long n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (long i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

static uint64_t word_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53u;
    x ^= x >> 33;
    return x;
}

/* table_put(key): inserts a nonzero key; returns 1 if it was new. */
static int table_put(uint64_t key)
{
    for (uint64_t i = key & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
        if (table[i] == key)
            return 0;
        if (!table[i]) {
            table[i] = key;
            return 1;
        }
    }
}

static int table_has(uint64_t key)
{
    for (uint64_t i = key & (SLOTS - 1); table[i]; i = (i + 1) & (SLOTS - 1))
        if (table[i] == key)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    long reps = wl_start("hash", argc, argv, 10);
    uint64_t s = 0x0123456789abcdefu, check = 0;
    for (long i = 0; i < SIZE; i += 8) {
        uint64_t v = wl_rand(&s);
        memcpy(buf + i, &v, 8);
    }
    crc_init();
    uint64_t t0 = 0;
    for (long r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
        if (r == 0)
            t0 = wl_now_ns();
        uint32_t c = crc32(buf, SIZE);
        uint64_t f = fnv1a(buf, SIZE), w = 0;
        for (long i = 0; i < WORDS; i++) {
            uint64_t v;
            memcpy(&v, buf + 8 * i, 8);
            word_hash[i] = word_mix(v) | 1;
            w = wl_mix(w, word_hash[i]);
        }
        memset(table, 0, sizeof table);
        uint64_t added = 0, found = 0;
        for (long i = 0; i < WORDS; i++)
            added += table_put(word_hash[i]);
        for (long i = 0; i < WORDS; i++)
            found += table_has(word_hash[i]) + table_has(word_hash[i] ^ 2); /* a miss mostly */
        wl_expect("CRC-32", c, EXPECT_CRC);
        wl_expect("FNV-1a", f, EXPECT_FNV);
        wl_expect("word hash", w, EXPECT_WORD);
        check = wl_mix(wl_mix(wl_mix(c, f), w), added << 32 | found);
        wl_expect("table", check, EXPECT_HASH);
    }
    wl_report((double)SIZE * reps / 1e6, "MB", wl_now_ns() - t0, check);
    return 0;
}
