/*
 * `rvisor ctl` (ctl.h): connect to the monitor's Unix socket, negotiate, run one command
 * and print its result for a human: query-stats as two tables (VMs, then harts) with a
 * legend that says what each column means, sizes in KiB/MiB/GiB, counts with thousands
 * separators, times in seconds.
 *
 * The monitor sends one JSON text per line, so replies are read line by line; events that
 * arrive while waiting for a reply are skipped (except for the `events` command).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ctl.h"

#define CTL_USAGE      2
#define CTL_FAILED     1
#define CTL_TIMEOUT_MS 10000
#define CTL_MAX_LINE   (16u << 20)
#define CTL_CELL       48
#define CTL_NUM        32

static void ctl_usage(FILE *f)
{
    fputs("usage: rvisor ctl [--json] [--timeout SEC] SOCKET COMMAND [KEY=VALUE | KEY:=JSON]...\n"
          "       rvisor ctl SOCKET events [--count N]\n"
          "Commands (the monitor's; `help` lists them):\n"
          "  query-vms                       the VMs and their state\n"
          "  query-stats [vm=NAME]           per-VM and per-hart statistics\n"
          "  vm-pause|vm-resume|vm-stop|vm-reset vm=NAME\n"
          "  set-weight vm=NAME weight=N     fair-share weight (1..10000, default 256)\n"
          "  set-cap vm=NAME cap=PERCENT     at most PERCENT of one host thread (0: no cap)\n"
          "  set-quota vm=NAME [quota=SIZE] [soft-quota=SIZE]   memory quota (0: none)\n"
          "  screendump vm=NAME filename=FILE.png\n"
          "  quit                            stop every VM; rvisor exits\n"
          "  events                          print events as they come\n"
          "Options:\n"
          "  --json         print the raw JSON return value (events: the raw lines)\n"
          "  --timeout SEC  wait at most SEC seconds for a reply (default 10)\n"
          "  --count N      events: stop after N events\n"
          "Exit status: 0 done, 1 the monitor refused the command, 2 usage or connection error.\n",
          f);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
ctl_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("rvisor ctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CTL_USAGE;
}

/* ---- formatting ---- */

static uint64_t jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

static double jreal(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : 0.0;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "?";
}

static void fmt_count(char *b, size_t n, uint64_t v)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            b[o++] = ',';
        b[o++] = digits[i];
    }
    b[o] = 0;
}

static void fmt_bytes(char *b, size_t n, uint64_t v, bool dash_for_zero)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
    if (v == 0 && dash_for_zero) {
        snprintf(b, n, "-");
        return;
    }
    if (v < 1024) {
        snprintf(b, n, "%llu B", (unsigned long long)v);
        return;
    }
    double d = (double)v / 1024.0;
    unsigned u = 0;
    uint64_t div = 1024;
    while (d >= 1024.0 && u < 3) {
        d /= 1024.0;
        div *= 1024;
        u++;
    }
    if (v % div == 0) {
        snprintf(b, n, "%llu %s", (unsigned long long)(v / div), unit[u]);
        return;
    }
    snprintf(b, n, d < 10 ? "%.2f %s" : d < 100 ? "%.1f %s" : "%.0f %s", d, unit[u]);
}

static void fmt_time(char *b, size_t n, uint64_t ns)
{
    if (ns < 1000000000ull)
        snprintf(b, n, "%.1f ms", (double)ns / 1e6);
    else
        snprintf(b, n, "%.2f s", (double)ns / 1e9);
}

/* A table of strings, printed with each column as wide as its widest cell. */
struct ctl_table {
    unsigned ncols;
    const char *align; /* 'l' or 'r' per column */
    char (*cells)[CTL_CELL];
    unsigned nrows, cap; /* rows include the header */
};

static void table_init(struct ctl_table *t, const char *align)
{
    memset(t, 0, sizeof(*t));
    t->ncols = (unsigned)strlen(align);
    t->align = align;
}

