/*
 * The --config file (config.h, docs/config.md): JSON parsed with jansson, then checked
 * key by key into vm_configs and hv_vm_params.
 *
 * Positions. jansson reports line and column for syntax errors only; for a value that
 * parses but is wrong, config_pos.c indexes where every key and value starts, and the
 * checks here point at the offending key (unknown key) or value (wrong type or range), or
 * at the opening brace of an object that lacks a required key.
 *
 * Nothing here builds a VM or opens a file other than the config itself: the caller does
 * that from the result (hv/launch.c), so a bad file changes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/host/netdev.h"
#include "hv/config.h"
#include "hv/config_pos.h"

#define CFG_MIN_RAM    (1ull << 20)
#define CFG_MAX_RAM    (1ull << 40)
#define CFG_MAX_PATH   4096
#define CFG_SOCK_PATH  108 /* sizeof(sockaddr_un.sun_path) on Linux */
#define CFG_SERIAL_MAX 20  /* virtio-blk ID bytes */
#define CFG_FB_MIN     64
#define CFG_FB_MAX     8192
#define CFG_PATH_MSG   96 /* "vms[1].drives[0]" */

struct cfg_ctx {
    const char *name, *dir;
    struct cfg_pos_index pos;
    struct hv_config *out;
    char *err;
    size_t errlen;
    bool failed;
};

/* ---- positions (config_pos.c) ---- */

static struct cfg_pos pos_value(const struct cfg_ctx *c, const json_t *parent, const char *key)
{
    return cfg_pos_value(&c->pos, parent, key);
}

static struct cfg_pos pos_key(const struct cfg_ctx *c, const json_t *parent, const char *key)
{
    return cfg_pos_key(&c->pos, parent, key);
}

static struct cfg_pos pos_elem(const struct cfg_ctx *c, const json_t *arr, size_t index)
{
    return cfg_pos_elem(&c->pos, arr, index);
}

/* ---- messages ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
cfg_fail(struct cfg_ctx *c, struct cfg_pos p, const char *fmt, ...)
{
    va_list ap;
    if (c->failed)
        return -1;
    c->failed = true;
    int n = snprintf(c->err, c->errlen, "%s:%d:%d: ", c->name, p.line, p.col);
    if (n >= 0 && (size_t)n < c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Edit distance, for "did you mean": small strings only. */
static unsigned edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned row[40];
    if (la >= 40 || lb >= 40)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best =
                diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Every key of obj must be in keys (NULL-terminated); "comment" is always allowed. */
static int check_keys(struct cfg_ctx *c, const json_t *obj, const char *const *keys,
                      const char *where)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool known = !strcmp(key, "comment");
        const char *best = NULL;
        unsigned best_d = 3;
        for (unsigned i = 0; keys[i] && !known; i++) {
            unsigned d = edit_distance(key, keys[i]);
            known = !strcmp(key, keys[i]);
            if (d < best_d && d <= strlen(keys[i]) / 2) {
                best_d = d;
                best = keys[i];
            }
        }
        if (known)
            continue;
        if (best)
            return cfg_fail(c, pos_key(c, obj, key),
                            "%s: unknown key \"%s\" (did you mean \"%s\"?)", where, key, best);
        return cfg_fail(c, pos_key(c, obj, key), "%s: unknown key \"%s\"", where, key);
    }
    return 0;
}

/* ---- owned strings and paths ---- */

static char *cfg_keep(struct cfg_ctx *c, char *s)
{
    struct hv_config *o = c->out;
    if (!s)
        return NULL;
    if (o->nstrings == o->cap_strings) {
        unsigned n = o->cap_strings ? 2 * o->cap_strings : 32;
        char **p = realloc(o->strings, n * sizeof(*p));
        if (!p) {
            free(s);
            return NULL;
        }
        o->strings = p;
        o->cap_strings = n;
    }
    o->strings[o->nstrings++] = s;
    return s;
}

