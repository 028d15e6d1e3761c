/*
 * The GDB command layer (GDB manual E.2 "Packets", E.3 "Stop Reply Packets", E.4
 * "General Query Packets"): answers one packet for a set of harts, each a thread with id
 * hart index + 1. Registers: g/G (x0-x31, pc), p/P (any register of target.xml); memory:
 * m/M/X on virtual addresses through the selected hart's translation; Z0-Z4/z0-z4; c/s/C/S
 * and vCont; H, T, qC, qfThreadInfo, qAttached, qSupported, qXfer:features:read,
 * QStartNoAckMode, D, k. Run control itself is the caller's (hv/gdbstub.c): this layer
 * only says what to do. Unknown packets get the empty reply, malformed ones E01, memory
 * that is not mapped E14.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/gdb_proto.h"

#define GDB_E_INVAL 0x01
#define GDB_E_FAULT 0x0e /* EFAULT: memory not mapped */
#define GDB_E_NOSPC 0x1c
#define GDB_MEM_MAX ((GDB_PACKET_MAX - 8) / 2) /* bytes per m reply */

static void reply_add(struct gdb_reply *r, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->len += (size_t)n < sizeof(r->buf) - r->len ? (size_t)n : sizeof(r->buf) - 1 - r->len;
}

static enum gdb_action reply_err(struct gdb_reply *r, unsigned code)
{
    r->len = 0;
    reply_add(r, "E%02x", code);
    return GDB_ACT_NONE;
}

static enum gdb_action reply_ok(struct gdb_reply *r)
{
    reply_add(r, "OK");
    return GDB_ACT_NONE;
}

static void reply_u64(struct gdb_reply *r, uint64_t v)
{
    uint8_t b[8];
    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    if (r->len + 16 < sizeof(r->buf)) {
        gdb_bytes_to_hex(b, 8, r->buf + r->len);
        r->len += 16;
        r->buf[r->len] = 0;
    }
}

static bool starts(const char *pkt, const char *prefix)
{
    return strncmp(pkt, prefix, strlen(prefix)) == 0;
}

