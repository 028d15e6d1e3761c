/*
 * Grading job files (docs/grading.md): JSON read with jansson, every key checked, paths
 * made relative to the job file's directory, regular expressions compiled (POSIX ERE).
 * Any problem is one line naming the file and the key; nothing here exits.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* strdup */
#endif
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade/grade.h"
#include "rvisor.h"

#define GRADE_MAX_FILE (64u << 20) /* a file added to the initramfs */
#define GRADE_MAX_ITEMS 1000       /* steps, tests, files */

struct ctx {
    const char *file;
    char dir[4096];
    char *err;
    size_t errlen;
};

static int fail(struct ctx *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
    return -1;
}

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Path relative to the job's directory (absolute paths as they are). */
static char *job_path(struct ctx *c, const char *p)
{
    if (p[0] == '/' || !c->dir[0])
        return strdup(p);
    size_t n = strlen(c->dir) + strlen(p) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", c->dir, p);
    return s;
}

static char *roms_path(const char *name)
{
    const char *d = getenv("RVISOR_ROMS_OUT");
    char buf[4096];
    if (d && *d)
        snprintf(buf, sizeof(buf), "%s/%s", d, name);
    else
        snprintf(buf, sizeof(buf), "%s/.cache/rvisor/roms/%s",
                 getenv("HOME") ? getenv("HOME") : ".", name);
    return strdup(buf);
}

/* Only the listed keys are allowed in obj. */
static int check_keys(struct ctx *c, json_t *obj, const char *where, const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        bool ok = false;
        for (unsigned i = 0; keys[i] && !ok; i++)
            ok = !strcmp(k, keys[i]);
        if (!ok)
            return fail(c, "%s: unknown key \"%s\"", where, k);
    }
    return 0;
}

static int get_str(struct ctx *c, json_t *obj, const char *key, const char *where,
                   const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_is_string(v))
        return fail(c, "%s.%s: must be a string", where, key);
    *out = json_string_value(v);
    return 0;
}

static int get_num(struct ctx *c, json_t *obj, const char *key, const char *where, double min,
                   double max, double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_number(v))
        return fail(c, "%s.%s: must be a number", where, key);
    double d = json_number_value(v);
    if (!(d >= min && d <= max))
        return fail(c, "%s.%s: must be between %g and %g", where, key, min, max);
    *out = d;
    return 0;
}

static int get_bool(struct ctx *c, json_t *obj, const char *key, const char *where, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return fail(c, "%s.%s: must be true or false", where, key);
    *out = json_is_true(v);
    return 0;
}

/* "256M", "1G", or a number of bytes. */
static int get_size(struct ctx *c, json_t *obj, const char *key, const char *where,
                    uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        errno = 0;
        unsigned long long n = strtoull(s, &end, 10);
        unsigned shift = 0;
        switch (*end) {
        case 'K': case 'k': shift = 10; end++; break;
        case 'M': case 'm': shift = 20; end++; break;
        case 'G': case 'g': shift = 30; end++; break;
        default: break;
        }
        if (*end == 'i')
            end++;
        if (*end == 'B')
            end++;
        if (end != s && !*end && !errno && n && *s != '-' && (n >> (63 - shift)) == 0) {
            *out = (uint64_t)n << shift;
            return 0;
        }
    }
    return fail(c, "%s.%s: must be a size like \"256M\" or a number of bytes", where, key);
}

static int compile(struct ctx *c, const char *re, regex_t *out, const char *where)
{
    int rc = regcomp(out, re, REG_EXTENDED | REG_NEWLINE);
    if (rc != 0) {
        char msg[200];
        regerror(rc, out, msg, sizeof(msg));
        return fail(c, "%s: bad regular expression \"%s\": %s", where, re, msg);
    }
    return 0;
}

static int read_file(struct ctx *c, const char *path, uint8_t **data, size_t *len,
                     const char *where)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(c, "%s: cannot read %s: %s", where, path, strerror(errno));
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= GRADE_MAX_FILE) {
                free(buf);
                fclose(f);
                return fail(c, "%s: %s is larger than 64 MiB", where, path);
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return fail(c, "%s: cannot read %s", where, path);
    }
    *data = buf;
    *len = n;
    return 0;
}

