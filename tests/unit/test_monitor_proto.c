/*
 * Unit tests for the monitor (hv/monitor.h): the QMP protocol with a fake hv (framing,
 * negotiation, every command, malformed requests, the stream splitter), the server on a
 * real Unix socket (events, several clients, clients that vanish), `rvisor ctl` against
 * it, and the console back ends (chardev_file, chardev_socket).
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, open_memstream */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "devices/chardev.h"
#include "devices/host/chardev_file.h"
#include "devices/host/chardev_socket.h"
#include "ctl/ctl.h"
#include "hv/monitor.h"

/* ---- a fake hv: two VMs, "a" (2 harts) and "b" (1 hart) ---- */

struct fake {
    struct hv_vm_info vm[2];
    struct hv_hart_stats hart[2][2];
    unsigned calls_pause, calls_shutdown;
    unsigned last_weight, last_cap;
    uint64_t last_quota, last_soft;
    char last_file[256];
    hv_event_fn ev;
    void *ev_opaque;
};
static struct fake fk;

static struct fake *F(const struct hv *hv)
{
    return (struct fake *)hv;
}

static unsigned f_count(const struct hv *hv)
{
    return 2;
}

static int f_find(const struct hv *hv, const char *name)
{
    for (int i = 0; i < 2; i++)
        if (!strcmp(F(hv)->vm[i].name, name))
            return i;
    return -1;
}

static int f_query_vm(struct hv *hv, unsigned idx, struct hv_vm_info *out)
{
    if (idx >= 2)
        return -1;
    *out = F(hv)->vm[idx];
    return 0;
}

static int f_query_hart(struct hv *hv, unsigned idx, unsigned h, struct hv_hart_stats *out)
{
    if (idx >= 2 || h >= F(hv)->vm[idx].harts)
        return -1;
    *out = F(hv)->hart[idx][h];
    return 0;
}

static int f_pause(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    F(hv)->calls_pause++;
    if (F(hv)->vm[idx].state == HV_VM_PAUSED) {
        snprintf(err, errlen, "VM '%s' is already paused", F(hv)->vm[idx].name);
        return -1;
    }
    F(hv)->vm[idx].state = HV_VM_PAUSED;
    if (F(hv)->ev)
        F(hv)->ev(F(hv)->ev_opaque, "VM_PAUSED", "{\"vm\": \"a\", \"reason\": \"user\"}");
    return 0;
}

static int f_ok(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    return 0;
}

static int f_fail_silent(struct hv *hv, unsigned idx, char *err, size_t errlen)
{
    return -1; /* no message: the monitor must still say something */
}

static int f_weight(struct hv *hv, unsigned idx, unsigned w, char *err, size_t errlen)
{
    if (w < 1 || w > HV_MAX_WEIGHT) {
        snprintf(err, errlen, "weight must be 1 to %d", HV_MAX_WEIGHT);
        return -1;
    }
    F(hv)->last_weight = w;
    return 0;
}

static int f_cap(struct hv *hv, unsigned idx, unsigned c, char *err, size_t errlen)
{
    F(hv)->last_cap = c;
    return 0;
}

static int f_quota(struct hv *hv, unsigned idx, uint64_t q, uint64_t s, char *err, size_t errlen)
{
    F(hv)->last_quota = q;
    F(hv)->last_soft = s;
    return 0;
}

static int f_screendump(struct hv *hv, unsigned idx, const char *file, char *err, size_t errlen)
{
    snprintf(F(hv)->last_file, sizeof(F(hv)->last_file), "%s", file);
    if (idx == 1) {
        snprintf(err, errlen, "VM 'b' has no framebuffer");
        return -1;
    }
    return 0;
}

static void f_shutdown(struct hv *hv)
{
    F(hv)->calls_shutdown++;
}

static void f_listener(struct hv *hv, hv_event_fn fn, void *opaque)
{
    F(hv)->ev = fn;
    F(hv)->ev_opaque = opaque;
}

static const char *f_vm_state(enum hv_vm_state s)
{
    static const char *const n[] = {"running", "paused", "quota", "stopped"};
    return s <= HV_VM_STOPPED ? n[s] : "?";
}

static const char *f_hart_state(enum hv_hart_state s)
{
    static const char *const n[] = {"runnable", "running", "parked", "off"};
    return s <= HV_HART_OFF ? n[s] : "?";
}

static const struct monitor_hv_ops fops = {
    .vm_count = f_count,
    .vm_find = f_find,
    .query_vm = f_query_vm,
    .query_hart = f_query_hart,
    .vm_pause = f_pause,
    .vm_resume = f_ok,
    .vm_stop = f_ok,
    .vm_reset = f_fail_silent,
    .set_weight = f_weight,
    .set_cap = f_cap,
    .set_quota = f_quota,
    .screendump = f_screendump,
    .shutdown = f_shutdown,
    .set_event_listener = f_listener,
    .vm_state_name = f_vm_state,
    .hart_state_name = f_hart_state,
};

static void fake_init(void)
{
    memset(&fk, 0, sizeof(fk));
    fk.vm[0] = (struct hv_vm_info){.name = "a",
                                   .state = HV_VM_RUNNING,
                                   .harts = 2,
                                   .weight = 256,
                                   .ram_size = 128 << 20,
                                   .quota = 96 << 20,
                                   .committed = 10 << 20,
                                   .peak = 11 << 20,
                                   .insns = 3000000,
                                   .run_ns = 1000000000};
    fk.vm[1] = (struct hv_vm_info){.name = "b",
                                   .state = HV_VM_STOPPED,
                                   .harts = 1,
                                   .weight = 512,
                                   .cap = 50,
                                   .ram_size = 64 << 20,
                                   .insns = 1000000,
                                   .run_ns = 500000000,
                                   .exit = {.kind = VM_EXIT_FAIL, .code = 3}};
    fk.hart[0][0] = (struct hv_hart_stats){.state = HV_HART_RUNNING,
                                           .insns = 2000000,
                                           .slices = 20,
                                           .run_ns = 500000000,
                                           .steal_ns = 1000,
                                           .parks = 4};
    fk.hart[0][1] = (struct hv_hart_stats){
        .state = HV_HART_PARKED, .insns = 1000000, .run_ns = 500000000, .parks = 9};
    fk.hart[1][0] = (struct hv_hart_stats){.state = HV_HART_OFF, .insns = 1000000};
}

