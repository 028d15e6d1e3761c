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
 * that from the result (src/lib/host.c), so a bad file changes nothing.
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

#include "hv/config_internal.h"

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
    int r = cfg_get_uint(c, obj, "slot", where, 0, VM_MAX_VIRTIO - 1, &n);
    *slot = r > 0 ? (int)n : -1;
    return r < 0 ? -1 : 0;
}

static int parse_drive(struct cfg_ctx *c, struct vm_config *vc, const json_t *arr, size_t i,
                       const char *vwhere)
{
    char where[CFG_PATH_MSG];
    const json_t *d = json_array_get(arr, i);
    struct cfg_pos p = cfg_at_elem(c, arr, i);
    struct vm_virtio_config v = {.kind = VM_VIRTIO_BLK, .slot = -1};
    const char *cache = NULL;
    cfg_where(where, sizeof(where), "%s.drives[%zu]", vwhere, i);
    if (json_is_string(d)) { /* "drives": ["disk.img"] */
        if (!*json_string_value(d))
            return cfg_fail(c, p, "%s: must be a file name", where);
        if (!(v.file = cfg_path(c, json_string_value(d))))
            return cfg_oom(c);
        return add_virtio(c, vc, &v, p, where);
    }
    if (!json_is_object(d))
        return cfg_fail(c, p, "%s: must be an object ({\"file\": ...}) or a file name, not %s",
                        where, cfg_type_name(d));
    if (cfg_check_keys(c, d, drive_keys, where) < 0)
        return -1;
    int r = cfg_get_path(c, d, "file", where, &v.file);
    if (r == 0)
        return cfg_fail(c, p, "%s: needs \"file\"", where);
    if (r < 0 || cfg_get_bool(c, d, "readonly", where, &v.readonly) < 0 ||
        cfg_get_string(c, d, "serial", where, &v.serial) < 0 ||
        cfg_get_string(c, d, "cache", where, &cache) < 0 || get_slot(c, d, where, &v.slot) < 0)
        return -1;
    if (v.serial && strlen(v.serial) > CFG_SERIAL_MAX)
        return cfg_fail(c, cfg_at_value(c, d, "serial"), "%s.serial: at most %d characters", where,
                        CFG_SERIAL_MAX);
    if (v.serial && !(v.serial = cfg_strdup(c, v.serial)))
        return cfg_oom(c);
    if (!cache || !strcmp(cache, "writeback"))
        v.cache = VM_BLK_CACHE_WRITEBACK;
    else if (!strcmp(cache, "writethrough"))
        v.cache = VM_BLK_CACHE_WRITETHROUGH;
    else if (!strcmp(cache, "unsafe"))
        v.cache = VM_BLK_CACHE_UNSAFE;
    else
        return cfg_fail(c, cfg_at_value(c, d, "cache"),
                        "%s.cache: \"%s\" is not one of writeback, writethrough, unsafe", where,
                        cache);
    return add_virtio(c, vc, &v, p, where);
}