/* Add a row of ncols strings. */
static void table_row(struct ctl_table *t, ...)
{
    va_list ap;
    if (t->nrows == t->cap) {
        unsigned cap = t->cap ? 2 * t->cap : 16;
        void *c = realloc(t->cells, (size_t)cap * t->ncols * CTL_CELL);
        if (!c)
            return;
        t->cells = c;
        t->cap = cap;
    }
    va_start(ap, t);
    for (unsigned i = 0; i < t->ncols; i++) {
        const char *s = va_arg(ap, const char *);
        snprintf(t->cells[t->nrows * t->ncols + i], CTL_CELL, "%s", s ? s : "");
    }
    va_end(ap);
    t->nrows++;
}

static void table_print(FILE *f, struct ctl_table *t)
{
    unsigned w[32] = {0};
    for (unsigned r = 0; r < t->nrows; r++)
        for (unsigned c = 0; c < t->ncols && c < 32; c++) {
            size_t l = strlen(t->cells[r * t->ncols + c]);
            w[c] = l > w[c] ? (unsigned)l : w[c];
        }
    for (unsigned r = 0; r < t->nrows; r++) {
        for (unsigned c = 0; c < t->ncols && c < 32; c++) {
            const char *s = t->cells[r * t->ncols + c];
            bool last = c + 1 == t->ncols;
            if (t->align[c] == 'r' && r > 0)
                fprintf(f, "%*s", (int)w[c], s);
            else if (last)
                fputs(s, f);
            else
                fprintf(f, "%-*s", (int)w[c], s);
            if (!last)
                fputs("  ", f);
        }
        fputc('\n', f);
    }
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

static void fmt_state(char *b, size_t n, const json_t *vm)
{
    const json_t *ex = json_object_get(vm, "exit");
    if (json_is_object(ex) && jnum(ex, "code"))
        snprintf(b, n, "%s (%s %llu)", jstr(vm, "state"), jstr(ex, "reason"),
                 (unsigned long long)jnum(ex, "code"));
    else if (json_is_object(ex))
        snprintf(b, n, "%s (%s)", jstr(vm, "state"), jstr(ex, "reason"));
    else
        snprintf(b, n, "%s", jstr(vm, "state"));
}

static void print_vms(FILE *f, const json_t *vms)
{
    struct ctl_table t;
    size_t i;
    const json_t *vm;
    table_init(&t, "llrrrrrrr");
    table_row(&t, "NAME", "STATE", "HARTS", "MEMORY", "WEIGHT", "CAP", "QUOTA", "COMMITTED",
              "INSTRUCTIONS");
    json_array_foreach(vms, i, vm)
    {
        char st[CTL_CELL], h[CTL_NUM], mem[CTL_NUM], w[CTL_NUM], cap[CTL_NUM], q[CTL_NUM],
            com[CTL_NUM], ins[32];
        fmt_state(st, sizeof(st), vm);
        snprintf(h, sizeof(h), "%llu", (unsigned long long)jnum(vm, "harts"));
        fmt_bytes(mem, sizeof(mem), jnum(vm, "memory"), false);
        snprintf(w, sizeof(w), "%llu", (unsigned long long)jnum(vm, "weight"));
        if (jnum(vm, "cap"))
            snprintf(cap, sizeof(cap), "%llu%%", (unsigned long long)jnum(vm, "cap"));
        else
            snprintf(cap, sizeof(cap), "-");
        fmt_bytes(q, sizeof(q), jnum(vm, "quota"), true);
        fmt_bytes(com, sizeof(com), jnum(vm, "committed"), false);
        fmt_count(ins, sizeof(ins), jnum(vm, "instructions"));
        table_row(&t, jstr(vm, "name"), st, h, mem, w, cap, q, com, ins);
    }
    if (json_array_size(vms) == 0)
        fputs("no VMs\n", f);
    else
        table_print(f, &t);
    free(t.cells);
}

static void print_stats(FILE *f, const json_t *ret)
{
    const json_t *vms = json_object_get(ret, "vms"), *vm, *hs;
    struct ctl_table t;
    size_t i, j;
    if (!json_array_size(vms)) {
        fputs("no VMs\n", f);
        return;
    }
    table_init(&t, "llrrrrrrrrrrr");
    table_row(&t, "VM", "STATE", "WEIGHT", "CAP", "INSTRUCTIONS", "SHARE", "MIPS", "RUN TIME",
              "STEAL TIME", "PARKS", "COMMITTED", "QUOTA", "PEAK");
    json_array_foreach(vms, i, vm)
    {
        char st[CTL_CELL], w[CTL_NUM], cap[CTL_NUM], ins[32], sh[CTL_NUM], mi[CTL_NUM],
            run[CTL_NUM], steal[CTL_NUM], pk[32], com[CTL_NUM], q[CTL_NUM], peak[CTL_NUM];
        fmt_state(st, sizeof(st), vm);
        snprintf(w, sizeof(w), "%llu", (unsigned long long)jnum(vm, "weight"));
        if (jnum(vm, "cap"))
            snprintf(cap, sizeof(cap), "%llu%%", (unsigned long long)jnum(vm, "cap"));
        else
            snprintf(cap, sizeof(cap), "-");
        fmt_count(ins, sizeof(ins), jnum(vm, "instructions"));
        snprintf(sh, sizeof(sh), "%.1f%%", jreal(vm, "share"));
        snprintf(mi, sizeof(mi), "%.1f", jreal(vm, "mips"));
        fmt_time(run, sizeof(run), jnum(vm, "run-ns"));
        fmt_time(steal, sizeof(steal), jnum(vm, "steal-ns"));
        fmt_count(pk, sizeof(pk), jnum(vm, "parks"));
        fmt_bytes(com, sizeof(com), jnum(vm, "committed"), false);
        fmt_bytes(q, sizeof(q), jnum(vm, "quota"), true);
        fmt_bytes(peak, sizeof(peak), jnum(vm, "peak"), false);
        table_row(&t, jstr(vm, "name"), st, w, cap, ins, sh, mi, run, steal, pk, com, q, peak);
    }
    table_print(f, &t);
    fputc('\n', f);

    table_init(&t, "llrrrrrrr");
    table_row(&t, "HART", "STATE", "INSTRUCTIONS", "SHARE", "MIPS", "RUN TIME", "STEAL TIME",
              "PARKS", "SLICES");
    json_array_foreach(vms, i, vm)
    {
        json_array_foreach(json_object_get(vm, "hart-stats"), j, hs)
        {
            char name[CTL_CELL], ins[32], sh[CTL_NUM], mi[CTL_NUM], run[CTL_NUM], steal[CTL_NUM],
                pk[32], sl[32];
            snprintf(name, sizeof(name), "%.30s/%llu", jstr(vm, "name"),
                     (unsigned long long)jnum(hs, "hart"));
            fmt_count(ins, sizeof(ins), jnum(hs, "instructions"));
            snprintf(sh, sizeof(sh), "%.1f%%", jreal(hs, "share"));
            snprintf(mi, sizeof(mi), "%.1f", jreal(hs, "mips"));
            fmt_time(run, sizeof(run), jnum(hs, "run-ns"));
            fmt_time(steal, sizeof(steal), jnum(hs, "steal-ns"));
            fmt_count(pk, sizeof(pk), jnum(hs, "parks"));
            fmt_count(sl, sizeof(sl), jnum(hs, "slices"));
            table_row(&t, name, jstr(hs, "state"), ins, sh, mi, run, steal, pk, sl);
        }
    }
    table_print(f, &t);
    fputs("\nSHARE: part of all instructions retired so far. MIPS: millions of instructions per\n"
          "second of run time. RUN TIME: host time on a worker thread. STEAL TIME: runnable but\n"
          "waiting for a worker thread. PARKS: waits in WFI. COMMITTED: guest RAM written so\n"
          "far plus host overhead; QUOTA: the hard limit (- none); PEAK: the highest COMMITTED.\n",
          f);
}

void ctl_print_return(FILE *out, const char *command, const struct json_t *ret)
{
    const json_t *r = (const json_t *)ret;
    size_t i;
    const json_t *v;
    if (!strcmp(command, "query-vms") && json_is_array(r)) {
        print_vms(out, r);
    } else if (!strcmp(command, "query-stats") && json_is_object(r)) {
        print_stats(out, r);
    } else if (!strcmp(command, "query-commands") && json_is_array(r)) {
        json_array_foreach(r, i, v) fprintf(out, "%s\n", jstr(v, "name"));
    } else if (!strcmp(command, "query-version") && json_is_object(r)) {
        fprintf(out, "%s\n", jstr(r, "package"));
    } else if (json_is_object(r) && json_object_size(r) == 0) {
        /* done: nothing to say */
    } else {
        char *s = json_dumps(r, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
        if (s)
            fprintf(out, "%s\n", s);
        free(s);
    }
}

void ctl_print_event(FILE *out, const struct json_t *event)
{
    const json_t *e = (const json_t *)event;
    const json_t *ts = json_object_get(e, "timestamp"), *data = json_object_get(e, "data"), *v;
    time_t sec = (time_t)jnum(ts, "seconds");
    struct tm tm;
    char when[32] = "?";
    const char *key;
    if (localtime_r(&sec, &tm))
        strftime(when, sizeof(when), "%H:%M:%S", &tm);
    fprintf(out, "%s.%06llu %s", when, (unsigned long long)jnum(ts, "microseconds"),
            jstr(e, "event"));
    json_object_foreach((json_t *)data, key, v)
    {
        if (json_is_string(v)) {
            fprintf(out, " %s=%s", key, json_string_value(v));
        } else {
            char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            fprintf(out, " %s=%s", key, s ? s : "?");
            free(s);
        }
    }
    fputc('\n', out);
}

/* ---- the connection ---- */

#ifndef _WIN32
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

struct ctl_conn {
    int fd;
    char *buf;
    size_t len, cap;
    int timeout_ms; /* -1: forever */
};

static uint64_t ctl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Next message: 1 (*out set, or *raw for --json), 0 at end of file, -1 error or timeout. */
static int ctl_read(struct ctl_conn *c, json_t **out, char **raw)
{
    uint64_t deadline = c->timeout_ms < 0 ? 0 : ctl_now_ms() + (uint64_t)c->timeout_ms;
    for (;;) {
        char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - c->buf) + 1;
            json_error_t je;
            *out = json_loadb(c->buf, n, 0, &je);
            if (raw) {
                *raw = malloc(n + 1);
                if (*raw) {
                    memcpy(*raw, c->buf, n);
                    (*raw)[n] = 0;
                }
            }
            memmove(c->buf, c->buf + n, c->len - n);
            c->len -= n;
            if (!*out) {
                ctl_fail("the monitor sent something that is not JSON: %s", je.text);
                return -1;
            }
            return 1;
        }
        if (c->len == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 65536;
            char *b = cap <= CTL_MAX_LINE ? realloc(c->buf, cap) : NULL;
            if (!b) {
                ctl_fail("a reply longer than %u bytes", CTL_MAX_LINE);
                return -1;
            }
            c->buf = b;
            c->cap = cap;
        }
        int wait = -1;
        if (c->timeout_ms >= 0) {
            uint64_t now = ctl_now_ms();
            if (now >= deadline) {
                ctl_fail("no reply from the monitor within %d s", c->timeout_ms / 1000);
                return -1;
            }
            wait = (int)(deadline - now);
        }
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int r = poll(&p, 1, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            continue; /* the deadline check above reports it */
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ctl_fail("reading from the monitor: %s", strerror(errno));
            return -1;
        }
        if (n == 0)
            return 0;
        c->len += (size_t)n;
    }
}