/* ---- helpers ---- */

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void set_sun_path(struct sockaddr_un *sa, const char *path)
{
    ck_assert_uint_lt(strlen(path), sizeof(sa->sun_path));
    memcpy(sa->sun_path, path, strlen(path) + 1);
}

static struct qmp_session sess;

static json_t *handle(const char *req)
{
    char *line = qmp_session_handle(&sess, req, strlen(req));
    ck_assert_ptr_nonnull(line);
    size_t n = strlen(line);
    ck_assert_msg(n >= 2 && !strcmp(line + n - 2, "\r\n"), "line end in '%s'", line);
    ck_assert_ptr_null(memchr(line, '\n', n - 1));
    json_error_t je;
    json_t *r = json_loads(line, 0, &je);
    ck_assert_msg(r != NULL, "reply is not JSON: %s", line);
    free(line);
    return r;
}

/* The request must get {"error": {"class": cls, "desc": ...want...}}. */
static void expect_err(const char *req, const char *cls, const char *want)
{
    json_t *r = handle(req);
    json_t *e = json_object_get(r, "error");
    ck_assert_msg(json_is_object(e), "no error for %s", req);
    ck_assert_str_eq(json_string_value(json_object_get(e, "class")), cls);
    const char *desc = json_string_value(json_object_get(e, "desc"));
    ck_assert_msg(desc && strstr(desc, want), "wanted '%s' in '%s' for %s", want, desc, req);
    ck_assert_ptr_null(json_object_get(r, "return"));
    json_decref(r);
}

/* The request must return; the return value is given back (caller frees the reply). */
static json_t *expect_ret(const char *req, json_t **reply)
{
    json_t *r = handle(req);
    json_t *ret = json_object_get(r, "return");
    ck_assert_msg(ret != NULL, "no return for %s: %s", req,
                  json_string_value(json_object_get(json_object_get(r, "error"), "desc")));
    *reply = r;
    return ret;
}

static void negotiated(void)
{
    fake_init();
    sess = (struct qmp_session){.ops = &fops, .hv = (struct hv *)&fk};
    json_t *r;
    expect_ret("{\"execute\": \"qmp_capabilities\"}", &r);
    json_decref(r);
}

/* ---- protocol ---- */

START_TEST(test_greeting)
{
    char *g = qmp_greeting();
    json_t *j = json_loads(g, 0, NULL);
    ck_assert_ptr_nonnull(j);
    json_t *qmp = json_object_get(j, "QMP");
    ck_assert(json_is_object(json_object_get(json_object_get(qmp, "version"), "qemu")));
    ck_assert(json_is_array(json_object_get(qmp, "capabilities")));
    ck_assert_int_eq(json_array_size(json_object_get(qmp, "capabilities")), 0);
    ck_assert_str_eq(g + strlen(g) - 2, "\r\n");
    json_decref(j);
    free(g);
}
END_TEST

START_TEST(test_negotiation)
{
    fake_init();
    sess = (struct qmp_session){.ops = &fops, .hv = (struct hv *)&fk};
    json_t *r;
    expect_err("{\"execute\": \"query-vms\"}", "CommandNotFound",
               "Expecting capabilities negotiation with 'qmp_capabilities'");
    expect_err("{\"execute\": \"no-such\"}", "CommandNotFound", "Expecting capabilities");
    ck_assert(!sess.negotiated);
    expect_err("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}",
               "GenericError", "Capability 'oob' not available");
    json_t *ret = expect_ret("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": "
                             "[]}, \"id\": 1}",
                             &r);
    ck_assert(json_is_object(ret) && json_object_size(ret) == 0);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 1);
    json_decref(r);
    ck_assert(sess.negotiated);
    expect_err("{\"execute\": \"qmp_capabilities\"}", "CommandNotFound",
               "Capabilities negotiation is already complete");
}
END_TEST

