/*
 * The monitor's protocol (monitor.h, docs/monitor.md): QMP framing as QEMU's monitor/qmp.c
 * does it, without sockets or threads.
 *
 * A request is checked as QEMU checks it (qmp_dispatch.c: an object; members execute,
 * arguments, id only; execute a string; arguments an object; id any value, echoed back),
 * then the command's arguments against its table entry: each argument has a type, and
 * unknown, missing and mistyped ones are refused with QEMU's wording ("Parameter 'vm' is
 * missing"). Integers may also come as decimal strings and sizes as "96M", so that
 * `rvisor ctl ... weight=512` works without typing JSON. Error classes are QEMU's:
 * GenericError, CommandNotFound, and DeviceNotFound for an unknown VM name.
 *
 * Left out: out-of-band execution (exec-oob), the "enable" capabilities (none exist).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config.h"
#include "hv/monitor.h"

#define QMP_VERSION_MAJOR 0
#define QMP_VERSION_MINOR 1
#define QMP_VERSION_MICRO 0
#define QMP_PACKAGE       "rvisor 0.1.0"

/* ---- replies ---- */

struct qmp_err {
    const char *cls;
    char desc[512];
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static json_t *
qmp_fail(struct qmp_err *e, const char *cls, const char *fmt, ...)
{
    va_list ap;
    e->cls = cls;
    va_start(ap, fmt);
    vsnprintf(e->desc, sizeof(e->desc), fmt, ap);
    va_end(ap);
    return NULL;
}

/* obj as one line ending in "\r\n"; takes the reference. */
static char *qmp_line(json_t *obj)
{
    if (!obj)
        return NULL;
    char *s = json_dumps(obj, JSON_REAL_PRECISION(6) | JSON_ENCODE_ANY);
    json_decref(obj);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *line = realloc(s, n + 3);
    if (!line) {
        free(s);
        return NULL;
    }
    memcpy(line + n, "\r\n", 3);
    return line;
}

/* {"error": {...}, "id": id}; id may be NULL (no id member). */
static char *qmp_error_line(const struct qmp_err *e, json_t *id)
{
    json_t *r = json_pack("{s:{s:s,s:s}}", "error", "class", e->cls, "desc", e->desc);
    if (r && id)
        json_object_set(r, "id", id);
    return qmp_line(r);
}

char *qmp_greeting(void)
{
    return qmp_line(json_pack("{s:{s:{s:{s:i,s:i,s:i},s:s},s:[]}}", "QMP", "version", "qemu",
                              "micro", QMP_VERSION_MICRO, "minor", QMP_VERSION_MINOR, "major",
                              QMP_VERSION_MAJOR, "package", QMP_PACKAGE, "capabilities"));
}

char *qmp_too_long_reply(void)
{
    struct qmp_err e = {.cls = "GenericError"};
    snprintf(e.desc, sizeof(e.desc),
             "request too long (more than %u bytes); the rest of it, up to the next newline, "
             "was ignored",
             MONITOR_MAX_REQUEST);
    return qmp_error_line(&e, NULL);
}

char *qmp_format_event(const char *name, const char *data, int64_t sec, int64_t usec)
{
    json_t *d = data ? json_loads(data, 0, NULL) : json_object();
    if (!json_is_object(d)) {
        json_decref(d);
        d = json_pack("{s:s}", "raw", data ? data : "");
    }
    return qmp_line(json_pack("{s:{s:I,s:I},s:s,s:o}", "timestamp", "seconds", (json_int_t)sec,
                              "microseconds", (json_int_t)usec, "event", name, "data", d));
}

/* ---- arguments ---- */

enum qmp_arg_type {
    QMP_ARG_STR = 1,
    QMP_ARG_UINT, /* 0..UINT32_MAX: an integer or a decimal string */
    QMP_ARG_SIZE, /* bytes: an integer or a string such as "96M" */
    QMP_ARG_ARRAY,
};

struct qmp_arg {
    const char *name;
    enum qmp_arg_type type;
    bool required;
};

static bool arg_number(const json_t *v, enum qmp_arg_type t, uint64_t *out)
{
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0)
            return false;
        *out = (uint64_t)json_integer_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        if (t == QMP_ARG_SIZE)
            return hv_config_parse_size(s, out) == 0;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        *out = strtoull(s, &end, 10);
        if (*end || strlen(s) > 19)
            return false;
    } else {
        return false;
    }
    return t != QMP_ARG_UINT || *out <= UINT32_MAX;
}

