/*
 * Typed access to the values of a --config file (config_internal.h): strings, paths made
 * relative to the file, booleans, integers and sizes, each failing with a one-line
 * "FILE:LINE:COL: where: what" message that points into the file (config_pos.c), and
 * the unknown-key check with its "did you mean".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config_internal.h"

/* ---- positions (config_pos.c) ---- */

struct cfg_pos cfg_at_value(const struct cfg_ctx *c, const json_t *parent, const char *key)
{
    return cfg_pos_value(&c->pos, parent, key);
}

struct cfg_pos cfg_at_key(const struct cfg_ctx *c, const json_t *parent, const char *key)
{
    return cfg_pos_key(&c->pos, parent, key);
}

struct cfg_pos cfg_at_elem(const struct cfg_ctx *c, const json_t *arr, size_t index)
{
    return cfg_pos_elem(&c->pos, arr, index);
}

/* ---- messages ---- */

int cfg_fail(struct cfg_ctx *c, struct cfg_pos p, const char *fmt, ...)
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

const char *cfg_type_name(const json_t *v)
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
int cfg_check_keys(struct cfg_ctx *c, const json_t *obj, const char *const *keys,
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
            return cfg_fail(c, cfg_at_key(c, obj, key),
                            "%s: unknown key \"%s\" (did you mean \"%s\"?)", where, key, best);
        return cfg_fail(c, cfg_at_key(c, obj, key), "%s: unknown key \"%s\"", where, key);
    }
    return 0;
}

/* ---- owned strings and paths ---- */

char *cfg_keep(struct cfg_ctx *c, char *s)
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

const char *cfg_strdup(struct cfg_ctx *c, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return cfg_keep(c, d);
}

/* A path from the file: relative ones are relative to the file's directory. */
const char *cfg_path(struct cfg_ctx *c, const char *p)
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

int cfg_oom(struct cfg_ctx *c)
{
    return cfg_fail(c, c->pos.root, "out of memory");
}

/* ---- typed getters: 1 if present and valid, 0 if absent, -1 on error ---- */

int cfg_get_string(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                      const char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_string(v))
        return cfg_fail(c, cfg_at_value(c, obj, key), "%s.%s: must be a string, not %s", where, key,
                        cfg_type_name(v));
    if (strlen(json_string_value(v)) != json_string_length(v))
        return cfg_fail(c, cfg_at_value(c, obj, key), "%s.%s: must not contain a NUL character", where,
                        key);
    *out = json_string_value(v);
    return 1;
}

/* A non-empty path string, resolved against the file's directory. */
int cfg_get_path(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    const char **out)
{
    const char *s;
    int r = cfg_get_string(c, obj, key, where, &s);
    if (r <= 0)
        return r;
    if (!*s || strlen(s) >= CFG_MAX_PATH)
        return cfg_fail(c, cfg_at_value(c, obj, key), "%s.%s: must be a file name", where, key);
    if (!(*out = cfg_path(c, s)))
        return cfg_oom(c);
    return 1;
}

int cfg_get_bool(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    bool *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return cfg_fail(c, cfg_at_value(c, obj, key), "%s.%s: must be true or false, not %s", where,
                        key, cfg_type_name(v));
    *out = json_is_true(v);
    return 1;
}

int cfg_get_uint(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    uint64_t lo, uint64_t hi, uint64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) < lo ||
        (uint64_t)json_integer_value(v) > hi) {
        if (json_is_integer(v) || json_is_real(v))
            return cfg_fail(c, cfg_at_value(c, obj, key),
                            "%s.%s: must be an integer from %llu to %llu", where, key,
                            (unsigned long long)lo, (unsigned long long)hi);
        return cfg_fail(c, cfg_at_value(c, obj, key), "%s.%s: must be an integer, not %s", where, key,
                        cfg_type_name(v));
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
int cfg_get_size(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                    uint64_t lo, uint64_t hi, uint64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    uint64_t n;
    if (!v)
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        n = (uint64_t)json_integer_value(v);
    } else if (!json_is_string(v) || hv_config_parse_size(json_string_value(v), &n) < 0) {
        return cfg_fail(c, cfg_at_value(c, obj, key),
                        "%s.%s: must be a size: bytes, or a string such as \"64M\" or \"2G\"",
                        where, key);
    }
    if (n < lo || n > hi) {
        if (lo == 0)
            return cfg_fail(c, cfg_at_value(c, obj, key), "%s.%s: must be at most %llu MiB", where,
                            key, (unsigned long long)(hi >> 20));
        return cfg_fail(c, cfg_at_value(c, obj, key), "%s.%s: must be from %llu MiB to %llu MiB",
                        where, key, (unsigned long long)(lo >> 20), (unsigned long long)(hi >> 20));
    }
    *out = n;
    return 1;
}

int cfg_get_object(struct cfg_ctx *c, const json_t *v, struct cfg_pos p, const char *where)
{
    if (!json_is_object(v))
        return cfg_fail(c, p, "%s: must be an object, not %s", where, cfg_type_name(v));
    return 0;
}

/* A message prefix such as "vms[1] (\"a\").drives[0]" (silently cut when too long). */
void cfg_where(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