START_TEST(test_malformed_requests)
{
    negotiated();
    json_t *r = handle("{\"execute\": ");
    ck_assert_ptr_null(json_object_get(r, "id")); /* as QEMU: no id for a parse error */
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(json_object_get(r, "error"), "desc")),
               "JSON parse error"));
    json_decref(r);
    expect_err("not json", "GenericError", "JSON parse error");
    expect_err("{\"a\":1,\"a\":2}", "GenericError", "JSON parse error");
    expect_err("\"\\ud800\"", "GenericError", "JSON parse error");
    expect_err("[\"execute\"]", "GenericError", "QMP input must be a JSON object");
    expect_err("42", "GenericError", "must be a JSON object");
    expect_err("null", "GenericError", "must be a JSON object");
    expect_err("{}", "GenericError", "QMP input lacks member 'execute'");
    expect_err("{\"execute\": 5}", "GenericError", "member 'execute' must be a string");
    expect_err("{\"execute\": \"query-vms\", \"arguments\": []}", "GenericError",
               "member 'arguments' must be an object");
    expect_err("{\"execute\": \"query-vms\", \"bogus\": 1}", "GenericError",
               "QMP input member 'bogus' is unexpected");
    expect_err("{\"execute\": \"no-such-command\"}", "CommandNotFound",
               "The command no-such-command has not been found");
    expect_err("{\"execute\": \"vm-pause\"}", "GenericError", "Parameter 'vm' is missing");
    expect_err("{\"execute\": \"vm-pause\", \"arguments\": {\"vm\": 1}}", "GenericError",
               "Invalid parameter type for 'vm', expected: string");
    expect_err("{\"execute\": \"vm-pause\", \"arguments\": {\"vm\": \"a\", \"x\": 1}}",
               "GenericError", "Parameter 'x' is unexpected");
    expect_err("{\"execute\": \"vm-pause\", \"arguments\": {\"vm\": \"zz\"}}", "DeviceNotFound",
               "no VM named 'zz'");
    expect_err("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": "
               "\"abc\"}}",
               "GenericError", "Invalid parameter type for 'weight', expected: integer");
    expect_err("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": -1}}",
               "GenericError", "Invalid parameter type for 'weight'");
    expect_err("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": "
               "1099511627776}}",
               "GenericError", "Invalid parameter type for 'weight'");
    expect_err("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": 1.5}}",
               "GenericError", "Invalid parameter type for 'weight'");
    expect_err("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": "
               "\"99999999999999999999999\"}}",
               "GenericError", "Invalid parameter type for 'weight'");
    expect_err("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\"}}", "GenericError",
               "Parameter 'weight' is missing");
    expect_err("{\"execute\": \"set-quota\", \"arguments\": {\"vm\": \"a\", \"quota\": \"12Q\"}}",
               "GenericError", "Invalid parameter type for 'quota', expected: size");
    expect_err("{\"execute\": \"set-quota\", \"arguments\": {\"vm\": \"a\"}}", "GenericError",
               "'quota' or 'soft-quota' is missing");
    expect_err("{\"execute\": \"screendump\", \"arguments\": {\"vm\": \"a\", \"filename\": \"\"}}",
               "GenericError", "must not be empty");
    expect_err("{\"execute\": \"vm-pause\", \"arguments\": {\"vm\": \"a\\u0000b\"}}",
               "GenericError", "JSON parse error");
    /* the id comes back with errors too, whatever its type */
    r = handle("{\"execute\": \"nope\", \"id\": {\"x\": [1, 2]}}");
    ck_assert_int_eq(json_array_size(json_object_get(json_object_get(r, "id"), "x")), 2);
    json_decref(r);
}
END_TEST

START_TEST(test_commands)
{
    json_t *r, *ret;
    negotiated();

    ret = expect_ret("{\"execute\": \"query-commands\", \"id\": \"x\"}", &r);
    ck_assert_str_eq(json_string_value(json_object_get(r, "id")), "x");
    static const char *const want[] = {
        "qmp_capabilities", "query-vms", "query-stats",   "vm-pause",      "vm-resume",
        "vm-stop",          "vm-reset",  "set-weight",    "set-cap",       "set-quota",
        "screendump",       "quit",      "query-version", "query-commands"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        bool found = false;
        for (size_t j = 0; j < json_array_size(ret); j++)
            found |= !strcmp(json_string_value(json_object_get(json_array_get(ret, j), "name")),
                             want[i]);
        ck_assert_msg(found, "query-commands lacks %s", want[i]);
    }
    json_decref(r);

    ret = expect_ret("{\"execute\": \"query-vms\"}", &r);
    ck_assert_int_eq(json_array_size(ret), 2);
    json_t *a = json_array_get(ret, 0), *b = json_array_get(ret, 1);
    ck_assert_str_eq(json_string_value(json_object_get(a, "name")), "a");
    ck_assert_str_eq(json_string_value(json_object_get(a, "state")), "running");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "harts")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "quota")), 96 << 20);
    ck_assert_ptr_null(json_object_get(a, "exit"));
    ck_assert_str_eq(json_string_value(json_object_get(b, "state")), "stopped");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "exit"), "reason")),
                     "fail");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(b, "exit"), "code")), 3);
    json_decref(r);

    ret = expect_ret("{\"execute\": \"query-stats\"}", &r);
    ck_assert_int_eq(json_integer_value(json_object_get(ret, "instructions")), 4000000);
    a = json_array_get(json_object_get(ret, "vms"), 0);
    ck_assert(json_real_value(json_object_get(a, "share")) == 75.0);
    ck_assert(json_real_value(json_object_get(a, "mips")) == 3.0);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "parks")), 13);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "steal-ns")), 1000);
    json_t *h = json_object_get(a, "hart-stats");
    ck_assert_int_eq(json_array_size(h), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(h, 1), "state")), "parked");
    ck_assert(json_real_value(json_object_get(json_array_get(h, 0), "share")) == 50.0);
    ck_assert(json_real_value(json_object_get(json_array_get(h, 0), "mips")) == 4.0);
    json_decref(r);
    ret = expect_ret("{\"execute\": \"query-stats\", \"arguments\": {\"vm\": \"b\"}}", &r);
    ck_assert_int_eq(json_array_size(json_object_get(ret, "vms")), 1);
    ck_assert(json_real_value(json_object_get(json_array_get(json_object_get(ret, "vms"), 0),
                                              "share")) == 25.0);
    json_decref(r);
    expect_err("{\"execute\": \"query-stats\", \"arguments\": {\"vm\": \"c\"}}", "DeviceNotFound",
               "no VM named 'c'");

    expect_ret("{\"execute\": \"vm-pause\", \"arguments\": {\"vm\": \"a\"}}", &r);
    json_decref(r);
    ck_assert_uint_eq(fk.calls_pause, 1);
    expect_err("{\"execute\": \"vm-pause\", \"arguments\": {\"vm\": \"a\"}}", "GenericError",
               "VM 'a' is already paused");
    expect_ret("{\"execute\": \"vm-resume\", \"arguments\": {\"vm\": \"a\"}}", &r);
    json_decref(r);
    expect_ret("{\"execute\": \"vm-stop\", \"arguments\": {\"vm\": \"b\"}}", &r);
    json_decref(r);
    expect_err("{\"execute\": \"vm-reset\", \"arguments\": {\"vm\": \"b\"}}", "GenericError",
               "failed");

    expect_ret("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": 512}}",
               &r);
    json_decref(r);
    ck_assert_uint_eq(fk.last_weight, 512);
    expect_ret("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": \"77\"}}",
               &r);
    json_decref(r);
    ck_assert_uint_eq(fk.last_weight, 77);
    expect_err("{\"execute\": \"set-weight\", \"arguments\": {\"vm\": \"a\", \"weight\": 0}}",
               "GenericError", "weight must be 1 to 10000");
    expect_ret("{\"execute\": \"set-cap\", \"arguments\": {\"vm\": \"b\", \"cap\": 0}}", &r);
    json_decref(r);
    ck_assert_uint_eq(fk.last_cap, 0);

    expect_ret("{\"execute\": \"set-quota\", \"arguments\": {\"vm\": \"a\", \"soft-quota\": "
               "\"64M\"}}",
               &r);
    json_decref(r);
    ck_assert_uint_eq(fk.last_quota, 96 << 20); /* kept */
    ck_assert_uint_eq(fk.last_soft, 64 << 20);
    expect_ret("{\"execute\": \"set-quota\", \"arguments\": {\"vm\": \"a\", \"quota\": 0}}", &r);
    json_decref(r);
    ck_assert_uint_eq(fk.last_quota, 0);

    expect_ret("{\"execute\": \"screendump\", \"arguments\": {\"vm\": \"a\", \"filename\": "
               "\"/tmp/x.png\"}}",
               &r);
    json_decref(r);
    ck_assert_str_eq(fk.last_file, "/tmp/x.png");
    expect_err("{\"execute\": \"screendump\", \"arguments\": {\"vm\": \"b\", \"filename\": "
               "\"y.png\"}}",
               "GenericError", "has no framebuffer");

    ret = expect_ret("{\"execute\": \"query-version\"}", &r);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(ret, "package")), "rvisor"));
    json_decref(r);

    expect_ret("{\"execute\": \"quit\"}", &r);
    json_decref(r);
    ck_assert_uint_eq(fk.calls_shutdown, 1);
    ck_assert(sess.quit);
}
END_TEST