static const char *arg_type_name(enum qmp_arg_type t)
{
    switch (t) {
    case QMP_ARG_STR: return "string";
    case QMP_ARG_UINT: return "integer";
    case QMP_ARG_SIZE: return "size (bytes, or a string such as \"96M\")";
    default: return "array";
    }
}

static bool check_args(const struct qmp_arg *spec, json_t *args, struct qmp_err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(args, key, v)
    {
        const struct qmp_arg *a = spec;
        while (a->name && strcmp(a->name, key) != 0)
            a++;
        if (!a->name) {
            qmp_fail(e, "GenericError", "Parameter '%s' is unexpected", key);
            return false;
        }
        uint64_t n;
        bool ok = a->type == QMP_ARG_STR     ? json_is_string(v)
                  : a->type == QMP_ARG_ARRAY ? json_is_array(v)
                                             : arg_number(v, a->type, &n);
        if (ok && a->type == QMP_ARG_STR && strlen(json_string_value(v)) != json_string_length(v))
            ok = false;
        if (!ok) {
            qmp_fail(e, "GenericError", "Invalid parameter type for '%s', expected: %s", key,
                     arg_type_name(a->type));
            return false;
        }
    }
    for (const struct qmp_arg *a = spec; a->name; a++)
        if (a->required && !json_object_get(args, a->name)) {
            qmp_fail(e, "GenericError", "Parameter '%s' is missing", a->name);
            return false;
        }
    return true;
}

/* Values of arguments check_args accepted. */
static const char *arg_str(json_t *args, const char *name)
{
    return json_string_value(json_object_get(args, name));
}

static bool arg_u64(json_t *args, const char *name, enum qmp_arg_type t, uint64_t *out)
{
    json_t *v = json_object_get(args, name);
    return v && arg_number(v, t, out);
}

/* ---- commands ---- */

typedef json_t *(*qmp_cmd_fn)(struct qmp_session *s, json_t *args, struct qmp_err *e);

struct qmp_cmd {
    const char *name;
    qmp_cmd_fn fn;
    struct qmp_arg args[4];
};

static const struct qmp_cmd *qmp_table(size_t *n);

/* The VM named by the "vm" argument: its index, or -1 (e filled). */
static int qmp_vm(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    const char *name = arg_str(args, "vm");
    int idx = name ? s->ops->vm_find(s->hv, name) : -1;
    if (idx < 0)
        qmp_fail(e, "DeviceNotFound", "no VM named '%s' (query-vms lists them)", name ? name : "");
    return idx;
}

/* For hv calls that return 0 or -1 with a message: {} or the error. */
static json_t *qmp_result(int r, const char *msg, struct qmp_err *e)
{
    if (r == 0)
        return json_object();
    return qmp_fail(e, "GenericError", "%s", msg[0] ? msg : "failed");
}

static json_t *cmd_capabilities(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    json_t *en = json_object_get(args, "enable");
    if (en && json_array_size(en)) {
        json_t *c = json_array_get(en, 0);
        return qmp_fail(e, "GenericError", "Capability '%s' not available",
                        json_is_string(c) ? json_string_value(c) : "?");
    }
    s->negotiated = true;
    return json_object();
}

static json_t *cmd_query_commands(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    size_t n;
    const struct qmp_cmd *t = qmp_table(&n);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:s}", "name", t[i].name));
    return a;
}

static json_t *cmd_query_version(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu", "micro", QMP_VERSION_MICRO, "minor",
                     QMP_VERSION_MINOR, "major", QMP_VERSION_MAJOR, "package", QMP_PACKAGE);
}

static json_t *vm_summary(struct qmp_session *s, unsigned idx, const struct hv_vm_info *vi)
{
    json_t *o = json_pack("{s:s,s:i,s:s,s:i,s:I,s:i,s:i,s:I,s:I,s:I,s:I,s:I}", "name",
                          vi->name ? vi->name : "", "index", (int)idx, "state",
                          s->ops->vm_state_name(vi->state), "harts", (int)vi->harts, "memory",
                          (json_int_t)vi->ram_size, "weight", (int)vi->weight, "cap", (int)vi->cap,
                          "quota", (json_int_t)vi->quota, "soft-quota", (json_int_t)vi->soft_quota,
                          "committed", (json_int_t)vi->committed, "peak", (json_int_t)vi->peak,
                          "instructions", (json_int_t)vi->insns);
    if (o && vi->state == HV_VM_STOPPED)
        json_object_set_new(o, "exit",
                            json_pack("{s:s,s:i}", "reason", vm_exit_reason(vi->exit.kind), "code",
                                      (int)vi->exit.code));
    return o;
}