static int ctl_send(struct ctl_conn *c, json_t *msg)
{
    char *s = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!s)
        return -1;
    size_t len = strlen(s), off = 0;
    int r = 0;
    while (off < len + 1) {
        const char *p = off < len ? s + off : "\n";
        size_t n = off < len ? len - off : 1;
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            ctl_fail("sending to the monitor: %s", strerror(errno));
            r = -1;
            break;
        }
        off += (size_t)w;
    }
    free(s);
    return r;
}

/* Wait for the reply with this id; events in between are skipped. 1 return, 0 error reply,
 * -1 connection problem. */
static int ctl_wait_reply(struct ctl_conn *c, const char *id, json_t **reply)
{
    for (;;) {
        json_t *m = NULL;
        int r = ctl_read(c, &m, NULL);
        if (r == 0)
            ctl_fail("the monitor closed the connection before replying");
        if (r <= 0)
            return -1;
        const char *mid = json_string_value(json_object_get(m, "id"));
        bool is_err = json_object_get(m, "error") != NULL;
        if ((mid && !strcmp(mid, id)) || (is_err && !json_object_get(m, "id"))) {
            *reply = m;
            return is_err ? 0 : 1;
        }
        json_decref(m); /* an event, or a reply to someone else */
    }
}

/*
 * Connect, waiting at most timeout_ms (-1: forever) while the monitor's backlog is full
 * (a busy monitor: a blocking connect would wait forever).
 */