START_TEST(test_events_format)
{
    char *l = qmp_format_event("VM_STOPPED",
                               "{\"vm\": \"a\", \"reason\": \"poweroff\", "
                               "\"code\": 0}",
                               1700000000, 123456);
    json_t *e = json_loads(l, 0, NULL);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(json_string_value(json_object_get(e, "event")), "VM_STOPPED");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "data"), "reason")),
                     "poweroff");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(e, "timestamp"), "microseconds")),
        123456);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(e, "timestamp"), "seconds")),
        1700000000);
    json_decref(e);
    free(l);
    l = qmp_format_event("ODD", "not json {", 1, 2);
    e = json_loads(l, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "data"), "raw")),
                     "not json {");
    json_decref(e);
    free(l);
    l = qmp_format_event("EMPTY", NULL, 1, 2);
    e = json_loads(l, 0, NULL);
    ck_assert(json_is_object(json_object_get(e, "data")));
    json_decref(e);
    free(l);
}
END_TEST

/* ---- the splitter ---- */

static char got[16][256];
static int ngot, ntoolong;

static void collect(void *opaque, const char *msg, size_t len, bool too_long)
{
    if (too_long) {
        ntoolong++;
        return;
    }
    ck_assert_int_lt(ngot, 16);
    snprintf(got[ngot++], sizeof(got[0]), "%.*s", (int)len, msg);
}

static void feed(struct qmp_splitter *sp, const char *s)
{
    ck_assert_int_eq(qmp_splitter_feed(sp, (const uint8_t *)s, strlen(s), collect, NULL), 0);
}

START_TEST(test_splitter)
{
    struct qmp_splitter sp;
    qmp_splitter_init(&sp, 64);
    ngot = ntoolong = 0;
    feed(&sp, "{\"a\": 1}{\"b\": [1, {\"c\": \"}{\"}]}\n\n  {\"d\"");
    ck_assert_int_eq(ngot, 2);
    ck_assert_str_eq(got[0], "{\"a\": 1}");
    ck_assert_str_eq(got[1], "{\"b\": [1, {\"c\": \"}{\"}]}");
    feed(&sp, ": \"\\\"}\"\n}");
    ck_assert_int_eq(ngot, 3);
    ck_assert_str_eq(got[2], "{\"d\": \"\\\"}\"\n}"); /* newlines inside an object are fine */
    feed(&sp, "garbage here\n42\r\n}  \"x\n");
    ck_assert_int_eq(ngot, 7);
    ck_assert_str_eq(got[3], "garbage here\n");
    ck_assert_str_eq(got[4], "42\r\n");
    ck_assert_str_eq(got[5], "}"); /* a stray close ends at once */
    ck_assert_str_eq(got[6], "\"x\n");
    feed(&sp, "{\"s\": \"two\nlines\"}\n");
    ck_assert_str_eq(got[7], "{\"s\": \"two\n"); /* newline in a string: ends, malformed */
    ck_assert_str_eq(got[8], "lines\"}\n");
    ngot = 0;
    /* too long: reported once, the rest of the line dropped, the next line is fine */
    char big[200];
    memset(big, 'x', sizeof(big));
    big[0] = '{';
    big[sizeof(big) - 1] = 0;
    feed(&sp, big);
    feed(&sp, big);
    ck_assert_int_eq(ntoolong, 1);
    ck_assert_int_eq(ngot, 0);
    feed(&sp, "}}}\n{\"ok\": 1}");
    ck_assert_int_eq(ntoolong, 1);
    ck_assert_int_eq(ngot, 1);
    ck_assert_str_eq(got[0], "{\"ok\": 1}");
    qmp_splitter_free(&sp);
}
END_TEST

