/*
 * GDB remote protocol framing (GDB manual E.1 "Overview"): $body#cs with a two-digit
 * modulo-256 checksum, + / - acknowledgements, 0x03 as an out-of-band interrupt, and }
 * escapes (byte XOR 0x20) for binary data. Hex helpers for the command layer.
 * Run-length encoding is neither sent nor expected (GDB never sends it).
 */
#include <string.h>

#include "hv/gdb_proto.h"

enum { RX_IDLE, RX_BODY, RX_CSUM_HI, RX_CSUM_LO };

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void gdb_rx_init(struct gdb_rx *rx)
{
    rx->state = RX_IDLE;
    rx->overflow = false;
    rx->sum = rx->csum = 0;
    rx->len = 0;
    rx->buf[0] = 0;
}

enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c)
{
    int d;

    switch (rx->state) {
    case RX_IDLE:
        if (c == '$') {
            rx->state = RX_BODY;
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
            return GDB_RX_NONE;
        }
        if (c == 0x03)
            return GDB_RX_INTERRUPT;
        if (c == '+')
            return GDB_RX_ACK;
        if (c == '-')
            return GDB_RX_NAK;
        return GDB_RX_NONE; /* noise between packets */
    case RX_BODY:
        if (c == '#') {
            rx->state = RX_CSUM_HI;
            return GDB_RX_NONE;
        }
        if (c == '$') { /* a new packet started: the old one was cut short */
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
            return GDB_RX_NONE;
        }
        rx->sum = (uint8_t)(rx->sum + c);
        if (rx->len < GDB_PACKET_MAX)
            rx->buf[rx->len++] = (char)c;
        else
            rx->overflow = true;
        return GDB_RX_NONE;
    case RX_CSUM_HI:
        d = hex_digit(c);
        if (c == '$') { /* cut short before its checksum: start the new one */
            rx->state = RX_IDLE;
            return gdb_rx_byte(rx, c);
        }
        if (d < 0) {
            rx->state = RX_IDLE;
            return GDB_RX_BAD;
        }
        rx->csum = (uint8_t)(d << 4);
        rx->state = RX_CSUM_LO;
        return GDB_RX_NONE;
    default:
        d = hex_digit(c);
        rx->state = RX_IDLE;
        if (c == '$')
            return gdb_rx_byte(rx, c);
        if (d < 0 || rx->overflow || (uint8_t)(rx->csum | d) != rx->sum)
            return GDB_RX_BAD;
        rx->buf[rx->len] = 0;
        return GDB_RX_PACKET;
    }
}

size_t gdb_frame(const char *body, size_t len, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    uint8_t sum = 0;

    if (cap < 4)
        return 0;
    out[n++] = '$';
    for (size_t i = 0; i < len; i++) {
        char c = body[i];
        if (n + 2 + 3 > cap)
            return 0;
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            out[n++] = '}';
            sum = (uint8_t)(sum + '}');
            c = (char)(c ^ 0x20);
        }
        out[n++] = c;
        sum = (uint8_t)(sum + (uint8_t)c);
    }
    out[n++] = '#';
    out[n++] = hex[sum >> 4];
    out[n++] = hex[sum & 15];
    return n;
}

bool gdb_parse_hex(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int d;

    if (s >= end || hex_digit((unsigned char)*s) < 0)
        return false;
    while (s < end && (d = hex_digit((unsigned char)*s)) >= 0) {
        if (x >> 60)
            return false; /* more than 64 bits */
        x = (x << 4) | (uint64_t)d;
        s++;
    }
    *p = s;
    *v = x;
    return true;
}

bool gdb_hex_to_bytes(const char *hex, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit((unsigned char)hex[2 * i]);
        int lo = hi < 0 ? -1 : hex_digit((unsigned char)hex[2 * i + 1]);
        if (lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void gdb_bytes_to_hex(const uint8_t *b, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
}

size_t gdb_unescape(char *buf, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '}' && i + 1 < len)
            buf[o++] = (char)(buf[++i] ^ 0x20);
        else
            buf[o++] = buf[i];
    }
    return o;
}