static json_t *cmd_query_vms(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    json_t *a = json_array();
    unsigned n = s->ops->vm_count(s->hv);
    for (unsigned i = 0; a && i < n; i++) {
        struct hv_vm_info vi;
        if (s->ops->query_vm(s->hv, i, &vi) == 0)
            json_array_append_new(a, vm_summary(s, i, &vi));
    }
    return a;
}

static double percent(uint64_t part, uint64_t whole)
{
    return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

static double mips(uint64_t insns, uint64_t ns)
{
    return ns ? (double)insns * 1000.0 / (double)ns : 0.0;
}

static json_t *vm_stats(struct qmp_session *s, unsigned idx, const struct hv_vm_info *vi,
                        uint64_t total)
{
    json_t *harts = json_array();
    uint64_t steal = 0, parks = 0, slices = 0;
    for (unsigned h = 0; harts && h < vi->harts; h++) {
        struct hv_hart_stats hs;
        if (s->ops->query_hart(s->hv, idx, h, &hs) < 0)
            continue;
        steal += hs.steal_ns;
        parks += hs.parks;
        slices += hs.slices;
        json_array_append_new(
            harts,
            json_pack("{s:i,s:s,s:I,s:f,s:f,s:I,s:I,s:I,s:I}", "hart", (int)h, "state",
                      s->ops->hart_state_name(hs.state), "instructions", (json_int_t)hs.insns,
                      "share", percent(hs.insns, total), "mips", mips(hs.insns, hs.run_ns),
                      "slices", (json_int_t)hs.slices, "run-ns", (json_int_t)hs.run_ns, "steal-ns",
                      (json_int_t)hs.steal_ns, "parks", (json_int_t)hs.parks));
    }
    json_t *o = vm_summary(s, idx, vi);
    if (!o || !harts) {
        json_decref(o);
        json_decref(harts);
        return NULL;
    }
    json_object_update_new(
        o, json_pack("{s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I}", "share", percent(vi->insns, total),
                     "mips", mips(vi->insns, vi->run_ns), "run-ns", (json_int_t)vi->run_ns,
                     "steal-ns", (json_int_t)steal, "parks", (json_int_t)parks, "slices",
                     (json_int_t)slices, "committed-pages", (json_int_t)vi->committed_pages,
                     "overhead", (json_int_t)vi->overhead));
    json_object_set_new(o, "hart-stats", harts);
    return o;
}

static json_t *cmd_query_stats(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    unsigned n = s->ops->vm_count(s->hv);
    int only = -1;
    if (json_object_get(args, "vm") && (only = qmp_vm(s, args, e)) < 0)
        return NULL;
    struct hv_vm_info *vi = calloc(n ? n : 1, sizeof(*vi));
    bool *ok = calloc(n ? n : 1, sizeof(*ok));
    json_t *a = json_array();
    uint64_t total = 0;
    for (unsigned i = 0; vi && ok && i < n; i++) {
        ok[i] = s->ops->query_vm(s->hv, i, &vi[i]) == 0;
        total += ok[i] ? vi[i].insns : 0;
    }
    for (unsigned i = 0; vi && ok && a && i < n; i++)
        if (ok[i] && (only < 0 || (unsigned)only == i))
            json_array_append_new(a, vm_stats(s, i, &vi[i], total));
    json_t *r =
        vi && ok && a ? json_pack("{s:I,s:o}", "instructions", (json_int_t)total, "vms", a) : NULL;
    if (!r) {
        json_decref(a);
        qmp_fail(e, "GenericError", "out of memory");
    }
    free(vi);
    free(ok);
    return r;
}

typedef int (*qmp_vm_action)(struct hv *, unsigned, char *, size_t);

static json_t *vm_action(struct qmp_session *s, json_t *args, struct qmp_err *e, qmp_vm_action fn)
{
    char msg[256] = "";
    int idx = qmp_vm(s, args, e);
    if (idx < 0)
        return NULL;
    return qmp_result(fn(s->hv, (unsigned)idx, msg, sizeof(msg)), msg, e);
}

static json_t *cmd_pause(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    return vm_action(s, args, e, s->ops->vm_pause);
}

static json_t *cmd_resume(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    return vm_action(s, args, e, s->ops->vm_resume);
}

static json_t *cmd_stop(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    return vm_action(s, args, e, s->ops->vm_stop);
}

static json_t *cmd_reset(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    return vm_action(s, args, e, s->ops->vm_reset);
}

static json_t *cmd_set_weight(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    char msg[256] = "";
    uint64_t w = 0;
    int idx = qmp_vm(s, args, e);
    if (idx < 0)
        return NULL;
    arg_u64(args, "weight", QMP_ARG_UINT, &w);
    return qmp_result(s->ops->set_weight(s->hv, (unsigned)idx, (unsigned)w, msg, sizeof(msg)), msg,
                      e);
}

static json_t *cmd_set_cap(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    char msg[256] = "";
    uint64_t c = 0;
    int idx = qmp_vm(s, args, e);
    if (idx < 0)
        return NULL;
    arg_u64(args, "cap", QMP_ARG_UINT, &c);
    return qmp_result(s->ops->set_cap(s->hv, (unsigned)idx, (unsigned)c, msg, sizeof(msg)), msg, e);
}

/* quota and soft-quota: each optional (the other keeps its value), 0 removes it. */
static json_t *cmd_set_quota(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    char msg[256] = "";
    struct hv_vm_info vi;
    int idx = qmp_vm(s, args, e);
    if (idx < 0)
        return NULL;
    if (s->ops->query_vm(s->hv, (unsigned)idx, &vi) < 0)
        return qmp_fail(e, "DeviceNotFound", "VM '%s' is gone", arg_str(args, "vm"));
    bool q = arg_u64(args, "quota", QMP_ARG_SIZE, &vi.quota);
    bool sq = arg_u64(args, "soft-quota", QMP_ARG_SIZE, &vi.soft_quota);
    if (!q && !sq)
        return qmp_fail(e, "GenericError", "Parameter 'quota' or 'soft-quota' is missing");
    return qmp_result(
        s->ops->set_quota(s->hv, (unsigned)idx, vi.quota, vi.soft_quota, msg, sizeof(msg)), msg, e);
}

static json_t *cmd_screendump(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    char msg[256] = "";
    int idx = qmp_vm(s, args, e);
    if (idx < 0)
        return NULL;
    const char *file = arg_str(args, "filename");
    if (!*file)
        return qmp_fail(e, "GenericError", "Parameter 'filename' must not be empty");
    return qmp_result(s->ops->screendump(s->hv, (unsigned)idx, file, msg, sizeof(msg)), msg, e);
}

static json_t *cmd_quit(struct qmp_session *s, json_t *args, struct qmp_err *e)
{
    s->quit = true;
    s->ops->shutdown(s->hv);
    return json_object();
}

#define VM_ARG                                                                                     \
    {                                                                                              \
        "vm", QMP_ARG_STR, true                                                                    \
    }

static const struct qmp_cmd qmp_cmds[] = {
    {"qmp_capabilities", cmd_capabilities, {{"enable", QMP_ARG_ARRAY, false}}},
    {"query-commands", cmd_query_commands, {{0}}},
    {"query-version", cmd_query_version, {{0}}},
    {"query-vms", cmd_query_vms, {{0}}},
    {"query-stats", cmd_query_stats, {{"vm", QMP_ARG_STR, false}}},
    {"vm-pause", cmd_pause, {VM_ARG}},
    {"vm-resume", cmd_resume, {VM_ARG}},
    {"vm-stop", cmd_stop, {VM_ARG}},
    {"vm-reset", cmd_reset, {VM_ARG}},
    {"set-weight", cmd_set_weight, {VM_ARG, {"weight", QMP_ARG_UINT, true}}},
    {"set-cap", cmd_set_cap, {VM_ARG, {"cap", QMP_ARG_UINT, true}}},
    {"set-quota",
     cmd_set_quota,
     {VM_ARG, {"quota", QMP_ARG_SIZE, false}, {"soft-quota", QMP_ARG_SIZE, false}}},
    {"screendump", cmd_screendump, {VM_ARG, {"filename", QMP_ARG_STR, true}}},
    {"quit", cmd_quit, {{0}}},
};
static const size_t qmp_ncmds = sizeof(qmp_cmds) / sizeof(qmp_cmds[0]);

static const struct qmp_cmd *qmp_table(size_t *n)
{
    *n = qmp_ncmds;
    return qmp_cmds;
}

/* ---- requests ---- */

char *qmp_session_handle(struct qmp_session *s, const char *msg, size_t len)
{
    struct qmp_err e = {.cls = "GenericError"};
    json_error_t je;
    json_t *req = json_loadb(msg, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    json_t *id = NULL, *ret = NULL;
    if (!req) {
        snprintf(e.desc, sizeof(e.desc), "JSON parse error, %s (line %d, column %d)", je.text,
                 je.line, je.column);
        return qmp_error_line(&e, NULL);
    }
    if (!json_is_object(req)) {
        qmp_fail(&e, "GenericError", "QMP input must be a JSON object");
        goto out;
    }
    id = json_object_get(req, "id");
    const char *key;
    json_t *v;
    json_object_foreach(req, key, v)
    {
        if (strcmp(key, "execute") != 0 && strcmp(key, "arguments") != 0 &&
            strcmp(key, "id") != 0) {
            qmp_fail(&e, "GenericError", "QMP input member '%s' is unexpected", key);
            goto out;
        }
    }
    json_t *ex = json_object_get(req, "execute");
    json_t *args = json_object_get(req, "arguments");
    if (!ex) {
        qmp_fail(&e, "GenericError", "QMP input lacks member 'execute'");
        goto out;
    }
    if (!json_is_string(ex)) {
        qmp_fail(&e, "GenericError", "QMP input member 'execute' must be a string");
        goto out;
    }
    if (args && !json_is_object(args)) {
        qmp_fail(&e, "GenericError", "QMP input member 'arguments' must be an object");
        goto out;
    }
    const char *name = json_string_value(ex);
    const struct qmp_cmd *cmd = NULL;
    for (size_t i = 0; i < qmp_ncmds && !cmd; i++)
        if (!strcmp(qmp_cmds[i].name, name))
            cmd = &qmp_cmds[i];
    bool caps = cmd && cmd->fn == cmd_capabilities;
    if (!s->negotiated && !caps) {
        qmp_fail(&e, "CommandNotFound",
                 "Expecting capabilities negotiation with "
                 "'qmp_capabilities'");
        goto out;
    }
    if (s->negotiated && caps) {
        qmp_fail(&e, "CommandNotFound",
                 "Capabilities negotiation is already complete, command ignored");
        goto out;
    }
    if (!cmd) {
        qmp_fail(&e, "CommandNotFound", "The command %.200s has not been found", name);
        goto out;
    }
    json_t *empty = NULL;
    if (!args)
        args = empty = json_object();
    if (args && check_args(cmd->args, args, &e))
        ret = cmd->fn(s, args, &e);
    else if (!args)
        qmp_fail(&e, "GenericError", "out of memory");
    json_decref(empty);
out:;
    char *line;
    if (ret) {
        json_t *r = json_pack("{s:o}", "return", ret);
        if (r && id)
            json_object_set(r, "id", id);
        line = qmp_line(r);
    } else {
        line = qmp_error_line(&e, id);
    }
    json_decref(req);
    return line;
}

/* ---- splitting the byte stream ---- */

void qmp_splitter_init(struct qmp_splitter *sp, size_t limit)
{
    memset(sp, 0, sizeof(*sp));
    sp->limit = limit;
}

void qmp_splitter_free(struct qmp_splitter *sp)
{
    free(sp->buf);
    memset(sp, 0, sizeof(*sp));
}

static void split_reset(struct qmp_splitter *sp)
{
    sp->len = 0;
    sp->depth = 0;
    sp->in_string = sp->escape = false;
}

static bool only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]) || !s[i])
            return false;
    return true;
}