/* Random bytes through the splitter and the session: errors, never a crash. */
static struct qmp_session fuzz_sess;

static void fuzz_handle(void *opaque, const char *msg, size_t len, bool too_long)
{
    char *l = too_long ? qmp_too_long_reply() : qmp_session_handle(&fuzz_sess, msg, len);
    ck_assert_ptr_nonnull(l);
    json_t *j = json_loads(l, 0, NULL);
    ck_assert_msg(j != NULL, "not JSON: %s", l);
    json_decref(j);
    free(l);
}

START_TEST(test_fuzz)
{
    static const char *const pieces[] = {"{",
                                         "}",
                                         "[",
                                         "]",
                                         "\"",
                                         "\\",
                                         ":",
                                         ",",
                                         "\n",
                                         "execute",
                                         "\"execute\"",
                                         "\"arguments\"",
                                         "\"id\"",
                                         "\"vm\"",
                                         "\"a\"",
                                         "\"set-weight\"",
                                         "\"weight\"",
                                         "\"quota\"",
                                         "\"set-quota\"",
                                         "\"query-stats\"",
                                         "\"qmp_capabilities\"",
                                         "\"screendump\"",
                                         "\"filename\"",
                                         "1",
                                         "-1",
                                         "1e400",
                                         "null",
                                         "true",
                                         "\"\\u0000\"",
                                         "\xff",
                                         "\"12Q\"",
                                         "\"96M\"",
                                         "99999999999999999999"};
    struct qmp_splitter sp;
    fake_init();
    fuzz_sess = (struct qmp_session){.ops = &fops, .hv = (struct hv *)&fk};
    qmp_splitter_init(&sp, 512);
    srand(12345);
    char buf[256];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        int k = 1 + rand() % 12;
        for (int i = 0; i < k; i++) {
            const char *p = pieces[rand() % (sizeof(pieces) / sizeof(pieces[0]))];
            size_t l = strlen(p);
            if (n + l < sizeof(buf)) {
                memcpy(buf + n, p, l);
                n += l;
            }
        }
        if (rand() % 4 == 0)
            buf[rand() % (n ? n : 1)] = (char)(rand() & 0xff);
        ck_assert_int_eq(qmp_splitter_feed(&sp, (const uint8_t *)buf, n, fuzz_handle, NULL), 0);
        if (round % 500 == 0)
            fuzz_sess.negotiated = !fuzz_sess.negotiated;
    }
    qmp_splitter_free(&sp);
}
END_TEST

/* ---- the server on a real socket ---- */

static char sockdir[64], sockpath[128];