static int parse_nic(struct cfg_ctx *c, struct vm_config *vc, const json_t *arr, size_t i,
                     const char *vwhere)
{
    char where[CFG_PATH_MSG], msg[256];
    const json_t *n = json_array_get(arr, i);
    struct cfg_pos p = cfg_at_elem(c, arr, i), np = p;
    struct vm_virtio_config v = {.kind = VM_VIRTIO_NET, .slot = -1};
    struct netdev_config nc;
    cfg_where(where, sizeof(where), "%s.nics[%zu]", vwhere, i);
    if (json_is_string(n)) { /* "nics": ["user,hostfwd=tcp::2222-:22"] */
        v.netdev = json_string_value(n);
    } else if (json_is_object(n)) {
        if (cfg_check_keys(c, n, nic_keys, where) < 0)
            return -1;
        int r = cfg_get_string(c, n, "netdev", where, &v.netdev);
        if (r == 0)
            return cfg_fail(c, p, "%s: needs \"netdev\" (e.g. \"user\" or \"switch,name=lan0\")",
                            where);
        if (r < 0 || cfg_get_string(c, n, "mac", where, &v.mac) < 0 ||
            get_slot(c, n, where, &v.slot) < 0)
            return -1;
        np = cfg_at_value(c, n, "netdev");
        uint8_t mac[6];
        if (v.mac && (netdev_parse_mac(v.mac, mac) < 0 || (mac[0] & 1)))
            return cfg_fail(c, cfg_at_value(c, n, "mac"),
                            "%s.mac: invalid MAC address \"%s\" (e.g. 52:54:00:12:34:56)", where,
                            v.mac);
        if (v.mac && !(v.mac = cfg_strdup(c, v.mac)))
            return cfg_oom(c);
    } else {
        return cfg_fail(c, p, "%s: must be an object ({\"netdev\": ...}) or a string, not %s",
                        where, cfg_type_name(n));
    }
    if (netdev_parse_option(v.netdev, NETDEV_OPT_NIC, &nc, msg, sizeof(msg)) < 0)
        return cfg_fail(c, np, "%s: %s", where, msg);
    if (!(v.netdev = cfg_strdup(c, v.netdev)))
        return cfg_oom(c);
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
        return cfg_fail(c, cfg_at_value(c, vm, key), "%s.%s: must be an array, not %s", where, key,
                        cfg_type_name(a));
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
            return cfg_fail(c, cfg_at_value(c, vm, "console"),
                            "%s.console: \"%s\" is not \"stdio\", \"none\", {\"file\": PATH} or "
                            "{\"socket\": PATH}",
                            where, json_string_value(v));
        return 0;
    }
    cfg_where(cw, sizeof(cw), "%s.console", where);
    if (!json_is_object(v))
        return cfg_fail(c, cfg_at_value(c, vm, "console"),
                        "%s: must be \"stdio\", \"none\", {\"file\": PATH} or {\"socket\": PATH}, "
                        "not %s",
                        cw, cfg_type_name(v));
    if (cfg_check_keys(c, v, console_keys, cw) < 0)
        return -1;
    bool has_file = json_object_get(v, "file"), has_sock = json_object_get(v, "socket");
    if (has_file == has_sock)
        return cfg_fail(c, cfg_at_value(c, vm, "console"), "%s: needs one of \"file\" or \"socket\"",
                        cw);
    if (has_file) {
        con->kind = HV_CONSOLE_FILE;
        if (cfg_get_path(c, v, "file", cw, &con->path) < 0 ||
            cfg_get_bool(c, v, "append", cw, &con->append) < 0)
            return -1;
        return 0;
    }
    if (json_object_get(v, "append"))
        return cfg_fail(c, cfg_at_key(c, v, "append"), "%s: \"append\" is for a \"file\" console", cw);
    con->kind = HV_CONSOLE_SOCKET;
    if (cfg_get_path(c, v, "socket", cw, &con->path) < 0)
        return -1;
    if (strlen(con->path) >= CFG_SOCK_PATH)
        return cfg_fail(c, cfg_at_value(c, v, "socket"),
                        "%s.socket: a Unix socket path must be shorter than %d bytes (this one "
                        "is %zu after adding the config file's directory)",
                        cw, CFG_SOCK_PATH, strlen(con->path));
    return 0;
}