int qmp_splitter_feed(struct qmp_splitter *sp, const uint8_t *data, size_t len, qmp_request_fn fn,
                      void *opaque)
{
    for (size_t i = 0; i < len; i++) {
        char c = (char)data[i];
        if (sp->skipping) {
            sp->skipping = c != '\n';
            continue;
        }
        if (sp->len == 0 && sp->depth == 0 && strchr(" \t\r\n", c) && c)
            continue; /* blank between requests */
        if (sp->len >= sp->limit) {
            split_reset(sp);
            sp->skipping = c != '\n';
            fn(opaque, NULL, 0, true);
            continue;
        }
        if (sp->len == sp->cap) {
            size_t n = sp->cap ? 2 * sp->cap : 256;
            char *b = realloc(sp->buf, n > sp->limit ? sp->limit : n);
            if (!b) {
                split_reset(sp);
                return -1;
            }
            sp->buf = b;
            sp->cap = n > sp->limit ? sp->limit : n;
        }
        sp->buf[sp->len++] = c;
        bool done = false;
        if (sp->in_string) {
            if (sp->escape)
                sp->escape = false;
            else if (c == '\\')
                sp->escape = true;
            else if (c == '"')
                sp->in_string = false;
            else if (c == '\n')
                done = true; /* malformed: let the parser say so */
        } else if (c == '"') {
            sp->in_string = true;
        } else if (c == '{' || c == '[') {
            sp->depth++;
        } else if (c == '}' || c == ']') {
            done = --sp->depth <= 0;
        } else if (c == '\n' && sp->depth == 0) {
            done = true;
        }
        if (done) {
            if (!only_space(sp->buf, sp->len))
                fn(opaque, sp->buf, sp->len, false);
            split_reset(sp);
        }
    }
    return 0;
}