/* A thread id: -1 (all) and 0 (any) give *hart = -1; else hart index. */
static bool parse_thread(struct gdb_session *s, const char **p, const char *end, int *hart)
{
    uint64_t id;

    if (*p + 1 < end && (*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        *hart = -1;
        return true;
    }
    if (!gdb_parse_hex(p, end, &id) || id > s->nharts)
        return false;
    *hart = id == 0 ? -1 : (int)(id - 1);
    return true;
}

/* "addr,len" */
static bool parse_addr_len(const char **p, const char *end, uint64_t *addr, uint64_t *len)
{
    if (!gdb_parse_hex(p, end, addr) || *p >= end || **p != ',')
        return false;
    (*p)++;
    return gdb_parse_hex(p, end, len);
}

static struct hart *g_hart(struct gdb_session *s)
{
    return &s->harts[s->g_hart < s->nharts ? s->g_hart : 0];
}

/* ---- registers ---- */

static enum gdb_action cmd_g(struct gdb_session *s, struct gdb_reply *r)
{
    struct hart *h = g_hart(s);
    for (unsigned i = 0; i < 32; i++)
        reply_u64(r, h->x[i]);
    reply_u64(r, h->pc);
    return GDB_ACT_NONE;
}

static uint64_t le64(const uint8_t *b)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static enum gdb_action cmd_G(struct gdb_session *s, const char *p, const char *end,
                             struct gdb_reply *r)
{
    struct hart *h = g_hart(s);
    uint8_t b[33 * 8];

    if ((size_t)(end - p) < 2 * sizeof(b) || !gdb_hex_to_bytes(p, sizeof(b), b))
        return reply_err(r, GDB_E_INVAL);
    for (unsigned i = 1; i < 32; i++)
        h->x[i] = le64(b + 8 * i);
    h->pc = le64(b + 8 * 32);
    return reply_ok(r);
}

static enum gdb_action cmd_p(struct gdb_session *s, const char *p, const char *end,
                             struct gdb_reply *r)
{
    uint64_t n, v;

    if (!gdb_parse_hex(&p, end, &n) || p != end || n > GDB_REG_PRIV ||
        gdb_reg_read(g_hart(s), (unsigned)n, &v) < 0)
        return reply_err(r, GDB_E_INVAL);
    reply_u64(r, v);
    return GDB_ACT_NONE;
}

static enum gdb_action cmd_P(struct gdb_session *s, const char *p, const char *end,
                             struct gdb_reply *r)
{
    uint64_t n;
    uint8_t b[8];

    if (!gdb_parse_hex(&p, end, &n) || p >= end || *p != '=' || n > GDB_REG_PRIV)
        return reply_err(r, GDB_E_INVAL);
    p++;
    if (end - p != 16 || !gdb_hex_to_bytes(p, 8, b) ||
        gdb_reg_write(g_hart(s), (unsigned)n, le64(b)) < 0)
        return reply_err(r, GDB_E_INVAL);
    return reply_ok(r);
}

/* ---- memory ---- */

static enum gdb_action cmd_m(struct gdb_session *s, const char *p, const char *end,
                             struct gdb_reply *r)
{
    uint64_t addr, len;
    uint8_t buf[GDB_MEM_MAX];
    size_t done;

    if (!parse_addr_len(&p, end, &addr, &len) || p != end)
        return reply_err(r, GDB_E_INVAL);
    if (len > GDB_MEM_MAX)
        len = GDB_MEM_MAX; /* a short reply is allowed: GDB asks again for the rest */
    hart_debug_rw(g_hart(s), addr, buf, (size_t)len, false, &done);
    if (done == 0 && len > 0)
        return reply_err(r, GDB_E_FAULT);
    gdb_bytes_to_hex(buf, done, r->buf);
    r->len = 2 * done;
    r->buf[r->len] = 0;
    return GDB_ACT_NONE;
}

static enum gdb_action mem_write(struct gdb_session *s, uint64_t addr, uint8_t *data, size_t len,
                                 struct gdb_reply *r)
{
    size_t done;

    if (len && hart_debug_rw(g_hart(s), addr, data, len, true, &done) < 0)
        return reply_err(r, GDB_E_FAULT);
    return reply_ok(r);
}

static enum gdb_action cmd_M(struct gdb_session *s, const char *p, const char *end,
                             struct gdb_reply *r)
{
    uint64_t addr, len;
    uint8_t buf[GDB_PACKET_MAX / 2];

    if (!parse_addr_len(&p, end, &addr, &len) || p >= end || *p++ != ':' || len > sizeof(buf) ||
        (uint64_t)(end - p) != 2 * len || !gdb_hex_to_bytes(p, (size_t)len, buf))
        return reply_err(r, GDB_E_INVAL);
    return mem_write(s, addr, buf, (size_t)len, r);
}

static enum gdb_action cmd_X(struct gdb_session *s, char *pkt, char *end, struct gdb_reply *r)
{
    const char *p = pkt;
    uint64_t addr, len;
    size_t n;
    char *data;

    if (!parse_addr_len(&p, end, &addr, &len) || p >= end || *p != ':')
        return reply_err(r, GDB_E_INVAL);
    data = pkt + (p - pkt) + 1;
    n = gdb_unescape(data, (size_t)(end - data));
    if (n != len)
        return reply_err(r, GDB_E_INVAL);
    return mem_write(s, addr, (uint8_t *)data, n, r);
}

/* ---- breakpoints and watchpoints ---- */

static enum gdb_action cmd_z(struct gdb_session *s, bool insert, const char *p, const char *end,
                             struct gdb_reply *r)
{
    static const unsigned watch_kind[5] = {0, 0, HART_WATCH_WRITE, HART_WATCH_READ,
                                           HART_WATCH_ACCESS};
    struct hart_dbg *d = &s->dbg;
    uint64_t type, addr, kind;

    if (!gdb_parse_hex(&p, end, &type) || p >= end || *p++ != ',' ||
        !parse_addr_len(&p, end, &addr, &kind))
        return reply_err(r, GDB_E_INVAL);
    if (type > 4)
        return GDB_ACT_NONE; /* not supported: empty reply */
    if (type <= 1) {
        unsigned i = 0;
        while (i < d->nbp && d->bp[i] != addr)
            i++;
        if (insert) {
            if (d->nbp == HART_DBG_MAX_BP)
                return reply_err(r, GDB_E_NOSPC);
            d->bp[d->nbp++] = addr;
        } else if (i < d->nbp) {
            d->bp[i] = d->bp[--d->nbp];
        }
    } else {
        unsigned i = 0;
        if (kind == 0 || addr + kind < addr)
            return reply_err(r, GDB_E_INVAL);
        while (i < d->nwp && !(d->wp[i].addr == addr && d->wp[i].len == kind &&
                               d->wp[i].kind == watch_kind[type]))
            i++;
        if (insert) {
            if (d->nwp == HART_DBG_MAX_WP)
                return reply_err(r, GDB_E_NOSPC);
            d->wp[d->nwp++] = (struct hart_watch){addr, kind, watch_kind[type]};
        } else if (i < d->nwp) {
            d->wp[i] = d->wp[--d->nwp];
        }
    }
    gdb_sync_harts(s);
    return reply_ok(r);
}

void gdb_sync_harts(struct gdb_session *s)
{
    uint32_t set = (s->dbg.nbp ? HART_DBG_BREAK : 0) | (s->dbg.nwp ? HART_DBG_WATCH : 0);

    for (unsigned i = 0; i < s->nharts; i++) {
        struct hart *h = &s->harts[i];
        h->dbg = &s->dbg;
        h->dbg_flags = (h->dbg_flags & ~HART_DBG_STOPS) | set;
        if (set & HART_DBG_WATCH)
            hart_tlb_flush(h); /* loads and stores must reach the slow path */
    }
}

/* ---- run control ---- */

/* c [addr], s [addr], C sig[;addr], S sig[;addr] */
static enum gdb_action cmd_resume(struct gdb_session *s, char cmd, const char *p, const char *end,
                                  struct gdb_reply *r)
{
    uint64_t v;
    unsigned i = s->c_hart < s->nharts ? s->c_hart : s->stop_hart;

    if (cmd == 'C' || cmd == 'S') {
        if (!gdb_parse_hex(&p, end, &v))
            return reply_err(r, GDB_E_INVAL);
        if (p < end && *p == ';')
            p++;
    }
    if (p < end) {
        if (!gdb_parse_hex(&p, end, &v) || p != end)
            return reply_err(r, GDB_E_INVAL);
        s->harts[i].pc = v;
    }
    r->send = false;
    if (cmd == 's' || cmd == 'S') {
        s->step_hart = i;
        return GDB_ACT_STEP;
    }
    return GDB_ACT_CONTINUE;
}

/* vCont;action[:thread]... : the leftmost action naming a thread wins (all-stop). */
static enum gdb_action cmd_vcont(struct gdb_session *s, const char *p, const char *end,
                                 struct gdb_reply *r)
{
    int step = -2;
    bool cont = false;

    if (p >= end)
        return reply_err(r, GDB_E_INVAL);
    while (p < end) {
        char a;
        int hart = -1;
        uint64_t sig;

        if (*p++ != ';' || p >= end)
            return reply_err(r, GDB_E_INVAL);
        a = *p++;
        if ((a == 'C' || a == 'S') && !gdb_parse_hex(&p, end, &sig))
            return reply_err(r, GDB_E_INVAL);
        if (a != 'c' && a != 'C' && a != 's' && a != 'S')
            return reply_err(r, GDB_E_INVAL);
        if (p < end && *p == ':') {
            p++;
            if (!parse_thread(s, &p, end, &hart))
                return reply_err(r, GDB_E_INVAL);
        }
        if ((a == 's' || a == 'S') && step == -2)
            step = hart;
        else if (a == 'c' || a == 'C')
            cont = true;
    }
    r->send = false;
    if (step != -2) {
        s->step_hart = step >= 0 ? (unsigned)step : s->stop_hart;
        return GDB_ACT_STEP;
    }
    return cont ? GDB_ACT_CONTINUE : GDB_ACT_NONE;
}

/* ---- queries ---- */

static enum gdb_action cmd_xfer(struct gdb_session *s, const char *p, const char *end,
                                struct gdb_reply *r)
{
    uint64_t off, len;
    size_t n;

    if (!starts(p, "target.xml:"))
        return reply_err(r, 0);
    p += strlen("target.xml:");
    if (!parse_addr_len(&p, end, &off, &len) || p != end)
        return reply_err(r, GDB_E_INVAL);
    if (off >= s->xml_len) {
        reply_add(r, "l");
        return GDB_ACT_NONE;
    }
    n = s->xml_len - (size_t)off;
    if (n > len)
        n = (size_t)len;
    if (n > GDB_PACKET_MAX - 2)
        n = GDB_PACKET_MAX - 2;
    r->buf[0] = (off + n < s->xml_len) ? 'm' : 'l';
    memcpy(r->buf + 1, s->xml + off, n);
    r->len = n + 1;
    r->buf[r->len] = 0;
    return GDB_ACT_NONE;
}

static enum gdb_action cmd_query(struct gdb_session *s, const char *p, const char *end,
                                 struct gdb_reply *r)
{
    if (starts(p, "qSupported")) {
        reply_add(r, "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;vContSupported+",
                  GDB_PACKET_MAX);
    } else if (!strcmp(p, "QStartNoAckMode")) {
        s->no_ack_pending = true;
        reply_ok(r);
    } else if (starts(p, "qXfer:features:read:")) {
        return cmd_xfer(s, p + strlen("qXfer:features:read:"), end, r);
    } else if (!strcmp(p, "qfThreadInfo")) {
        reply_add(r, "m");
        for (unsigned i = 0; i < s->nharts; i++)
            reply_add(r, i ? ",%x" : "%x", i + 1);
    } else if (!strcmp(p, "qsThreadInfo")) {
        reply_add(r, "l");
    } else if (!strcmp(p, "qC")) {
        reply_add(r, "QC%x", s->stop_hart + 1);
    } else if (starts(p, "qAttached")) {
        reply_add(r, "1");
    } else if (starts(p, "qSymbol")) {
        reply_ok(r);
    } else if (starts(p, "qThreadExtraInfo,")) {
        static const char priv[4] = {'U', 'S', '?', 'M'};
        const char *q = p + strlen("qThreadExtraInfo,");
        char text[48];
        int hart;
        if (!parse_thread(s, &q, end, &hart) || hart < 0)
            return reply_err(r, GDB_E_INVAL);
        snprintf(text, sizeof(text), "hart %d, %c-mode", hart, priv[s->harts[hart].priv & 3]);
        gdb_bytes_to_hex((const uint8_t *)text, strlen(text), r->buf);
        r->len = 2 * strlen(text);
        r->buf[r->len] = 0;
    }
    return GDB_ACT_NONE; /* anything else: the empty reply */
}

static enum gdb_action cmd_H(struct gdb_session *s, const char *p, const char *end,
                             struct gdb_reply *r)
{
    char op = *p++;
    int hart;

    if ((op != 'g' && op != 'c') || !parse_thread(s, &p, end, &hart) || p != end)
        return reply_err(r, GDB_E_INVAL);
    if (op == 'g')
        s->g_hart = hart < 0 ? s->stop_hart : (unsigned)hart;
    else
        s->c_hart = hart < 0 ? s->stop_hart : (unsigned)hart;
    return reply_ok(r);
}

enum gdb_action gdb_handle(struct gdb_session *s, char *pkt, size_t len, struct gdb_reply *r)
{
    char *end = pkt + len;
    int hart;
    const char *p;

    r->len = 0;
    r->buf[0] = 0;
    r->send = true;
    if (len == 0)
        return GDB_ACT_NONE;
    switch (pkt[0]) {
    case '?':
        if (s->last_stop[0])
            reply_add(r, "%s", s->last_stop);
        else
            gdb_stop_reply(s, s->stop_hart, 5, r);
        return GDB_ACT_NONE;
    case 'g': return cmd_g(s, r);
    case 'G': return cmd_G(s, pkt + 1, end, r);
    case 'p': return cmd_p(s, pkt + 1, end, r);
    case 'P': return cmd_P(s, pkt + 1, end, r);
    case 'm': return cmd_m(s, pkt + 1, end, r);
    case 'M': return cmd_M(s, pkt + 1, end, r);
    case 'X': return cmd_X(s, pkt + 1, end, r);
    case 'Z':
    case 'z': return cmd_z(s, pkt[0] == 'Z', pkt + 1, end, r);
    case 'c':
    case 'C':
    case 's':
    case 'S': return cmd_resume(s, pkt[0], pkt + 1, end, r);
    case 'H': return len < 3 ? reply_err(r, GDB_E_INVAL) : cmd_H(s, pkt + 1, end, r);
    case 'T':
        p = pkt + 1;
        if (!parse_thread(s, &p, end, &hart) || hart < 0 || p != end)
            return reply_err(r, GDB_E_INVAL);
        return reply_ok(r);
    case 'D': reply_ok(r); return GDB_ACT_DETACH;
    case 'k': r->send = false; return GDB_ACT_KILL;
    case 'q':
    case 'Q': return cmd_query(s, pkt, end, r);
    case 'v':
        if (!strcmp(pkt, "vCont?")) {
            reply_add(r, "vCont;c;C;s;S");
            return GDB_ACT_NONE;
        }
        if (starts(pkt, "vCont"))
            return cmd_vcont(s, pkt + 5, end, r);
        if (starts(pkt, "vKill")) {
            reply_ok(r);
            return GDB_ACT_KILL;
        }
        return GDB_ACT_NONE;
    default: return GDB_ACT_NONE;
    }
}

void gdb_stop_reply(struct gdb_session *s, unsigned i, unsigned sig, struct gdb_reply *r)
{
    static const char *const watch[4] = {"", "watch", "rwatch", "awatch"};
    const struct hart *h;

    if (i >= s->nharts)
        i = 0;
    h = &s->harts[i];
    r->len = 0;
    r->send = true;
    reply_add(r, "T%02x", sig & 0xff);
    if (h->dbg_stop.reason == HART_DBG_WATCHPOINT)
        reply_add(r, "%s:%" PRIx64 ";", watch[h->dbg_stop.kind & 3], h->dbg_stop.addr);
    reply_add(r, "thread:%x;%02x:", i + 1, GDB_REG_PC);
    reply_u64(r, h->pc);
    reply_add(r, ";");
    if (r->len < sizeof(s->last_stop)) {
        memcpy(s->last_stop, r->buf, r->len + 1);
    }
    s->stop_hart = s->g_hart = s->c_hart = i;
}

int gdb_session_init(struct gdb_session *s, struct hart *harts, unsigned nharts)
{
    memset(s, 0, sizeof(*s));
    s->harts = harts;
    s->nharts = nharts;
    s->xml = gdb_target_xml(&s->xml_len);
    return s->xml ? 0 : -ENOMEM;
}

void gdb_session_destroy(struct gdb_session *s)
{
    free(s->xml);
    s->xml = NULL;
}