static int parse_fb(struct cfg_ctx *c, const json_t *vm, const char *where, struct vm_config *vc)
{
    const char *s;
    int r = cfg_get_string(c, vm, "fb", where, &s);
    if (r <= 0)
        return r;
    unsigned w = 0, h = 0;
    char x = 0, extra = 0;
    if (sscanf(s, "%5u%c%5u%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') ||
        w < CFG_FB_MIN || h < CFG_FB_MIN || w > CFG_FB_MAX || h > CFG_FB_MAX)
        return cfg_fail(c, cfg_at_value(c, vm, "fb"),
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
    struct cfg_pos p = cfg_at_elem(c, arr, idx);
    struct vm_config *vc = &out->cfg;
    uint64_t n;
    const char *s;
    cfg_where(where, sizeof(where), "vms[%zu]", idx);
    if (cfg_get_object(c, vm, p, where) < 0)
        return -1;

    int r = cfg_get_string(c, vm, "name", where, &s);
    if (r == 0)
        return cfg_fail(c, p, "%s: needs a \"name\"", where);
    if (r < 0)
        return -1;
    if (!name_ok(s))
        return cfg_fail(c, cfg_at_value(c, vm, "name"),
                        "%s.name: \"%s\" must be 1 to %d letters, digits, '_', '.' or '-' (not "
                        "starting with '-')",
                        where, s, HV_CONFIG_NAME_MAX);
    if (!(vc->name = cfg_strdup(c, s)))
        return cfg_oom(c);
    cfg_where(where, sizeof(where), "vms[%zu] (\"%s\")", idx, s);
    if (cfg_check_keys(c, vm, vm_keys, where) < 0)
        return -1;

    vc->ram_size = VM_DEFAULT_RAM;
    if (cfg_get_size(c, vm, "memory", where, CFG_MIN_RAM, CFG_MAX_RAM, &n) < 0)
        return -1;
    if (json_object_get(vm, "memory"))
        vc->ram_size = (n + 4095) & ~4095ull;
    vc->nharts = 1;
    if ((r = cfg_get_uint(c, vm, "harts", where, 1, VM_MAX_HARTS, &n)) < 0)
        return -1;
    if (r)
        vc->nharts = (unsigned)n;

    if (cfg_get_path(c, vm, "kernel", where, &vc->kernel) < 0 ||
        cfg_get_path(c, vm, "initrd", where, &vc->initrd) < 0 ||
        cfg_get_path(c, vm, "dtb", where, &vc->dtb) < 0 ||
        cfg_get_string(c, vm, "append", where, &vc->append) < 0 ||
        cfg_get_string(c, vm, "bios", where, &s) < 0)
        return -1;
    if (vc->append && !(vc->append = cfg_strdup(c, vc->append)))
        return cfg_oom(c);
    vc->bios = NULL;
    if (json_object_get(vm, "bios")) {
        if (!*s)
            return cfg_fail(c, cfg_at_value(c, vm, "bios"),
                            "%s.bios: must be \"builtin\", \"none\", \"default\" or a file name",
                            where);
        if (!strcmp(s, "none") || !strcmp(s, "default"))
            vc->bios = cfg_strdup(c, s);
        else if (strcmp(s, "builtin") != 0)
            vc->bios = cfg_path(c, s);
        if (strcmp(s, "builtin") != 0 && !vc->bios)
            return cfg_oom(c);
    }
    if (!vc->kernel && (!vc->bios || !strcmp(vc->bios, "none")))
        return cfg_fail(c, p, "%s: needs a \"kernel\" (or a firmware in \"bios\")", where);

    if (parse_list(c, vc, vm, "drives", where, parse_drive) < 0 ||
        parse_list(c, vc, vm, "nics", where, parse_nic) < 0)
        return -1;
    bool rng = false;
    if (cfg_get_bool(c, vm, "rng", where, &rng) < 0)
        return -1;
    struct vm_virtio_config rv = {.kind = VM_VIRTIO_RNG, .slot = -1};
    if (rng && add_virtio(c, vc, &rv, cfg_at_value(c, vm, "rng"), where) < 0)
        return -1;
    if (parse_console(c, vm, where, &out->console) < 0 || parse_fb(c, vm, where, vc) < 0)
        return -1;

    struct hv_vm_params *hp = &out->params;
    hp->weight = HV_DEFAULT_WEIGHT;
    if ((r = cfg_get_uint(c, vm, "weight", where, 1, HV_MAX_WEIGHT, &n)) < 0)
        return -1;
    if (r)
        hp->weight = (unsigned)n;
    unsigned max_cap = 100 * (threads ? threads : HV_MAX_THREADS);
    if ((r = cfg_get_uint(c, vm, "cap", where, 0, max_cap, &n)) < 0)
        return -1;
    hp->cap = r ? (unsigned)n : 0;
    if (cfg_get_size(c, vm, "quota", where, 0, CFG_MAX_RAM * 2, &hp->quota) < 0 ||
        cfg_get_size(c, vm, "soft-quota", where, 0, CFG_MAX_RAM * 2, &hp->soft_quota) < 0)
        return -1;
    if (hp->quota && hp->soft_quota > hp->quota)
        return cfg_fail(c, cfg_at_value(c, vm, "soft-quota"),
                        "%s.soft-quota: must not be above \"quota\" (%llu > %llu bytes)", where,
                        (unsigned long long)hp->soft_quota, (unsigned long long)hp->quota);

    if (cfg_get_uint(c, vm, "max-insns", where, 1, INT64_MAX, &vc->max_insns) < 0 ||
        cfg_get_bool(c, vm, "no-reboot", where, &vc->no_reboot) < 0)
        return -1;
    if ((r = cfg_get_string(c, vm, "gdb", where, &vc->gdb)) < 0)
        return -1;
    if (r && strncmp(vc->gdb, "tcp:", 4) != 0)
        return cfg_fail(c, cfg_at_value(c, vm, "gdb"),
                        "%s.gdb: \"%s\" is not tcp:HOST:PORT or tcp::PORT", where, vc->gdb);
    if (r && !(vc->gdb = cfg_strdup(c, vc->gdb)))
        return cfg_oom(c);
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
                return cfg_fail(c, cfg_at_value(c, vj, "name"),
                                "vms[%u].name: \"%s\" is already the name of vms[%u]", i,
                                v->cfg.name, j);
        if (v->console.kind == HV_CONSOLE_STDIO) {
            if (stdio >= 0)
                return cfg_fail(c, cfg_at_value(c, vj, "console"),
                                "vms[%u].console: only one VM can have the terminal (\"stdio\"); "
                                "vms[%d] has it already: use {\"file\": ...} or {\"socket\": ...}",
                                i, stdio);
            stdio = (int)i;
        }
        if (v->console.kind == HV_CONSOLE_FILE || v->console.kind == HV_CONSOLE_SOCKET) {
            const json_t *cj = json_object_get(vj, "console");
            const char *k = v->console.kind == HV_CONSOLE_FILE ? "file" : "socket";
            if (o->monitor && !strcmp(o->monitor, v->console.path))
                return cfg_fail(c, cfg_at_value(c, cj, k),
                                "vms[%u].console.%s: \"%s\" is also the monitor socket", i, k,
                                v->console.path);
            for (unsigned j = 0; j < i; j++)
                if (o->vms[j].console.path && !strcmp(o->vms[j].console.path, v->console.path))
                    return cfg_fail(c, cfg_at_value(c, cj, k),
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
                        cfg_type_name(root));
    if (cfg_check_keys(c, root, top_keys, "config") < 0)
        return -1;
    if ((r = cfg_get_uint(c, root, "threads", "config", 0, HV_MAX_THREADS, &n)) < 0)
        return -1;
    o->threads = r ? (unsigned)n : 0;
    if (cfg_get_bool(c, root, "deterministic", "config", &o->deterministic) < 0 ||
        cfg_get_path(c, root, "monitor", "config", &o->monitor) < 0 ||
        cfg_get_path(c, root, "trace-sched", "config", &o->trace_sched) < 0)
        return -1;
    if (o->monitor && strlen(o->monitor) >= CFG_SOCK_PATH)
        return cfg_fail(c, cfg_at_value(c, root, "monitor"),
                        "config.monitor: a Unix socket path must be shorter than %d bytes (this "
                        "one is %zu after adding the config file's directory)",
                        CFG_SOCK_PATH, strlen(o->monitor));
    const json_t *vms = json_object_get(root, "vms");
    if (!vms)
        return cfg_fail(c, c->pos.root,
                        "config: needs \"vms\": [{\"name\": ..., \"kernel\": ...}]");
    if (!json_is_array(vms))
        return cfg_fail(c, cfg_at_value(c, root, "vms"), "config.vms: must be an array, not %s",
                        cfg_type_name(vms));
    if (json_array_size(vms) == 0 || json_array_size(vms) > HV_CONFIG_MAX_VMS)
        return cfg_fail(c, cfg_at_value(c, root, "vms"), "config.vms: must list 1 to %d VMs",
                        HV_CONFIG_MAX_VMS);
    o->vms = calloc(json_array_size(vms), sizeof(*o->vms));
    if (!o->vms)
        return cfg_oom(c);
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