static int ctl_connect(const char *path, struct ctl_conn *c, int timeout_ms)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (!*path || strlen(path) >= sizeof(sa.sun_path))
        return ctl_fail("'%s' is not a Unix socket path", path);
    memcpy(sa.sun_path, path, strlen(path));
    c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    int fl = c->fd >= 0 ? fcntl(c->fd, F_GETFL) : -1;
    if (fl < 0 || fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        if (c->fd >= 0)
            close(c->fd);
        c->fd = -1;
        return ctl_fail("socket: %s", strerror(errno));
    }
    uint64_t deadline = ctl_now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
    int r;
    while ((r = connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) < 0 &&
           (errno == EAGAIN || errno == EINTR) && (timeout_ms < 0 || ctl_now_ms() < deadline)) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (r < 0 && errno == EINPROGRESS) { /* other hosts: wait for it to complete */
        struct pollfd p = {.fd = c->fd, .events = POLLOUT};
        int e = 0;
        socklen_t el = sizeof(e);
        if (poll(&p, 1, timeout_ms) == 1 && getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 &&
            e == 0)
            r = 0;
        else
            errno = e ? e : ETIMEDOUT;
    }
    if (r < 0) {
        int e = errno == EAGAIN ? ETIMEDOUT : errno;
        close(c->fd);
        c->fd = -1;
        return ctl_fail("cannot connect to the monitor at '%s': %s", path, strerror(e));
    }
    fcntl(c->fd, F_SETFL, fl);
    return 0;
}