static int parse_guest(struct ctx *c, json_t *g, struct grade_job *j)
{
    static const char *const keys[] = {"kind", "kernel", "bios", "initrd", "append", "memory",
                                       "harts", "files", "disk", "disk_readonly", NULL};
    const char *kind, *kernel, *bios, *initrd, *append, *disk;
    double harts = 1;
    if (!json_is_object(g))
        return fail(c, "guest: must be an object");
    if (check_keys(c, g, "guest", keys) < 0 || get_str(c, g, "kind", "guest", &kind) < 0 ||
        get_str(c, g, "kernel", "guest", &kernel) < 0 ||
        get_str(c, g, "bios", "guest", &bios) < 0 ||
        get_str(c, g, "initrd", "guest", &initrd) < 0 ||
        get_str(c, g, "append", "guest", &append) < 0 ||
        get_str(c, g, "disk", "guest", &disk) < 0 ||
        get_bool(c, g, "disk_readonly", "guest", &j->disk_readonly) < 0 ||
        get_num(c, g, "harts", "guest", 1, 32, &harts) < 0 ||
        get_size(c, g, "memory", "guest", &j->memory) < 0)
        return -1;
    if (!kind || !strcmp(kind, "baremetal"))
        j->guest = GRADE_BAREMETAL;
    else if (!strcmp(kind, "linux"))
        j->guest = GRADE_LINUX;
    else
        return fail(c, "guest.kind: must be \"baremetal\" or \"linux\" (not \"%s\")", kind);
    j->harts = (unsigned)harts;
    if (j->memory && (j->memory < (1u << 20) || j->memory > (64ull << 30)))
        return fail(c, "guest.memory: must be 1M to 64G");
    if (!j->memory)
        j->memory = j->guest == GRADE_LINUX ? 256ull << 20 : 64ull << 20;
    if (j->guest == GRADE_BAREMETAL) {
        if (!kernel)
            return fail(c, "guest.kernel: a bare-metal job needs the program (an ELF)");
        if (initrd || json_object_get(g, "files"))
            return fail(c, "guest: initrd and files are for \"kind\": \"linux\"");
        j->bios = strdup(bios ? bios : "none");
    } else {
        j->bios = bios ? strdup(bios) : NULL;
        j->append = strdup(append ? append : "console=ttyS0 quiet rvisor.test=1");
    }
    j->kernel = kernel ? job_path(c, kernel) : roms_path("Image");
    if (j->guest == GRADE_LINUX)
        j->initrd = initrd ? job_path(c, initrd) : roms_path("initramfs.cpio.gz");
    if (append && !j->append)
        j->append = strdup(append);
    if (disk)
        j->disk = job_path(c, disk);
    if (!j->kernel || (j->guest == GRADE_LINUX && (!j->initrd || !j->append)) ||
        (!j->bios && bios) || (disk && !j->disk))
        return fail(c, "out of memory");

    json_t *files = json_object_get(g, "files");
    if (!files)
        return 0;
    if (!json_is_array(files) || json_array_size(files) > GRADE_MAX_ITEMS)
        return fail(c, "guest.files: must be an array (at most %d)", GRADE_MAX_ITEMS);
    j->files = calloc(json_array_size(files) + 1, sizeof(*j->files));
    if (!j->files)
        return fail(c, "out of memory");
    for (size_t i = 0; i < json_array_size(files); i++) {
        static const char *const fkeys[] = {"path", "source", "content", "mode", NULL};
        json_t *f = json_array_get(files, i);
        char where[64];
        const char *path, *source, *content, *mode;
        snprintf(where, sizeof(where), "guest.files[%zu]", i);
        if (!json_is_object(f))
            return fail(c, "%s: must be an object", where);
        if (check_keys(c, f, where, fkeys) < 0 || get_str(c, f, "path", where, &path) < 0 ||
            get_str(c, f, "source", where, &source) < 0 ||
            get_str(c, f, "content", where, &content) < 0 ||
            get_str(c, f, "mode", where, &mode) < 0)
            return -1;
        if (!path || path[0] != '/' || strlen(path) > 255 || strstr(path, "/../") ||
            strstr(path, "//"))
            return fail(c, "%s.path: must be an absolute path in the guest (\"/test.sh\")",
                        where);
        if (!!source == !!content)
            return fail(c, "%s: give either \"source\" (a file) or \"content\" (text)", where);
        struct grade_file *gf = &j->files[j->nfiles++];
        gf->mode = 0644;
        if (mode) {
            char *end;
            unsigned long m = strtoul(mode, &end, 8);
            if (end == mode || *end || m > 07777)
                return fail(c, "%s.mode: must be octal, e.g. \"0755\"", where);
            gf->mode = (unsigned)m;
        }
        if (!(gf->path = strdup(path)))
            return fail(c, "out of memory");
        if (content) {
            gf->len = strlen(content);
            if (!(gf->data = malloc(gf->len + 1)))
                return fail(c, "out of memory");
            memcpy(gf->data, content, gf->len);
        } else {
            char *p = job_path(c, source);
            int rc = p ? read_file(c, p, &gf->data, &gf->len, where) : fail(c, "out of memory");
            free(p);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

static int parse_limits(struct ctx *c, json_t *l, struct grade_job *j)
{
    static const char *const keys[] = {"instructions", "wall_seconds", "console_bytes", NULL};
    double insns = 0;
    if (!l)
        return 0;
    if (!json_is_object(l))
        return fail(c, "limits: must be an object");
    if (check_keys(c, l, "limits", keys) < 0 ||
        get_num(c, l, "instructions", "limits", 1, 1e15, &insns) < 0 ||
        get_num(c, l, "wall_seconds", "limits", 0.001, 86400, &j->wall_seconds) < 0 ||
        get_size(c, l, "console_bytes", "limits", &j->console_bytes) < 0)
        return -1;
    if (insns)
        j->max_insns = (uint64_t)insns;
    return 0;
}

static int parse_steps(struct ctx *c, json_t *d, struct grade_job *j)
{
    if (!d)
        return 0;
    if (!json_is_array(d) || json_array_size(d) > GRADE_MAX_ITEMS)
        return fail(c, "dialogue: must be an array (at most %d steps)", GRADE_MAX_ITEMS);
    j->steps = calloc(json_array_size(d) + 1, sizeof(*j->steps));
    if (!j->steps)
        return fail(c, "out of memory");
    for (size_t i = 0; i < json_array_size(d); i++) {
        static const char *const keys[] = {"name", "send", "expect", "timeout", NULL};
        json_t *s = json_array_get(d, i);
        char where[64], dflt[32];
        const char *name, *send, *expect;
        struct grade_step *st = &j->steps[j->nsteps++];
        snprintf(where, sizeof(where), "dialogue[%zu]", i);
        st->timeout = 10;
        if (!json_is_object(s))
            return fail(c, "%s: must be an object", where);
        if (check_keys(c, s, where, keys) < 0 || get_str(c, s, "name", where, &name) < 0 ||
            get_str(c, s, "send", where, &send) < 0 ||
            get_str(c, s, "expect", where, &expect) < 0 ||
            get_num(c, s, "timeout", where, 0.001, 86400, &st->timeout) < 0)
            return -1;
        if (!send && !expect)
            return fail(c, "%s: needs \"send\" or \"expect\" (or both)", where);
        snprintf(dflt, sizeof(dflt), "step %zu", i + 1);
        st->name = strdup(name ? name : dflt);
        if (send) {
            json_t *v = json_object_get(s, "send");
            st->send_len = json_string_length(v);
            st->send = malloc(st->send_len + 1);
            if (st->send)
                memcpy(st->send, send, st->send_len + 1);
        }
        st->expect = dup_str(expect);
        if (!st->name || (send && !st->send) || (expect && !st->expect))
            return fail(c, "out of memory");
        for (size_t k = 0; k + 1 < j->nsteps; k++)
            if (!strcmp(j->steps[k].name, st->name))
                return fail(c, "%s.name: \"%s\" is used twice", where, st->name);
        if (expect) {
            if (compile(c, expect, &st->re, where) < 0)
                return -1;
            st->has_re = true;
        }
    }
    return 0;
}

static int parse_tests(struct ctx *c, json_t *t, struct grade_job *j)
{
    static const char *const kinds[] = {"poweroff", "fail", "fault", "timeout", "insn-limit",
                                        "reset", "stopped", NULL};
    if (!json_is_array(t) || json_array_size(t) == 0 ||
        json_array_size(t) > GRADE_MAX_ITEMS)
        return fail(c, "tests: must be a non-empty array (at most %d tests)", GRADE_MAX_ITEMS);
    j->tests = calloc(json_array_size(t) + 1, sizeof(*j->tests));
    if (!j->tests)
        return fail(c, "out of memory");
    for (size_t i = 0; i < json_array_size(t); i++) {
        static const char *const keys[] = {"name", "points", "output", "not_output", "step",
                                           "exit", "exit_code", "visibility", NULL};
        json_t *o = json_array_get(t, i);
        char where[64];
        const char *name, *out, *notout, *step, *ex, *vis;
        struct grade_test *ts = &j->tests[j->ntests++];
        snprintf(where, sizeof(where), "tests[%zu]", i);
        ts->points = 1;
        ts->step = -1;
        if (!json_is_object(o))
            return fail(c, "%s: must be an object", where);
        if (check_keys(c, o, where, keys) < 0 || get_str(c, o, "name", where, &name) < 0 ||
            get_num(c, o, "points", where, 0, 1e6, &ts->points) < 0 ||
            get_str(c, o, "output", where, &out) < 0 ||
            get_str(c, o, "not_output", where, &notout) < 0 ||
            get_str(c, o, "step", where, &step) < 0 || get_str(c, o, "exit", where, &ex) < 0 ||
            get_str(c, o, "visibility", where, &vis) < 0)
            return -1;
        if (!name)
            return fail(c, "%s: needs a \"name\"", where);
        json_t *code = json_object_get(o, "exit_code");
        if (code) {
            if (!json_is_integer(code))
                return fail(c, "%s.exit_code: must be an integer", where);
            ts->has_code = true;
            ts->code = (long)json_integer_value(code);
        }
        if (!out && !notout && !step && !ex && !code)
            return fail(c, "%s: needs a condition: output, not_output, step, exit or exit_code",
                        where);
        if (vis && strcmp(vis, "visible") && strcmp(vis, "hidden") &&
            strcmp(vis, "after_due_date") && strcmp(vis, "after_published"))
            return fail(c, "%s.visibility: visible, hidden, after_due_date or after_published",
                        where);
        if (ex) {
            bool ok = false;
            for (unsigned k = 0; kinds[k] && !ok; k++)
                ok = !strcmp(ex, kinds[k]);
            if (!ok)
                return fail(c, "%s.exit: one of poweroff, fail, fault, timeout, insn-limit, "
                               "reset, stopped (not \"%s\")", where, ex);
        }
        if (step) {
            for (unsigned k = 0; k < j->nsteps && ts->step < 0; k++)
                if (!strcmp(j->steps[k].name, step))
                    ts->step = (int)k;
            if (ts->step < 0)
                return fail(c, "%s.step: no dialogue step named \"%s\"", where, step);
        }
        ts->name = strdup(name);
        ts->visibility = dup_str(vis);
        ts->output = dup_str(out);
        ts->not_output = dup_str(notout);
        ts->exit_kind = dup_str(ex);
        if (!ts->name || (vis && !ts->visibility) || (out && !ts->output) ||
            (notout && !ts->not_output) || (ex && !ts->exit_kind))
            return fail(c, "out of memory");
        if (out) {
            if (compile(c, out, &ts->re_out, where) < 0)
                return -1;
            ts->has_out = true;
        }
        if (notout) {
            if (compile(c, notout, &ts->re_not, where) < 0)
                return -1;
            ts->has_not = true;
        }
    }
    return 0;
}

/* A message of rvisor_check_netdev without its "-nic: " (the option it would be). */
static const char *nic_msg(const char *msg)
{
    return strncmp(msg, "-nic: ", 6) ? msg : msg + 6;
}

/*
 * "network": false (the default), true (one virtio-net card on user-mode NAT), or
 * {"hostfwd": ["tcp::8080-:80", ...]}: the same with host ports forwarded to the guest.
 * The back end is the -nic string "user[,hostfwd=RULE]..." (struct rvisor_device.netdev),
 * checked here.
 */
static int parse_network(struct ctx *c, json_t *n, struct grade_job *j)
{
    static const char *const keys[] = {"hostfwd", NULL};
    char msg[300];
    if (!n || json_is_false(n))
        return 0;
    j->network = true;
    if (json_is_true(n))
        return (j->netdev = strdup("user")) ? 0 : fail(c, "out of memory");
    if (!json_is_object(n))
        return fail(c, "network: must be true, false or an object like "
                       "{\"hostfwd\": [\"tcp::8080-:80\"]}");
    if (check_keys(c, n, "network", keys) < 0)
        return -1;
    json_t *fwd = json_object_get(n, "hostfwd");
    if (fwd && !json_is_array(fwd))
        return fail(c, "network.hostfwd: must be an array of rules like \"tcp::8080-:80\"");
    size_t len = strlen("user") + 1;
    for (size_t i = 0; fwd && i < json_array_size(fwd); i++) {
        json_t *r = json_array_get(fwd, i);
        const char *rule = json_string_value(r);
        char spec[300];
        if (!json_is_string(r) || !*rule || strchr(rule, ',') || strlen(rule) > 200)
            return fail(c, "network.hostfwd[%zu]: must be a rule like \"tcp::8080-:80\" "
                           "([tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT)", i);
        snprintf(spec, sizeof(spec), "user,hostfwd=%s", rule);
        if (rvisor_check_netdev(spec, true, NULL, 0, msg, sizeof(msg)) < 0)
            return fail(c, "network.hostfwd[%zu]: %s", i, nic_msg(msg));
        len += strlen(",hostfwd=") + strlen(rule);
    }
    if (!(j->netdev = malloc(len)))
        return fail(c, "out of memory");
    strcpy(j->netdev, "user");
    for (size_t i = 0; fwd && i < json_array_size(fwd); i++) {
        strcat(j->netdev, ",hostfwd=");
        strcat(j->netdev, json_string_value(json_array_get(fwd, i)));
    }
    if (rvisor_check_netdev(j->netdev, true, NULL, 0, msg, sizeof(msg)) < 0)
        return fail(c, "network.hostfwd: %s", nic_msg(msg)); /* e.g. too many rules */
    return 0;
}

static int parse(struct ctx *c, json_t *root, struct grade_job *j)
{
    static const char *const keys[] = {"name", "guest", "limits", "deterministic", "dialogue",
                                       "after_dialogue", "tests", "network", NULL};
    const char *name, *after;
    if (!json_is_object(root))
        return fail(c, "the job must be a JSON object");
    if (check_keys(c, root, "job", keys) < 0 || get_str(c, root, "name", "job", &name) < 0 ||
        parse_network(c, json_object_get(root, "network"), j) < 0)
        return -1;
    /* network replies arrive in host time: a networked job cannot repeat exactly */
    j->deterministic = !j->network;
    if (get_bool(c, root, "deterministic", "job", &j->deterministic) < 0 ||
        get_str(c, root, "after_dialogue", "job", &after) < 0)
        return -1;
    if (j->network && j->deterministic)
        return fail(c, "deterministic: a job with a network cannot be deterministic (network "
                       "replies arrive in host time); drop \"deterministic\": true or the "
                       "network");
    if (after && strcmp(after, "wait") && strcmp(after, "stop"))
        return fail(c, "after_dialogue: \"wait\" (run until the guest ends) or \"stop\"");
    j->wait_exit = !after || !strcmp(after, "wait");
    if (!(j->name = strdup(name ? name : c->file)))
        return fail(c, "out of memory");
    if (!json_object_get(root, "guest"))
        return fail(c, "guest: missing (what to run)");
    if (!json_object_get(root, "tests"))
        return fail(c, "tests: missing (what earns points)");
    if (parse_guest(c, json_object_get(root, "guest"), j) < 0 ||
        parse_limits(c, json_object_get(root, "limits"), j) < 0 ||
        parse_steps(c, json_object_get(root, "dialogue"), j) < 0 ||
        parse_tests(c, json_object_get(root, "tests"), j) < 0)
        return -1;
    if (!j->max_insns)
        j->max_insns = j->guest == GRADE_LINUX ? 50000000000ull : 2000000000ull;
    if (!j->wall_seconds)
        j->wall_seconds = j->guest == GRADE_LINUX ? 300 : 60;
    if (!j->console_bytes)
        j->console_bytes = 1u << 20;
    return 0;
}

int grade_job_load(const char *path, struct grade_job *j, char *err, size_t errlen)
{
    struct ctx c = {.file = path, .err = err, .errlen = errlen};
    json_error_t je;
    memset(j, 0, sizeof(*j));
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) < sizeof(c.dir)) {
        memcpy(c.dir, path, (size_t)(slash - path));
        c.dir[slash - path] = 0;
        if (!c.dir[0])
            strcpy(c.dir, "/");
    }
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        return -1;
    }
    int rc = parse(&c, root, j);
    json_decref(root);
    return rc;
}

void grade_job_free(struct grade_job *j)
{
    free(j->name);
    free(j->kernel);
    free(j->initrd);
    free(j->append);
    free(j->bios);
    free(j->disk);
    free(j->netdev);
    for (unsigned i = 0; i < j->nfiles; i++) {
        free(j->files[i].path);
        free(j->files[i].data);
    }
    free(j->files);
    for (unsigned i = 0; i < j->nsteps; i++) {
        free(j->steps[i].name);
        free(j->steps[i].send);
        free(j->steps[i].expect);
        if (j->steps[i].has_re)
            regfree(&j->steps[i].re);
    }
    free(j->steps);
    for (unsigned i = 0; i < j->ntests; i++) {
        struct grade_test *t = &j->tests[i];
        free(t->name);
        free(t->visibility);
        free(t->output);
        free(t->not_output);
        free(t->exit_kind);
        if (t->has_out)
            regfree(&t->re_out);
        if (t->has_not)
            regfree(&t->re_not);
    }
    free(j->tests);
    memset(j, 0, sizeof(*j));
}