static const char *cfg_strdup(struct cfg_ctx *c, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return cfg_keep(c, d);
}

/* A path from the file: relative ones are relative to the file's directory. */
static const char *cfg_path(struct cfg_ctx *c, const char *p)
{
    if (p[0] == '/' || !c->dir[0])
        return cfg_strdup(c, p);
    size_t a = strlen(c->dir), b = strlen(p);
    char *d = malloc(a + b + 1);
    if (d) {
        memcpy(d, c->dir, a);
        memcpy(d + a, p, b + 1);
    }
    return cfg_keep(c, d);
}

static int oom(struct cfg_ctx *c)
{
    return cfg_fail(c, c->pos.root, "out of memory");
}

/* ---- typed getters: 1 if present and valid, 0 if absent, -1 on error ---- */

static int get_string(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                      const char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_string(v))
        return cfg_fail(c, pos_value(c, obj, key), "%s.%s: must be a string, not %s", where, key,
                        json_type_name(v));
    if (strlen(json_string_value(v)) != json_string_length(v))
        return cfg_fail(c, pos_value(c, obj, key), "%s.%s: must not contain a NUL character", where,
                        key);
    *out = json_string_value(v);
    return 1;
}

/* A non-empty path string, resolved against the file's directory. */
static int get_path(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    const char **out)
{
    const char *s;
    int r = get_string(c, obj, key, where, &s);
    if (r <= 0)
        return r;
    if (!*s || strlen(s) >= CFG_MAX_PATH)
        return cfg_fail(c, pos_value(c, obj, key), "%s.%s: must be a file name", where, key);
    if (!(*out = cfg_path(c, s)))
        return oom(c);
    return 1;
}

static int get_bool(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    bool *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return cfg_fail(c, pos_value(c, obj, key), "%s.%s: must be true or false, not %s", where,
                        key, json_type_name(v));
    *out = json_is_true(v);
    return 1;
}

static int get_uint(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    uint64_t lo, uint64_t hi, uint64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) < lo ||
        (uint64_t)json_integer_value(v) > hi) {
        if (json_is_integer(v) || json_is_real(v))
            return cfg_fail(c, pos_value(c, obj, key),
                            "%s.%s: must be an integer from %llu to %llu", where, key,
                            (unsigned long long)lo, (unsigned long long)hi);
        return cfg_fail(c, pos_value(c, obj, key), "%s.%s: must be an integer, not %s", where, key,
                        json_type_name(v));
    }
    *out = (uint64_t)json_integer_value(v);
    return 1;
}

int hv_config_parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !(*s >= '0' && *s <= '9'))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    case 't':
    case 'T':
        shift = 40;
        end++;
        break;
    default: break;
    }
    if (shift && *end == 'i' && end[1] == 'B')
        end += 2;
    else if (*end == 'B' || (shift && *end == 'b' && !end[1]))
        end++;
    if (*end || (shift && (v >> (64 - shift)) != 0))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/* A size: an integer (bytes) or a string with an optional K/M/G/T suffix. */
static int get_size(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    uint64_t lo, uint64_t hi, uint64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    uint64_t n;
    if (!v)
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        n = (uint64_t)json_integer_value(v);
    } else if (!json_is_string(v) || hv_config_parse_size(json_string_value(v), &n) < 0) {
        return cfg_fail(c, pos_value(c, obj, key),
                        "%s.%s: must be a size: bytes, or a string such as \"64M\" or \"2G\"",
                        where, key);
    }
    if (n < lo || n > hi) {
        if (lo == 0)
            return cfg_fail(c, pos_value(c, obj, key), "%s.%s: must be at most %llu MiB", where,
                            key, (unsigned long long)(hi >> 20));
        return cfg_fail(c, pos_value(c, obj, key), "%s.%s: must be from %llu MiB to %llu MiB",
                        where, key, (unsigned long long)(lo >> 20), (unsigned long long)(hi >> 20));
    }
    *out = n;
    return 1;
}