/* KEY=VALUE (a string) or KEY:=JSON. */
static int ctl_add_arg(json_t *args, const char *a)
{
    const char *eq = strchr(a, '=');
    if (!eq || eq == a)
        return ctl_fail("argument '%s' is not KEY=VALUE (or KEY:=JSON)", a);
    bool raw = eq[-1] == ':';
    size_t klen = (size_t)(eq - a) - raw;
    if (!klen)
        return ctl_fail("argument '%s' has no key", a);
    json_t *v;
    if (raw) {
        json_error_t je;
        v = json_loads(eq + 1, JSON_DECODE_ANY, &je);
        if (!v)
            return ctl_fail("argument '%s': not JSON: %s", a, je.text);
    } else {
        v = json_string(eq + 1);
        if (!v)
            return ctl_fail("argument '%s' is not valid UTF-8", a);
    }
    char key[128];
    snprintf(key, sizeof(key), "%.*s", (int)(klen < sizeof(key) - 1 ? klen : sizeof(key) - 1), a);
    json_object_set_new(args, key, v);
    return 0;
}

struct ctl_opts {
    bool json;
    int timeout_ms; /* -2: not given */
    long count;     /* events; 0: no limit */
    const char *sock, *cmd;
    char **args;
    int nargs;
};

static int ctl_parse(int argc, char **argv, struct ctl_opts *o)
{
    int pos = 0;
    o->timeout_ms = -2;
    o->args = calloc((size_t)argc + 1, sizeof(char *));
    if (!o->args)
        return ctl_fail("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            ctl_usage(stdout);
            return 1;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "--timeout") || !strcmp(a, "--count")) {
            if (i + 1 >= argc)
                return ctl_fail("%s needs a number (try --help)", a);
            errno = 0;
            double d = strtod(argv[++i], &end);
            if (errno || end == argv[i] || *end || !(d > 0 && d < 1e7))
                return ctl_fail("invalid %s '%s' (a number above 0)", a, argv[i]);
            if (!strcmp(a, "--timeout"))
                o->timeout_ms = (int)(d * 1000.0);
            else
                o->count = (long)d;
        } else if (a[0] == '-' && a[1] == '-') {
            return ctl_fail("unknown option '%s' (try --help)", a);
        } else if (pos == 0) {
            o->sock = a;
            pos++;
        } else if (pos == 1) {
            o->cmd = a;
            pos++;
        } else {
            o->args[o->nargs++] = argv[i];
        }
    }
    if (!o->cmd)
        return ctl_fail("usage: rvisor ctl SOCKET COMMAND [KEY=VALUE...] (try --help)");
    return 0;
}

