/*
 * Where each key and value of a JSON text starts, for the --config loader's messages
 * (config.c). jansson gives line and column for syntax errors only; its values carry no
 * position. cfg_pos_build() walks the text alongside the tree jansson parsed from it and
 * records, for every object member and array element, the line and column of its key and
 * of its value, keyed by the parent container and the key or index (containers are
 * distinct objects, while true/false/null are shared singletons). Keys are decoded by
 * jansson itself, so escapes in keys need no code here. Columns count UTF-8 characters
 * from 1, as jansson's do.
 */
#ifndef RVISOR_HV_CONFIG_POS_H
#define RVISOR_HV_CONFIG_POS_H

#include <jansson.h>
#include <stddef.h>

struct cfg_pos {
    int line, col;
};

struct cfg_pos_entry;

struct cfg_pos_index {
    struct cfg_pos_entry *e;
    size_t n, cap;
    struct cfg_pos root; /* where the top-level value starts */
};

/* Index text, which jansson parsed into root. 0, or -1 (out of memory, nested too deep). */
int cfg_pos_build(struct cfg_pos_index *ix, const char *text, size_t len, const json_t *root);
/* Positions of a member's value or key, of an array element; ix->root when unknown. */
struct cfg_pos cfg_pos_value(const struct cfg_pos_index *ix, const json_t *obj, const char *key);
struct cfg_pos cfg_pos_key(const struct cfg_pos_index *ix, const json_t *obj, const char *key);
struct cfg_pos cfg_pos_elem(const struct cfg_pos_index *ix, const json_t *arr, size_t index);
void cfg_pos_free(struct cfg_pos_index *ix);

#endif