static void make_sockdir(void)
{
    snprintf(sockdir, sizeof(sockdir), "/tmp/rvmon-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(sockdir));
    snprintf(sockpath, sizeof(sockpath), "%s/m.sock", sockdir);
}

static int connect_to(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    set_sun_path(&sa, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One line from fd (blocking, with a 5 s limit); NULL at EOF. */
static char *read_line(int fd)
{
    static char line[1 << 16];
    size_t n = 0;
    while (n + 1 < sizeof(line)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ck_assert_int_eq(poll(&p, 1, 5000), 1);
        ssize_t r = recv(fd, line + n, 1, 0);
        if (r <= 0)
            return NULL;
        if (line[n++] == '\n')
            break;
    }
    line[n] = 0;
    return line;
}

static json_t *read_json(int fd)
{
    char *l = read_line(fd);
    ck_assert_ptr_nonnull(l);
    json_t *j = json_loads(l, 0, NULL);
    ck_assert_msg(j != NULL, "not JSON: %s", l);
    return j;
}

static void send_str(int fd, const char *s)
{
    ck_assert_int_eq(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

START_TEST(test_server)
{
    struct monitor *m;
    char err[256];
    make_sockdir();
    fake_init();
    ck_assert_msg(monitor_create_with(&fops, (struct hv *)&fk, sockpath, &m, err, sizeof(err)) == 0,
                  "%s", err);
    ck_assert_ptr_nonnull(fk.ev);

    int a = connect_to(sockpath), b = connect_to(sockpath);
    ck_assert_int_ge(a, 0);
    ck_assert_int_ge(b, 0);
    json_t *j = read_json(a);
    ck_assert_ptr_nonnull(json_object_get(j, "QMP"));
    json_decref(j);
    json_decref(read_json(b));

    /* a negotiates; b does not and so gets no events */
    send_str(a, "{\"execute\": \"qmp_capabilities\", \"id\": 1}\n");
    j = read_json(a);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "id")), 1);
    json_decref(j);
    send_str(b, "{\"execute\": \"query-vms\"}");
    j = read_json(b);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "error"), "class")),
                     "CommandNotFound");
    json_decref(j);

    /* vm-pause makes the fake raise VM_PAUSED from the monitor thread */
    send_str(a, "{\"execute\": \"vm-pause\", \"arguments\": {\"vm\": \"a\"}, \"id\": 2}\r\n");
    json_t *r1 = read_json(a), *r2 = read_json(a);
    json_t *ev = json_object_get(r1, "event") ? r1 : r2, *rep = ev == r1 ? r2 : r1;
    ck_assert_str_eq(json_string_value(json_object_get(ev, "event")), "VM_PAUSED");
    ck_assert(json_is_object(json_object_get(ev, "timestamp")));
    ck_assert_int_eq(json_integer_value(json_object_get(rep, "id")), 2);
    json_decref(r1);
    json_decref(r2);

    /* an event raised on another thread */
    fk.ev(fk.ev_opaque, "QUOTA_HARD", "{\"vm\": \"a\", \"committed\": 1, \"quota\": 1}");
    j = read_json(a);
    ck_assert_str_eq(json_string_value(json_object_get(j, "event")), "QUOTA_HARD");
    json_decref(j);

    /* garbage, a request split over writes, and a huge line */
    send_str(a, "}{not json}\n");
    j = read_json(a);
    ck_assert_ptr_nonnull(json_object_get(j, "error"));
    json_decref(j);
    j = read_json(a);
    ck_assert_ptr_nonnull(json_object_get(j, "error"));
    json_decref(j);
    send_str(a, "{\"execute\": \"query-");
    msleep(20);
    send_str(a, "vms\", \"id\": 3}");
    j = read_json(a);
    ck_assert_int_eq(json_array_size(json_object_get(j, "return")), 2);
    json_decref(j);
    size_t big = MONITOR_MAX_REQUEST + 1000;
    char *huge = malloc(big + 2);
    memset(huge, ' ', big);
    huge[0] = '[';
    huge[big] = '\n';
    huge[big + 1] = 0;
    size_t off = 0;
    while (off < big + 1) {
        ssize_t w = send(a, huge + off, big + 1 - off, MSG_NOSIGNAL);
        ck_assert_int_gt(w, 0);
        off += (size_t)w;
    }
    free(huge);
    j = read_json(a);
    ck_assert_ptr_nonnull(strstr(
        json_string_value(json_object_get(json_object_get(j, "error"), "desc")), "too long"));
    json_decref(j);
    send_str(a, "{\"execute\": \"query-version\", \"id\": 4}\n");
    j = read_json(a);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "id")), 4);
    json_decref(j);

    /* clients vanishing: one mid-request, one with a reply pending */
    send_str(b, "{\"execute\": ");
    close(b);
    int c = connect_to(sockpath);
    send_str(c, "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"query-stats\"}\n");
    close(c);
    msleep(50);

    /* too many clients: the extra one gets an error and is closed */
    int many[MONITOR_MAX_CLIENTS + 1];
    for (int i = 0; i < MONITOR_MAX_CLIENTS; i++)
        many[i] = -1;
    for (int i = 0; i < MONITOR_MAX_CLIENTS - 1; i++) {
        many[i] = connect_to(sockpath);
        json_decref(read_json(many[i]));
    }
    int extra = connect_to(sockpath);
    j = read_json(extra);
    ck_assert_ptr_nonnull(json_object_get(j, "error"));
    json_decref(j);
    ck_assert_ptr_null(read_line(extra));
    close(extra);
    for (int i = 0; i < MONITOR_MAX_CLIENTS - 1; i++)
        close(many[i]);

    /* still alive */
    send_str(a, "{\"execute\": \"query-version\", \"id\": 5}\n");
    j = read_json(a);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "id")), 5);
    json_decref(j);

    /* a second monitor on the same live socket is refused; the file stays */
    struct monitor *m2;
    ck_assert_int_eq(monitor_create_with(&fops, (struct hv *)&fk, sockpath, &m2, err, sizeof(err)),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "another process"));

    /* events queued at the end still reach the client */
    fk.ev(fk.ev_opaque, "VM_STOPPED", "{\"vm\": \"a\", \"reason\": \"quit\", \"code\": 0}");
    monitor_destroy(m);
    ck_assert_ptr_null(fk.ev);
    j = read_json(a);
    ck_assert_str_eq(json_string_value(json_object_get(j, "event")), "VM_STOPPED");
    json_decref(j);
    ck_assert_ptr_null(read_line(a)); /* closed */
    close(a);
    struct stat st;
    ck_assert_int_eq(stat(sockpath, &st), -1); /* the socket file is gone */
    rmdir(sockdir);
}
END_TEST

START_TEST(test_stale_socket_and_bad_paths)
{
    struct monitor *m;
    char err[256];
    make_sockdir();
    fake_init();
    /* a stale socket file (nobody listening) is replaced */
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    set_sun_path(&sa, sockpath);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);
    ck_assert_msg(monitor_create_with(&fops, (struct hv *)&fk, sockpath, &m, err, sizeof(err)) == 0,
                  "%s", err);
    monitor_destroy(m);
    /* a regular file is never replaced */
    FILE *f = fopen(sockpath, "w");
    fclose(f);
    ck_assert_int_eq(monitor_create_with(&fops, (struct hv *)&fk, sockpath, &m, err, sizeof(err)),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "not a socket"));
    unlink(sockpath);
    char longp[200];
    memset(longp, 'x', sizeof(longp));
    longp[0] = '/';
    longp[sizeof(longp) - 1] = 0;
    ck_assert_int_eq(monitor_create_with(&fops, (struct hv *)&fk, longp, &m, err, sizeof(err)), -1);
    ck_assert_int_eq(monitor_create_with(&fops, (struct hv *)&fk, "/nonexistent-dir/m.sock", &m,
                                         err, sizeof(err)),
                     -1);
    rmdir(sockdir);
}
END_TEST

/* ---- rvisor ctl ---- */

static int ctl(const char *a1, const char *a2, const char *a3, const char *a4)
{
    char *argv[8] = {"ctl"};
    int argc = 1;
    const char *args[] = {a1, a2, a3, a4};
    for (int i = 0; i < 4 && args[i]; i++)
        argv[argc++] = (char *)args[i];
    return rvisor_ctl_main(argc, argv);
}