static int get_object(struct cfg_ctx *c, const json_t *v, struct cfg_pos p, const char *where)
{
    if (!json_is_object(v))
        return cfg_fail(c, p, "%s: must be an object, not %s", where, json_type_name(v));
    return 0;
}

/* A message prefix such as "vms[1] (\"a\").drives[0]" (silently cut when too long). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
where_fmt(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

/* ---- one VM ---- */

static const char *const vm_keys[] = {
    "name",  "memory",     "harts",     "kernel",    "initrd",  "append", "bios",
    "dtb",   "drives",     "nics",      "rng",       "console", "weight", "cap",
    "quota", "soft-quota", "max-insns", "no-reboot", "fb",      "gdb",    NULL};
static const char *const drive_keys[] = {"file", "readonly", "cache", "serial", "slot", NULL};
static const char *const nic_keys[] = {"netdev", "mac", "slot", NULL};
static const char *const console_keys[] = {"file", "socket", "append", NULL};

static int add_virtio(struct cfg_ctx *c, struct vm_config *vc, const struct vm_virtio_config *v,
                      struct cfg_pos p, const char *where)
{
    if (vc->nvirtio >= VM_MAX_VIRTIO)
        return cfg_fail(c, p, "%s: at most %d virtio devices (drives, nics, rng) per VM", where,
                        VM_MAX_VIRTIO);
    for (unsigned i = 0; v->slot >= 0 && i < vc->nvirtio; i++)
        if (vc->virtio[i].slot == v->slot)
            return cfg_fail(c, p, "%s: slot %d is already taken", where, v->slot);
    vc->virtio[vc->nvirtio++] = *v;
    return 0;
}

static int get_slot(struct cfg_ctx *c, const json_t *obj, const char *where, int *slot)
{
    uint64_t n;
    int r = get_uint(c, obj, "slot", where, 0, VM_MAX_VIRTIO - 1, &n);
    *slot = r > 0 ? (int)n : -1;
    return r < 0 ? -1 : 0;
}

static int parse_drive(struct cfg_ctx *c, struct vm_config *vc, const json_t *arr, size_t i,
                       const char *vwhere)
{
    char where[CFG_PATH_MSG];
    const json_t *d = json_array_get(arr, i);
    struct cfg_pos p = pos_elem(c, arr, i);
    struct vm_virtio_config v = {.kind = VM_VIRTIO_BLK, .slot = -1};
    const char *cache = NULL;
    where_fmt(where, sizeof(where), "%s.drives[%zu]", vwhere, i);
    if (json_is_string(d)) { /* "drives": ["disk.img"] */
        if (!*json_string_value(d))
            return cfg_fail(c, p, "%s: must be a file name", where);
        if (!(v.file = cfg_path(c, json_string_value(d))))
            return oom(c);
        return add_virtio(c, vc, &v, p, where);
    }
    if (!json_is_object(d))
        return cfg_fail(c, p, "%s: must be an object ({\"file\": ...}) or a file name, not %s",
                        where, json_type_name(d));
    if (check_keys(c, d, drive_keys, where) < 0)
        return -1;
    int r = get_path(c, d, "file", where, &v.file);
    if (r == 0)
        return cfg_fail(c, p, "%s: needs \"file\"", where);
    if (r < 0 || get_bool(c, d, "readonly", where, &v.readonly) < 0 ||
        get_string(c, d, "serial", where, &v.serial) < 0 ||
        get_string(c, d, "cache", where, &cache) < 0 || get_slot(c, d, where, &v.slot) < 0)
        return -1;
    if (v.serial && strlen(v.serial) > CFG_SERIAL_MAX)
        return cfg_fail(c, pos_value(c, d, "serial"), "%s.serial: at most %d characters", where,
                        CFG_SERIAL_MAX);
    if (v.serial && !(v.serial = cfg_strdup(c, v.serial)))
        return oom(c);
    if (!cache || !strcmp(cache, "writeback"))
        v.cache = VM_BLK_CACHE_WRITEBACK;
    else if (!strcmp(cache, "writethrough"))
        v.cache = VM_BLK_CACHE_WRITETHROUGH;
    else if (!strcmp(cache, "unsafe"))
        v.cache = VM_BLK_CACHE_UNSAFE;
    else
        return cfg_fail(c, pos_value(c, d, "cache"),
                        "%s.cache: \"%s\" is not one of writeback, writethrough, unsafe", where,
                        cache);
    return add_virtio(c, vc, &v, p, where);
}

