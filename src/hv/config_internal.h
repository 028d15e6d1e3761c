/*
 * The inside of the --config loader, shared by config.c (the schema: what each key means)
 * and config_get.c (typed access to JSON values, with positions for messages). Nothing
 * else includes this.
 */
#ifndef RVISOR_HV_CONFIG_INTERNAL_H
#define RVISOR_HV_CONFIG_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#if defined(__GNUC__)
#define CFG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CFG_PRINTF(a, b)
#endif

struct cfg_pos cfg_at_value(const struct cfg_ctx *c, const json_t *parent, const char *key);
struct cfg_pos cfg_at_key(const struct cfg_ctx *c, const json_t *parent, const char *key);
struct cfg_pos cfg_at_elem(const struct cfg_ctx *c, const json_t *arr, size_t index);
int cfg_fail(struct cfg_ctx *c, struct cfg_pos p, const char *fmt, ...) CFG_PRINTF(3, 4);
const char *cfg_type_name(const json_t *v);
int cfg_check_keys(struct cfg_ctx *c, const json_t *obj, const char *const *keys,
                   const char *where);
char *cfg_keep(struct cfg_ctx *c, char *s);
const char *cfg_strdup(struct cfg_ctx *c, const char *s);
const char *cfg_path(struct cfg_ctx *c, const char *p);
int cfg_oom(struct cfg_ctx *c);
int cfg_get_string(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                   const char **out);
int cfg_get_path(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                 const char **out);
int cfg_get_bool(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                 bool *out);
int cfg_get_uint(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                 uint64_t lo, uint64_t hi, uint64_t *out);
int cfg_get_size(struct cfg_ctx *c, const json_t *obj, const char *key, const char *where,
                 uint64_t lo, uint64_t hi, uint64_t *out);
int cfg_get_object(struct cfg_ctx *c, const json_t *v, struct cfg_pos p, const char *where);
void cfg_where(char *buf, size_t n, const char *fmt, ...) CFG_PRINTF(3, 4);

#endif