START_TEST(test_ctl_client)
{
    struct monitor *m;
    char err[256];
    make_sockdir();
    fake_init();
    ck_assert_int_eq(monitor_create_with(&fops, (struct hv *)&fk, sockpath, &m, err, sizeof(err)),
                     0);
    ck_assert_int_eq(ctl(sockpath, "query-vms", NULL, NULL), 0);
    ck_assert_int_eq(ctl(sockpath, "query-stats", NULL, NULL), 0);
    ck_assert_int_eq(ctl("--json", sockpath, "query-stats", "vm=a"), 0);
    ck_assert_int_eq(ctl(sockpath, "set-weight", "vm=a", "weight=300"), 0);
    ck_assert_uint_eq(fk.last_weight, 300);
    ck_assert_int_eq(ctl(sockpath, "set-cap", "vm=a", "cap:=25"), 0);
    ck_assert_uint_eq(fk.last_cap, 25);
    ck_assert_int_eq(ctl(sockpath, "set-quota", "vm=a", "quota=1G"), 0);
    ck_assert_uint_eq(fk.last_quota, 1ull << 30);
    ck_assert_int_eq(ctl(sockpath, "vm-pause", "vm=nope", NULL), 1);
    ck_assert_int_eq(ctl(sockpath, "no-such-command", NULL, NULL), 1);
    ck_assert_int_eq(ctl(sockpath, "set-weight", "vm=a", "weight=x"), 1);
    ck_assert_int_eq(ctl(sockpath, "set-cap", "vm=a", "cap:={"), 2);
    ck_assert_int_eq(ctl(sockpath, "set-cap", "novalue", NULL), 2);
    ck_assert_int_eq(ctl(sockpath, NULL, NULL, NULL), 2);
    ck_assert_int_eq(ctl("--bogus", sockpath, "query-vms", NULL), 2);
    ck_assert_int_eq(ctl("--timeout", "0", sockpath, "query-vms"), 2);
    ck_assert_int_eq(ctl("--help", NULL, NULL, NULL), 0);
    ck_assert_int_eq(ctl(sockpath, "help", NULL, NULL), 0);
    ck_assert_int_eq(ctl(sockpath, "events", "x=1", NULL), 2);
    ck_assert_int_eq(ctl("/nonexistent/sock", "query-vms", NULL, NULL), 2);
    monitor_destroy(m);
    ck_assert_int_eq(ctl(sockpath, "query-vms", NULL, NULL), 2);
    rmdir(sockdir);
}
END_TEST

static char *print_to_string(const char *cmd, const char *json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
    ck_assert_ptr_nonnull(j);
    ctl_print_return(f, cmd, (const struct json_t *)j);
    fclose(f);
    json_decref(j);
    return buf;
}

START_TEST(test_ctl_tables)
{
    json_t *r;
    negotiated();
    expect_ret("{\"execute\": \"query-stats\"}", &r);
    char *ret = json_dumps(json_object_get(r, "return"), 0);
    json_decref(r);
    char *out = print_to_string("query-stats", ret);
    free(ret);
    static const char *const want[] = {"VM ",          "STATE",
                                       "INSTRUCTIONS", "SHARE",
                                       "MIPS",         "RUN TIME",
                                       "STEAL TIME",   "PARKS",
                                       "COMMITTED",    "QUOTA",
                                       "PEAK",         "3,000,000",
                                       "75.0%",        "3.0",
                                       "1.00 s",       "96 MiB",
                                       "10 MiB",       "stopped (fail 3)",
                                       "HART",         "a/0",
                                       "a/1",          "b/0",
                                       "parked",       "2,000,000",
                                       "50.0%",        "4.0",
                                       "500.0 ms",     "SHARE: part of all instructions"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ck_assert_msg(strstr(out, want[i]), "no '%s' in:\n%s", want[i], out);
    free(out);

    expect_ret("{\"execute\": \"query-vms\"}", &r);
    ret = json_dumps(json_object_get(r, "return"), 0);
    json_decref(r);
    out = print_to_string("query-vms", ret);
    free(ret);
    ck_assert_msg(strstr(out, "NAME") && strstr(out, "128 MiB") && strstr(out, "50%") &&
                      strstr(out, "running"),
                  "%s", out);
    free(out);

    out = print_to_string("vm-pause", "{}");
    ck_assert_str_eq(out, "");
    free(out);
    out = print_to_string("query-vms", "[]");
    ck_assert_str_eq(out, "no VMs\n");
    free(out);
    out = print_to_string("query-stats", "{\"vms\": [{\"name\": 5, \"hart-stats\": 3}]}");
    ck_assert_ptr_nonnull(strstr(out, "?")); /* odd input: printed, no crash */
    free(out);
    out = print_to_string("something", "[1, 2]");
    ck_assert_ptr_nonnull(strstr(out, "1"));
    free(out);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_t *e = json_loads("{\"timestamp\": {\"seconds\": 0, \"microseconds\": 5}, \"event\": "
                           "\"VM_PAUSED\", \"data\": {\"vm\": \"a\", \"reason\": \"quota\", "
                           "\"n\": 3}}",
                           0, NULL);
    ctl_print_event(f, (const struct json_t *)e);
    fclose(f);
    json_decref(e);
    ck_assert_msg(strstr(buf, ".000005 VM_PAUSED vm=a reason=quota n=3\n"), "%s", buf);
    free(buf);
}
END_TEST

/* ---- console back ends ---- */

START_TEST(test_chardev_file)
{
    char dir[] = "/tmp/rvcf-XXXXXX", path[64], buf[64];
    struct chardev_file *f;
    char err[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/c.log", dir);
    ck_assert_int_eq(chardev_file_open(path, false, &f, err, sizeof(err)), 0);
    chardev_write(chardev_file_chardev(f), (const uint8_t *)"hello ", 6);
    chardev_write(chardev_file_chardev(f), (const uint8_t *)"world\n", 6);
    FILE *r = fopen(path, "r"); /* written through: visible before close */
    ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), r));
    fclose(r);
    ck_assert_str_eq(buf, "hello world\n");
    chardev_file_close(f);
    ck_assert_int_eq(chardev_file_open(path, true, &f, err, sizeof(err)), 0);
    chardev_write(chardev_file_chardev(f), (const uint8_t *)"more\n", 5);
    chardev_file_close(f);
    r = fopen(path, "r");
    ck_assert_int_eq((int)fread(buf, 1, sizeof(buf), r), 17);
    fclose(r);
    ck_assert_int_eq(chardev_file_open(path, false, &f, err, sizeof(err)), 0); /* truncates */
    chardev_file_close(f);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq((int)st.st_size, 0);
    unlink(path);
    ck_assert_int_lt(chardev_file_open(dir, false, &f, err, sizeof(err)), 0); /* a directory */
    ck_assert_ptr_nonnull(strstr(err, dir));
    chardev_file_close(NULL);
    rmdir(dir);
}
END_TEST