static int parse_nic(struct cfg_ctx *c, struct vm_config *vc, const json_t *arr, size_t i,
                     const char *vwhere)
{
    char where[CFG_PATH_MSG], msg[256];
    const json_t *n = json_array_get(arr, i);
    struct cfg_pos p = pos_elem(c, arr, i), np = p;
    struct vm_virtio_config v = {.kind = VM_VIRTIO_NET, .slot = -1};
    struct netdev_config nc;
    where_fmt(where, sizeof(where), "%s.nics[%zu]", vwhere, i);
    if (json_is_string(n)) { /* "nics": ["user,hostfwd=tcp::2222-:22"] */
        v.netdev = json_string_value(n);
    } else if (json_is_object(n)) {
        if (check_keys(c, n, nic_keys, where) < 0)
            return -1;
        int r = get_string(c, n, "netdev", where, &v.netdev);
        if (r == 0)
            return cfg_fail(c, p, "%s: needs \"netdev\" (e.g. \"user\" or \"switch,name=lan0\")",
                            where);
        if (r < 0 || get_string(c, n, "mac", where, &v.mac) < 0 ||
            get_slot(c, n, where, &v.slot) < 0)
            return -1;
        np = pos_value(c, n, "netdev");
        uint8_t mac[6];
        if (v.mac && (netdev_parse_mac(v.mac, mac) < 0 || (mac[0] & 1)))
            return cfg_fail(c, pos_value(c, n, "mac"),
                            "%s.mac: invalid MAC address \"%s\" (e.g. 52:54:00:12:34:56)", where,
                            v.mac);
        if (v.mac && !(v.mac = cfg_strdup(c, v.mac)))
            return oom(c);
    } else {
        return cfg_fail(c, p, "%s: must be an object ({\"netdev\": ...}) or a string, not %s",
                        where, json_type_name(n));
    }
    if (netdev_parse_option(v.netdev, NETDEV_OPT_NIC, &nc, msg, sizeof(msg)) < 0)
        return cfg_fail(c, np, "%s: %s", where, msg);
    if (!(v.netdev = cfg_strdup(c, v.netdev)))
        return oom(c);
    return add_virtio(c, vc, &v, p, where);
}

static int parse_list(struct cfg_ctx *c, struct vm_config *vc, const json_t *vm, const char *key,
                      const char *where,
                      int (*one)(struct cfg_ctx *, struct vm_config *, const json_t *, size_t,
                                 const char *))
{
    const json_t *a = json_object_get(vm, key);
    if (!a)
        return 0;
    if (!json_is_array(a))
        return cfg_fail(c, pos_value(c, vm, key), "%s.%s: must be an array, not %s", where, key,
                        json_type_name(a));
    for (size_t i = 0; i < json_array_size(a); i++)
        if (one(c, vc, a, i, where) < 0)
            return -1;
    return 0;
}