static int ctl_events(struct ctl_conn *c, const struct ctl_opts *o)
{
    long seen = 0;
    c->timeout_ms = o->timeout_ms == -2 ? -1 : o->timeout_ms;
    for (;;) {
        json_t *m = NULL;
        char *raw = NULL;
        int r = ctl_read(c, &m, o->json ? &raw : NULL);
        if (r == 0)
            return 0; /* rvisor ended */
        if (r < 0)
            return CTL_USAGE;
        if (json_object_get(m, "event")) {
            if (o->json && raw)
                fputs(raw, stdout);
            else
                ctl_print_event(stdout, m);
            fflush(stdout);
            seen++;
        }
        free(raw);
        json_decref(m);
        if (o->count && seen >= o->count)
            return 0;
    }
}

static int ctl_run(struct ctl_opts *o)
{
    struct ctl_conn c = {.fd = -1,
                         .timeout_ms = o->timeout_ms == -2 ? CTL_TIMEOUT_MS : o->timeout_ms};
    json_t *reply = NULL, *args = json_object();
    int rc = CTL_USAGE;
    const char *cmd = !strcmp(o->cmd, "help") ? "query-commands" : o->cmd;
    bool events = !strcmp(cmd, "events");
    if (!args)
        return ctl_fail("out of memory");
    for (int i = 0; i < o->nargs; i++)
        if (events || ctl_add_arg(args, o->args[i]) != 0) {
            if (events)
                ctl_fail("events takes no arguments (try --count N)");
            json_decref(args);
            return CTL_USAGE;
        }
    if (ctl_connect(o->sock, &c, c.timeout_ms) != 0) {
        json_decref(args);
        return CTL_USAGE;
    }
    json_t *greet = NULL;
    int r = ctl_read(&c, &greet, NULL);
    if (r == 0)
        ctl_fail("'%s' closed the connection without a greeting", o->sock);
    if (r > 0 && !json_object_get(greet, "QMP")) {
        ctl_fail("'%s' does not speak QMP", o->sock);
        r = -1;
    }
    json_decref(greet);
    if (r <= 0)
        goto out;
    if (ctl_send(&c, json_pack("{s:s,s:s}", "execute", "qmp_capabilities", "id", "ctl-caps")) < 0)
        goto out;
    if ((r = ctl_wait_reply(&c, "ctl-caps", &reply)) <= 0) {
        if (r == 0)
            ctl_fail("negotiation refused: %s", jstr(json_object_get(reply, "error"), "desc"));
        goto out;
    }
    json_decref(reply);
    reply = NULL;
    if (events) {
        rc = ctl_events(&c, o);
        goto out;
    }
    json_t *req = json_pack("{s:s,s:O,s:s}", "execute", cmd, "arguments", args, "id", "ctl-1");
    if (!req || ctl_send(&c, req) < 0)
        goto out;
    r = ctl_wait_reply(&c, "ctl-1", &reply);
    if (r < 0)
        goto out;
    if (r == 0) {
        const json_t *e = json_object_get(reply, "error");
        fprintf(stderr, "rvisor ctl: %s: %s\n", cmd, jstr(e, "desc"));
        rc = CTL_FAILED;
        goto out;
    }
    const json_t *ret = json_object_get(reply, "return");
    if (o->json) {
        char *s = json_dumps(ret, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
        if (s)
            printf("%s\n", s);
        free(s);
    } else {
        ctl_print_return(stdout, cmd, (const struct json_t *)ret);
    }
    rc = 0;
out:
    json_decref(reply);
    json_decref(args);
    free(c.buf);
    if (c.fd >= 0)
        close(c.fd);
    return rc;
}

int rvisor_ctl_main(int argc, char **argv)
{
    struct ctl_opts o = {0};
    int r = ctl_parse(argc, argv, &o);
    if (r == 0)
        r = ctl_run(&o);
    else if (r == 1)
        r = 0; /* --help */
    free(o.args);
    return r;
}

#else /* _WIN32 */

int rvisor_ctl_main(int argc, char **argv)
{
    return ctl_fail("the monitor uses Unix sockets, which this host does not have");
}

#endif