/* A guest that takes at most `room` bytes per call. */
static pthread_mutex_t rx_lock = PTHREAD_MUTEX_INITIALIZER;
static char rx_buf[8192];
static size_t rx_len, rx_room;

static size_t rx_fn(void *opaque, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&rx_lock);
    size_t n = len < rx_room ? len : rx_room;
    if (n > sizeof(rx_buf) - rx_len)
        n = sizeof(rx_buf) - rx_len;
    memcpy(rx_buf + rx_len, buf, n);
    rx_len += n;
    pthread_mutex_unlock(&rx_lock);
    return n;
}

static size_t rx_wait(size_t want)
{
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&rx_lock);
        size_t n = rx_len;
        pthread_mutex_unlock(&rx_lock);
        if (n >= want)
            return n;
        msleep(10);
    }
    return rx_len;
}

START_TEST(test_chardev_socket)
{
    struct chardev_socket *s;
    char err[256], buf[128];
    make_sockdir();
    rx_len = 0;
    rx_room = 3;
    ck_assert_msg(chardev_socket_create(sockpath, NULL, NULL, &s, err, sizeof(err)) == 0, "%s",
                  err);
    const struct chardev *cd = chardev_socket_chardev(s);
    chardev_write(cd, (const uint8_t *)"lost", 4); /* nobody connected: dropped */
    ck_assert_uint_eq(chardev_socket_dropped(s), 4);

    int c = connect_to(sockpath);
    ck_assert_int_ge(c, 0);
    for (int i = 0; i < 200 && !chardev_socket_connected(s); i++)
        msleep(5);
    ck_assert(chardev_socket_connected(s));
    int c2 = connect_to(sockpath); /* a second client is told it is busy */
    char *l = read_line(c2);
    ck_assert_ptr_nonnull(l);
    ck_assert_ptr_nonnull(strstr(l, "already has a client"));
    close(c2);

    chardev_write(cd, (const uint8_t *)"out\n", 4);
    l = read_line(c);
    ck_assert_str_eq(l, "out\n");

    /* input waits until rx is set, then goes in 3-byte bites */
    send_str(c, "typed-ahead");
    msleep(30);
    ck_assert_uint_eq(rx_len, 0);
    chardev_socket_set_rx(s, rx_fn, NULL);
    ck_assert_uint_eq(rx_wait(11), 11);
    ck_assert(!memcmp(rx_buf, "typed-ahead", 11));
    /* the guest takes nothing for a while: input is kept, not lost */
    pthread_mutex_lock(&rx_lock);
    rx_room = 0;
    pthread_mutex_unlock(&rx_lock);
    send_str(c, "0123456789");
    msleep(50);
    pthread_mutex_lock(&rx_lock);
    rx_room = 100;
    pthread_mutex_unlock(&rx_lock);
    chardev_socket_kick(s);
    ck_assert_uint_eq(rx_wait(21), 21);
    ck_assert(!memcmp(rx_buf + 11, "0123456789", 10));

    /* a client that does not read: output is queued, then dropped, never blocks */
    static uint8_t chunk[4096];
    memset(chunk, 'z', sizeof(chunk));
    for (int i = 0; i < 200; i++)
        chardev_write(cd, chunk, sizeof(chunk));
    ck_assert_uint_gt(chardev_socket_dropped(s), 4);
    /* the client goes away; a new one can connect */
    close(c);
    for (int i = 0; i < 200 && chardev_socket_connected(s); i++)
        msleep(5);
    ck_assert(!chardev_socket_connected(s));
    chardev_write(cd, (const uint8_t *)"x", 1);
    c = connect_to(sockpath);
    for (int i = 0; i < 200 && !chardev_socket_connected(s); i++)
        msleep(5);
    chardev_write(cd, (const uint8_t *)"again\n", 6);
    l = read_line(c);
    ck_assert_str_eq(l, "again\n");
    snprintf(buf, sizeof(buf), "%s", sockpath);
    chardev_socket_destroy(s);
    ck_assert_ptr_null(read_line(c));
    close(c);
    struct stat st;
    ck_assert_int_eq(stat(buf, &st), -1);
    chardev_socket_destroy(NULL);
    rmdir(sockdir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("monitor_proto");
    TCase *tc = tcase_create("protocol");
    TCase *ts = tcase_create("server");
    TCase *tch = tcase_create("chardev");
    SRunner *sr;
    int failed;

    /* SIGPIPE is left at its default: nothing may depend on ignoring it */
    tcase_add_test(tc, test_greeting);
    tcase_add_test(tc, test_negotiation);
    tcase_add_test(tc, test_malformed_requests);
    tcase_add_test(tc, test_commands);
    tcase_add_test(tc, test_events_format);
    tcase_add_test(tc, test_splitter);
    tcase_add_test(tc, test_fuzz);
    tcase_add_test(tc, test_ctl_tables);
    tcase_set_timeout(tc, 60);
    tcase_add_test(ts, test_server);
    tcase_add_test(ts, test_stale_socket_and_bad_paths);
    tcase_add_test(ts, test_ctl_client);
    tcase_set_timeout(ts, 60);
    tcase_add_test(tch, test_chardev_file);
    tcase_add_test(tch, test_chardev_socket);
    tcase_set_timeout(tch, 60);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, ts);
    suite_add_tcase(s, tch);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