static int parse_console(struct cfg_ctx *c, const json_t *vm, const char *where,
                         struct hv_console_spec *con)
{
    const json_t *v = json_object_get(vm, "console");
    char cw[CFG_PATH_MSG];
    if (!v)
        return 0;
    if (json_is_string(v)) {
        if (!strcmp(json_string_value(v), "stdio"))
            con->kind = HV_CONSOLE_STDIO;
        else if (!strcmp(json_string_value(v), "none"))
            con->kind = HV_CONSOLE_NONE;
        else
            return cfg_fail(c, pos_value(c, vm, "console"),
                            "%s.console: \"%s\" is not \"stdio\", \"none\", {\"file\": PATH} or "
                            "{\"socket\": PATH}",
                            where, json_string_value(v));
        return 0;
    }
    where_fmt(cw, sizeof(cw), "%s.console", where);
    if (!json_is_object(v))
        return cfg_fail(c, pos_value(c, vm, "console"),
                        "%s: must be \"stdio\", \"none\", {\"file\": PATH} or {\"socket\": PATH}, "
                        "not %s",
                        cw, json_type_name(v));
    if (check_keys(c, v, console_keys, cw) < 0)
        return -1;
    bool has_file = json_object_get(v, "file"), has_sock = json_object_get(v, "socket");
    if (has_file == has_sock)
        return cfg_fail(c, pos_value(c, vm, "console"), "%s: needs one of \"file\" or \"socket\"",
                        cw);
    if (has_file) {
        con->kind = HV_CONSOLE_FILE;
        if (get_path(c, v, "file", cw, &con->path) < 0 ||
            get_bool(c, v, "append", cw, &con->append) < 0)
            return -1;
        return 0;
    }
    if (json_object_get(v, "append"))
        return cfg_fail(c, pos_key(c, v, "append"), "%s: \"append\" is for a \"file\" console", cw);
    con->kind = HV_CONSOLE_SOCKET;
    if (get_path(c, v, "socket", cw, &con->path) < 0)
        return -1;
    if (strlen(con->path) >= CFG_SOCK_PATH)
        return cfg_fail(c, pos_value(c, v, "socket"),
                        "%s.socket: a Unix socket path must be shorter than %d bytes (this one "
                        "is %zu after adding the config file's directory)",
                        cw, CFG_SOCK_PATH, strlen(con->path));
    return 0;
}

