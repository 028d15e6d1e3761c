/*
 * The position index of the --config loader (config_pos.h): a second pass over JSON text
 * that jansson has already accepted, so it can assume the text is well formed (and still
 * never reads past its end).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hv/config_pos.h"

/* Where one member's key and value (or one array element) start in the text. */
struct cfg_pos_entry {
    const json_t *parent;
    char *key; /* NULL for an array element */
    size_t index;
    struct cfg_pos key_pos, val_pos;
};

struct cfg_scan {
    struct cfg_pos_index *ix;
    const char *text;
    size_t len;
    size_t i;
    int line, col;
    int depth;
};

static void scan_advance(struct cfg_scan *s)
{
    unsigned char c = (unsigned char)s->text[s->i++];
    if (c == '\n') {
        s->line++;
        s->col = 1;
    } else if ((c & 0xc0) != 0x80) {
        s->col++; /* UTF-8 continuation bytes do not start a column */
    }
}

static void scan_ws(struct cfg_scan *s)
{
    while (s->i < s->len && strchr(" \t\r\n", s->text[s->i]) && s->text[s->i])
        scan_advance(s);
}

static struct cfg_pos scan_here(const struct cfg_scan *s)
{
    return (struct cfg_pos){s->line, s->col};
}

/* Skip a string token (at its opening quote); false on a malformed one. */
static bool scan_string(struct cfg_scan *s)
{
    if (s->i >= s->len || s->text[s->i] != '"')
        return false;
    scan_advance(s);
    while (s->i < s->len) {
        char c = s->text[s->i];
        scan_advance(s);
        if (c == '"')
            return true;
        if (c == '\\' && s->i < s->len)
            scan_advance(s);
    }
    return false;
}

static int pos_add(struct cfg_pos_index *c, const json_t *parent, const char *key, size_t keylen,
                   size_t index, struct cfg_pos kp, struct cfg_pos vp)
{
    if (c->n == c->cap) {
        size_t n = c->cap ? 2 * c->cap : 64;
        struct cfg_pos_entry *p = realloc(c->e, n * sizeof(*p));
        if (!p)
            return -1;
        c->e = p;
        c->cap = n;
    }
    struct cfg_pos_entry *e = &c->e[c->n];
    e->key = NULL;
    if (key) {
        if (!(e->key = malloc(keylen + 1)))
            return -1;
        memcpy(e->key, key, keylen);
        e->key[keylen] = 0;
    }
    e->parent = parent;
    e->index = index;
    e->key_pos = kp;
    e->val_pos = vp;
    c->n++;
    return 0;
}

static bool scan_value(struct cfg_scan *s, const json_t *v);

static bool scan_object(struct cfg_scan *s, const json_t *obj)
{
    const char *t = s->text;
    scan_advance(s); /* { */
    for (;;) {
        scan_ws(s);
        if (s->i >= s->len)
            return false;
        if (t[s->i] == '}') {
            scan_advance(s);
            return true;
        }
        if (t[s->i] == ',') {
            scan_advance(s);
            continue;
        }
        struct cfg_pos kp = scan_here(s);
        size_t start = s->i;
        if (!scan_string(s))
            return false;
        /* jansson decodes the key's text, escapes and all. */
        json_t *k = json_loadb(t + start, s->i - start, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (!json_is_string(k)) {
            json_decref(k);
            return false;
        }
        scan_ws(s);
        if (s->i >= s->len || t[s->i] != ':') {
            json_decref(k);
            return false;
        }
        scan_advance(s);
        scan_ws(s);
        const json_t *child = json_object_getn(obj, json_string_value(k), json_string_length(k));
        int r =
            pos_add(s->ix, obj, json_string_value(k), json_string_length(k), 0, kp, scan_here(s));
        json_decref(k);
        if (r < 0 || !scan_value(s, child))
            return false;
    }
}

static bool scan_array(struct cfg_scan *s, const json_t *arr)
{
    const char *t = s->text;
    size_t index = 0;
    scan_advance(s); /* [ */
    for (;;) {
        scan_ws(s);
        if (s->i >= s->len)
            return false;
        if (t[s->i] == ']') {
            scan_advance(s);
            return true;
        }
        if (t[s->i] == ',') {
            scan_advance(s);
            continue;
        }
        struct cfg_pos p = scan_here(s);
        if (pos_add(s->ix, arr, NULL, 0, index, p, p) < 0 ||
            !scan_value(s, json_array_get(arr, index)))
            return false;
        index++;
    }
}

/* One value at s->i (whitespace skipped); v is jansson's view of it (may be NULL). */
static bool scan_value(struct cfg_scan *s, const json_t *v)
{
    const char *t = s->text;
    if (s->i >= s->len || ++s->depth > 2048)
        return false;
    bool ok = true;
    if (t[s->i] == '{')
        ok = scan_object(s, v);
    else if (t[s->i] == '[')
        ok = scan_array(s, v);
    else if (t[s->i] == '"')
        ok = scan_string(s);
    else
        while (s->i < s->len && (isalnum((unsigned char)t[s->i]) || strchr("+-.", t[s->i])) &&
               t[s->i])
            scan_advance(s);
    s->depth--;
    return ok;
}

static const struct cfg_pos_entry *pos_find(const struct cfg_pos_index *ix, const json_t *parent,
                                            const char *key, size_t index)
{
    for (size_t i = 0; i < ix->n; i++) {
        const struct cfg_pos_entry *e = &ix->e[i];
        if (e->parent == parent && (key ? e->key && !strcmp(e->key, key) : e->index == index))
            return e;
    }
    return NULL;
}

struct cfg_pos cfg_pos_value(const struct cfg_pos_index *ix, const json_t *obj, const char *key)
{
    const struct cfg_pos_entry *e = pos_find(ix, obj, key, 0);
    return e ? e->val_pos : ix->root;
}

struct cfg_pos cfg_pos_key(const struct cfg_pos_index *ix, const json_t *obj, const char *key)
{
    const struct cfg_pos_entry *e = pos_find(ix, obj, key, 0);
    return e ? e->key_pos : ix->root;
}

struct cfg_pos cfg_pos_elem(const struct cfg_pos_index *ix, const json_t *arr, size_t index)
{
    const struct cfg_pos_entry *e = pos_find(ix, arr, NULL, index);
    return e ? e->val_pos : ix->root;
}

void cfg_pos_free(struct cfg_pos_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        free(ix->e[i].key);
    free(ix->e);
    ix->e = NULL;
    ix->n = ix->cap = 0;
}

int cfg_pos_build(struct cfg_pos_index *ix, const char *text, size_t len, const json_t *root)
{
    struct cfg_scan s = {.ix = ix, .text = text, .len = len, .line = 1, .col = 1};
    memset(ix, 0, sizeof(*ix));
    scan_ws(&s);
    ix->root = scan_here(&s);
    if (!scan_value(&s, root)) {
        struct cfg_pos r = ix->root;
        cfg_pos_free(ix);
        ix->root = r;
        return -1;
    }
    return 0;
}