static int parse_fb(struct cfg_ctx *c, const json_t *vm, const char *where, struct vm_config *vc)
{
    const char *s;
    int r = get_string(c, vm, "fb", where, &s);
    if (r <= 0)
        return r;
    unsigned w = 0, h = 0;
    char x = 0, extra = 0;
    if (sscanf(s, "%5u%c%5u%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') ||
        w < CFG_FB_MIN || h < CFG_FB_MIN || w > CFG_FB_MAX || h > CFG_FB_MAX)
        return cfg_fail(c, pos_value(c, vm, "fb"),
                        "%s.fb: \"%s\" is not WIDTHxHEIGHT with each side from %d to %d (e.g. "
                        "\"1024x768\")",
                        where, s, CFG_FB_MIN, CFG_FB_MAX);
    vc->fb_width = w;
    vc->fb_height = h;
    return 0;
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > HV_CONFIG_NAME_MAX || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
            return false;
    return true;
}

static int parse_vm(struct cfg_ctx *c, const json_t *arr, size_t idx, unsigned threads,
                    struct hv_config_vm *out)
{
    char where[CFG_PATH_MSG];
    const json_t *vm = json_array_get(arr, idx);
    struct cfg_pos p = pos_elem(c, arr, idx);
    struct vm_config *vc = &out->cfg;
    uint64_t n;
    const char *s;
    where_fmt(where, sizeof(where), "vms[%zu]", idx);
    if (get_object(c, vm, p, where) < 0)
        return -1;

    int r = get_string(c, vm, "name", where, &s);
    if (r == 0)
        return cfg_fail(c, p, "%s: needs a \"name\"", where);
    if (r < 0)
        return -1;
    if (!name_ok(s))
        return cfg_fail(c, pos_value(c, vm, "name"),
                        "%s.name: \"%s\" must be 1 to %d letters, digits, '_', '.' or '-' (not "
                        "starting with '-')",
                        where, s, HV_CONFIG_NAME_MAX);
    if (!(vc->name = cfg_strdup(c, s)))
        return oom(c);
    where_fmt(where, sizeof(where), "vms[%zu] (\"%s\")", idx, s);
    if (check_keys(c, vm, vm_keys, where) < 0)
        return -1;

    vc->ram_size = VM_DEFAULT_RAM;
    if (get_size(c, vm, "memory", where, CFG_MIN_RAM, CFG_MAX_RAM, &n) < 0)
        return -1;
    if (json_object_get(vm, "memory"))
        vc->ram_size = (n + 4095) & ~4095ull;
    vc->nharts = 1;
    if ((r = get_uint(c, vm, "harts", where, 1, VM_MAX_HARTS, &n)) < 0)
        return -1;
    if (r)
        vc->nharts = (unsigned)n;

    if (get_path(c, vm, "kernel", where, &vc->kernel) < 0 ||
        get_path(c, vm, "initrd", where, &vc->initrd) < 0 ||
        get_path(c, vm, "dtb", where, &vc->dtb) < 0 ||
        get_string(c, vm, "append", where, &vc->append) < 0 ||
        get_string(c, vm, "bios", where, &s) < 0)
        return -1;
    if (vc->append && !(vc->append = cfg_strdup(c, vc->append)))
        return oom(c);
    vc->bios = NULL;
    if (json_object_get(vm, "bios")) {
        if (!*s)
            return cfg_fail(c, pos_value(c, vm, "bios"),
                            "%s.bios: must be \"builtin\", \"none\", \"default\" or a file name",
                            where);
        if (!strcmp(s, "none") || !strcmp(s, "default"))
            vc->bios = cfg_strdup(c, s);
        else if (strcmp(s, "builtin") != 0)
            vc->bios = cfg_path(c, s);
        if (strcmp(s, "builtin") != 0 && !vc->bios)
            return oom(c);
    }
    if (!vc->kernel && (!vc->bios || !strcmp(vc->bios, "none")))
        return cfg_fail(c, p, "%s: needs a \"kernel\" (or a firmware in \"bios\")", where);

    if (parse_list(c, vc, vm, "drives", where, parse_drive) < 0 ||
        parse_list(c, vc, vm, "nics", where, parse_nic) < 0)
        return -1;
    bool rng = false;
    if (get_bool(c, vm, "rng", where, &rng) < 0)
        return -1;
    struct vm_virtio_config rv = {.kind = VM_VIRTIO_RNG, .slot = -1};
    if (rng && add_virtio(c, vc, &rv, pos_value(c, vm, "rng"), where) < 0)
        return -1;
    if (parse_console(c, vm, where, &out->console) < 0 || parse_fb(c, vm, where, vc) < 0)
        return -1;

    struct hv_vm_params *hp = &out->params;
    hp->weight = HV_DEFAULT_WEIGHT;
    if ((r = get_uint(c, vm, "weight", where, 1, HV_MAX_WEIGHT, &n)) < 0)
        return -1;
    if (r)
        hp->weight = (unsigned)n;
    unsigned max_cap = 100 * (threads ? threads : HV_MAX_THREADS);
    if ((r = get_uint(c, vm, "cap", where, 0, max_cap, &n)) < 0)
        return -1;
    hp->cap = r ? (unsigned)n : 0;
    if (get_size(c, vm, "quota", where, 0, CFG_MAX_RAM * 2, &hp->quota) < 0 ||
        get_size(c, vm, "soft-quota", where, 0, CFG_MAX_RAM * 2, &hp->soft_quota) < 0)
        return -1;
    if (hp->quota && hp->soft_quota > hp->quota)
        return cfg_fail(c, pos_value(c, vm, "soft-quota"),
                        "%s.soft-quota: must not be above \"quota\" (%llu > %llu bytes)", where,
                        (unsigned long long)hp->soft_quota, (unsigned long long)hp->quota);

    if (get_uint(c, vm, "max-insns", where, 1, INT64_MAX, &vc->max_insns) < 0 ||
        get_bool(c, vm, "no-reboot", where, &vc->no_reboot) < 0)
        return -1;
    if ((r = get_string(c, vm, "gdb", where, &vc->gdb)) < 0)
        return -1;
    if (r && strncmp(vc->gdb, "tcp:", 4) != 0)
        return cfg_fail(c, pos_value(c, vm, "gdb"),
                        "%s.gdb: \"%s\" is not tcp:HOST:PORT or tcp::PORT", where, vc->gdb);
    if (r && !(vc->gdb = cfg_strdup(c, vc->gdb)))
        return oom(c);
    return 0;
}

/* ---- the whole file ---- */

static const char *const top_keys[] = {"threads",     "deterministic", "monitor",
                                       "trace-sched", "vms",           NULL};

/* Checks across VMs: unique names, one terminal, no socket path used twice. */
static int check_vms(struct cfg_ctx *c, const json_t *vms)
{
    struct hv_config *o = c->out;
    int stdio = -1;
    for (unsigned i = 0; i < o->nvms; i++) {
        const struct hv_config_vm *v = &o->vms[i];
        const json_t *vj = json_array_get(vms, i);
        for (unsigned j = 0; j < i; j++)
            if (!strcmp(o->vms[j].cfg.name, v->cfg.name))
                return cfg_fail(c, pos_value(c, vj, "name"),
                                "vms[%u].name: \"%s\" is already the name of vms[%u]", i,
                                v->cfg.name, j);
        if (v->console.kind == HV_CONSOLE_STDIO) {
            if (stdio >= 0)
                return cfg_fail(c, pos_value(c, vj, "console"),
                                "vms[%u].console: only one VM can have the terminal (\"stdio\"); "
                                "vms[%d] has it already: use {\"file\": ...} or {\"socket\": ...}",
                                i, stdio);
            stdio = (int)i;
        }
        if (v->console.kind == HV_CONSOLE_FILE || v->console.kind == HV_CONSOLE_SOCKET) {
            const json_t *cj = json_object_get(vj, "console");
            const char *k = v->console.kind == HV_CONSOLE_FILE ? "file" : "socket";
            if (o->monitor && !strcmp(o->monitor, v->console.path))
                return cfg_fail(c, pos_value(c, cj, k),
                                "vms[%u].console.%s: \"%s\" is also the monitor socket", i, k,
                                v->console.path);
            for (unsigned j = 0; j < i; j++)
                if (o->vms[j].console.path && !strcmp(o->vms[j].console.path, v->console.path))
                    return cfg_fail(c, pos_value(c, cj, k),
                                    "vms[%u].console.%s: \"%s\" is also the console of vms[%u]", i,
                                    k, v->console.path, j);
        }
    }
    return 0;
}

static int parse_root(struct cfg_ctx *c, const json_t *root)
{
    struct hv_config *o = c->out;
    uint64_t n;
    int r;
    if (!json_is_object(root))
        return cfg_fail(c, c->pos.root,
                        "the file must hold one JSON object ({\"vms\": [...]}), "
                        "not %s",
                        json_type_name(root));
    if (check_keys(c, root, top_keys, "config") < 0)
        return -1;
    if ((r = get_uint(c, root, "threads", "config", 0, HV_MAX_THREADS, &n)) < 0)
        return -1;
    o->threads = r ? (unsigned)n : 0;
    if (get_bool(c, root, "deterministic", "config", &o->deterministic) < 0 ||
        get_path(c, root, "monitor", "config", &o->monitor) < 0 ||
        get_path(c, root, "trace-sched", "config", &o->trace_sched) < 0)
        return -1;
    if (o->monitor && strlen(o->monitor) >= CFG_SOCK_PATH)
        return cfg_fail(c, pos_value(c, root, "monitor"),
                        "config.monitor: a Unix socket path must be shorter than %d bytes (this "
                        "one is %zu after adding the config file's directory)",
                        CFG_SOCK_PATH, strlen(o->monitor));
    const json_t *vms = json_object_get(root, "vms");
    if (!vms)
        return cfg_fail(c, c->pos.root,
                        "config: needs \"vms\": [{\"name\": ..., \"kernel\": ...}]");
    if (!json_is_array(vms))
        return cfg_fail(c, pos_value(c, root, "vms"), "config.vms: must be an array, not %s",
                        json_type_name(vms));
    if (json_array_size(vms) == 0 || json_array_size(vms) > HV_CONFIG_MAX_VMS)
        return cfg_fail(c, pos_value(c, root, "vms"), "config.vms: must list 1 to %d VMs",
                        HV_CONFIG_MAX_VMS);
    o->vms = calloc(json_array_size(vms), sizeof(*o->vms));
    if (!o->vms)
        return oom(c);
    for (size_t i = 0; i < json_array_size(vms); i++) {
        struct hv_config_vm *v = &o->vms[i];
        v->console.kind = json_array_size(vms) == 1 ? HV_CONSOLE_STDIO : HV_CONSOLE_NONE;
        if (parse_vm(c, vms, i, o->threads, v) < 0)
            return -1;
        v->cfg.deterministic = o->deterministic;
        o->nvms++;
    }
    return check_vms(c, vms);
}

int hv_config_parse(const char *text, size_t len, const char *name, const char *dir,
                    struct hv_config *out, char *err, size_t errlen)
{
    struct cfg_ctx c = {
        .name = name, .dir = dir ? dir : "", .out = out, .err = err, .errlen = errlen};
    json_error_t je;
    memset(out, 0, sizeof(*out));
    if (errlen)
        err[0] = 0;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!root) {
        int line = je.line > 0 ? je.line : 1, col = je.column > 0 ? je.column : 1;
        snprintf(err, errlen, "%s:%d:%d: %s", name, line, col, je.text);
        return -1;
    }
    int r = 0;
    if (cfg_pos_build(&c.pos, text, len, root) < 0)
        r = cfg_fail(&c, c.pos.root, "out of memory (or a file nested too deeply)");
    if (r == 0)
        r = parse_root(&c, root);
    cfg_pos_free(&c.pos);
    json_decref(root);
    if (r < 0)
        hv_config_free(out);
    return r;
}

int hv_config_load(const char *path, struct hv_config *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(HV_CONFIG_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, HV_CONFIG_MAX_BYTES + 1, f) : 0;
    int rd_err = ferror(f);
    fclose(f);
    if (!buf || rd_err) {
        snprintf(err, errlen, "%s: cannot read: %s", path, buf ? "I/O error" : "out of memory");
        free(buf);
        return -1;
    }
    if (n > HV_CONFIG_MAX_BYTES) {
        snprintf(err, errlen, "%s: larger than %u MiB: not a config file", path,
                 HV_CONFIG_MAX_BYTES >> 20);
        free(buf);
        return -1;
    }
    /* The directory part, "" for a bare name: relative paths in the file start there. */
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    char *dir = malloc(dl + 1);
    if (!dir) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(buf);
        return -1;
    }
    memcpy(dir, path, dl);
    dir[dl] = 0;
    int r = hv_config_parse(buf, n, path, dir, out, err, errlen);
    free(dir);
    free(buf);
    return r;
}

void hv_config_free(struct hv_config *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    free(c->strings);
    free(c->vms);
    memset(c, 0, sizeof(*c));
}

const char *hv_console_kind_name(enum hv_console_kind k)
{
    switch (k) {
    case HV_CONSOLE_STDIO: return "stdio";
    case HV_CONSOLE_FILE: return "file";
    case HV_CONSOLE_SOCKET: return "socket";
    default: return "none";
    }
}
